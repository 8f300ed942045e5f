-- The current version of the row a feature id names, for its ETag (no lock: a read). $1 kind,
-- $2 code.
SELECT version FROM parcels WHERE $1 = 'parcels' AND parcel_code = $2
UNION ALL SELECT version FROM buildings WHERE $1 = 'buildings' AND building_no = $2
UNION ALL SELECT version FROM house_units WHERE $1 = 'house_units' AND unit_code = $2

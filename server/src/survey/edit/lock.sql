-- Locks the row a single edit addresses and returns its version. $1 kind, $2 code.
WITH p AS (SELECT version FROM parcels WHERE $1 = 'parcels' AND parcel_code = $2 FOR UPDATE),
     b AS (SELECT version FROM buildings WHERE $1 = 'buildings' AND building_no = $2 FOR UPDATE),
     h AS (SELECT version FROM house_units WHERE $1 = 'house_units' AND unit_code = $2 FOR UPDATE)
SELECT version FROM p UNION ALL SELECT version FROM b UNION ALL SELECT version FROM h

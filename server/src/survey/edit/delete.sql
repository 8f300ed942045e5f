-- Deletes the row a single edit addresses. $1 kind, $2 code. Rows that hang on it (buildings,
-- house units, compensation units) make the database refuse.
WITH p AS (DELETE FROM parcels WHERE $1 = 'parcels' AND parcel_code = $2 RETURNING 1),
     b AS (DELETE FROM buildings WHERE $1 = 'buildings' AND building_no = $2 RETURNING 1),
     h AS (DELETE FROM house_units WHERE $1 = 'house_units' AND unit_code = $2 RETURNING 1)
SELECT (SELECT count(*) FROM p) + (SELECT count(*) FROM b) + (SELECT count(*) FROM h)

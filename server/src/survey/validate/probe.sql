-- Whether the point ($1 x, $2 y) read in EPSG $3 lies in the county: used to find why
-- features land outside it (swapped axes, wrong zone). Errors (PROJ refusing absurd
-- coordinates) are read as "no".
SELECT ST_Intersects(geom, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 4490))
FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1

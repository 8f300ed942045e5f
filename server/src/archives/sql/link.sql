-- The compensation unit of project $3 a photo taken at ($1, $2) belongs to: one whose
-- outline covers the point, else the nearest within $4 metres (distance on the ellipsoid;
-- CGCS2000 and WGS 84 differ by centimetres).
WITH pt AS (SELECT ST_SetSRID(ST_Point($1, $2), 4490) AS g)
SELECT c.id, c.code, ST_Covers(c.geom, pt.g) AS inside,
       ST_Distance(ST_SetSRID(c.geom, 4326)::geography, ST_SetSRID(pt.g, 4326)::geography) AS distance_m
FROM compensation_units c, pt
WHERE c.project_id = $3 AND c.geom && ST_Expand(pt.g, $4 / 80000.0)
  AND ST_DWithin(ST_SetSRID(c.geom, 4326)::geography, ST_SetSRID(pt.g, 4326)::geography, $4)
ORDER BY inside DESC, distance_m, c.code
LIMIT 1

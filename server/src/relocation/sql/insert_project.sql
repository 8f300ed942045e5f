-- A new project (立项) in the county that holds its boundary; $2 is a checked GeoJSON geometry.
INSERT INTO relocation_projects (code, name, county_code, stage, implementing_agency, boundary, budget, created_by)
SELECT $1, $3, a.code, 'setup', $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4490)), $5::numeric / 100, $6
FROM admin_areas a
WHERE a.level = 'county' AND ST_Intersects(a.geom, ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON($2), 4490)))
ORDER BY a.code
LIMIT 1
RETURNING id

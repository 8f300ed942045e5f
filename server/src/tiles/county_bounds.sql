-- The county's extent (EPSG:4490), for TileJSON bounds.
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(geom) AS e FROM admin_areas WHERE level = 'county') x
WHERE e IS NOT NULL

-- The bounds of the county (CRS84 ≈ CGCS2000 longitude/latitude): every feature lies inside it.
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(geom) AS e FROM admin_areas WHERE level = 'county') x
WHERE e IS NOT NULL

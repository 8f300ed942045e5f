-- Whether GeoJSON $1 is a usable area in EPSG:4490: its type, validity and extent.
SELECT ST_GeometryType(g) AS kind, ST_IsValid(g) AS valid, ST_IsEmpty(g) AS empty,
       ST_XMin(g)::float8 AS xmin, ST_YMin(g)::float8 AS ymin, ST_XMax(g)::float8 AS xmax, ST_YMax(g)::float8 AS ymax
FROM (SELECT ST_GeomFromGeoJSON($1) AS g) s

-- The county with its real boundary (GeoJSON, lon/lat, taken as EPSG:4490).
INSERT INTO admin_areas (code, name, level, gk_srid, geom)
VALUES ($1, $2, 'county', $3, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($4), 4490)))

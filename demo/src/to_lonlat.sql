-- Gauss-Krüger points ($1 eastings, $2 northings, SRID $3) to EPSG:4490 lon/lat, in order.
SELECT ST_X(g), ST_Y(g)
FROM (SELECT i, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), $3), 4490) AS g
      FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t (x, y, i)) s
ORDER BY i

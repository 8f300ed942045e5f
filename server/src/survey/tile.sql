-- A vector tile (layer `staged`) of import $1's features at $2/$3/$4, with n, status and code.
WITH b AS (SELECT ST_TileEnvelope($2, $3, $4) AS env)
SELECT coalesce(ST_AsMVT(t, 'staged', 4096, 'geom'), '') FROM (
    SELECT f.n, f.status, f.code, ST_AsMVTGeom(ST_Transform(f.geom, 3857), b.env) AS geom
    FROM import_features f, b
    WHERE f.import_id = $1 AND f.geom && ST_Transform(b.env, 4490)
) t

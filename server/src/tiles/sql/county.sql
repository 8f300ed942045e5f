-- 县 boundary, simplified to the tile's resolution.
SELECT a.id, a.code, a.name,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(a.geom, 3857), t.px), t.env, 4096, 64, true) AS geom
FROM admin_areas a WHERE a.level = 'county' AND a.geom && t.env_4490

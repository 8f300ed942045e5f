-- 乡镇/街道 boundaries, simplified to the tile's resolution (ids 2n), and one label point
-- each (ids 2n+1, label = true), so a town split over tiles is named once.
SELECT a.id * 2 AS id, a.code, a.name, false AS label,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(a.geom, 3857), t.px), t.env, 4096, 64, true) AS geom
FROM admin_areas a WHERE a.level = 'town' AND a.geom && t.env_4490
UNION ALL
SELECT a.id * 2 + 1, a.code, a.name, true,
       ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(a.geom), 3857), t.env, 4096, 64, true)
FROM admin_areas a WHERE a.level = 'town' AND a.geom && t.env_4490

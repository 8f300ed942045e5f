-- 征收项目 boundaries (ids 2n) and label points (ids 2n+1, label = true): for the roles that
-- see relocation data ($4), within their projects ($5).
SELECT r.id * 2 AS id, r.code, r.name, r.stage, false AS label,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(r.boundary, 3857), t.px), t.env, 4096, 64, true) AS geom
FROM relocation_projects r
WHERE $4 AND ($5::bigint[] IS NULL OR r.id = ANY ($5)) AND r.boundary && t.env_4490
UNION ALL
SELECT r.id * 2 + 1, r.code, r.name, r.stage, true,
       ST_AsMVTGeom(ST_Transform(ST_PointOnSurface(r.boundary), 3857), t.env, 4096, 64, true)
FROM relocation_projects r
WHERE $4 AND ($5::bigint[] IS NULL OR r.id = ANY ($5)) AND r.boundary && t.env_4490

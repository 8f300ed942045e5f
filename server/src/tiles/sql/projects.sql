-- 征收项目 boundaries: for the roles that see relocation data ($4), within their projects ($5).
SELECT r.id, r.code, r.name, r.stage,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(r.boundary, 3857), t.px), t.env, 4096, 64, true) AS geom
FROM relocation_projects r
WHERE $4 AND ($5::bigint[] IS NULL OR r.id = ANY ($5)) AND r.boundary && t.env_4490

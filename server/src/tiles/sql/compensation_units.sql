-- 征收补偿单元 with their status: for the roles that see relocation data ($4), within their
-- projects ($5). Owner and amount are in scope for those roles; nobody else gets a feature.
SELECT c.id, c.code, c.unit_code, c.status, r.code AS project_code, o.name AS owner,
       c.total_amount::float8 AS total_amount,
       ST_AsMVTGeom(ST_Transform(c.geom, 3857), t.env, 4096, 64, true) AS geom
FROM compensation_units c
JOIN relocation_projects r ON r.id = c.project_id
LEFT JOIN right_holders o ON o.id = c.owner_id
WHERE $4 AND ($5::bigint[] IS NULL OR c.project_id = ANY ($5)) AND c.geom && t.env_4490

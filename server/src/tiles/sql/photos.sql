-- 现场照片 positions: for the roles that see relocation data ($4), within their projects ($5).
SELECT ph.id, ph.photo_no, ph.taken_at::text AS taken_at, c.code AS compensation_unit, ph.direction_deg,
       ST_AsMVTGeom(ST_Transform(ph.geom, 3857), t.env, 4096, 64, true) AS geom
FROM photos ph LEFT JOIN compensation_units c ON c.id = ph.compensation_unit_id
WHERE $4 AND ($5::bigint[] IS NULL OR ph.project_id = ANY ($5)) AND ph.geom && t.env_4490

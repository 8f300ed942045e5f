-- Photos by project, unit, unmatched, within the caller's scope ($4: null = every project),
-- newest first; with the total.
SELECT ph.photo_no, ph.version, r.code AS project, c.code AS unit, ph.link_method, ph.distance_m::float8 AS distance_m,
       ph.unmatched_reason, ph.kind, ph.taken_at, ST_X(ph.geom) AS lon, ST_Y(ph.geom) AS lat,
       ph.direction_deg::float8 AS direction_deg, ph.caption, ph.sha256, ph.width, ph.height, ph.file_path, ph.warnings,
       count(*) OVER () AS total
FROM photos ph
LEFT JOIN relocation_projects r ON r.id = ph.project_id
LEFT JOIN compensation_units c ON c.id = ph.compensation_unit_id
WHERE ($1::text IS NULL OR r.code = $1)
  AND ($2::text IS NULL OR c.code = $2)
  AND (NOT $3 OR ph.compensation_unit_id IS NULL)
  AND ($4::bigint[] IS NULL OR ph.project_id = ANY($4))
  AND ($7::text IS NULL OR ph.photo_no = $7)
ORDER BY ph.taken_at DESC NULLS LAST, ph.photo_no
LIMIT $5 OFFSET $6

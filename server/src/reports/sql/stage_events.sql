-- 阶段日期: the stage events of the same projects as progress.sql, in the period $3..$4.
SELECT p.code, e.stage, e.happened_on, e.note
FROM project_stage_events e
JOIN relocation_projects p ON p.id = e.project_id
WHERE ($1::bigint[] IS NULL OR p.id = ANY ($1)) AND ($2::bigint IS NULL OR p.id = $2)
  AND ($3::date IS NULL OR e.happened_on >= $3) AND ($4::date IS NULL OR e.happened_on <= $4)
ORDER BY p.code, e.happened_on, e.id

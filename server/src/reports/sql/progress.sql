-- 项目进度: the projects of the caller's scope ($1: project ids, null for all) or project $2,
-- with their dates and their compensation units by status.
SELECT p.code, p.name, p.stage, p.approved_on, p.decision_announced_on, p.signing_starts_on, p.signing_ends_on,
       count(c.id) AS units,
       count(c.id) FILTER (WHERE c.status = 'surveyed') AS surveyed,
       count(c.id) FILTER (WHERE c.status = 'appraised') AS appraised,
       count(c.id) FILTER (WHERE c.status = 'signed') AS signed,
       count(c.id) FILTER (WHERE c.status = 'paid') AS paid,
       count(c.id) FILTER (WHERE c.status = 'demolished') AS demolished
FROM relocation_projects p
LEFT JOIN compensation_units c ON c.project_id = p.id
WHERE ($1::bigint[] IS NULL OR p.id = ANY ($1)) AND ($2::bigint IS NULL OR p.id = $2)
GROUP BY p.id
ORDER BY p.code

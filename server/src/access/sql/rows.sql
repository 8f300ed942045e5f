-- Access requests with their applicant and project: one by id ($1), or filtered by status
-- ($2, null: every status) and applicant ($3, null: everyone), newest first, a page ($4
-- rows from $5).
SELECT r.id, u.username, u.display_name, r.applicant_role, r.kind, r.role, p.code AS project, p.name AS project_name,
       r.reason, r.until, r.status, r.requested_at, r.decided_by, r.decided_at, r.comment, r.version,
       r.user_id, r.project_id
FROM access_requests r
JOIN users u ON u.id = r.user_id
LEFT JOIN relocation_projects p ON p.id = r.project_id
WHERE ($1::bigint IS NULL OR r.id = $1)
  AND ($2::text IS NULL OR r.status = $2)
  AND ($3::bigint IS NULL OR r.user_id = $3)
ORDER BY r.requested_at DESC, r.id DESC
LIMIT $4 OFFSET $5

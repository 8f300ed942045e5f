-- Approvals: $1 one id (null: any), $2 one project id (null: any), $3 one status (null: any),
-- $4 the caller's project scope (null: every project), $5 only those not requested by $5's actor
-- (null: no such filter); newest first, at most 500.
SELECT a.id, a.kind, r.code AS project_code, r.name AS project_name, a.project_id, a.from_stage, a.to_stage,
       c.code AS unit_code, a.note, a.documents, a.status, a.requested_by, a.requested_at, a.decided_by,
       a.decided_at, a.comment,
       pm.id AS payment_id, pm.voucher_no, pm.amount::float8 AS amount, pm.purpose, pm.status AS payment_status,
       pm.paid_on, pm.payee_name, pm.payee_account
FROM approvals a
JOIN relocation_projects r ON r.id = a.project_id
LEFT JOIN compensation_units c ON c.id = a.compensation_unit_id
LEFT JOIN payments pm ON pm.id = a.payment_id
WHERE ($1::bigint IS NULL OR a.id = $1)
  AND ($2::bigint IS NULL OR a.project_id = $2)
  AND ($3::text IS NULL OR a.status = $3)
  AND ($4::bigint[] IS NULL OR a.project_id = ANY ($4))
  AND ($5::text IS NULL OR a.requested_by <> $5)
ORDER BY a.id DESC
LIMIT 500

-- Registration cases ($1 one id, or null; $2 a status, or null for every status), oldest first,
-- with the rights they concern (current rights for an open case; those it cancelled, as
-- recorded, once approved) and those rights' certificates; $3/$4 limit and offset.
SELECT k.id, k.business_no, k.kind, k.status, k.unit_code::text AS unit_code, c.code AS compensation_unit,
       p.code AS project, k.reason, k.demolished_on, k.opened_by, k.opened_at, k.decided_by, k.decided_at,
       k.decision_note, k.version, k.house_unit_id,
       coalesce(r.rights, '{}') AS rights, coalesce(r.certificates, '{}') AS certificates,
       count(*) OVER () AS total
FROM registration_cases k
LEFT JOIN compensation_units c ON c.id = k.compensation_unit_id
LEFT JOIN relocation_projects p ON p.id = c.project_id
LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT r.business_no) AS rights,
           array_agg(DISTINCT ce.number) FILTER (WHERE ce.number IS NOT NULL) AS certificates
    FROM rights r LEFT JOIN certificates ce ON ce.right_id = r.id
    WHERE r.unit_code = k.unit_code
      AND CASE k.status WHEN 'open' THEN r.status = 'current'
                        WHEN 'approved' THEN r.id IN (SELECT x.right_id FROM registration_case_rights x WHERE x.case_id = k.id)
                        ELSE r.status = 'current' END
) r ON true
WHERE ($1::bigint IS NULL OR k.id = $1) AND ($2::text IS NULL OR k.status = $2)
ORDER BY k.opened_at, k.id
LIMIT $3 OFFSET $4

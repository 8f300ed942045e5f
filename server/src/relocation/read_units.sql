SELECT c.id, c.project_id, c.code, c.unit_code::text, c.address, c.status, c.legality,
       h.name AS owner_name, h.id_number AS owner_id_number, h.phone AS owner_phone,
       c.surveyed_area_m2::float8 AS surveyed_area_m2, c.compensation_mode, c.total_amount::float8 AS total_amount,
       coalesce((SELECT sum(amount) FROM payments p WHERE p.compensation_unit_id = c.id AND p.status = 'paid'), 0)::float8 AS paid_amount,
       c.agreement_no, c.agreement_signed_on, c.demolished_on,
       (SELECT payee_account FROM payments p WHERE p.compensation_unit_id = c.id AND p.status = 'paid' ORDER BY paid_on DESC, id DESC LIMIT 1) AS payee_account
FROM compensation_units c
LEFT JOIN right_holders h ON h.id = c.owner_id
WHERE c.project_id = $1 AND ($2::text IS NULL OR c.status = $2) AND c.id > $3
ORDER BY c.id
LIMIT $4

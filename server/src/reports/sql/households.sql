-- 分户补偿明细 of project $1: each compensation unit with its items, total and what was paid.
SELECT c.code, h.name AS owner_name, c.address, c.surveyed_area_m2::float8 AS area, c.legality,
       c.compensation_mode, c.house_value::float8 AS house_value, c.decoration_value::float8 AS decoration_value,
       c.moving_fee::float8 AS moving_fee, c.temp_resettlement_fee::float8 AS temp_fee,
       c.business_loss::float8 AS business_loss, c.reward::float8 AS reward, c.subsidy::float8 AS subsidy,
       c.total_amount::float8 AS total_amount, coalesce(paid.amount, 0)::float8 AS paid,
       c.agreement_no, c.agreement_signed_on, c.status
FROM compensation_units c
LEFT JOIN right_holders h ON h.id = c.owner_id
LEFT JOIN LATERAL (
    SELECT sum(p.amount) AS amount FROM payments p WHERE p.compensation_unit_id = c.id AND p.status = 'paid'
) paid ON true
WHERE c.project_id = $1
ORDER BY c.code

-- The households of project $1 as a notice shows them ($2: with the compensation totals).
SELECT c.code, c.address, o.name AS owner, c.surveyed_area_m2::float8 AS surveyed_area_m2, c.legality,
       c.compensation_mode, CASE WHEN $2 THEN c.total_amount::float8 END AS total_amount
FROM compensation_units c LEFT JOIN right_holders o ON o.id = c.owner_id
WHERE c.project_id = $1 AND (NOT $2 OR c.agreement_no IS NOT NULL OR c.decision_no IS NOT NULL OR c.legality = 'illegal')
ORDER BY c.code

-- The next agreement ($2 = 'agreement_no') or decision number in project $1: one more than the
-- largest number matching $3 (its first group).
SELECT coalesce(max(substring(CASE WHEN $2 = 'agreement_no' THEN agreement_no ELSE decision_no END FROM $3)::bigint), 0) + 1
FROM compensation_units WHERE project_id = $1

-- An approved role request: the role from now on, by the decider ($3); a firm belongs only
-- to appraisers (not requestable), so it goes. A requested last day ($4, Beijing time) ends
-- the account's access after it; none leaves the account's end as it was.
UPDATE users SET role = $2, appraisal_firm_id = NULL, role_granted_at = now(), role_granted_by = $3,
    access_until = coalesce(($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai', access_until)
WHERE id = $1

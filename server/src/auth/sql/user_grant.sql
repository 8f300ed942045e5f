-- A user's whole grant: role and firm ($2, $3), project scope ($4: ids, empty for every
-- project), by whom ($5) and the last day of the access ($6, Beijing time; null: no end).
-- Since-when is kept for what does not change: the role's date moves only with the role, and
-- a project kept keeps its date (its end, if any, is lifted).
WITH u AS (
    UPDATE users SET role = $2, appraisal_firm_id = $3,
        access_until = ($6::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai',
        role_granted_at = CASE WHEN role = $2 THEN role_granted_at ELSE now() END,
        role_granted_by = CASE WHEN role = $2 THEN role_granted_by ELSE $5 END
    WHERE username = $1 RETURNING id
), cleared AS (
    DELETE FROM user_projects WHERE user_id IN (SELECT id FROM u) AND project_id <> ALL ($4::bigint[])
)
INSERT INTO user_projects (user_id, project_id, granted_by) SELECT u.id, p, $5 FROM u, unnest($4::bigint[]) AS p
ON CONFLICT (user_id, project_id) DO UPDATE SET until = NULL

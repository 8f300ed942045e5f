WITH u AS (
    UPDATE users SET role = $2, appraisal_firm_id = $3 WHERE username = $1 RETURNING id
), cleared AS (
    DELETE FROM user_projects WHERE user_id IN (SELECT id FROM u)
)
INSERT INTO user_projects (user_id, project_id) SELECT u.id, p FROM u, unnest($4::bigint[]) AS p

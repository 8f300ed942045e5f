-- Projects visible to a caller: an appraiser's firm's appointed projects; the user's explicit
-- project grants (or an API key's list) narrow any role. Returns one row: the firm's
-- projects (null unless appraiser) and the explicit grants.
SELECT
    CASE WHEN $1 THEN (SELECT coalesce(array_agg(project_id), '{}') FROM project_appraisal_firms WHERE firm_id = $2) END AS firm_projects,
    (SELECT coalesce(array_agg(project_id), '{}') FROM user_projects WHERE user_id = $3) AS granted

-- Projects visible to a caller: an appraiser's firm's appointed projects; the user's explicit
-- project grants (or an API key's list) narrow any role. Returns one row: the firm's
-- projects (null unless appraiser), the explicit grants in force, and whether the user has
-- any grant at all (an ended one narrows without granting).
SELECT
    CASE WHEN $1 THEN (SELECT coalesce(array_agg(project_id), '{}') FROM project_appraisal_firms WHERE firm_id = $2) END AS firm_projects,
    (SELECT coalesce(array_agg(project_id) FILTER (WHERE until IS NULL OR until > now()), '{}')
     FROM user_projects WHERE user_id = $3) AS granted,
    EXISTS (SELECT FROM user_projects WHERE user_id = $3) AS narrowed

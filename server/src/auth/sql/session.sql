-- A session by its token hash, with its user and the user's project scope (see scope.sql):
-- one round trip per authenticated request. An account past its end date (`access_until`)
-- counts as disabled; ended project grants grant nothing but still narrow (`narrowed`).
SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.revoked_at IS NOT NULL AS revoked,
       u.username, u.role, u.appraisal_firm_id, u.disabled OR coalesce(u.access_until <= now(), false) AS disabled,
       CASE WHEN u.role = 'appraiser' THEN
           (SELECT coalesce(array_agg(f.project_id), '{}') FROM project_appraisal_firms f WHERE f.firm_id = u.appraisal_firm_id)
       END AS firm_projects,
       (SELECT coalesce(array_agg(g.project_id) FILTER (WHERE g.until IS NULL OR g.until > now()), '{}')
        FROM user_projects g WHERE g.user_id = u.id) AS granted,
       EXISTS (SELECT FROM user_projects g WHERE g.user_id = u.id) AS narrowed
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1

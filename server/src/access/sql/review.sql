-- 权限复核: every account, then every API key — role, since when and by whom, the end of the
-- access, its state, last use and project grants. $1: only this role (null: all); $2: also
-- disabled, ended and revoked ones.
SELECT * FROM (
    SELECT 'user' AS kind, u.username AS name, u.display_name, u.role, f.name AS firm,
           u.role_granted_at AS role_since, u.role_granted_by, u.access_until AS until,
           CASE WHEN u.disabled THEN 'disabled' WHEN u.access_until <= now() THEN 'ended' ELSE 'active' END AS state,
           u.last_login_at AS last_seen_at,
           coalesce((SELECT jsonb_agg(jsonb_build_object('code', p.code, 'name', p.name, 'since', g.granted_at,
                                                         'granted_by', g.granted_by, 'until', g.until,
                                                         'ended', coalesce(g.until <= now(), false)) ORDER BY p.code)
                     FROM user_projects g JOIN relocation_projects p ON p.id = g.project_id WHERE g.user_id = u.id),
                    '[]') AS projects
    FROM users u LEFT JOIN appraisal_firms f ON f.id = u.appraisal_firm_id
    UNION ALL
    SELECT 'api_key', k.name, NULL, k.role, f.name, k.created_at, NULL, k.expires_at,
           CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= now() THEN 'ended' ELSE 'active' END,
           k.last_used_at,
           coalesce((SELECT jsonb_agg(jsonb_build_object('code', p.code, 'name', p.name, 'since', k.created_at,
                                                         'granted_by', NULL, 'until', k.expires_at,
                                                         'ended', coalesce(k.expires_at <= now(), false)) ORDER BY p.code)
                     FROM relocation_projects p WHERE p.id = ANY (k.project_ids)),
                    '[]')
    FROM api_keys k LEFT JOIN appraisal_firms f ON f.id = k.appraisal_firm_id
) h
WHERE ($1::text IS NULL OR h.role = $1) AND ($2 OR h.state = 'active')
ORDER BY h.kind DESC, h.name

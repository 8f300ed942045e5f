-- A user's state for the audit log (never the password hash).
SELECT jsonb_build_object('username', username, 'display_name', display_name, 'role', role,
       'appraisal_firm_id', appraisal_firm_id, 'disabled', disabled, 'locked_until', locked_until,
       'password_changed_at', password_changed_at, 'access_until', access_until,
       'projects', (SELECT coalesce(jsonb_agg(project_id ORDER BY project_id), '[]') FROM user_projects WHERE user_id = users.id),
       'project_ends', (SELECT jsonb_object_agg(project_id, until) FROM user_projects WHERE user_id = users.id AND until IS NOT NULL))
FROM users WHERE username = $1

SELECT format('%-12s %-10s firm=%s disabled=%s locked=%s projects=%s', u.username, u.role,
       coalesce(f.name, '-'), u.disabled, coalesce(u.locked_until > now(), false),
       coalesce((SELECT string_agg(p.code, ',') FROM user_projects up JOIN relocation_projects p ON p.id = up.project_id WHERE up.user_id = u.id), 'all'))
FROM users u LEFT JOIN appraisal_firms f ON f.id = u.appraisal_firm_id
ORDER BY u.username

SELECT format('%-12s %-10s firm=%s disabled=%s locked=%s until=%s projects=%s', u.username, u.role,
       coalesce(f.name, '-'), u.disabled, coalesce(u.locked_until > now(), false),
       coalesce(to_char((u.access_until AT TIME ZONE 'Asia/Shanghai') - interval '1 day', 'YYYY-MM-DD'), '-'),
       coalesce((SELECT string_agg(p.code || CASE WHEN up.until IS NULL THEN '' ELSE '<' || to_char(up.until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') END, ',' ORDER BY p.code)
                 FROM user_projects up JOIN relocation_projects p ON p.id = up.project_id WHERE up.user_id = u.id), 'all'))
FROM users u LEFT JOIN appraisal_firms f ON f.id = u.appraisal_firm_id
ORDER BY u.username

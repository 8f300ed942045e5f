-- The demo users that still are what the demo made them: the demo county is loaded, the user
-- is enabled and their password was never changed (so the demo password still opens them).
SELECT u.username, u.display_name, u.role
FROM users u
WHERE u.username = ANY ($1) AND NOT u.disabled AND u.password_changed_at = u.created_at
  AND EXISTS (SELECT 1 FROM dataset_info WHERE key = 'demo')
ORDER BY array_position($1, u.username::text)

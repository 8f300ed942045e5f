-- The applicant as the rules see them: role, whether project grants narrow them (any grant,
-- ended ones too), and whether they hold project $2 now.
SELECT u.username, u.role,
       EXISTS (SELECT FROM user_projects g WHERE g.user_id = u.id) AS narrowed,
       EXISTS (SELECT FROM user_projects g WHERE g.user_id = u.id AND g.project_id = $2
               AND (g.until IS NULL OR g.until > now())) AS holds_project
FROM users u WHERE u.id = $1

-- An approved project request: the project from now on, by the decider ($3), until the end
-- of the requested last day ($4, Beijing time; null: until revoked). A grant that had ended
-- is renewed.
INSERT INTO user_projects (user_id, project_id, granted_by, until)
VALUES ($1, $2, $3, ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
ON CONFLICT (user_id, project_id) DO UPDATE
SET granted_at = now(), granted_by = EXCLUDED.granted_by, until = EXCLUDED.until

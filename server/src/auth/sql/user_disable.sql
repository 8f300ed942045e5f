WITH u AS (UPDATE users SET disabled = true WHERE username = $1 RETURNING id)
UPDATE sessions SET revoked_at = now() WHERE user_id IN (SELECT id FROM u) AND revoked_at IS NULL

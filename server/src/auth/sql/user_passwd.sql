-- A new password (also unlocks): every session of the user ends with the old password.
WITH u AS (
    UPDATE users SET password_hash = $2, password_changed_at = now(), failed_logins = 0, locked_until = NULL
    WHERE username = $1 RETURNING id
)
UPDATE sessions SET revoked_at = now() WHERE user_id IN (SELECT id FROM u) AND revoked_at IS NULL

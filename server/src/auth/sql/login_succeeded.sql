-- A right password: the session, unless a concurrent attempt locked the account meanwhile
-- (then no row: the login is refused like a wrong password).
WITH u AS (
    UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now()
    WHERE id = $1 AND NOT disabled AND NOT coalesce(locked_until > now(), false)
    RETURNING id, role, appraisal_firm_id
), s AS (
    INSERT INTO sessions (token_hash, user_id, csrf_token, client_addr, expires_at)
    SELECT $2, id, $3, $4, $5 FROM u RETURNING id
)
SELECT u.role, u.appraisal_firm_id, s.id FROM u, s

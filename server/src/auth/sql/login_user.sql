SELECT id, display_name, password_hash, disabled, coalesce(locked_until > now(), false) AS locked
FROM users WHERE username = $1

-- Counts a login attempt of a known user before its password is checked, in one statement
-- (the row lock orders concurrent attempts, so parallel guesses cannot all read "unlocked"):
-- failed_logins counts attempts since the last success; an expired lock starts the count
-- again; an attempt past the $2-th is refused and locks the account for $3 minutes. A lock
-- that is already on is not extended.
UPDATE users SET
    failed_logins = CASE WHEN locked_until <= now() THEN 1 ELSE failed_logins + 1 END,
    locked_until = CASE
        WHEN locked_until <= now() THEN NULL
        WHEN locked_until IS NULL AND failed_logins + 1 > $2 THEN now() + make_interval(mins => $3)
        ELSE locked_until
    END
WHERE username = $1
RETURNING id, display_name, password_hash, disabled, coalesce(access_until <= now(), false) AS ended, coalesce(locked_until > now(), false) AS locked

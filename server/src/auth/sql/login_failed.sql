-- Counts a failed login of a known user; the $2-th failure locks the account for $3 minutes.
-- Failures while locked do not extend the lock.
UPDATE users
SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
    locked_until  = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
WHERE username = $1 AND (locked_until IS NULL OR locked_until <= now())

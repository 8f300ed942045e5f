-- A wrong password (the attempt was counted already): the $2-th failure since the last
-- success locks the account for $3 minutes; failures while locked do not extend the lock.
UPDATE users SET locked_until = now() + make_interval(mins => $3)
WHERE id = $1 AND failed_logins >= $2 AND (locked_until IS NULL OR locked_until <= now())

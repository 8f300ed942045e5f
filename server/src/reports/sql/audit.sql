-- 审计摘录: the audit log from $1 to $2 (exclusive), oldest first, at most $3 rows.
SELECT id, at, actor, role, action, target, outcome, client_addr, encode(hash, 'hex') AS hash
FROM audit_log
WHERE at >= $1 AND at < $2
ORDER BY id
LIMIT $3

-- The last row of the prunable prefix: rows before the first row inside the retention.
SELECT id, hash FROM audit_log
WHERE id < coalesce((SELECT min(id) FROM audit_log WHERE at >= now() - $1::interval), (SELECT max(id) + 1 FROM audit_log))
ORDER BY id DESC LIMIT 1

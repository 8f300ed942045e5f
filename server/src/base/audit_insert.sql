INSERT INTO audit_log (id, at, actor, role, action, target, outcome, request_id, client_addr, before, after, details, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)

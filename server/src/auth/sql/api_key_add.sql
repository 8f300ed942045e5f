INSERT INTO api_keys (name, key_prefix, key_hash, role, appraisal_firm_id, project_ids, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7) END)
ON CONFLICT (name) DO NOTHING

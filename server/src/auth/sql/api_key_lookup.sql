SELECT id, name, role, appraisal_firm_id, project_ids,
       coalesce(expires_at < now(), false) AS expired, revoked_at IS NOT NULL AS revoked
FROM api_keys WHERE key_hash = $1

SELECT s.id, s.user_id, s.csrf_token, s.expires_at, s.revoked_at IS NOT NULL AS revoked,
       u.username, u.role, u.appraisal_firm_id, u.disabled
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1

-- Closes a pending request: $2 approved/rejected/withdrawn, by $3 (null when withdrawn),
-- with the decider's comment $4; when (decided_at).
UPDATE access_requests SET status = $2, decided_by = $3, decided_at = now(), comment = $4
WHERE id = $1 AND status = 'pending'

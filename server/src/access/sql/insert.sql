-- A new request; its id. A second pending request for the same thing violates
-- access_requests_one_pending (the caller answers 409).
INSERT INTO access_requests (user_id, applicant_role, kind, role, project_id, reason, until)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id

-- How many requests rows.sql's filter ($1 status, $2 applicant) matches.
SELECT count(*) FROM access_requests
WHERE ($1::text IS NULL OR status = $1) AND ($2::bigint IS NULL OR user_id = $2)

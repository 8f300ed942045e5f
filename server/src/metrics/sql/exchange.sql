-- Per push target: messages not yet accepted, and how long the oldest of them has waited.
SELECT p.target,
       (SELECT count(*) FROM exchange_messages m WHERE m.id > p.delivered_id) AS undelivered,
       coalesce(extract(epoch FROM now() - (SELECT min(m.created_at) FROM exchange_messages m WHERE m.id > p.delivered_id)), 0)::float8 AS lag_seconds
FROM exchange_push p
ORDER BY p.target

-- Stages the attribute and code findings of a batch (import $1).
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en)
SELECT $1, t.n, t.code, t.severity, t.zh, t.en
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(n, code, severity, zh, en)

-- The issues of an import ($1), errors first, at most 1,000.
SELECT n, code, severity, message_zh, message_en, ST_X(location) AS lon, ST_Y(location) AS lat
FROM import_issues WHERE import_id = $1
ORDER BY severity = 'warning', n, code LIMIT 1000

-- The counts of an import ($1).
SELECT count(*) AS features,
       count(*) FILTER (WHERE status = 'new') AS new,
       count(*) FILTER (WHERE status = 'changed') AS changed,
       count(*) FILTER (WHERE status = 'unchanged') AS unchanged,
       count(*) FILTER (WHERE status = 'conflict') AS conflicts,
       (SELECT count(DISTINCT n) FROM import_issues WHERE import_id = $1 AND severity = 'error') AS errors,
       (SELECT count(DISTINCT n) FROM import_issues WHERE import_id = $1 AND severity = 'warning') AS warnings
FROM import_features WHERE import_id = $1

-- Background jobs by kind and state.
SELECT 'import' AS kind, status, count(*) AS n FROM imports GROUP BY status
UNION ALL
SELECT 'export', status, count(*) FROM exports GROUP BY status

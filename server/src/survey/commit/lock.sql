-- Locks the rows a commit replaces and lists the features whose row changed (or went away)
-- since validation. $1 import, $2 kind. Each lock goes through the primary key, whatever the
-- planner guesses of the staged rows.
WITH lp AS (
    SELECT f.n, f.code, f.target_version, p.version FROM import_features f JOIN parcels p ON p.id = f.target_id
    WHERE $2 = 'parcels' AND f.import_id = $1 AND f.status = 'changed' FOR UPDATE OF p
), lb AS (
    SELECT f.n, f.code, f.target_version, b.version FROM import_features f JOIN buildings b ON b.id = f.target_id
    WHERE $2 = 'buildings' AND f.import_id = $1 AND f.status = 'changed' FOR UPDATE OF b
), lh AS (
    SELECT f.n, f.code, f.target_version, h.version FROM import_features f JOIN house_units h ON h.id = f.target_id
    WHERE $2 = 'house_units' AND f.import_id = $1 AND f.status = 'changed' FOR UPDATE OF h
), locked AS (
    SELECT * FROM lp UNION ALL SELECT * FROM lb UNION ALL SELECT * FROM lh
)
SELECT n, code FROM (
    SELECT n, code FROM locked WHERE version <> target_version
    UNION ALL
    SELECT f.n, f.code FROM import_features f
    WHERE f.import_id = $1 AND f.status = 'changed' AND f.n NOT IN (SELECT n FROM locked)
) stale ORDER BY n LIMIT 20

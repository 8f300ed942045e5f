-- Locks the rows a commit replaces and counts those changed since validation. $1 import, $2 kind.
WITH locked AS (
    SELECT p.id, p.version FROM parcels p
    WHERE $2 = 'parcels' AND p.id IN (SELECT target_id FROM import_features WHERE import_id = $1 AND status = 'changed')
    FOR UPDATE
), locked_b AS (
    SELECT b.id, b.version FROM buildings b
    WHERE $2 = 'buildings' AND b.id IN (SELECT target_id FROM import_features WHERE import_id = $1 AND status = 'changed')
    FOR UPDATE
), locked_h AS (
    SELECT h.id, h.version FROM house_units h
    WHERE $2 = 'house_units' AND h.id IN (SELECT target_id FROM import_features WHERE import_id = $1 AND status = 'changed')
    FOR UPDATE
), now_rows AS (
    SELECT * FROM locked UNION ALL SELECT * FROM locked_b UNION ALL SELECT * FROM locked_h
)
SELECT f.n, f.code FROM import_features f LEFT JOIN now_rows r ON r.id = f.target_id
WHERE f.import_id = $1 AND f.status = 'changed' AND (r.id IS NULL OR r.version <> f.target_version)
ORDER BY f.n LIMIT 20

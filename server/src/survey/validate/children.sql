-- Buildings belong to a parcel, house units to a building: found by the declared parent code,
-- else by position; the child must lie inside (beyond $3 m² outside is an error).
-- $1 import, $2 kind ('buildings' or 'house_units'), $3 tolerance m². The lookups go to the
-- tables themselves so that their indexes serve.
WITH county AS MATERIALIZED (
    SELECT gk_srid AS gk FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1
), found AS (
    UPDATE import_features f SET parent_id = coalesce(
        CASE WHEN $2 = 'buildings' THEN (SELECT p.id FROM parcels p WHERE p.parcel_code = f.parent_code)
             ELSE (SELECT b.id FROM buildings b WHERE b.building_no = f.parent_code) END,
        CASE WHEN f.parent_code IS NULL AND ST_IsValid(f.geom) THEN
            CASE WHEN $2 = 'buildings' THEN
                (SELECT p.id FROM parcels p WHERE ST_Intersects(p.geom, ST_PointOnSurface(f.geom)) ORDER BY ST_Area(p.geom) LIMIT 1)
            ELSE
                (SELECT b.id FROM buildings b WHERE ST_Intersects(b.geom, ST_PointOnSurface(f.geom)) ORDER BY ST_Area(b.geom) LIMIT 1)
            END END)
    WHERE f.import_id = $1 AND GeometryType(f.geom) IN ('POLYGON', 'MULTIPOLYGON')
    RETURNING f.n, f.parent_id, f.parent_code, f.geom
), outside AS (
    SELECT f.n, p.parcel_code::text AS code, ST_Difference(f.geom, p.geom) AS d
    FROM found f JOIN parcels p ON $2 = 'buildings' AND p.id = f.parent_id
    WHERE ST_IsValid(f.geom) AND NOT ST_CoveredBy(f.geom, p.geom)
    UNION ALL
    SELECT f.n, b.building_no::text, ST_Difference(f.geom, b.geom)
    FROM found f JOIN buildings b ON $2 = 'house_units' AND b.id = f.parent_id
    WHERE ST_IsValid(f.geom) AND NOT ST_CoveredBy(f.geom, b.geom)
), measured AS (
    SELECT o.n, o.code, ST_Area(ST_Transform(o.d, c.gk)) AS area, ST_PointOnSurface(o.d) AS at
    FROM outside o CROSS JOIN county c
)
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en, location)
SELECT $1, n, 'parent_missing' AS code, 'error',
       CASE WHEN parent_code IS NOT NULL THEN format('找不到%s %s', CASE $2 WHEN 'buildings' THEN '宗地' ELSE '自然幢' END, parent_code)
            ELSE format('所在位置没有%s', CASE $2 WHEN 'buildings' THEN '宗地' ELSE '自然幢' END) END,
       CASE WHEN parent_code IS NOT NULL THEN format('no %s %s', CASE $2 WHEN 'buildings' THEN 'parcel' ELSE 'building' END, parent_code)
            ELSE format('no %s where the feature lies', CASE $2 WHEN 'buildings' THEN 'parcel' ELSE 'building' END) END,
       ST_PointOnSurface(geom)
FROM found WHERE parent_id IS NULL
UNION ALL
SELECT $1, n, CASE $2 WHEN 'buildings' THEN 'building_outside_parcel' ELSE 'house_unit_outside_building' END AS code, 'error',
       format('有 %s m² 超出%s %s', round(area::numeric, 2), CASE $2 WHEN 'buildings' THEN '宗地' ELSE '自然幢' END, code),
       format('%s m² lie outside %s %s', round(area::numeric, 2), CASE $2 WHEN 'buildings' THEN 'parcel' ELSE 'building' END, code), at
FROM measured WHERE area > $3

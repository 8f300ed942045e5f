-- Buildings belong to a parcel, house units to a building: found by the declared parent code,
-- else by position; the child must lie inside (beyond $3 m² outside is an error).
-- $1 import, $2 kind ('buildings' or 'house_units'), $3 tolerance m².
WITH county AS (
    SELECT gk_srid AS gk FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1
), parents AS (
    SELECT id, parcel_code::text AS code, geom FROM parcels WHERE $2 = 'buildings'
    UNION ALL SELECT id, building_no::text, geom FROM buildings WHERE $2 = 'house_units'
), found AS (
    UPDATE import_features f SET parent_id = coalesce(
        (SELECT p.id FROM parents p WHERE p.code = f.parent_code),
        CASE WHEN f.parent_code IS NULL AND ST_IsValid(f.geom) THEN
            (SELECT p.id FROM parents p WHERE ST_Intersects(p.geom, ST_PointOnSurface(f.geom))
             ORDER BY ST_Area(p.geom) LIMIT 1) END)
    WHERE f.import_id = $1 AND GeometryType(f.geom) IN ('POLYGON', 'MULTIPOLYGON')
    RETURNING f.n, f.parent_id, f.parent_code, f.geom
), outside AS (
    SELECT f.n, p.code, ST_Area(ST_Transform(ST_Difference(f.geom, p.geom), c.gk)) AS area,
           ST_PointOnSurface(ST_Difference(f.geom, p.geom)) AS at
    FROM found f JOIN parents p ON p.id = f.parent_id CROSS JOIN county c
    WHERE ST_IsValid(f.geom) AND NOT ST_CoveredBy(f.geom, p.geom)
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
FROM outside WHERE area > $3

-- Geometry rules for every kind. $1 import; $2 the likely cause of features outside the
-- county (Chinese / English), found by probing the coordinates.
WITH county AS (
    SELECT geom FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1
), f AS (
    SELECT n, geom, GeometryType(geom) AS gtype FROM import_features WHERE import_id = $1
)
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en, location)
SELECT $1, n, 'geometry_missing' AS code, 'error', '要素没有图形', 'the feature has no geometry', NULL::geometry
FROM f WHERE geom IS NULL OR ST_IsEmpty(geom)
UNION ALL
SELECT $1, n, 'geometry_type' AS code, 'error', format('图形类型为 %s,应为面', gtype),
       format('the geometry is a %s, not a polygon', gtype), ST_PointOnSurface(geom)
FROM f WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom) AND gtype NOT IN ('POLYGON', 'MULTIPOLYGON')
UNION ALL
SELECT $1, n, 'geometry_invalid' AS code, 'error', '图形无效:' || d.reason, 'invalid geometry: ' || d.reason,
       ST_SetSRID(d.location, 4490)
FROM f, LATERAL ST_IsValidDetail(f.geom) d
WHERE f.gtype IN ('POLYGON', 'MULTIPOLYGON') AND NOT d.valid
UNION ALL
SELECT $1, n, 'outside_county' AS code, 'error', '要素不在本县范围内' || $2, 'the feature lies outside the county' || $3,
       ST_PointOnSurface(f.geom)
FROM f, county c
WHERE f.gtype IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(f.geom) AND NOT ST_Intersects(f.geom, c.geom)

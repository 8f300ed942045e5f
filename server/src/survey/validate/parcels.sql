-- Rules of parcels (and the overlap rules of buildings). $1 import, $2 kind ('parcels' or
-- 'buildings'), $3 overlap tolerance m², $4 gap tolerance m, $5 numeric noise m² (overlaps below it
-- come from reprojecting shared edges and are not reported). Areas in the county's
-- Gauss-Krüger zone. Only valid polygons are compared (the others already have an error).
WITH county AS (
    SELECT gk_srid AS gk FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1
), f AS (
    SELECT i.n, i.geom, i.code, i.target_id, i.props FROM import_features i
    WHERE i.import_id = $1 AND GeometryType(i.geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(i.geom)
), replaced AS (
    SELECT target_id FROM import_features WHERE import_id = $1 AND target_id IS NOT NULL
), existing AS (
    SELECT id, parcel_code::text AS code, geom FROM parcels WHERE $2 = 'parcels'
    UNION ALL SELECT id, building_no::text, geom FROM buildings WHERE $2 = 'buildings'
), touching_existing AS (
    SELECT f.n, e.code, ST_Area(ST_Transform(ST_Intersection(f.geom, e.geom), c.gk)) AS area,
           ST_PointOnSurface(ST_Intersection(f.geom, e.geom)) AS at
    FROM f CROSS JOIN county c JOIN existing e ON e.geom && f.geom AND ST_Relate(f.geom, e.geom, '2********')
    WHERE e.id IS DISTINCT FROM f.target_id AND e.id NOT IN (SELECT target_id FROM replaced)
), touching_in_file AS (
    SELECT a.n, b.n AS other, ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), c.gk)) AS area,
           ST_PointOnSurface(ST_Intersection(a.geom, b.geom)) AS at
    FROM f a CROSS JOIN county c JOIN f b ON a.n <> b.n AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
), gaps AS (
    SELECT f.n, e.code, ST_ClosestPoint(f.geom, e.geom) AS at
    FROM f CROSS JOIN county c
    JOIN existing e ON ST_DWithin(f.geom, e.geom, $4 / 90000.0) AND NOT ST_Intersects(f.geom, e.geom)
    WHERE e.id NOT IN (SELECT target_id FROM replaced)
      AND ST_DWithin(ST_Transform(f.geom, c.gk), ST_Transform(e.geom, c.gk), $4)
      AND ST_Distance(ST_Transform(f.geom, c.gk), ST_Transform(e.geom, c.gk)) > 0.001
), areas AS (
    SELECT f.n, (f.props->>'registered_area_m2')::float8 AS declared,
           county_area_m2(coalesce(f.code, (SELECT code FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1)), f.geom) AS computed,
           ST_PointOnSurface(f.geom) AS at
    FROM f WHERE $2 = 'parcels' AND (f.props->>'registered_area_m2')::float8 > 0
), placed AS (
    SELECT f.n, f.code, s.code AS sub, ST_PointOnSurface(f.geom) AS at
    FROM f LEFT JOIN cadastral_subdistricts s ON ST_Intersects(s.geom, ST_PointOnSurface(f.geom))
    WHERE $2 = 'parcels'
), dups AS (
    SELECT i.n, i.code, count(*) OVER (PARTITION BY i.code) AS k, min(i.n) OVER (PARTITION BY i.code) AS first
    FROM import_features i WHERE i.import_id = $1 AND i.code IS NOT NULL
)
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en, location)
SELECT $1, n, 'overlap_existing' AS code, 'error',
       format('与现有要素 %s 重叠 %s m²', code, round(area::numeric, 2)),
       format('overlaps existing %s by %s m²', code, round(area::numeric, 2)), at
FROM touching_existing WHERE area > $3
UNION ALL
SELECT $1, n, 'sliver' AS code, 'warning',
       format('与现有要素 %s 有 %s m² 的细小重叠', code, round(area::numeric, 4)),
       format('sliver of %s m² shared with existing %s', round(area::numeric, 4), code), at
FROM touching_existing WHERE area <= $3 AND area > $5
UNION ALL
SELECT $1, n, 'overlap_in_file' AS code, 'error',
       format('与文件中第 %s 个要素重叠 %s m²', other, round(area::numeric, 2)),
       format('overlaps feature %s of the file by %s m²', other, round(area::numeric, 2)), at
FROM touching_in_file WHERE area > $3
UNION ALL
SELECT $1, n, 'sliver' AS code, 'warning',
       format('与文件中第 %s 个要素有 %s m² 的细小重叠', other, round(area::numeric, 4)),
       format('sliver of %s m² shared with feature %s of the file', round(area::numeric, 4), other), at
FROM touching_in_file WHERE area <= $3 AND area > $5
UNION ALL
SELECT DISTINCT ON (n) $1, n, 'gap' AS code, 'warning',
       format('与现有要素 %s 之间有小于 %s m 的缝隙', code, $4), format('gap narrower than %s m to existing %s', $4, code), at
FROM gaps
UNION ALL
SELECT $1, n, CASE WHEN abs(declared - computed) > 0.05 * computed THEN 'area_mismatch' ELSE 'area_mismatch_minor' END AS code,
       CASE WHEN abs(declared - computed) > 0.05 * computed THEN 'error' ELSE 'warning' END,
       format('登记面积 %s m² 与图形面积 %s m² 相差 %s%%', round(declared::numeric, 2), round(computed::numeric, 2),
              round((100 * abs(declared - computed) / computed)::numeric, 1)),
       format('declared area %s m² differs from the computed %s m² by %s %%', round(declared::numeric, 2),
              round(computed::numeric, 2), round((100 * abs(declared - computed) / computed)::numeric, 1)), at
FROM areas WHERE computed > 0 AND abs(declared - computed) > 0.01 * computed
UNION ALL
SELECT $1, n, 'code_subdistrict' AS code, 'error',
       CASE WHEN sub IS NULL THEN '要素不在任何地籍子区内' ELSE format('代码 %s 的地籍子区不是要素所在的 %s', code, sub) END,
       CASE WHEN sub IS NULL THEN 'the feature lies in no cadastral sub-district'
            ELSE format('code %s names another sub-district than %s, where the feature lies', code, sub) END, at
FROM placed WHERE sub IS NULL OR (code IS NOT NULL AND length(code) = 19 AND left(code, 12) <> sub)
UNION ALL
SELECT $1, n, 'code_duplicate' AS code, 'error',
       format('代码 %s 在文件中出现 %s 次(首次为第 %s 个要素)', code, k, first),
       format('code %s appears %s times in the file (first at feature %s)', code, k, first), NULL
FROM dups WHERE k > 1 AND n <> first

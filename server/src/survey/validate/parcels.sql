-- Rules of parcels (and the overlap rules of buildings). $1 import, $2 kind ('parcels' or
-- 'buildings'), $3 overlap tolerance m², $4 gap tolerance m, $5 numeric noise m² (overlaps below it
-- come from reprojecting shared edges and are not reported). Areas in the county's
-- Gauss-Krüger zone. Only valid polygons are compared (the others already have an error).
-- The spatial joins go to the tables themselves (not to CTEs) so that their GiST indexes serve.
-- A feature whose geometry equals the row it replaces (same_geom) brings no new overlap or gap:
-- it is not compared with the register, nor with another such feature.
WITH county AS MATERIALIZED (
    SELECT gk_srid AS gk, code FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1
), f AS MATERIALIZED (
    SELECT i.n FROM import_features i
    WHERE i.import_id = $1 AND GeometryType(i.geom) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(i.geom)
), touching_existing AS (
    SELECT a.n, e.parcel_code::text AS code, ST_Intersection(a.geom, e.geom) AS shared
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n
    JOIN parcels e ON $2 = 'parcels' AND e.geom && a.geom
    WHERE NOT a.same_geom AND e.id IS DISTINCT FROM a.target_id
      AND NOT EXISTS (SELECT FROM import_features r WHERE r.import_id = $1 AND r.target_id = e.id)
      AND ST_Relate(a.geom, e.geom, '2********')
    UNION ALL
    SELECT a.n, e.building_no::text, ST_Intersection(a.geom, e.geom)
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n
    JOIN buildings e ON $2 = 'buildings' AND e.geom && a.geom
    WHERE NOT a.same_geom AND e.id IS DISTINCT FROM a.target_id
      AND NOT EXISTS (SELECT FROM import_features r WHERE r.import_id = $1 AND r.target_id = e.id)
      AND ST_Relate(a.geom, e.geom, '2********')
), existing_overlaps AS (
    SELECT t.n, t.code, ST_Area(ST_Transform(t.shared, c.gk)) AS area, ST_PointOnSurface(t.shared) AS at
    FROM touching_existing t CROSS JOIN county c
), in_file AS (
    -- each pair once (a.n < b.n), reported on both features below
    SELECT a.n, b.n AS other, ST_Intersection(a.geom, b.geom) AS shared
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n
    JOIN import_features b ON b.import_id = $1 AND b.n > a.n AND b.geom && a.geom
    JOIN f fb ON fb.n = b.n
    WHERE NOT (a.same_geom AND b.same_geom) AND ST_Relate(a.geom, b.geom, '2********')
), pairs AS (
    SELECT t.n, t.other, ST_Area(ST_Transform(t.shared, c.gk)) AS area, ST_PointOnSurface(t.shared) AS at
    FROM in_file t CROSS JOIN county c
), file_overlaps AS (
    SELECT n, other, area, at FROM pairs UNION ALL SELECT other, n, area, at FROM pairs
), gaps AS (
    SELECT a.n, e.parcel_code::text AS code, ST_ClosestPoint(a.geom, e.geom) AS at
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n
    JOIN parcels e ON $2 = 'parcels' AND ST_DWithin(a.geom, e.geom, $4 / 90000.0)
    CROSS JOIN county c
    WHERE NOT a.same_geom AND NOT ST_Intersects(a.geom, e.geom)
      AND NOT EXISTS (SELECT FROM import_features r WHERE r.import_id = $1 AND r.target_id = e.id)
      AND ST_Distance(ST_Transform(a.geom, c.gk), ST_Transform(e.geom, c.gk)) BETWEEN 0.001 AND $4
), areas AS (
    SELECT a.n, (a.props->>'registered_area_m2')::float8 AS declared,
           county_area_m2(coalesce(a.code, c.code), a.geom) AS computed, ST_PointOnSurface(a.geom) AS at
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n CROSS JOIN county c
    WHERE $2 = 'parcels' AND (a.props->>'registered_area_m2')::float8 > 0
), placed AS (
    SELECT a.n, a.code, s.code AS sub, p.pt AS at
    FROM f JOIN import_features a ON a.import_id = $1 AND a.n = f.n
    CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS pt) p
    LEFT JOIN LATERAL (SELECT code FROM cadastral_subdistricts s WHERE ST_Intersects(s.geom, p.pt) ORDER BY code LIMIT 1) s ON true
    WHERE $2 = 'parcels'
), dups AS (
    SELECT i.n, i.code, count(*) OVER (PARTITION BY i.code) AS k, min(i.n) OVER (PARTITION BY i.code) AS first
    FROM import_features i WHERE i.import_id = $1 AND i.code IS NOT NULL
)
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en, location)
SELECT $1, n, 'overlap_existing' AS code, 'error',
       format('与现有要素 %s 重叠 %s m²', code, round(area::numeric, 2)),
       format('overlaps existing %s by %s m²', code, round(area::numeric, 2)), at
FROM existing_overlaps WHERE area > $3
UNION ALL
SELECT $1, n, 'sliver' AS code, 'warning',
       format('与现有要素 %s 有 %s m² 的细小重叠', code, round(area::numeric, 4)),
       format('sliver of %s m² shared with existing %s', round(area::numeric, 4), code), at
FROM existing_overlaps WHERE area <= $3 AND area > $5
UNION ALL
SELECT $1, n, 'overlap_in_file' AS code, 'error',
       format('与文件中第 %s 个要素重叠 %s m²', other, round(area::numeric, 2)),
       format('overlaps feature %s of the file by %s m²', other, round(area::numeric, 2)), at
FROM file_overlaps WHERE area > $3
UNION ALL
SELECT $1, n, 'sliver' AS code, 'warning',
       format('与文件中第 %s 个要素有 %s m² 的细小重叠', other, round(area::numeric, 4)),
       format('sliver of %s m² shared with feature %s of the file', round(area::numeric, 4), other), at
FROM file_overlaps WHERE area <= $3 AND area > $5
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

-- 行政区: the county and its towns/streets (乡镇/街道), identified by their division codes.
SELECT a.code::text AS fid, a.geom, a.updated_at AS datetime, NULL::bigint AS project_id,
       a.code::text AS code, a.name, a.level, a.parent_code::text AS parent_code, a.gk_srid, a.updated_at
FROM admin_areas a
WHERE a.geom IS NOT NULL

-- 地籍区 and 地籍子区 (ids: 2n for districts, 2n+1 for sub-districts), with each
-- sub-district's parcel count and density.
SELECT d.id * 2 AS id, d.code, d.name, 'district' AS level, NULL::integer AS parcels, NULL::integer AS parcels_per_km2,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(d.geom, 3857), t.px), t.env, 4096, 64, true) AS geom
FROM cadastral_districts d WHERE d.geom && t.env_4490
UNION ALL
SELECT s.id * 2 + 1, s.code, s.name, 'subdistrict', s.parcel_count,
       round(s.parcel_count / greatest(s.area_km2, 0.01))::integer,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(s.geom, 3857), t.px), t.env, 4096, 64, true)
FROM cadastral_subdistricts s WHERE $1 >= 12 AND s.geom && t.env_4490

-- 宗地 from zoom 14, with the parcel code from zoom 15 and the land unit's 28-character code
-- (the parcel code + W00000000) from zoom 16: a town-centre z14 tile holds 8,000 parcels,
-- whose codes alone would pass 500 KB. Below z14, aggregated: one feature per 地籍子区
-- with its parcel count and density (aggregated = true).
SELECT p.id, CASE WHEN $1 >= 16 THEN p.unit_code END AS unit_code,
       CASE WHEN $1 >= 15 THEN p.parcel_code END AS parcel_code, p.land_use, false AS aggregated, NULL::integer AS parcels,
       NULL::integer AS parcels_per_km2, ST_AsMVTGeom(p.geom_3857, t.env, 4096, 64, true) AS geom
FROM parcels p WHERE $1 >= 14 AND p.geom_3857 && t.env_m
UNION ALL
SELECT s.id, NULL, s.code, NULL, true, s.parcel_count,
       round(s.parcel_count / greatest(s.area_km2, 0.01))::integer,
       ST_AsMVTGeom(ST_Simplify(ST_Transform(s.geom, 3857), t.px), t.env, 4096, 64, true)
FROM cadastral_subdistricts s WHERE $1 < 14 AND s.parcel_count > 0 AND s.geom && t.env_4490

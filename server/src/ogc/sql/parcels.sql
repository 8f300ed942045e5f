-- 宗地: one feature per parcel, identified by its 28-character land unit code.
SELECT p.unit_code::text AS fid, p.geom, p.updated_at AS datetime, NULL::bigint AS project_id,
       p.unit_code::text AS unit_code, p.parcel_code::text AS parcel_code,
       p.subdistrict_code::text AS subdistrict_code, p.address, p.land_use::text AS land_use, p.right_type,
       p.right_nature, p.registered_area_m2::float8 AS registered_area_m2, p.area_m2, p.updated_at
FROM parcels p

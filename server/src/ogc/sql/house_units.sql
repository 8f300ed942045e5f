-- 户: one feature per house unit, identified by its 28-character real-estate unit code.
SELECT h.unit_code::text AS fid, h.geom, h.updated_at AS datetime, NULL::bigint AS project_id,
       h.unit_code::text AS unit_code, h.building_no::text AS building_no, h.house_code, h.floor::int AS floor,
       h.unit_no, h.room_label, h.use, h.floor_area_m2::float8 AS floor_area_m2,
       h.inner_area_m2::float8 AS inner_area_m2, h.shared_area_m2::float8 AS shared_area_m2, h.updated_at
FROM house_units h

-- 自然幢: one feature per building, identified by its 24-character building number.
SELECT b.building_no::text AS fid, b.geom, b.updated_at AS datetime, NULL::bigint AS project_id,
       b.building_no::text AS building_no, b.parcel_code::text AS parcel_code, b.name, b.floors::int AS floors,
       b.floors_below::int AS floors_below, b.structure, b.planned_use, b.completion_year::int AS completion_year,
       b.footprint_area_m2, b.updated_at
FROM buildings b

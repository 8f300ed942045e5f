-- 自然幢 from zoom 15, their numbers from zoom 16 (size, as for parcels).
SELECT b.id, CASE WHEN $1 >= 16 THEN b.building_no END AS building_no, b.floors, b.planned_use,
       ST_AsMVTGeom(b.geom_3857, t.env, 4096, 64, true) AS geom
FROM buildings b WHERE b.geom_3857 && t.env_m

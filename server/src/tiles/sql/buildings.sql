-- 自然幢 from zoom 15.
SELECT b.id, b.building_no, b.floors, b.planned_use,
       ST_AsMVTGeom(b.geom_3857, t.env, 4096, 64, true) AS geom
FROM buildings b WHERE b.geom_3857 && t.env_m

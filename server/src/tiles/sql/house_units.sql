-- 户 (house units) from zoom 16; units on different floors share a footprint.
SELECT h.id, h.unit_code, h.floor, h.room_label, h.use, h.demolished_on IS NOT NULL AS demolished,
       ST_AsMVTGeom(h.geom_3857, t.env, 4096, 64, true) AS geom
FROM house_units h WHERE h.geom_3857 && t.env_m

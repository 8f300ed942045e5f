-- A house unit (…F…) or a parcel (land unit code …W00000000) picked on the map: its geometry
-- (GeoJSON), address, registered area and ids.
SELECT ST_AsGeoJSON(h.geom) AS geom, p.address || ' ' || coalesce(h.room_label, h.unit_no) AS address,
       h.floor_area_m2::float8 AS area, h.id AS house_unit_id, p.id AS parcel_id
FROM house_units h
JOIN buildings b ON b.id = h.building_id
JOIN parcels p ON p.id = b.parcel_id
WHERE h.unit_code = $1
UNION ALL
SELECT ST_AsGeoJSON(p.geom), p.address, coalesce(p.registered_area_m2::float8, p.area_m2), NULL::bigint, p.id
FROM parcels p
WHERE p.parcel_code || 'W00000000' = $1
LIMIT 1

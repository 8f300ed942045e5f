-- The current row a single edit addresses: id, version, its attributes by onemap names and its
-- geometry as GeoJSON. $1 kind, $2 code (lock.sql has locked it).
SELECT p.id, p.version, jsonb_build_object('parcel_code', p.parcel_code, 'address', p.address, 'land_use', p.land_use,
       'right_type', p.right_type, 'right_nature', p.right_nature, 'registered_area_m2', p.registered_area_m2) AS props,
       ST_AsGeoJSON(p.geom, 9, 0)::jsonb AS geometry
FROM parcels p WHERE $1 = 'parcels' AND p.parcel_code = $2
UNION ALL
SELECT b.id, b.version, jsonb_build_object('building_no', b.building_no, 'name', b.name, 'floors', b.floors,
       'floors_below', b.floors_below, 'structure', b.structure, 'planned_use', b.planned_use,
       'completion_year', b.completion_year),
       ST_AsGeoJSON(b.geom, 9, 0)::jsonb
FROM buildings b WHERE $1 = 'buildings' AND b.building_no = $2
UNION ALL
SELECT h.id, h.version, jsonb_build_object('unit_code', h.unit_code, 'house_code', h.house_code, 'floor', h.floor,
       'unit_no', h.unit_no, 'room_label', h.room_label, 'use', h.use, 'floor_area_m2', h.floor_area_m2,
       'inner_area_m2', h.inner_area_m2, 'shared_area_m2', h.shared_area_m2),
       ST_AsGeoJSON(h.geom, 9, 0)::jsonb
FROM house_units h WHERE $1 = 'house_units' AND h.unit_code = $2

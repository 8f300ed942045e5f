-- Parcel, building and house unit of a code ($1 parcel code, $2 building number or null,
-- $3 unit code or null), geometry as GeoJSON in EPSG $4.
SELECT
  (SELECT jsonb_build_object(
      'id', p.id, 'parcel_code', p.parcel_code, 'unit_code', p.unit_code, 'address', p.address,
      'land_use', p.land_use, 'land_use_name', l.name_zh, 'right_type', p.right_type, 'right_nature', p.right_nature,
      'registered_area_m2', p.registered_area_m2, 'area_m2', round(p.area_m2::numeric, 2),
      'geometry', ST_AsGeoJSON(ST_Transform(p.geom, $4), 9)::jsonb)
   FROM parcels p JOIN land_use_codes l ON l.code = p.land_use WHERE p.parcel_code = $1) AS parcel,
  (SELECT jsonb_build_object(
      'id', b.id, 'building_no', b.building_no, 'floors', b.floors, 'structure', b.structure,
      'planned_use', b.planned_use, 'completion_year', b.completion_year,
      'footprint_area_m2', round(b.footprint_area_m2::numeric, 2),
      'house_units', (SELECT count(*) FROM house_units h WHERE h.building_id = b.id),
      'geometry', ST_AsGeoJSON(ST_Transform(b.geom, $4), 9)::jsonb)
   FROM buildings b WHERE b.building_no = $2) AS building,
  (SELECT jsonb_build_object(
      'id', h.id, 'unit_code', h.unit_code, 'floor', h.floor, 'unit_no', h.unit_no, 'room_label', h.room_label,
      'use', h.use, 'floor_area_m2', h.floor_area_m2, 'inner_area_m2', h.inner_area_m2, 'shared_area_m2', h.shared_area_m2,
      'geometry', ST_AsGeoJSON(ST_Transform(h.geom, $4), 9)::jsonb)
   FROM house_units h WHERE h.unit_code = $3) AS house_unit

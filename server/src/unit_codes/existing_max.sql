-- Whether the parent exists, and the largest number used under it.
-- $1: 'parcel' | 'building' | 'unit'; $2: the parent (sub-district, parcel code, building number).
SELECT CASE $1
    WHEN 'parcel' THEN EXISTS (SELECT 1 FROM cadastral_subdistricts WHERE code = $2)
    WHEN 'building' THEN EXISTS (SELECT 1 FROM parcels WHERE parcel_code = $2)
    ELSE EXISTS (SELECT 1 FROM buildings WHERE building_no = $2) END AS parent_exists,
  coalesce(CASE $1
    WHEN 'parcel' THEN (SELECT max(substr(parcel_code, 15, 5)::int) FROM parcels WHERE subdistrict_code = $2)
    WHEN 'building' THEN (SELECT max(substr(building_no, 21, 4)::int) FROM buildings WHERE parcel_code = $2)
    ELSE (SELECT max(right(unit_code, 4)::int) FROM house_units WHERE building_no = $2) END, 0) AS existing_max

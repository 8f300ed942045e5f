-- Children at one level of the code hierarchy whose code starts with $2 (range on the code so
-- the unique btree indexes serve it), after cursor $3, at most $4.
-- $1: county | district | subdistrict | parcel | building | unit
WITH items AS (
    SELECT a.code::text AS code, a.name AS label,
           (SELECT count(*) FROM cadastral_districts d WHERE d.county_code = a.code) AS children
    FROM admin_areas a
    WHERE $1 = 'county' AND a.level = 'county' AND a.code >= $2 AND a.code < $2 || '~' AND a.code > $3
  UNION ALL
    SELECT d.code::text, d.name, (SELECT count(*) FROM cadastral_subdistricts s WHERE s.district_code = d.code)
    FROM cadastral_districts d
    WHERE $1 = 'district' AND d.code >= $2 AND d.code < $2 || '~' AND d.code > $3
  UNION ALL
    SELECT s.code::text, s.name, (SELECT count(*) FROM parcels p WHERE p.subdistrict_code = s.code)
    FROM cadastral_subdistricts s
    WHERE $1 = 'subdistrict' AND s.code >= $2 AND s.code < $2 || '~' AND s.code > $3
  UNION ALL
    SELECT p.parcel_code::text, p.address, (SELECT count(*) FROM buildings b WHERE b.parcel_id = p.id)
    FROM parcels p
    WHERE $1 = 'parcel' AND p.parcel_code >= $2 AND p.parcel_code < $2 || '~' AND p.parcel_code > $3
  UNION ALL
    SELECT b.building_no::text, b.floors || '层 ' || b.planned_use, (SELECT count(*) FROM house_units h WHERE h.building_id = b.id)
    FROM buildings b
    WHERE $1 = 'building' AND b.building_no >= $2 AND b.building_no < $2 || '~' AND b.building_no > $3
  UNION ALL
    SELECT h.unit_code::text, coalesce(h.room_label, h.unit_no), 0
    FROM house_units h
    WHERE $1 = 'unit' AND h.unit_code >= $2 AND h.unit_code < $2 || '~' AND h.unit_code > $3
)
SELECT code, label, children FROM items ORDER BY code LIMIT $4

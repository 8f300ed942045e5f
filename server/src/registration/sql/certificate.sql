-- Certificates by id ($1, an array) or the one whose number or identifier is $2, with what its face and its signed
-- content carry: the right, its holders (in the order the register lists them), the unit —
-- a house unit (its parcel's address, its floor and number) or a parcel's land unit — and the
-- outlines of its plan in CGCS2000 3-degree Gauss-Krüger metres (the zone of the parcel's
-- centre, EPSG:4534–4554, central meridian without the zone prefix), and its signature if any.
SELECT c.id, c.identifier, c.number, c.kind, c.issuer_name, c.issuer_code::text AS issuer_code, c.issued_on,
       c.status, c.cancelled_on, c.seal_name,
       r.kind AS right_kind, r.status AS right_status, r.right_nature, r.co_ownership, r.unit_code::text AS unit_code,
       r.starts_on, r.ends_on, r.notes,
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', h.name, 'id_type', h.id_type, 'id_number', h.id_number,
                        'share', rp.share::float8) ORDER BY h.id)
                 FROM right_parties rp JOIN right_holders h ON h.id = rp.holder_id
                 WHERE rp.right_id = r.id AND rp.role = 'holder'), '[]') AS holders,
       CASE WHEN hu.id IS NULL THEN p.address
            ELSE p.address || ' ' || coalesce(hu.room_label, hu.floor || '层' || hu.unit_no || '室') END AS location,
       coalesce(hu.use, l.name_zh) AS usage,
       hu.use IS NOT NULL AS house,
       coalesce(hu.floor_area_m2::float8, p.registered_area_m2::float8, round(p.area_m2::numeric, 2)::float8) AS area_m2,
       p.registered_area_m2::float8 AS parcel_area_m2,
       gk.srid,
       ST_AsGeoJSON(ST_Transform(p.geom, gk.srid), 2)::jsonb AS parcel_plan,
       ST_AsGeoJSON(ST_Transform(hu.geom, gk.srid), 2)::jsonb AS unit_plan,
       s.key_id, s.signed_data, s.signature, s.check_value, s.pdf_path, s.pdf_sm3, s.signed_at
FROM certificates c
JOIN rights r ON r.id = c.right_id
LEFT JOIN house_units hu ON hu.id = r.house_unit_id
JOIN parcels p ON p.id = coalesce(r.parcel_id, (SELECT b.parcel_id FROM buildings b WHERE b.id = hu.building_id))
JOIN land_use_codes l ON l.code = p.land_use
LEFT JOIN certificate_signatures s ON s.certificate_id = c.id
CROSS JOIN LATERAL (
    SELECT 4534 + least(greatest(round(ST_X(ST_Centroid(p.geom)) / 3)::int, 25), 45) - 25 AS srid
) gk
WHERE c.id = ANY($1) OR c.number = $2 OR c.identifier = $2
ORDER BY c.id

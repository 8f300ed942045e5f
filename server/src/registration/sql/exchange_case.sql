-- What the exchange message of approved case $1 reports: the case, its house unit, and the
-- rights it cancelled with their parties and certificates (as JSON, in register order).
SELECT k.business_no, k.decided_at, k.decided_by, k.reason, k.demolished_on,
       h.unit_code::text AS unit_code, p.address, h.floor, h.unit_no, h.use, h.floor_area_m2::float8 AS floor_area_m2,
       coalesce((SELECT jsonb_agg(jsonb_build_object(
                   'business_no', r.business_no, 'kind', r.kind, 'status', r.status,
                   'registered_on', r.registered_on, 'cancelled_on', r.cancelled_on,
                   'parties', coalesce((SELECT jsonb_agg(jsonb_build_object('name', q.name, 'id_type', q.id_type,
                                  'id_number', q.id_number, 'role', rp.role) ORDER BY rp.role, q.id)
                              FROM right_parties rp JOIN right_holders q ON q.id = rp.holder_id WHERE rp.right_id = r.id), '[]'),
                   'certificates', coalesce((SELECT jsonb_agg(jsonb_build_object('number', c.number,
                                  'identifier', c.identifier, 'status', c.status, 'cancelled_on', c.cancelled_on) ORDER BY c.id)
                              FROM certificates c WHERE c.right_id = r.id), '[]')) ORDER BY r.registered_on, r.id)
                 FROM rights r
                 WHERE r.id IN (SELECT x.right_id FROM registration_case_rights x WHERE x.case_id = k.id)), '[]') AS rights
FROM registration_cases k
JOIN house_units h ON h.id = k.house_unit_id
JOIN buildings b ON b.id = h.building_id
JOIN parcels p ON p.id = b.parcel_id
WHERE k.id = $1

-- A unit and its whole chain in one round trip ($1 parcel code, $2 building number or null,
-- $3 house-unit code or null, $4 output EPSG code). No row when $4 is not a known CRS.
-- Rights hang on the house unit's code or, for a parcel or building, on the parcel's land
-- unit ($5). The compensation unit is that of the house unit or, for a land unit, of the
-- parcel, returned only when $6 (the role may see relocation data) and its project is in
-- $7 (null: all projects). Masking is applied by the caller when serialising. $8: a time, to
-- answer as the register stood then (from the history tables; rights registered by then).
WITH crs AS (
    SELECT srid FROM spatial_ref_sys WHERE srid = $4
), parcel AS (
    SELECT id, parcel_code, unit_code, address, land_use, right_type, right_nature, registered_area_m2, area_m2, geom
    FROM parcels WHERE $8::timestamptz IS NULL AND parcel_code = $1
    UNION ALL
    SELECT id, parcel_code, unit_code, address, land_use, right_type, right_nature, registered_area_m2, area_m2, geom
    FROM parcels_history WHERE $8::timestamptz IS NOT NULL AND parcel_code = $1
      AND valid_from <= $8 AND (valid_to IS NULL OR valid_to > $8)
), building AS (
    SELECT id, building_no, floors, structure, planned_use, completion_year, footprint_area_m2, geom
    FROM buildings WHERE $8::timestamptz IS NULL AND building_no = $2
    UNION ALL
    SELECT id, building_no, floors, structure, planned_use, completion_year, footprint_area_m2, geom
    FROM buildings_history WHERE $8::timestamptz IS NOT NULL AND building_no = $2
      AND valid_from <= $8 AND (valid_to IS NULL OR valid_to > $8)
), house_unit AS (
    SELECT id, unit_code, floor, unit_no, room_label, use, floor_area_m2, inner_area_m2, shared_area_m2, demolished_on, geom
    FROM house_units WHERE $8::timestamptz IS NULL AND unit_code = $3
    UNION ALL
    SELECT id, unit_code, floor, unit_no, room_label, use, floor_area_m2, inner_area_m2, shared_area_m2, demolished_on, geom
    FROM house_units_history WHERE $8::timestamptz IS NOT NULL AND unit_code = $3
      AND valid_from <= $8 AND (valid_to IS NULL OR valid_to > $8)
), comp AS (
    -- Two branches, each on its own index (one CASE in the condition walked every unit).
    SELECT c.* FROM compensation_units c
    WHERE $6 AND ($7::bigint[] IS NULL OR c.project_id = ANY ($7))
      AND c.house_unit_id = (SELECT id FROM house_unit)
    UNION ALL
    SELECT c.* FROM compensation_units c
    WHERE $6 AND ($7::bigint[] IS NULL OR c.project_id = ANY ($7))
      AND NOT EXISTS (SELECT FROM house_unit)
      AND c.parcel_id = (SELECT id FROM parcel) AND c.house_unit_id IS NULL
    ORDER BY id LIMIT 1
)
SELECT
  (SELECT jsonb_build_object(
      'id', p.id, 'parcel_code', p.parcel_code, 'unit_code', p.unit_code, 'address', p.address,
      'land_use', p.land_use, 'land_use_name', l.name_zh, 'right_type', p.right_type, 'right_nature', p.right_nature,
      'registered_area_m2', p.registered_area_m2, 'area_m2', round(p.area_m2::numeric, 2),
      'geometry', ST_AsGeoJSON(ST_Transform(p.geom, crs.srid), 9)::jsonb)
   FROM parcel p JOIN land_use_codes l ON l.code = p.land_use) AS parcel,
  (SELECT jsonb_build_object(
      'id', b.id, 'building_no', b.building_no, 'floors', b.floors, 'structure', b.structure,
      'planned_use', b.planned_use, 'completion_year', b.completion_year,
      'footprint_area_m2', round(b.footprint_area_m2::numeric, 2),
      'house_units', (SELECT count(*) FROM house_units h WHERE h.building_id = b.id),
      'geometry', ST_AsGeoJSON(ST_Transform(b.geom, crs.srid), 9)::jsonb)
   FROM building b) AS building,
  (SELECT jsonb_build_object(
      'id', h.id, 'unit_code', h.unit_code, 'floor', h.floor, 'unit_no', h.unit_no, 'room_label', h.room_label,
      'use', h.use, 'floor_area_m2', h.floor_area_m2, 'inner_area_m2', h.inner_area_m2, 'shared_area_m2', h.shared_area_m2, 'demolished_on', h.demolished_on,
      'geometry', ST_AsGeoJSON(ST_Transform(h.geom, crs.srid), 9)::jsonb)
   FROM house_unit h) AS house_unit,
  coalesce((SELECT jsonb_agg(jsonb_build_object(
      'kind', r.kind, 'status', r.status, 'business_no', r.business_no, 'registered_on', r.registered_on,
      'starts_on', r.starts_on, 'ends_on', r.ends_on, 'cancelled_on', r.cancelled_on, 'right_nature', r.right_nature,
      'co_ownership', r.co_ownership, 'secured_amount', r.secured_amount::float8, 'authority', r.authority,
      'document_no', r.document_no,
      'certificates', coalesce((SELECT jsonb_agg(jsonb_build_object('number', c.number, 'identifier', c.identifier,
            'kind', c.kind, 'issuer', c.issuer_name, 'issued_on', c.issued_on, 'status', c.status,
            'cancelled_on', c.cancelled_on) ORDER BY c.id) FROM certificates c WHERE c.right_id = r.id), '[]'),
      'parties', coalesce((SELECT jsonb_agg(jsonb_build_object('role', rp.role, 'share', rp.share::float8,
            'name', h.name, 'holder_type', h.holder_type, 'id_type', h.id_type, 'id_number', h.id_number,
            'phone', h.phone) ORDER BY rp.role, h.id)
            FROM right_parties rp JOIN right_holders h ON h.id = rp.holder_id WHERE rp.right_id = r.id), '[]'))
      ORDER BY r.registered_on, r.id)
    FROM rights r WHERE r.unit_code = $5 AND ($8::timestamptz IS NULL OR r.registered_on <= $8::date)), '[]') AS rights,
  (SELECT jsonb_build_object(
      'project_id', c.project_id, 'project_code', pr.code, 'project_name', pr.name, 'code', c.code,
      'status', c.status, 'legality', c.legality,
      'owner_name', o.name, 'owner_id_number', o.id_number, 'owner_phone', o.phone,
      'registered_area_m2', c.registered_area_m2::float8, 'surveyed_area_m2', c.surveyed_area_m2::float8,
      'appraisal_firm', f.name, 'appraiser_name', c.appraiser_name, 'valuation_date', c.valuation_date,
      'appraisal_report_no', c.appraisal_report_no, 'unit_price', c.unit_price::float8,
      'appraisal_review', c.appraisal_review, 'compensation_mode', c.compensation_mode,
      'resettlement_area_m2', c.resettlement_area_m2::float8, 'resettlement_value', c.resettlement_value::float8,
      'house_value', c.house_value::float8, 'decoration_value', c.decoration_value::float8,
      'moving_fee', c.moving_fee::float8, 'temp_resettlement_months', c.temp_resettlement_months,
      'temp_resettlement_fee', c.temp_resettlement_fee::float8, 'business_loss', c.business_loss::float8,
      'reward', c.reward::float8, 'subsidy', c.subsidy::float8, 'total_amount', c.total_amount::float8,
      'agreement_no', c.agreement_no, 'agreement_signed_on', c.agreement_signed_on,
      'move_out_deadline', c.move_out_deadline, 'decision_no', c.decision_no, 'decision_on', c.decision_on,
      'surveyed_on', c.surveyed_on, 'appraised_on', c.appraised_on, 'moved_out_on', c.moved_out_on,
      'demolished_on', c.demolished_on,
      'payments', coalesce((SELECT jsonb_agg(jsonb_build_object('voucher_no', pm.voucher_no, 'purpose', pm.purpose,
            'amount', pm.amount::float8, 'paid_on', pm.paid_on, 'payee_name', pm.payee_name,
            'payee_bank', pm.payee_bank, 'payee_account', pm.payee_account) ORDER BY pm.paid_on, pm.id)
            FROM payments pm WHERE pm.compensation_unit_id = c.id AND pm.status = 'paid'), '[]'),
      'photos', coalesce((SELECT jsonb_agg(jsonb_build_object('photo_no', ph.photo_no, 'taken_at', ph.taken_at,
            'caption', ph.caption, 'taken_by', ph.taken_by, 'direction_deg', ph.direction_deg,
            'lon', ST_X(ph.geom), 'lat', ST_Y(ph.geom), 'url', '/files/' || ph.file_path,
            'thumbnail_url', '/files/' || ph.file_path || '?thumbnail', 'mime_type', ph.mime_type) ORDER BY ph.taken_at)
            FROM photos ph WHERE ph.compensation_unit_id = c.id), '[]'),
      'documents', coalesce((SELECT jsonb_agg(jsonb_build_object('archive_no', d.archive_no, 'category', d.category,
            'title', d.title, 'date', d.document_date, 'url', '/files/' || d.file_path) ORDER BY d.document_date, d.id)
            FROM archive_documents d WHERE d.compensation_unit_id = c.id), '[]'))
   FROM comp c
   JOIN relocation_projects pr ON pr.id = c.project_id
   LEFT JOIN right_holders o ON o.id = c.owner_id
   LEFT JOIN appraisal_firms f ON f.id = c.appraisal_firm_id) AS compensation
FROM crs

-- The compensation unit of a house unit ($1) or, for a land unit, of its parcel ($2).
SELECT c.id, c.project_id, r.code AS project_code, r.name AS project_name, c.code, c.status, c.legality,
       h.name AS owner_name, h.id_number AS owner_id_number, h.phone AS owner_phone,
       c.registered_area_m2::float8 AS registered_area_m2, c.surveyed_area_m2::float8 AS surveyed_area_m2,
       f.name AS appraisal_firm, c.appraiser_name, c.valuation_date, c.appraisal_report_no,
       c.unit_price::float8 AS unit_price, c.appraisal_review, c.compensation_mode,
       c.resettlement_area_m2::float8 AS resettlement_area_m2, c.resettlement_value::float8 AS resettlement_value,
       c.house_value::float8 AS house_value, c.decoration_value::float8 AS decoration_value, c.moving_fee::float8 AS moving_fee,
       c.temp_resettlement_months, c.temp_resettlement_fee::float8 AS temp_resettlement_fee,
       c.business_loss::float8 AS business_loss, c.reward::float8 AS reward, c.subsidy::float8 AS subsidy,
       c.total_amount::float8 AS total_amount, c.agreement_no, c.agreement_signed_on, c.move_out_deadline,
       c.decision_no, c.decision_on, c.surveyed_on, c.appraised_on, c.moved_out_on, c.demolished_on
FROM compensation_units c
JOIN relocation_projects r ON r.id = c.project_id
LEFT JOIN right_holders h ON h.id = c.owner_id
LEFT JOIN appraisal_firms f ON f.id = c.appraisal_firm_id
WHERE ($1::bigint IS NOT NULL AND c.house_unit_id = $1) OR ($1::bigint IS NULL AND c.parcel_id = $2 AND c.house_unit_id IS NULL)
ORDER BY c.id LIMIT 1

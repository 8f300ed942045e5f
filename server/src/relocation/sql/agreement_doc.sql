-- What the agreement (or decision) of unit $1 prints, names and IDs in full; amounts in cents.
SELECT r.name AS project_name, r.code AS project_code, r.implementing_agency, r.decision_no AS project_decision_no,
       c.code, c.unit_code::text, c.address, o.name AS owner_name, o.id_number AS owner_id_number,
       c.surveyed_area_m2::float8 AS surveyed_area_m2, c.legality, c.compensation_mode, c.resettlement_flat,
       c.resettlement_area_m2::float8 AS resettlement_area_m2,
       (c.resettlement_unit_price * 100)::bigint AS resettlement_unit_price,
       (c.resettlement_value * 100)::bigint AS resettlement_value, (c.house_value * 100)::bigint AS house_value,
       (c.decoration_value * 100)::bigint AS decoration_value, (c.moving_fee * 100)::bigint AS moving_fee,
       (c.temp_resettlement_fee * 100)::bigint AS temp_resettlement_fee, c.temp_resettlement_months,
       (c.business_loss * 100)::bigint AS business_loss, (c.reward * 100)::bigint AS reward,
       (c.subsidy * 100)::bigint AS subsidy, (c.total_amount * 100)::bigint AS total_amount,
       c.move_out_deadline, current_date AS today
FROM compensation_units c
JOIN relocation_projects r ON r.id = c.project_id
LEFT JOIN right_holders o ON o.id = c.owner_id
WHERE c.id = $1

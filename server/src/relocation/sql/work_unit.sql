-- Compensation unit $1 as the workflow works on it (amounts in yuan).
SELECT c.id, c.project_id, c.code, c.version, r.code AS project_code, r.stage AS project_stage, c.unit_code::text,
       c.address, c.status, c.legality, o.name AS owner_name, o.id_number AS owner_id_number, t.name AS tenant_name,
       c.surveyed_area_m2::float8 AS surveyed_area_m2, f.name AS appraisal_firm, c.appraisal_firm_id,
       c.appraisal_report_no, c.appraiser_name, c.valuation_date, c.unit_price::float8 AS unit_price,
       c.appraisal_review, c.compensation_mode, c.house_value::float8 AS house_value,
       c.decoration_value::float8 AS decoration_value, c.moving_fee::float8 AS moving_fee,
       c.temp_resettlement_fee::float8 AS temp_resettlement_fee, c.business_loss::float8 AS business_loss,
       c.reward::float8 AS reward, c.subsidy::float8 AS subsidy, c.resettlement_value::float8 AS resettlement_value,
       c.total_amount::float8 AS total_amount, c.payable_amount::float8 AS payable_amount,
       coalesce((SELECT sum(amount) FROM payments p WHERE p.compensation_unit_id = c.id AND p.status = 'paid'), 0)::float8
           AS paid_amount,
       coalesce((SELECT sum(amount) FROM payments p WHERE p.compensation_unit_id = c.id AND p.status = 'requested'), 0)::float8
           AS requested_amount,
       c.agreement_no, c.agreement_signed_on,
       (SELECT '/files/' || d.file_path FROM archive_documents d WHERE d.archive_no = c.agreement_archive_no) AS agreement_url,
       c.move_out_deadline, c.decision_no, c.decision_on, c.moved_out_on, c.demolished_on
FROM compensation_units c
JOIN relocation_projects r ON r.id = c.project_id
LEFT JOIN right_holders o ON o.id = c.owner_id
LEFT JOIN right_holders t ON t.id = c.tenant_id
LEFT JOIN appraisal_firms f ON f.id = c.appraisal_firm_id
WHERE c.code = $1

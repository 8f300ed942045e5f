-- 征收补偿单元: one feature per compensation unit, dated by its survey. The owner's name and
-- ID number (personal data) come as owner_name / owner_id_number and are masked in Rust.
SELECT c.code AS fid, c.geom, (c.surveyed_on::timestamp AT TIME ZONE 'Asia/Shanghai') AS datetime,
       c.project_id, c.code, r.code AS project_code, c.unit_code::text AS unit_code, c.address, c.status,
       c.legality, c.surveyed_area_m2::float8 AS surveyed_area_m2, c.registered_area_m2::float8 AS registered_area_m2,
       c.actual_use, c.compensation_mode, c.unit_price::float8 AS unit_price, c.total_amount::float8 AS total_amount,
       c.agreement_no, c.agreement_signed_on, c.surveyed_on, c.demolished_on,
       o.name AS owner_name, o.id_number AS owner_id_number
FROM compensation_units c
JOIN relocation_projects r ON r.id = c.project_id
LEFT JOIN right_holders o ON o.id = c.owner_id

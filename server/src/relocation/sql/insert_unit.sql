-- A compensation unit recorded in the survey (status surveyed, today).
INSERT INTO compensation_units (project_id, code, house_unit_id, parcel_id, unit_code, address, geom, owner_id,
    tenant_id, registered_area_m2, surveyed_area_m2, approved_use, actual_use, structure, year_built, legality,
    business_name, business_license_no, status, surveyed_on)
VALUES ($1, $2, $3, $4, $5, $6, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($7), 4490)), $8, $9, $10, $11, $12, $13, $14,
    $15, $16, $17, $18, 'surveyed', current_date)

-- The appointed firm's appraisal of unit $1 (amounts in cents).
UPDATE compensation_units SET
    appraisal_firm_id = $2, appraiser_name = $3, valuation_date = $4, appraisal_report_no = $5,
    unit_price = $6::numeric / 100, appraisal_review = $7, house_value = $8::numeric / 100,
    decoration_value = $9::numeric / 100,
    status = 'appraised', appraised_on = current_date
WHERE id = $1

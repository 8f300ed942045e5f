-- The terms of unit $1 (amounts in cents) and its agreement ($15) or decision number $16.
UPDATE compensation_units SET
    compensation_mode = $2, moving_fee = $3::numeric / 100, temp_resettlement_months = $4,
    temp_resettlement_rate = $5::numeric / 100, temp_resettlement_fee = $6::numeric / 100,
    business_loss = $7::numeric / 100, reward = $8::numeric / 100, subsidy = $9::numeric / 100,
    total_amount = $10::numeric / 100, resettlement_area_m2 = $11, resettlement_unit_price = $12::numeric / 100,
    resettlement_value = $13::numeric / 100, resettlement_flat = $14,
    agreement_no = CASE WHEN $15 THEN $16 END, agreement_signed_on = CASE WHEN $15 THEN current_date END,
    decision_no = CASE WHEN $15 THEN NULL ELSE $16 END, decision_on = CASE WHEN $15 THEN NULL ELSE current_date END,
    move_out_deadline = $17,
    status = 'signed'
WHERE id = $1

SELECT voucher_no, purpose, amount::float8 AS amount, paid_on, payee_name, payee_bank, payee_account
FROM payments WHERE compensation_unit_id = $1 ORDER BY paid_on, id

-- The payments of compensation unit $1, oldest first.
SELECT id, voucher_no, amount::float8 AS amount, purpose, status, paid_on, payee_name, payee_account
FROM payments WHERE compensation_unit_id = $1 ORDER BY id

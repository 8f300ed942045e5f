-- The ledger (台账) of project $1: deposits in, paid payments out, each with the balance after
-- it; newest first, at most $2 (null: all), with the number of entries.
WITH entries AS (
    SELECT deposited_on AS entry_on, 'deposit' AS kind, voucher_no, amount, NULL::text AS unit_code,
           coalesce(source, note) AS note, id
    FROM fund_deposits WHERE project_id = $1
    UNION ALL
    SELECT p.paid_on, 'payment', p.voucher_no, -p.amount, c.code, p.payee_name, p.id
    FROM payments p JOIN compensation_units c ON c.id = p.compensation_unit_id
    WHERE p.project_id = $1 AND p.status = 'paid'
), running AS (
    SELECT *, sum(amount) OVER (ORDER BY entry_on, kind, id) AS balance, count(*) OVER () AS total FROM entries
)
SELECT entry_on, kind, voucher_no, amount::float8 AS amount, balance::float8 AS balance, unit_code, note, total
FROM running
ORDER BY entry_on DESC, kind DESC, id DESC
LIMIT $2

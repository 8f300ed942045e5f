-- 专户资金对账单 of project $1: every deposit and paid payment in booking order with the
-- balance after it (the ledger of relocation/sql/ledger.sql, oldest first and complete).
WITH entries AS (
    SELECT deposited_on AS entry_on, 'deposit' AS kind, voucher_no, amount, NULL::text AS unit_code,
           coalesce(source, note) AS note, id
    FROM fund_deposits WHERE project_id = $1
    UNION ALL
    SELECT p.paid_on, 'payment', p.voucher_no, -p.amount, c.code, p.payee_name, p.id
    FROM payments p JOIN compensation_units c ON c.id = p.compensation_unit_id
    WHERE p.project_id = $1 AND p.status = 'paid'
)
SELECT entry_on, kind, voucher_no, amount::float8 AS amount,
       (sum(amount) OVER (ORDER BY entry_on, kind, id))::float8 AS balance, unit_code, note
FROM entries
ORDER BY entry_on, kind, id

-- The demo's dedicated-account balance as one opening deposit per project (期初余额).
INSERT INTO fund_deposits (project_id, voucher_no, amount, deposited_on, source, created_by)
SELECT id, code || '-ZJ-0001', funds_deposited, coalesce(approved_on, created_at::date), '期初余额', 'demo'
FROM relocation_projects WHERE funds_deposited > 0;

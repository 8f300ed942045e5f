-- The benchmark's relocation project (make bench-relocation): BENCH-ZS-20K with 20,000
-- compensation units on 20,000 house units of the county that no project holds, in the agreement
-- stage with its signing period just over: 16,000 signed (over the last 12 months), 12,000 of
-- them paid in full and 2,000 half paid, 2,000 past their move-out deadline, 24 monthly deposits.
-- Idempotent: does nothing when the project exists.
DO $$
DECLARE pid bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM relocation_projects WHERE code = 'BENCH-ZS-20K') THEN
        RETURN;
    END IF;
    PERFORM set_config('onemap.actor', 'bench', true);
    CREATE TEMP TABLE picked ON COMMIT DROP AS
        SELECT h.id, h.unit_code, h.geom, h.floor_area_m2, row_number() OVER (ORDER BY h.id) AS n
        FROM house_units h
        WHERE NOT EXISTS (SELECT 1 FROM compensation_units c WHERE c.house_unit_id = h.id)
        ORDER BY h.id LIMIT 20000;
    INSERT INTO relocation_projects (code, name, county_code, stage, implementing_agency, boundary, approved_on,
        decision_no, decision_announced_on, signing_starts_on, signing_ends_on, budget, funds_deposited,
        estimated_compensation, survey_published_on, plan_published_on, plan_comment_ends_on,
        risk_assessment_no, risk_assessed_on, created_by)
    SELECT 'BENCH-ZS-20K', '基准测试征收项目（2万户）', (SELECT code FROM admin_areas WHERE level = 'county' LIMIT 1),
           'agreement', '基准测试征收中心', ST_Multi(ST_Envelope(ST_Collect(geom))), current_date - 500,
           '基准征决〔2025〕1号', current_date - 400, current_date - 365, current_date - 1,
           9000000000, 0, 8000000000, current_date - 480, current_date - 460, current_date - 420,
           '基准稳评1号', current_date - 410, 'bench'
    FROM picked
    RETURNING id INTO pid;
    INSERT INTO project_appraisal_firms (project_id, firm_id, appointed_on, selection_method)
    SELECT pid, min(id), current_date - 390, 'vote' FROM appraisal_firms;
    INSERT INTO compensation_units (project_id, code, house_unit_id, unit_code, address, geom, owner_id,
        registered_area_m2, surveyed_area_m2, legality, status, surveyed_on, appraised_on, appraisal_firm_id,
        appraisal_report_no, unit_price, appraisal_review, compensation_mode, house_value, moving_fee, total_amount,
        agreement_no, agreement_signed_on, move_out_deadline)
    SELECT pid, 'BENCH-ZS-20K-' || lpad(n::text, 5, '0'), id, unit_code, '基准测试 ' || n, geom,
           (SELECT min(id) FROM right_holders) + (n % 1000), floor_area_m2, floor_area_m2, 'legal',
           CASE WHEN n <= 16000 THEN 'signed' ELSE 'appraised' END, current_date - 450, current_date - 380,
           (SELECT min(id) FROM appraisal_firms), 'BENCH-PG-' || n, 5000, 'accepted',
           CASE WHEN n <= 16000 THEN 'monetary' END,
           floor_area_m2 * 5000, 2000, CASE WHEN n <= 16000 THEN floor_area_m2 * 5000 + 2000 ELSE 0 END,
           CASE WHEN n <= 16000 THEN 'BENCH-ZS-20K-XY' || lpad(n::text, 5, '0') END,
           CASE WHEN n <= 16000 THEN current_date - 360 + (n % 350)::int END,
           CASE WHEN n <= 16000 THEN current_date - 30 + (n % 60)::int END
    FROM picked;
    INSERT INTO fund_deposits (project_id, voucher_no, amount, deposited_on, source, created_by)
    SELECT pid, 'BENCH-ZJ-' || m, 300000000, current_date - 720 + m * 30, '财政拨款', 'bench'
    FROM generate_series(1, 24) AS m;
    UPDATE relocation_projects SET funds_deposited = 24 * 300000000::numeric WHERE id = pid;
    INSERT INTO payments (compensation_unit_id, project_id, voucher_no, purpose, amount, status, paid_on, payee_name,
        payee_account, requested_by)
    SELECT c.id, pid, 'BENCH-ZF-' || c.id, 'compensation',
           CASE WHEN p.n <= 12000 THEN c.total_amount ELSE round(c.total_amount / 2, 2) END, 'paid',
           c.agreement_signed_on + 20, '基准收款人', '6222000000000000', 'bench'
    FROM compensation_units c JOIN picked p ON p.id = c.house_unit_id
    WHERE c.project_id = pid AND p.n <= 14000;
    UPDATE compensation_units c SET status = 'paid'
    FROM picked p WHERE p.id = c.house_unit_id AND c.project_id = pid AND p.n <= 12000;
END $$;
ANALYZE compensation_units;
ANALYZE payments;
ANALYZE fund_deposits;

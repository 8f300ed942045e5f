-- Month by month, cumulative deposits, commitments and payments of project $1 (yuan), the last
-- 120 months at most.
WITH d AS (
    SELECT date_trunc('month', deposited_on)::date AS m, sum(amount) AS a FROM fund_deposits WHERE project_id = $1 GROUP BY 1
), p AS (
    SELECT date_trunc('month', paid_on)::date AS m, sum(amount) AS a FROM payments
    WHERE project_id = $1 AND status = 'paid' GROUP BY 1
), c AS (
    SELECT date_trunc('month', coalesce(agreement_signed_on, decision_on))::date AS m, sum(payable_amount) AS a
    FROM compensation_units WHERE project_id = $1 AND (agreement_no IS NOT NULL OR decision_no IS NOT NULL) GROUP BY 1
), months AS (
    SELECT generate_series(
        (SELECT min(m) FROM (SELECT m FROM d UNION ALL SELECT m FROM p UNION ALL SELECT m FROM c) x),
        date_trunc('month', current_date)::date, interval '1 month')::date AS m
), cumulative AS (
    SELECT months.m,
           sum(coalesce(d.a, 0)) OVER w AS deposited,
           sum(coalesce(c.a, 0)) OVER w AS committed,
           sum(coalesce(p.a, 0)) OVER w AS paid
    FROM months LEFT JOIN d ON d.m = months.m LEFT JOIN p ON p.m = months.m LEFT JOIN c ON c.m = months.m
    WINDOW w AS (ORDER BY months.m)
)
SELECT to_char(m, 'YYYY-MM') AS month, deposited::float8, committed::float8, paid::float8
FROM cumulative ORDER BY m DESC LIMIT 120

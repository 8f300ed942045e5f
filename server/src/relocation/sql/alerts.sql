-- What the alerts of project $1 count; $2: days after which a signed agreement should be paid.
WITH paid AS (
    SELECT compensation_unit_id AS id, sum(amount) AS a FROM payments
    WHERE project_id = $1 AND status = 'paid' GROUP BY 1
), u AS (
    SELECT c.code, c.legality, c.agreement_no, c.decision_no, c.agreement_signed_on, c.decision_on,
           c.move_out_deadline, c.moved_out_on, c.payable_amount, coalesce(pd.a, 0) AS paid
    FROM compensation_units c LEFT JOIN paid pd ON pd.id = c.id
    WHERE c.project_id = $1
), unsigned AS (
    SELECT code FROM u WHERE legality <> 'illegal' AND agreement_no IS NULL AND decision_no IS NULL
), overdue AS (
    SELECT code FROM u WHERE move_out_deadline < current_date AND moved_out_on IS NULL
), unpaid AS (
    SELECT code FROM u WHERE coalesce(agreement_signed_on, decision_on) < current_date - $2::int AND paid < payable_amount
)
SELECT (SELECT count(*) FROM unsigned) AS unsigned_n,
       coalesce((SELECT array_agg(code) FROM (SELECT code FROM unsigned ORDER BY code LIMIT 20) s), '{}') AS unsigned_units,
       (SELECT count(*) FROM overdue) AS overdue_n,
       coalesce((SELECT array_agg(code) FROM (SELECT code FROM overdue ORDER BY code LIMIT 20) s), '{}') AS overdue_units,
       (SELECT count(*) FROM unpaid) AS unpaid_n,
       coalesce((SELECT array_agg(code) FROM (SELECT code FROM unpaid ORDER BY code LIMIT 20) s), '{}') AS unpaid_units,
       coalesce((SELECT sum(payable_amount - paid) FROM u WHERE agreement_no IS NOT NULL OR decision_no IS NOT NULL), 0)::float8
           AS remaining,
       (SELECT signing_ends_on FROM relocation_projects WHERE id = $1) AS signing_ends_on,
       current_date AS today

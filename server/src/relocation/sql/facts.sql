-- What the workflow's preconditions read of project $1 (amounts in cents).
WITH paid AS (
    SELECT p.compensation_unit_id AS id, sum(p.amount) AS amount
    FROM payments p WHERE p.project_id = $1 AND p.status = 'paid'
    GROUP BY p.compensation_unit_id
), units AS (
    SELECT count(*) AS units,
           count(*) FILTER (WHERE c.legality <> 'illegal' AND c.appraised_on IS NULL) AS unappraised,
           count(*) FILTER (WHERE c.legality <> 'illegal' AND c.agreement_no IS NULL AND c.decision_no IS NULL) AS unsettled,
           count(*) FILTER (WHERE c.legality <> 'illegal'
                              AND (c.agreement_no IS NULL AND c.decision_no IS NULL
                                   OR coalesce(pd.amount, 0) < c.payable_amount)) AS unpaid,
           count(*) FILTER (WHERE c.status <> 'demolished') AS not_demolished,
           count(*) FILTER (WHERE c.legality <> 'illegal' AND NOT EXISTS (
               SELECT 1 FROM archive_documents d
               WHERE d.compensation_unit_id = c.id AND d.category IN ('agreement', 'decision'))) AS not_archived
    FROM compensation_units c LEFT JOIN paid pd ON pd.id = c.id
    WHERE c.project_id = $1
)
SELECT current_date AS today,
       (r.budget * 100)::bigint AS budget,
       (coalesce(r.estimated_compensation, r.budget) * 100)::bigint AS estimated,
       (coalesce((SELECT sum(amount) FROM fund_deposits d WHERE d.project_id = r.id), 0) * 100)::bigint AS deposited,
       (coalesce((SELECT sum(amount) FROM paid), 0) * 100)::bigint AS paid,
       r.survey_published_on, r.plan_published_on, r.plan_comment_ends_on, r.risk_assessment_no, r.risk_assessed_on,
       r.decision_no, r.decision_announced_on, r.signing_starts_on, r.signing_ends_on, r.results_published_on,
       EXISTS (SELECT 1 FROM project_appraisal_firms f WHERE f.project_id = r.id) AS firm_chosen,
       u.units, u.unappraised, u.unsettled, u.unpaid, u.not_demolished, u.not_archived
FROM relocation_projects r CROSS JOIN units u
WHERE r.id = $1

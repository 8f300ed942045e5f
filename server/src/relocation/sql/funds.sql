-- The dedicated account of project $1 (yuan): budget, estimate, deposited, committed (payable of
-- every settled unit), paid and requested.
SELECT r.budget::float8 AS budget, coalesce(r.estimated_compensation, r.budget)::float8 AS estimated,
       coalesce((SELECT sum(amount) FROM fund_deposits WHERE project_id = r.id), 0)::float8 AS deposited,
       coalesce((SELECT sum(payable_amount) FROM compensation_units
                 WHERE project_id = r.id AND (agreement_no IS NOT NULL OR decision_no IS NOT NULL)), 0)::float8 AS committed,
       coalesce((SELECT sum(amount) FROM payments WHERE project_id = r.id AND status = 'paid'), 0)::float8 AS paid,
       coalesce((SELECT sum(amount) FROM payments WHERE project_id = r.id AND status = 'requested'), 0)::float8 AS requested
FROM relocation_projects r WHERE r.id = $1

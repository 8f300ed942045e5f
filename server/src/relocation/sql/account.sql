-- The dedicated account of project $1, in cents: balance (deposits less paid payments) and the
-- payment requests waiting for approval.
SELECT ((coalesce((SELECT sum(amount) FROM fund_deposits WHERE project_id = $1), 0)
         - coalesce((SELECT sum(amount) FROM payments WHERE project_id = $1 AND status = 'paid'), 0)) * 100)::bigint,
       (coalesce((SELECT sum(amount) FROM payments WHERE project_id = $1 AND status = 'requested'), 0) * 100)::bigint

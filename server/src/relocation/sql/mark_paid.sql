-- Unit $1 becomes `paid` once its payments cover what it is payable.
UPDATE compensation_units c SET status = 'paid'
WHERE c.id = $1 AND c.status = 'signed'
  AND c.payable_amount <= (SELECT coalesce(sum(amount), 0) FROM payments WHERE compensation_unit_id = $1 AND status = 'paid')

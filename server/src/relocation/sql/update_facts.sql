-- Records project facts; a null parameter keeps the value. Amounts in cents.
UPDATE relocation_projects SET
    name = coalesce($2, name),
    budget = coalesce($3::numeric / 100, budget),
    estimated_compensation = coalesce($4::numeric / 100, estimated_compensation),
    plan_published_on = coalesce($5, plan_published_on),
    plan_comment_ends_on = coalesce($6, plan_comment_ends_on),
    risk_assessment_no = coalesce($7, risk_assessment_no),
    risk_assessed_on = coalesce($8, risk_assessed_on),
    decision_no = coalesce($9, decision_no),
    decision_announced_on = coalesce($10, decision_announced_on),
    signing_starts_on = coalesce($11, signing_starts_on),
    signing_ends_on = coalesce($12, signing_ends_on)
WHERE id = $1
RETURNING version

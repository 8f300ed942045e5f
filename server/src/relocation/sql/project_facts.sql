-- The recorded facts of project $1, as `ProjectFacts` (amounts in yuan).
SELECT name, budget::float8 AS budget, estimated_compensation::float8 AS estimated_compensation,
       plan_published_on, plan_comment_ends_on, risk_assessment_no, risk_assessed_on, decision_no,
       decision_announced_on, signing_starts_on, signing_ends_on,
       survey_published_on, results_published_on, stage, version, code
FROM relocation_projects WHERE id = $1

-- 档案完整性: for each compensation unit of project $1, the items its state requires that its
-- archive lacks. surveyed and later: a survey photo; appraised and later (not for illegal
-- buildings): the appraisal report; signed and later: the agreement or decision; paid and
-- later with money paid: a payment voucher; demolished: a photo of the demolition (kind
-- demolition, or taken on or after the demolition day).
WITH u AS (
    SELECT c.id, c.code, c.status, c.legality, c.demolished_on,
           array_position(ARRAY['surveyed', 'appraised', 'signed', 'paid', 'demolished'], c.status) AS step,
           coalesce((SELECT sum(py.amount) FROM payments py WHERE py.compensation_unit_id = c.id AND py.status = 'paid'), 0) AS paid
    FROM compensation_units c WHERE c.project_id = $1
), docs AS (
    SELECT compensation_unit_id AS id, array_agg(DISTINCT category) AS categories
    FROM archive_documents WHERE project_id = $1 AND compensation_unit_id IS NOT NULL GROUP BY 1
), pics AS (
    SELECT ph.compensation_unit_id AS id,
           bool_or(ph.kind = 'survey') AS survey,
           bool_or(ph.kind = 'demolition' OR (u.demolished_on IS NOT NULL AND ph.taken_at >= u.demolished_on::timestamp AT TIME ZONE 'Asia/Shanghai')) AS demolition
    FROM photos ph JOIN u ON u.id = ph.compensation_unit_id GROUP BY 1
)
SELECT u.code, u.status,
       array_remove(ARRAY[
           CASE WHEN u.step >= 1 AND NOT coalesce(pics.survey, false) THEN 'survey_photo' END,
           CASE WHEN u.step >= 2 AND u.legality <> 'illegal' AND NOT coalesce('appraisal_report' = ANY(docs.categories), false) THEN 'appraisal_report' END,
           CASE WHEN u.step >= 3 AND u.legality <> 'illegal'
                     AND NOT coalesce(docs.categories && ARRAY['agreement', 'decision'], false) THEN 'agreement' END,
           CASE WHEN u.step >= 4 AND u.paid > 0 AND NOT coalesce('payment' = ANY(docs.categories), false) THEN 'payment_voucher' END,
           CASE WHEN u.step >= 5 AND NOT coalesce(pics.demolition, false) THEN 'demolition_photo' END
       ], NULL) AS missing
FROM u LEFT JOIN docs ON docs.id = u.id LEFT JOIN pics ON pics.id = u.id
ORDER BY u.code

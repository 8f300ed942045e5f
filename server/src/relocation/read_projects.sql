-- Projects with their progress; $1 limits to some ids (null: all), $2 to one code (null: all).
SELECT r.id, r.version, r.code, r.name, r.stage, r.implementing_agency, r.approved_on, r.decision_no,
       r.decision_announced_on, r.signing_starts_on, r.signing_ends_on, r.budget::float8 AS budget,
       ARRAY[ST_XMin(r.boundary), ST_YMin(r.boundary), ST_XMax(r.boundary), ST_YMax(r.boundary)]::float8[] AS bbox,
       count(c.id) AS units,
       count(c.id) FILTER (WHERE c.status = 'surveyed') AS surveyed,
       count(c.id) FILTER (WHERE c.status = 'appraised') AS appraised,
       count(c.id) FILTER (WHERE c.status = 'signed') AS signed,
       count(c.id) FILTER (WHERE c.status = 'paid') AS paid,
       count(c.id) FILTER (WHERE c.status = 'demolished') AS demolished,
       coalesce(sum(c.total_amount) FILTER (WHERE c.agreement_no IS NOT NULL), 0)::float8 AS agreed_total,
       coalesce((SELECT sum(p.amount) FROM payments p WHERE p.project_id = r.id AND p.status = 'paid'), 0)::float8
           AS paid_total,
       (SELECT string_agg(f.name, '、') FROM project_appraisal_firms pf JOIN appraisal_firms f ON f.id = pf.firm_id
         WHERE pf.project_id = r.id) AS firm
FROM relocation_projects r
LEFT JOIN compensation_units c ON c.project_id = r.id
WHERE ($1::bigint[] IS NULL OR r.id = ANY ($1)) AND ($2::text IS NULL OR r.code = $2)
GROUP BY r.id
ORDER BY r.code

-- 征收项目: one feature per relocation project (its boundary), dated by its approval.
SELECT r.code AS fid, r.boundary AS geom, (r.approved_on::timestamp AT TIME ZONE 'Asia/Shanghai') AS datetime,
       r.id AS project_id, r.code, r.name, r.county_code::text AS county_code, r.stage, r.implementing_agency,
       r.approved_on, r.decision_no, r.decision_announced_on, r.signing_starts_on, r.signing_ends_on,
       r.budget::float8 AS budget, r.funds_deposited::float8 AS funds_deposited
FROM relocation_projects r

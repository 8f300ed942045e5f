-- A project by code: id, code, and the window in which its field photos are expected (from
-- the survey stage, or its approval or creation, until it closed, or tomorrow).
SELECT r.id, r.code,
       coalesce((SELECT min(e.happened_on) FROM project_stage_events e WHERE e.project_id = r.id AND e.stage = 'survey'),
                r.approved_on, r.created_at::date) AS window_from,
       coalesce((SELECT max(e.happened_on) FROM project_stage_events e WHERE e.project_id = r.id AND e.stage = 'closed'),
                current_date + 1) AS window_to
FROM relocation_projects r
WHERE r.code = $1

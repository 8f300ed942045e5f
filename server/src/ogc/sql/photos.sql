-- 现场照片: one point feature per field photo, dated by when it was taken; href downloads it.
SELECT ph.photo_no AS fid, ph.geom, ph.taken_at AS datetime, ph.project_id,
       ph.photo_no, c.code AS compensation_unit, ph.taken_at, ph.taken_by, ph.caption,
       ph.direction_deg::float8 AS direction_deg, ph.width, ph.height, ph.mime_type, '/files/' || ph.file_path AS href
FROM photos ph
LEFT JOIN compensation_units c ON c.id = ph.compensation_unit_id

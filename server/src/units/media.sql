-- Payments, photos and documents of a compensation unit, as JSON arrays.
SELECT
  coalesce((SELECT jsonb_agg(jsonb_build_object('photo_no', photo_no, 'taken_at', taken_at, 'caption', caption,
            'taken_by', taken_by, 'direction_deg', direction_deg, 'lon', ST_X(geom), 'lat', ST_Y(geom),
            'url', '/files/' || file_path, 'thumbnail_url', '/files/' || file_path || '?thumbnail', 'mime_type', mime_type) ORDER BY taken_at)
            FROM photos WHERE compensation_unit_id = $1), '[]') AS photos,
  coalesce((SELECT jsonb_agg(jsonb_build_object('archive_no', archive_no, 'category', category, 'title', title,
            'date', document_date, 'url', '/files/' || file_path) ORDER BY document_date, id)
            FROM archive_documents WHERE compensation_unit_id = $1), '[]') AS documents

-- The caller's imports ($1 owner; null: everyone's), newest first.
SELECT id, kind, status, owner, file_name, format, progress_done, progress_total, counts, created_at
FROM imports WHERE source = 'upload' AND ($1::text IS NULL OR owner = $1)
ORDER BY created_at DESC LIMIT $2 OFFSET $3

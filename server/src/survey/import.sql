-- An import ($1) as the API shows it.
SELECT id, kind, status, owner, file_name, file_size, format, layer, crs, encoding,
       coalesce(mapping, '{}') AS mapping, coalesce(options->'fields', '[]') AS fields, notes,
       progress_done, progress_total, counts, error, created_at, validated_at, committed_at
FROM imports WHERE id = $1

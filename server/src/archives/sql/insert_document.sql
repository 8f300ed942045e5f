INSERT INTO archive_documents (archive_no, project_id, compensation_unit_id, category, title, document_date, file_path,
                               sha256, size_bytes, mime_type, content_text, search, original_name, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
        setweight(array_to_tsvector($12::text[]), 'A') || setweight(array_to_tsvector($13::text[]), 'B'), $14, $15)
RETURNING version

SELECT p.project_id, r.code, p.mime_type, p.sha256::text FROM photos p JOIN relocation_projects r ON r.id = p.project_id WHERE p.file_path = $1
UNION ALL
SELECT d.project_id, r.code, d.mime_type, d.sha256::text FROM archive_documents d JOIN relocation_projects r ON r.id = d.project_id WHERE d.file_path = $1
LIMIT 1

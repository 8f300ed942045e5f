-- Whether a path under the files directory is recorded by a committed row.
SELECT EXISTS (SELECT 1 FROM photos WHERE file_path = $1 OR thumbnail_path = $1)
    OR EXISTS (SELECT 1 FROM archive_documents WHERE file_path = $1)
    OR EXISTS (SELECT 1 FROM certificate_signatures WHERE pdf_path = $1)
    OR EXISTS (SELECT 1 FROM exports WHERE file_path = $1)

-- Archive documents in the caller's scope ($1: null = every project), filtered, best match
-- first when searching: $2 the query's tokens as
-- a tsquery of quoted lexemes ANDed, read without the text parser (CJK is never split by a
-- locale), $3 a prefix of an archive number, $9 the longest token (for the excerpt).
WITH q AS (SELECT $2::tsquery AS tsq)
SELECT d.archive_no, d.version, r.code, c.code, d.category, d.title, d.document_date, d.mime_type, d.size_bytes,
       d.sha256, d.file_path,
       CASE WHEN q.tsq IS NULL THEN NULL ELSE ts_rank_cd(d.search, q.tsq)::float4 END AS rank,
       CASE WHEN $9::text IS NULL OR d.content_text IS NULL OR strpos(d.content_text, $9) = 0 THEN NULL
            ELSE substr(d.content_text, greatest(strpos(d.content_text, $9) - 30, 1), 100) END AS excerpt,
       count(*) OVER () AS total
FROM archive_documents d
JOIN relocation_projects r ON r.id = d.project_id
LEFT JOIN compensation_units c ON c.id = d.compensation_unit_id, q
WHERE ($1::bigint[] IS NULL OR d.project_id = ANY($1))
  AND ((q.tsq IS NULL AND $3::text IS NULL) OR d.search @@ q.tsq OR ($3::text IS NOT NULL AND d.archive_no LIKE $3 || '%'))
  AND ($4::text IS NULL OR r.code = $4)
  AND ($5::text IS NULL OR c.code = $5)
  AND ($6::text IS NULL OR d.category = $6)
  AND ($7::date IS NULL OR d.document_date >= $7)
  AND ($8::date IS NULL OR d.document_date <= $8)
ORDER BY d.archive_no = $3 DESC, rank DESC NULLS LAST, d.document_date DESC NULLS LAST, d.archive_no
LIMIT $10 OFFSET $11

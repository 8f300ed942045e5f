-- Archive documents in the caller's scope ($1: null = every project), filtered, best match
-- first when searching: $2 the query's tokens as a tsquery of quoted lexemes ANDed, read
-- without the text parser (CJK is never split by a locale), $3 a prefix of an archive number,
-- $9 the query's words in lower case as LIKE patterns (`%word%`), longest first, $10 the
-- longest word itself (for the excerpt), $13 whether the words hold Latin letters.
-- Relevance: 1 when the title holds every word verbatim, 0.5 when it holds the longest one,
-- else 0 (the words are only in the text, or not side by side); newest first among equals.
-- The matches are ranked and counted on narrow rows and only the page's rows are read in
-- full: wide rows through a window aggregate spilled to disk at 10,000 matches.
WITH hits AS MATERIALIZED (
    SELECT d.id, d.archive_no, d.document_date,
           CASE WHEN $9::text[] IS NULL THEN NULL
                WHEN t.title LIKE ALL($9::text[]) THEN 1.0
                WHEN t.title LIKE ($9::text[])[1] THEN 0.5 ELSE 0 END::float4 AS rank
    FROM archive_documents d
    -- Lower case only when the query has Latin letters ($13): folding every title of 10,000
    -- matches cost as much as finding them.
    CROSS JOIN LATERAL (SELECT CASE WHEN $13::bool THEN lower(d.title) ELSE d.title END AS title) t
    WHERE ($1::bigint[] IS NULL OR d.project_id = ANY($1))
      AND (($2::tsquery IS NULL AND $3::text IS NULL) OR d.search @@ $2::tsquery
           OR ($3::text IS NOT NULL AND d.archive_no LIKE $3 || '%'))
      -- (`+ 0`: checked on the matches, not ANDed with a bitmap of every document of the project)
      AND ($4::text IS NULL OR d.project_id + 0 = (SELECT id FROM relocation_projects WHERE code = $4))
      AND ($5::text IS NULL OR d.compensation_unit_id = (SELECT id FROM compensation_units WHERE code = $5))
      AND ($6::text IS NULL OR d.category = $6)
      AND ($7::date IS NULL OR d.document_date >= $7)
      AND ($8::date IS NULL OR d.document_date <= $8)
),
page AS (
    SELECT h.id, h.rank, h.archive_no, h.document_date
    FROM hits h
    ORDER BY h.archive_no = $3 DESC, h.rank DESC NULLS LAST, h.document_date DESC NULLS LAST, h.archive_no
    LIMIT $11 OFFSET $12
)
SELECT d.archive_no, d.version, r.code, c.code, d.category, d.title, d.document_date, d.mime_type, d.size_bytes,
       d.sha256, d.file_path, p.rank,
       CASE WHEN $10::text IS NULL OR d.content_text IS NULL OR strpos(d.content_text, $10) = 0 THEN NULL
            ELSE substr(d.content_text, greatest(strpos(d.content_text, $10) - 30, 1), 100) END AS excerpt,
       (SELECT count(*) FROM hits) AS total
FROM page p
JOIN archive_documents d ON d.id = p.id
JOIN relocation_projects r ON r.id = d.project_id
LEFT JOIN compensation_units c ON c.id = d.compensation_unit_id
ORDER BY p.archive_no = $3 DESC, p.rank DESC NULLS LAST, p.document_date DESC NULLS LAST, p.archive_no

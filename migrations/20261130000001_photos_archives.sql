-- Field photos and archives written through the API (issue 16): how a photo was linked to its
-- unit, photos without a position or time (kept unmatched, with the reason), the text of
-- archive documents for full-text search, and the counters of the numbering schemes.

-- 照片: a photo without GPS or EXIF time is stored too (it waits in the unmatched queue).
ALTER TABLE photos
    ALTER COLUMN geom DROP NOT NULL,
    ALTER COLUMN taken_at DROP NOT NULL,
    -- inside (the position lies in the unit's outline), nearest (within the configured
    -- distance), manual (assigned by a person), or null (unmatched)
    ADD COLUMN link_method text CHECK (link_method IN ('inside', 'nearest', 'manual')),
    ADD COLUMN distance_m real CHECK (distance_m >= 0),
    -- why it is not linked (no GPS, outside every unit …)
    ADD COLUMN unmatched_reason text,
    -- survey (摸底调查), demolition (拆除), other
    ADD COLUMN kind text NOT NULL DEFAULT 'survey' CHECK (kind IN ('survey', 'demolition', 'other')),
    -- EXIF orientation 1–8 (thumbnails are turned upright)
    ADD COLUMN orientation smallint NOT NULL DEFAULT 1 CHECK (orientation BETWEEN 1 AND 8),
    -- the name the client gave (display only), who uploaded it, when the time zone was assumed
    ADD COLUMN original_name text,
    ADD COLUMN uploaded_by text,
    ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
UPDATE photos SET link_method = 'inside' WHERE compensation_unit_id IS NOT NULL;
CREATE INDEX photos_sha256_idx ON photos (sha256);
CREATE INDEX photos_unmatched_idx ON photos (project_id) WHERE compensation_unit_id IS NULL;

-- 档案: uploaded documents keep their extracted text and a search vector (Latin words and
-- CJK unigrams and bigrams, made by onemap-intake's tokenizer, weighted title A, text B).
ALTER TABLE archive_documents
    ADD COLUMN content_text  text,
    ADD COLUMN search        tsvector,
    ADD COLUMN original_name text,
    ADD COLUMN uploaded_by   text;
CREATE INDEX archive_documents_search_idx ON archive_documents USING gin (search);
CREATE INDEX archive_documents_sha256_idx ON archive_documents (sha256);
CREATE INDEX archive_documents_date_idx ON archive_documents (document_date);

-- The counters of the numbering schemes (档案号, 照片编号): one row per rendered prefix (the
-- number with its sequence part left out); its row lock serialises allocations.
CREATE TABLE number_sequences (
    key        text PRIMARY KEY,
    last_value bigint NOT NULL CHECK (last_value > 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

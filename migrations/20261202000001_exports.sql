-- 导出 (issue 18): an export is a job row. It keeps what was asked (collection, format, CRS,
-- filter, bbox, naming, encoding) and who asked (role and project scope at the time, for the
-- masking and the rows), its progress, and once done the file under files/exports.
CREATE TABLE exports (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    requested_by   text NOT NULL,
    user_id        bigint,
    role           text NOT NULL,
    -- the relocation projects the caller could see (null: all)
    projects       bigint[],
    collection     text NOT NULL,
    format         text NOT NULL CHECK (format IN ('gpkg', 'shp', 'geojson', 'csv', 'xlsx', 'dxf', 'kml')),
    crs            text NOT NULL,
    filter         text,
    filter_lang    text,
    bbox           float8[],
    naming         text NOT NULL CHECK (naming IN ('english', 'standard')),
    encoding       text NOT NULL CHECK (encoding IN ('UTF-8', 'GBK')),
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress_done  bigint NOT NULL DEFAULT 0,
    progress_total bigint NOT NULL DEFAULT 0,
    file_path      text,
    file_name      text,
    size_bytes     bigint,
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX exports_requested_by_idx ON exports (requested_by, created_at DESC);
CREATE INDEX exports_unfinished_idx ON exports (created_at) WHERE status IN ('queued', 'running');

-- History (版本历史) of parcels, buildings and house units: every version of every row, kept by
-- statement-level triggers whoever writes (an import, a single edit, plain SQL).
--
-- `<table>_history` has the table's own columns (a copy: generated columns are plain here) plus
-- the version's validity and who made it:
--   valid_from / valid_to   the transaction time the version was current (valid_to null: current)
--   op                      insert | update — how the version came to be
--   actor, request_id, import_id          who / which request / which import made it
--   ended_by, ended_op, ended_request_id, ended_import_id   who replaced or deleted it
-- The writer names itself with transaction-local settings (`SET LOCAL onemap.actor = …`,
-- `onemap.request_id`, `onemap.import_id`); plain SQL is recorded as `sql:<database user>`.
-- A migration that adds a column to one of the three tables must add it to its history too.

CREATE FUNCTION record_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who text := coalesce(nullif(current_setting('onemap.actor', true), ''), 'sql:' || session_user);
    req text := nullif(current_setting('onemap.request_id', true), '');
    imp uuid := nullif(current_setting('onemap.import_id', true), '')::uuid;
    hist text := TG_TABLE_NAME || '_history';
    cols text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format('UPDATE %I h SET valid_to = now(), ended_by = $1, ended_op = $2, ended_request_id = $3,
                               ended_import_id = $4
                        FROM old_rows o WHERE h.id = o.id AND h.valid_to IS NULL', hist)
            USING who, lower(TG_OP), req, imp;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped;
        EXECUTE format('INSERT INTO %I (%s, valid_from, op, actor, request_id, import_id)
                        SELECT %s, now(), $1, $2, $3, $4 FROM new_rows', hist, cols, cols)
            USING lower(TG_OP), who, req, imp;
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
    cols text;
BEGIN
    FOREACH t IN ARRAY ARRAY['parcels', 'buildings', 'house_units'] LOOP
        EXECUTE format('CREATE TABLE %I (LIKE %I)', t || '_history', t);
        EXECUTE format('ALTER TABLE %I
            ADD COLUMN history_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ADD COLUMN valid_from timestamptz NOT NULL,
            ADD COLUMN valid_to timestamptz,
            ADD COLUMN op text NOT NULL CHECK (op IN (''insert'', ''update'')),
            ADD COLUMN actor text NOT NULL,
            ADD COLUMN request_id text,
            ADD COLUMN import_id uuid,
            ADD COLUMN ended_by text,
            ADD COLUMN ended_op text CHECK (ended_op IN (''update'', ''delete'')),
            ADD COLUMN ended_request_id text,
            ADD COLUMN ended_import_id uuid', t || '_history');
        EXECUTE format('CREATE INDEX %I ON %I (id, valid_from)', t || '_history_id_idx', t || '_history');
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (id) WHERE valid_to IS NULL',
                       t || '_history_current_idx', t || '_history');
        -- What exists already is its first version.
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
        FROM pg_attribute WHERE attrelid = t::regclass AND attnum > 0 AND NOT attisdropped;
        EXECUTE format('INSERT INTO %I (%s, valid_from, op, actor) SELECT %s, updated_at, ''insert'', ''migration'' FROM %I',
                       t || '_history', cols, cols, t);
        EXECUTE format('CREATE TRIGGER %1$s_history_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_history()', t);
        EXECUTE format('CREATE TRIGGER %1$s_history_update AFTER UPDATE ON %1$I
                        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_history()', t);
        EXECUTE format('CREATE TRIGGER %1$s_history_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION record_history()', t);
    END LOOP;
END $$;

CREATE INDEX parcels_history_code_idx ON parcels_history (parcel_code);
CREATE INDEX buildings_history_code_idx ON buildings_history (building_no);
CREATE INDEX house_units_history_code_idx ON house_units_history (unit_code);

-- ---------------------------------------------------------------------------------------------
-- Survey imports (成果导入): an uploaded file, its staged features and what validation found.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE imports (
    id             uuid PRIMARY KEY,
    -- what the file holds
    kind           text NOT NULL CHECK (kind IN ('parcels', 'buildings', 'house_units')),
    -- upload: a file; edit: a single feature written through OGC API Features Part 4
    source         text NOT NULL DEFAULT 'upload' CHECK (source IN ('upload', 'edit')),
    status         text NOT NULL CHECK (status IN ('validating', 'ready', 'failed', 'committed', 'discarded')),
    owner          text NOT NULL,
    owner_role     text NOT NULL,
    file_name      text,
    file_size      bigint,
    -- the file GDAL opens, relative to the import's directory (imports/<id>/)
    dataset_path   text,
    -- what the uploader declared: crs, encoding, layer, mapping
    options        jsonb NOT NULL DEFAULT '{}',
    -- what was detected or used
    format         text,
    crs            text,
    srid           integer,
    encoding       text,
    layer          text,
    mapping        jsonb,
    -- assumptions made (a CRS guessed from the coordinates, swapped axes …), Chinese and English
    notes          jsonb NOT NULL DEFAULT '[]',
    progress_done  bigint NOT NULL DEFAULT 0,
    progress_total bigint NOT NULL DEFAULT 0,
    counts         jsonb,
    -- the problem that stopped a failed import
    error          jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    validated_at   timestamptz,
    committed_at   timestamptz,
    version        integer NOT NULL DEFAULT 1
);
CREATE INDEX imports_owner_idx ON imports (owner, created_at DESC);
CREATE TRIGGER imports_touch BEFORE UPDATE ON imports FOR EACH ROW EXECUTE FUNCTION touch_row();

CREATE TABLE import_features (
    import_id      uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    -- the feature's position in the file, from 1
    n              integer NOT NULL,
    -- as read and reprojected to EPSG:4490; may be invalid or of the wrong type (validation says)
    geom           geometry(Geometry, 4490),
    -- the mapped attributes, by their onemap names
    props          jsonb NOT NULL DEFAULT '{}',
    -- the attributes as the file has them
    source_props   jsonb NOT NULL DEFAULT '{}',
    -- the code the file declares (ZDDM, ZRZH or BDCDYH), and its parent's (ZDDM of a building …)
    code           text,
    parent_code    text,
    -- the existing row it replaces, and that row's version when validated
    target_id      bigint,
    target_version integer,
    -- the parent row (a building's parcel, a house unit's building) found by code or position
    parent_id      bigint,
    status         text CHECK (status IN ('new', 'changed', 'unchanged', 'conflict', 'error')),
    PRIMARY KEY (import_id, n)
);
CREATE INDEX import_features_geom_idx ON import_features USING gist (geom);

-- 校验问题: one row per rule a feature (or the whole file, n = 0) breaks.
CREATE TABLE import_issues (
    import_id  uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    n          integer NOT NULL,
    code       text NOT NULL,
    severity   text NOT NULL CHECK (severity IN ('error', 'warning')),
    message_zh text NOT NULL,
    message_en text NOT NULL,
    -- where (a point in EPSG:4490), when the rule can say
    location   geometry(Point, 4490)
);
CREATE INDEX import_issues_import_idx ON import_issues (import_id, n);

-- The server may close a version (valid_to) but never remove one.
REVOKE DELETE, TRUNCATE ON parcels_history, buildings_history, house_units_history FROM onemap_app;

-- Users, roles, sessions, API keys and the tamper-evident audit log.

-- Roles (domain.md §6). Anonymous callers act as 'public', which is not stored.
CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
    display_name        text NOT NULL,
    role                text NOT NULL CHECK (role IN ('admin', 'officer', 'appraiser', 'surveyor', 'clerk', 'auditor')),
    -- an appraiser belongs to an appraisal firm and sees only the projects it is appointed to
    appraisal_firm_id   bigint REFERENCES appraisal_firms (id) ON DELETE RESTRICT,
    -- argon2id PHC string
    password_hash       text NOT NULL,
    disabled            boolean NOT NULL DEFAULT false,
    failed_logins       integer NOT NULL DEFAULT 0,
    locked_until        timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    CHECK ((role = 'appraiser') = (appraisal_firm_id IS NOT NULL))
);
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_row();

-- Optional project scope of a user (empty: every project the role may see).
CREATE TABLE user_projects (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id bigint NOT NULL REFERENCES relocation_projects (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, project_id)
);

-- API keys of other systems: a role and an optional project scope. Only a hash is kept.
CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    -- first characters of the key, to recognise it in lists and logs
    key_prefix   text NOT NULL,
    key_hash     bytea NOT NULL UNIQUE,
    role         text NOT NULL CHECK (role IN ('admin', 'officer', 'appraiser', 'surveyor', 'clerk', 'auditor')),
    appraisal_firm_id bigint REFERENCES appraisal_firms (id),
    project_ids  bigint[] NOT NULL DEFAULT '{}',
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'appraiser') = (appraisal_firm_id IS NOT NULL))
);

-- Login sessions: bearer tokens and the UI's cookie share them. Only a hash is kept.
CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text NOT NULL,
    client_addr  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- The audit log: append-only and hash-chained. Each row's hash is SHA-256 over the previous
-- row's hash and this row's canonical content (see server/src/audit). Rows are only removed
-- by pruning, which records a checkpoint so the remaining chain stays verifiable.
CREATE TABLE audit_log (
    id          bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    role        text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL,
    outcome     text NOT NULL,
    request_id  text,
    client_addr text,
    before      jsonb,
    after       jsonb,
    details     jsonb,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL UNIQUE
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_action_idx ON audit_log (action, at);

-- Pruned ranges: the last pruned row's id and hash, where verification resumes.
CREATE TABLE audit_checkpoints (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    through_id    bigint NOT NULL,
    through_hash  bytea NOT NULL,
    rows_pruned   bigint NOT NULL,
    pruned_at     timestamptz NOT NULL DEFAULT now(),
    retention     interval NOT NULL
);

-- Refuses any change to the audit log, except the deletion of rows older than the retention
-- by `onemap audit prune`, which announces itself with the setting onemap.audit_prune.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('onemap.audit_prune', true) IS NOT NULL
       AND OLD.at < now() - current_setting('onemap.audit_prune', true)::interval THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- The role the server connects as: everything it needs, but no UPDATE/DELETE/TRUNCATE on the
-- audit log. Created without login here; the embedded cluster gives it a password.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'onemap_app') THEN
        CREATE ROLE onemap_app NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO onemap_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO onemap_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO onemap_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints FROM onemap_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO onemap_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO onemap_app;

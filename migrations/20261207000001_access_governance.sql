-- 权限治理: end dates that revoke at once, since-when and by-whom of every grant (for the
-- access review), and users' requests for a role or a project, decided by another person.

-- The end of an account's access (exclusive): past it the account cannot log in and its
-- sessions are refused, as if disabled.
ALTER TABLE users
    ADD COLUMN access_until    timestamptz,
    ADD COLUMN role_granted_at timestamptz,
    ADD COLUMN role_granted_by text;
UPDATE users SET role_granted_at = created_at;
ALTER TABLE users ALTER COLUMN role_granted_at SET NOT NULL, ALTER COLUMN role_granted_at SET DEFAULT now();

-- A project grant's since-when, by whom and end. An ended grant still narrows the user (it
-- grants nothing): losing one's last grant must not widen one to every project.
ALTER TABLE user_projects
    ADD COLUMN granted_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN granted_by text,
    ADD COLUMN until      timestamptz;

-- 权限申请
CREATE TABLE access_requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the applicant's role when asking
    applicant_role text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('role', 'project')),
    role         text CHECK (role IN ('admin', 'officer', 'director', 'surveyor', 'clerk', 'auditor')),
    project_id   bigint REFERENCES relocation_projects (id),
    reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    -- the last day asked for (inclusive)
    until        date,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by   text,
    decided_at   timestamptz,
    comment      text CHECK (char_length(comment) <= 500),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer NOT NULL DEFAULT 1,
    CHECK ((kind = 'role') = (role IS NOT NULL)),
    CHECK ((kind = 'project') = (project_id IS NOT NULL)),
    CHECK ((status IN ('pending', 'withdrawn')) = (decided_by IS NULL))
);
CREATE INDEX access_requests_status_idx ON access_requests (status, requested_at DESC);
CREATE INDEX access_requests_user_idx ON access_requests (user_id, requested_at DESC);
-- One pending request per user and thing asked for.
CREATE UNIQUE INDEX access_requests_one_pending ON access_requests
    (user_id, kind, coalesce(role, ''), coalesce(project_id, 0)) WHERE status = 'pending';
CREATE TRIGGER access_requests_touch BEFORE UPDATE ON access_requests FOR EACH ROW EXECUTE FUNCTION touch_row();

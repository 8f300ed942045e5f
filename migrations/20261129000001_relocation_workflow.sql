-- Relocation workflow (征收业务流程): the director role, the facts a project's stage transitions
-- depend on, approvals (four eyes), payment requests, the dedicated account's deposits, public
-- notices and the history of projects and compensation units.

-- 征收中心负责人: approves stage transitions and payments.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'officer', 'director', 'appraiser', 'surveyor', 'clerk', 'auditor'));
ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check
    CHECK (role IN ('admin', 'officer', 'director', 'appraiser', 'surveyor', 'clerk', 'auditor'));

-- The facts the regulation's order depends on, recorded with the dates they happened.
ALTER TABLE relocation_projects
    -- 调查结果公布 (art. 15): set when the survey results are published
    ADD COLUMN survey_published_on    date,
    -- 补偿方案征求意见 (art. 10–11): published on, comments until (at least 30 days)
    ADD COLUMN plan_published_on      date,
    ADD COLUMN plan_comment_ends_on   date,
    -- 社会稳定风险评估: report number and date
    ADD COLUMN risk_assessment_no     text,
    ADD COLUMN risk_assessed_on       date,
    -- 补偿费用估算 of the plan (the funds the decision needs in the account); null: the budget
    ADD COLUMN estimated_compensation numeric(16, 2) CHECK (estimated_compensation >= 0),
    -- 分户补偿结果公布 (art. 29)
    ADD COLUMN results_published_on   date,
    ADD COLUMN created_by             text,
    ADD CONSTRAINT relocation_projects_comment_period
        CHECK (plan_comment_ends_on IS NULL OR plan_comment_ends_on >= plan_published_on + 30),
    ADD CONSTRAINT relocation_projects_signing_period
        CHECK (signing_ends_on IS NULL OR signing_ends_on >= signing_starts_on);

-- How the owners chose the firm (协商/投票/抽签), recorded.
ALTER TABLE project_appraisal_firms
    ADD COLUMN note        text,
    ADD COLUMN recorded_by text;

-- Payments are requested, approved (paid from the dedicated account) or rejected.
ALTER TABLE payments
    ADD COLUMN status       text NOT NULL DEFAULT 'paid' CHECK (status IN ('requested', 'paid', 'rejected')),
    ADD COLUMN project_id   bigint REFERENCES relocation_projects (id),
    ADD COLUMN requested_by text,
    ALTER COLUMN paid_on DROP NOT NULL,
    ADD CONSTRAINT payments_paid_on CHECK ((status = 'paid') = (paid_on IS NOT NULL));
UPDATE payments p SET project_id = c.project_id FROM compensation_units c WHERE c.id = p.compensation_unit_id;
ALTER TABLE payments ALTER COLUMN project_id SET NOT NULL;
CREATE INDEX payments_project_idx ON payments (project_id, status);

-- What a unit may be paid: the agreed total, or for a property swap the price difference owed
-- to the owner (none when the owner owes it).
ALTER TABLE compensation_units
    ADD COLUMN payable_amount numeric(14, 2) GENERATED ALWAYS AS (
        CASE WHEN compensation_mode = 'property_swap' THEN greatest(total_amount - resettlement_value, 0)
             ELSE total_amount END) STORED,
    ADD COLUMN resettlement_flat text,
    ADD COLUMN agreement_archive_no text;
CREATE INDEX compensation_units_project_code_idx ON compensation_units (project_id, code);

-- 专户资金: deposits into the project's dedicated account; payments leave it when paid.
CREATE TABLE fund_deposits (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES relocation_projects (id),
    voucher_no  text NOT NULL UNIQUE,
    amount      numeric(16, 2) NOT NULL CHECK (amount > 0),
    deposited_on date NOT NULL,
    source      text,
    note        text,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fund_deposits_project_idx ON fund_deposits (project_id, deposited_on);
-- What the demo (or an earlier release) put in the account is its opening deposit.
INSERT INTO fund_deposits (project_id, voucher_no, amount, deposited_on, source, created_by)
SELECT id, code || '-ZJ-0001', funds_deposited, coalesce(approved_on, created_at::date), '期初余额', 'migration'
FROM relocation_projects WHERE funds_deposited > 0;

-- 审批: a stage transition or a payment waiting for the director; never decided by its requester.
CREATE TABLE approvals (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                 text NOT NULL CHECK (kind IN ('transition', 'payment')),
    project_id           bigint NOT NULL REFERENCES relocation_projects (id),
    compensation_unit_id bigint REFERENCES compensation_units (id),
    payment_id           bigint UNIQUE REFERENCES payments (id),
    from_stage           text,
    to_stage             text,
    note                 text,
    -- archive numbers of the documents the request cites
    documents            text[] NOT NULL DEFAULT '{}',
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by         text NOT NULL,
    requested_role       text NOT NULL,
    requested_at         timestamptz NOT NULL DEFAULT now(),
    decided_by           text,
    decided_at           timestamptz,
    comment              text,
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (decided_by IS DISTINCT FROM requested_by),
    CHECK ((kind = 'transition') = (to_stage IS NOT NULL)),
    CHECK ((kind = 'payment') = (payment_id IS NOT NULL))
);
CREATE INDEX approvals_status_idx ON approvals (status, project_id);
CREATE UNIQUE INDEX approvals_one_pending_transition ON approvals (project_id)
    WHERE kind = 'transition' AND status = 'pending';

-- 公示: what was published, as published (names masked, no ID numbers or accounts); every
-- version kept.
CREATE TABLE project_publications (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES relocation_projects (id),
    kind         text NOT NULL CHECK (kind IN ('survey', 'results')),
    version      integer NOT NULL CHECK (version > 0),
    published_on date NOT NULL,
    published_by text NOT NULL,
    content      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, kind, version)
);

-- History of projects and compensation units, kept like that of parcels (record_history()).
DO $$
DECLARE
    t text;
    cols text;
BEGIN
    FOREACH t IN ARRAY ARRAY['relocation_projects', 'compensation_units'] LOOP
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

-- An illegal building (违法建筑) gets no appraisal and no compensation but is still vacated and
-- demolished: the state checks of a unit allow that.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'compensation_units'::regclass AND contype = 'c'
               AND (pg_get_constraintdef(oid) LIKE '%appraised_on IS NOT NULL%'
                    OR pg_get_constraintdef(oid) LIKE '%agreement_no IS NOT NULL%')
    LOOP
        EXECUTE format('ALTER TABLE compensation_units DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;
ALTER TABLE compensation_units
    ADD CONSTRAINT compensation_units_appraised
        CHECK (status = 'surveyed' OR appraised_on IS NOT NULL OR legality = 'illegal'),
    ADD CONSTRAINT compensation_units_settled
        CHECK (status NOT IN ('signed', 'paid', 'demolished') OR agreement_no IS NOT NULL OR decision_no IS NOT NULL
               OR legality = 'illegal');

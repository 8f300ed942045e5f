-- 注销登记 (issue 17): when a compensation unit is demolished, a cancellation case for the
-- house unit's rights is opened for the registration clerks. Approved (by a clerk who did not
-- open it: four eyes), the rights become `cancelled`, their certificates `cancelled`, and the
-- house unit is marked demolished (its history keeps every earlier version).

-- The day the house was demolished (房屋灭失); the unit stays in the register, marked.
ALTER TABLE house_units ADD COLUMN demolished_on date;
ALTER TABLE house_units_history ADD COLUMN demolished_on date;

-- 登记业务: for now cancellations (注销登记) opened by the relocation workflow.
CREATE TABLE registration_cases (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                 text NOT NULL CHECK (kind IN ('cancellation')),
    status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
    -- 业务号, e.g. ZX-2026-000001
    business_no          text NOT NULL UNIQUE,
    house_unit_id        bigint NOT NULL REFERENCES house_units (id),
    unit_code            varchar(28) NOT NULL,
    compensation_unit_id bigint REFERENCES compensation_units (id),
    -- 注销原因, e.g. 房屋征收拆除 (项目 WX-ZS-2025-02, 补偿单元 …)
    reason               text NOT NULL,
    demolished_on        date NOT NULL,
    opened_by            text NOT NULL,
    opened_at            timestamptz NOT NULL DEFAULT now(),
    decided_by           text,
    decided_at           timestamptz,
    decision_note        text,
    version              integer NOT NULL DEFAULT 1,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
-- One cancellation per compensation unit's demolition.
CREATE UNIQUE INDEX registration_cases_one_per_demolition ON registration_cases (compensation_unit_id, kind);
CREATE INDEX registration_cases_status_idx ON registration_cases (status, opened_at);

-- 注销登记 (issue 17): the rights an approved case cancelled, recorded when it is decided, so
-- that the case and its exchange message name exactly those rights (not every right cancelled
-- on the same day).
CREATE TABLE registration_case_rights (
    case_id  bigint NOT NULL REFERENCES registration_cases (id),
    right_id bigint NOT NULL REFERENCES rights (id),
    PRIMARY KEY (case_id, right_id)
);
CREATE INDEX registration_case_rights_right_idx ON registration_case_rights (right_id);


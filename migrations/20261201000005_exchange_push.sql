-- 交换推送 (issue 17): where pushing the outbox to a receiver stands — one row per receiver
-- URL. Messages go in id order, one POST each with its idempotency key; a failure is retried
-- after a delay that doubles (kept here, so it survives a restart and holds for every server:
-- the row is locked while a message is being pushed).
CREATE TABLE exchange_push (
    target          text PRIMARY KEY,
    -- the last message the receiver accepted (2xx)
    delivered_id    bigint NOT NULL DEFAULT 0,
    delivered_at    timestamptz,
    -- failures in a row of the next message, and the last one's reason
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    last_attempt_at timestamptz,
    next_attempt_at timestamptz
);

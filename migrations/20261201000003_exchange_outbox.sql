-- 交换 (issue 17): the outbox of messages to the registration platform. Each registration
-- change writes its message in the transaction of the change (so a message exists exactly when
-- its change committed); receivers read them in id order (`GET /api/exchange/messages?after=`)
-- and drop a repeated idempotency key. The XML follows docs/exchange/onemap-exchange-1.xsd.
CREATE TABLE exchange_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('cancellation')),
    -- the case (业务号) the message reports
    subject         text NOT NULL,
    idempotency_key uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    -- the message's elements (YW, H, FDCQ2 …); the envelope (id, key, kind, time) is added when read
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Append-only for the server: a sent message is never rewritten.
REVOKE UPDATE, DELETE ON exchange_messages FROM onemap_app;

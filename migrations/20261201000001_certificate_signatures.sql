-- 电子证照签章 (issue 17): each certificate's SM2 signature over its canonical content and the
-- SM3 digest of its PDF face, with the key that made it. A certificate is signed when it is
-- first needed (its PDF, its signature or its verification asked for) or by
-- `onemap certificates sign --all`; once signed its face and signature never change: a later
-- change of the register shows as a difference at verification, not as a new signature.
CREATE TABLE certificate_signatures (
    certificate_id bigint PRIMARY KEY REFERENCES certificates (id),
    -- the signing key's id (keys live under <data-dir>/keys; old keys stay for verification)
    key_id         text NOT NULL,
    algorithm      text NOT NULL CHECK (algorithm = 'SM2-with-SM3'),
    -- the canonical bytes signed (onemap_seal::CertificateContent::to_bytes)
    signed_data    bytea NOT NULL,
    -- DER-encoded SM2 signature
    signature      bytea NOT NULL,
    -- the short check value the QR code carries (/verify/{identifier}?c=…)
    check_value    text NOT NULL,
    -- the PDF face, under the files directory, and its SM3 digest (hex)
    pdf_path       text NOT NULL,
    pdf_sm3        varchar(64) NOT NULL,
    signed_at      timestamptz NOT NULL DEFAULT now()
);

-- Append-only for the server: a signature is never rewritten.
REVOKE UPDATE, DELETE ON certificate_signatures FROM onemap_app;

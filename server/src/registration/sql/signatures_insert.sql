-- The signatures of a batch of certificates ($1 ids; $2 key id, $3 algorithm; then one array
-- element per certificate), and the certificates' own signer, time, seal and QR content.
WITH s AS (
    INSERT INTO certificate_signatures
        (certificate_id, key_id, algorithm, signed_data, signature, check_value, pdf_path, pdf_sm3, signed_at)
    SELECT u.id, $2, $3, u.signed_data, u.signature, u.check_value, u.pdf_path, u.pdf_sm3, u.signed_at
    FROM unnest($1::bigint[], $4::bytea[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
         AS u(id, signed_data, signature, check_value, pdf_path, pdf_sm3, signed_at)
    RETURNING certificate_id, signed_at
)
UPDATE certificates c
SET signer = $2, signed_at = s.signed_at, seal_name = coalesce(c.seal_name, u.seal_name), qr_content = u.url,
    updated_at = now(), version = c.version + 1
FROM s JOIN unnest($1::bigint[], $10::text[], $11::text[]) AS u(id, seal_name, url) ON u.id = s.certificate_id
WHERE c.id = s.certificate_id

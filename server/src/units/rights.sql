-- Rights registered on a unit code, with certificates as JSON (no personal data in them).
SELECT r.id, r.kind, r.status, r.business_no, r.registered_on, r.starts_on, r.ends_on, r.cancelled_on,
       r.right_nature, r.co_ownership, r.secured_amount::float8 AS secured_amount, r.authority, r.document_no,
       coalesce((SELECT jsonb_agg(jsonb_build_object('number', c.number, 'identifier', c.identifier, 'kind', c.kind,
                 'issuer', c.issuer_name, 'issued_on', c.issued_on, 'status', c.status, 'cancelled_on', c.cancelled_on)
                 ORDER BY c.id) FROM certificates c WHERE c.right_id = r.id), '[]') AS certificates
FROM rights r WHERE r.unit_code = $1
ORDER BY r.registered_on, r.id

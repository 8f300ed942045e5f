SELECT p.right_id, p.role, p.share::float8 AS share, h.name, h.holder_type, h.id_type, h.id_number, h.phone
FROM right_parties p JOIN right_holders h ON h.id = p.holder_id
WHERE p.right_id = ANY ($1)
ORDER BY p.right_id, p.role, h.id

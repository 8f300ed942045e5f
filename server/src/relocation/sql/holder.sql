-- The right holder with this ID ($3, $4), created when new; a known one keeps its record.
WITH new AS (
    INSERT INTO right_holders (name, holder_type, id_type, id_number, phone)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (id_type, id_number) DO NOTHING
    RETURNING id
)
SELECT id FROM new
UNION ALL
SELECT id FROM right_holders WHERE id_type = $3 AND id_number = $4
LIMIT 1

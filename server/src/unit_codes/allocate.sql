-- Reserves the next number under prefix $1; $2 is the largest number already used by existing
-- codes, so allocation never hands out a number that exists, whoever created it.
INSERT INTO code_sequences (prefix, last_value) VALUES ($1, $2 + 1)
ON CONFLICT (prefix) DO UPDATE
    SET last_value = greatest(code_sequences.last_value, EXCLUDED.last_value - 1) + 1, updated_at = now()
RETURNING last_value

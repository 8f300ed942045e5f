-- Reserves $3 numbers under prefix $1 ($2: the largest number existing codes use) and returns
-- the last; the block is last - $3 + 1 … last.
INSERT INTO code_sequences (prefix, last_value) VALUES ($1, $2 + $3)
ON CONFLICT (prefix) DO UPDATE
    SET last_value = greatest(code_sequences.last_value, $2) + $3, updated_at = now()
RETURNING last_value

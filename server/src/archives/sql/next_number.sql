-- The next value of a numbering counter (row-locked until the transaction ends).
INSERT INTO number_sequences (key, last_value) VALUES ($1, 1)
ON CONFLICT (key) DO UPDATE SET last_value = number_sequences.last_value + 1, updated_at = now()
RETURNING last_value

-- Allocation of unit-code numbers (GB/T 37346): the next parcel sequence number in a
-- cadastral sub-district, building number in a parcel, unit number in a building. One row per
-- prefix; its row lock serialises concurrent allocations.
CREATE TABLE code_sequences (
    -- the 12-character sub-district, 19-character parcel code or 24-character building number
    prefix     text PRIMARY KEY CHECK (length(prefix) IN (12, 19, 24)),
    last_value integer NOT NULL CHECK (last_value > 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON code_sequences TO onemap_app;

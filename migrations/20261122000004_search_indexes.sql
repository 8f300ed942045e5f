-- Search: substring matches on certificate numbers and addresses (trigram), exact and prefix
-- matches on right-holder names (btree; Chinese names are too short for trigrams).
CREATE INDEX certificates_number_trgm_idx ON certificates USING gin (number gin_trgm_ops);
CREATE INDEX parcels_address_trgm_idx ON parcels USING gin (address gin_trgm_ops);
CREATE INDEX right_holders_name_idx ON right_holders (name);

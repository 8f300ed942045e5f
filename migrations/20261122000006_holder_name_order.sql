-- Holder search reads the first names of a prefix in (name, id) order straight off the index
-- instead of sorting every match (collective owners such as 温县…村民委员会 share prefixes
-- with thousands of names).
CREATE INDEX right_holders_name_id_idx ON right_holders (name, id);
DROP INDEX right_holders_name_idx;

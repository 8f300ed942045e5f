-- Whether a staged feature's geometry equals the row it replaces (within ~1 mm): such features
-- bring no new overlap or gap, and their geometry is kept as it is.
ALTER TABLE import_features ADD COLUMN same_geom boolean NOT NULL DEFAULT false;

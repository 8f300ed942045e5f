-- The validation's "replaced by this import" checks look features up by their target row.
CREATE INDEX import_features_target_idx ON import_features (import_id, target_id);

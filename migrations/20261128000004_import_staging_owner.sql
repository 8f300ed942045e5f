-- The server owns its staging tables so that it can ANALYZE them after staging a large file
-- (PostgreSQL 15 lets only a table's owner analyze it). They hold nothing but work in progress.
-- An installation whose migrating role may not hand tables to onemap_app keeps them (large
-- imports then validate on guessed statistics, slower).
DO $$
BEGIN
    ALTER TABLE import_features OWNER TO onemap_app;
    ALTER TABLE import_issues OWNER TO onemap_app;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'import staging tables stay with %: %', current_user, SQLERRM;
END $$;

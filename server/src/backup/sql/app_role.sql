-- The server's role, which the dump's grants name; its password is set when the server starts.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'onemap_app') THEN
        CREATE ROLE onemap_app NOLOGIN;
    END IF;
END
$$

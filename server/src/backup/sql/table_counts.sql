-- Rows of every table of the public schema, exactly (query_to_xml runs the count per table;
-- the names come from the catalog, quoted by format's %I).
SELECT c.relname::text AS name,
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname), false, true, '')))[1]::text::bigint AS n
FROM pg_class c
JOIN pg_namespace ns ON ns.oid = c.relnamespace
WHERE ns.nspname = 'public' AND c.relkind = 'r'
ORDER BY 1

-- Ids were given by the generator; continue every identity after the largest one.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['admin_areas', 'cadastral_districts', 'cadastral_subdistricts', 'roads', 'parcels',
        'buildings', 'house_units', 'right_holders', 'rights', 'certificates', 'relocation_projects',
        'project_stage_events', 'appraisal_firms', 'compensation_units', 'payments', 'photos', 'archive_documents']
    LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce((SELECT max(id) FROM %I), 0) + 1, false)', t, t);
    END LOOP;
END $$

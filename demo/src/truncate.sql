TRUNCATE exports, access_requests, approvals, fund_deposits, project_publications, compensation_units_history,
    relocation_projects_history, user_projects, sessions, api_keys, users, archive_documents, photos, number_sequences, payments, compensation_units, project_appraisal_firms, appraisal_firms,
    project_stage_events, relocation_projects, exchange_messages, registration_case_rights, registration_cases, certificate_signatures, certificates, right_parties, rights, right_holders,
    import_issues, import_features, imports, house_units_history, buildings_history, parcels_history,
    house_units, buildings, parcels, roads, cadastral_subdistricts, cadastral_districts, admin_areas
    RESTART IDENTITY

-- Entity counts, as one JSON object (read into onemap_api::health::Stats).
SELECT to_jsonb(s) FROM (
SELECT
    (SELECT count(*) FROM admin_areas)            AS admin_areas,
    (SELECT count(*) FROM cadastral_districts)    AS cadastral_districts,
    (SELECT count(*) FROM cadastral_subdistricts) AS cadastral_subdistricts,
    (SELECT count(*) FROM roads)                  AS roads,
    (SELECT count(*) FROM parcels)                AS parcels,
    (SELECT count(*) FROM buildings)              AS buildings,
    (SELECT count(*) FROM house_units)            AS house_units,
    (SELECT count(*) FROM right_holders)          AS right_holders,
    (SELECT count(*) FROM rights)                 AS rights,
    (SELECT count(*) FROM certificates)           AS certificates,
    (SELECT count(*) FROM relocation_projects)    AS projects,
    (SELECT count(*) FROM appraisal_firms)        AS appraisal_firms,
    (SELECT count(*) FROM compensation_units)     AS compensation_units,
    (SELECT count(*) FROM payments WHERE status = 'paid') AS payments,
    (SELECT count(*) FROM photos)                 AS photos,
    (SELECT count(*) FROM archive_documents)      AS archive_documents
) s

-- Before the rules: land-use names become their GB/T 21010 codes, and each feature finds the
-- row it replaces (same code) with that row's version and whether the geometry is the same
-- (within 1e-8°, ~1 mm). $1 import, $2 kind.
WITH lu AS (
    UPDATE import_features f SET props = jsonb_set(f.props, '{land_use}', to_jsonb(l.code::text))
    FROM land_use_codes l
    WHERE f.import_id = $1 AND $2 = 'parcels' AND f.props->>'land_use' = l.name_zh
    RETURNING f.n
), targets AS (
    UPDATE import_features f SET target_id = t.id, target_version = t.version,
        same_geom = f.geom IS NOT NULL AND ST_NPoints(f.geom) = ST_NPoints(t.geom)
                    AND ST_HausdorffDistance(ST_Multi(f.geom), t.geom) < 1e-8
    FROM (
        SELECT id, version, parcel_code::text AS code, geom FROM parcels WHERE $2 = 'parcels'
        UNION ALL SELECT id, version, building_no::text, geom FROM buildings WHERE $2 = 'buildings'
        UNION ALL SELECT id, version, unit_code::text, geom FROM house_units WHERE $2 = 'house_units'
    ) t
    WHERE f.import_id = $1 AND f.code = t.code
    RETURNING f.n
)
SELECT (SELECT count(*) FROM lu) + (SELECT count(*) FROM targets)

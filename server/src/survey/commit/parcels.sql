-- Writes an import's parcels ($1): new ones inserted, changed ones updated (attributes the
-- file does not map keep their values). Returns (inserted, updated).
WITH ins AS (
    INSERT INTO parcels (parcel_code, address, land_use, right_type, right_nature, registered_area_m2, geom)
    SELECT f.code, f.props->>'address', f.props->>'land_use', f.props->>'right_type',
           coalesce(f.props->>'right_nature', 'other'), (f.props->>'registered_area_m2')::numeric, ST_Multi(f.geom)
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'new' ORDER BY f.n
    RETURNING 1
), upd AS (
    UPDATE parcels p SET
        address = coalesce(f.props->>'address', p.address),
        land_use = coalesce(f.props->>'land_use', p.land_use),
        right_type = coalesce(f.props->>'right_type', p.right_type),
        right_nature = coalesce(f.props->>'right_nature', p.right_nature),
        registered_area_m2 = coalesce((f.props->>'registered_area_m2')::numeric, p.registered_area_m2),
        geom = CASE WHEN f.same_geom THEN p.geom ELSE ST_Multi(f.geom) END
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'changed' AND p.id = f.target_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM upd) AS updated

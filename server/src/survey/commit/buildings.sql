-- Writes an import's buildings ($1), as parcels.sql does. Returns (inserted, updated).
WITH ins AS (
    INSERT INTO buildings (parcel_id, building_no, name, floors, floors_below, structure, planned_use, completion_year, geom)
    SELECT f.parent_id, f.code, f.props->>'name', (f.props->>'floors')::smallint,
           coalesce((f.props->>'floors_below')::smallint, 0), f.props->>'structure', f.props->>'planned_use',
           (f.props->>'completion_year')::smallint, ST_Multi(f.geom)
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'new' ORDER BY f.n
    RETURNING 1
), upd AS (
    UPDATE buildings b SET
        name = coalesce(f.props->>'name', b.name),
        floors = coalesce((f.props->>'floors')::smallint, b.floors),
        floors_below = coalesce((f.props->>'floors_below')::smallint, b.floors_below),
        structure = coalesce(f.props->>'structure', b.structure),
        planned_use = coalesce(f.props->>'planned_use', b.planned_use),
        completion_year = coalesce((f.props->>'completion_year')::smallint, b.completion_year),
        geom = CASE WHEN f.same_geom THEN b.geom ELSE ST_Multi(f.geom) END
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'changed' AND b.id = f.target_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM upd) AS updated

-- Writes an import's house units ($1), as parcels.sql does. Returns (inserted, updated).
WITH ins AS (
    INSERT INTO house_units (building_id, unit_code, house_code, floor, unit_no, room_label, use, floor_area_m2,
                             inner_area_m2, shared_area_m2, geom)
    SELECT f.parent_id, f.code, f.props->>'house_code', (f.props->>'floor')::smallint, f.props->>'unit_no',
           f.props->>'room_label', f.props->>'use', (f.props->>'floor_area_m2')::numeric,
           (f.props->>'inner_area_m2')::numeric, (f.props->>'shared_area_m2')::numeric, ST_Multi(f.geom)
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'new' ORDER BY f.n
    RETURNING 1
), upd AS (
    UPDATE house_units h SET
        house_code = coalesce(f.props->>'house_code', h.house_code),
        floor = coalesce((f.props->>'floor')::smallint, h.floor),
        unit_no = coalesce(f.props->>'unit_no', h.unit_no),
        room_label = coalesce(f.props->>'room_label', h.room_label),
        use = coalesce(f.props->>'use', h.use),
        floor_area_m2 = coalesce((f.props->>'floor_area_m2')::numeric, h.floor_area_m2),
        inner_area_m2 = coalesce((f.props->>'inner_area_m2')::numeric, h.inner_area_m2),
        shared_area_m2 = coalesce((f.props->>'shared_area_m2')::numeric, h.shared_area_m2),
        geom = CASE WHEN f.same_geom THEN h.geom ELSE ST_Multi(f.geom) END
    FROM import_features f WHERE f.import_id = $1 AND f.status = 'changed' AND h.id = f.target_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM upd) AS updated

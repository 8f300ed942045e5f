-- Each feature's diff status from its issues and its target. $1 import, $2 kind.
-- unchanged: same attributes (those the file maps) and the same geometry (same_geom, prepare.sql).
WITH worst AS (
    SELECT n, bool_or(severity = 'error' AND code <> 'overlap_existing') AS err, bool_or(code = 'overlap_existing') AS conflict
    FROM import_issues WHERE import_id = $1 GROUP BY n
), current AS (
    SELECT id, geom, jsonb_build_object('address', address, 'land_use', land_use, 'right_type', right_type,
           'right_nature', right_nature, 'registered_area_m2', registered_area_m2) AS props
    FROM parcels WHERE $2 = 'parcels' AND id IN (SELECT target_id FROM import_features WHERE import_id = $1)
    UNION ALL
    SELECT id, geom, jsonb_build_object('name', name, 'floors', floors, 'floors_below', floors_below, 'structure', structure,
           'planned_use', planned_use, 'completion_year', completion_year)
    FROM buildings WHERE $2 = 'buildings' AND id IN (SELECT target_id FROM import_features WHERE import_id = $1)
    UNION ALL
    SELECT id, geom, jsonb_build_object('house_code', house_code, 'floor', floor, 'unit_no', unit_no, 'room_label', room_label,
           'use', use, 'floor_area_m2', floor_area_m2, 'inner_area_m2', inner_area_m2, 'shared_area_m2', shared_area_m2)
    FROM house_units WHERE $2 = 'house_units' AND id IN (SELECT target_id FROM import_features WHERE import_id = $1)
)
UPDATE import_features f SET status = CASE
        WHEN w.err THEN 'error'
        WHEN w.conflict THEN 'conflict'
        WHEN f.target_id IS NULL THEN 'new'
        WHEN (f.props - 'parcel_code' - 'unit_code' - 'building_no') <@ c.props AND f.same_geom THEN 'unchanged'
        ELSE 'changed' END
FROM import_features f2
LEFT JOIN worst w ON w.n = f2.n
LEFT JOIN current c ON c.id = f2.target_id
WHERE f.import_id = $1 AND f2.import_id = $1 AND f2.n = f.n

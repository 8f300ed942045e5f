-- Staged features of import $1 as GeoJSON, each with its status, code and issues; $2 a status
-- or null; $3 limit, $4 offset.
SELECT jsonb_build_object(
    'type', 'FeatureCollection',
    'numberMatched', (SELECT count(*) FROM import_features WHERE import_id = $1 AND ($2::text IS NULL OR status = $2)),
    'features', coalesce(jsonb_agg(x.f ORDER BY x.n), '[]'))
FROM (
    SELECT f.n, jsonb_build_object('type', 'Feature', 'id', f.n,
        'geometry', ST_AsGeoJSON(f.geom, 9, 0)::jsonb,
        'properties', f.props || jsonb_build_object('n', f.n, 'status', f.status, 'code', f.code,
            'issues', coalesce((SELECT jsonb_agg(jsonb_build_object('code', i.code, 'severity', i.severity,
                    'message', i.message_zh, 'message_en', i.message_en) ORDER BY i.severity, i.code)
                FROM import_issues i WHERE i.import_id = f.import_id AND i.n = f.n), '[]'))) AS f
    FROM import_features f
    WHERE f.import_id = $1 AND ($2::text IS NULL OR f.status = $2)
    ORDER BY f.n LIMIT $3 OFFSET $4
) x

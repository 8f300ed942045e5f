-- The versions of one parcel ($1 = 'parcels'), building ('buildings') or house unit
-- ('house_units') named by code $2, newest first: attributes (without the bookkeeping
-- columns) and GeoJSON geometry.
WITH v AS (
    SELECT h.version, h.op, h.valid_from, h.valid_to, h.actor, h.request_id, h.import_id, h.ended_op, h.ended_by,
           to_jsonb(h) - ARRAY['geom', 'history_id', 'valid_from', 'valid_to', 'op', 'actor', 'request_id', 'import_id',
               'ended_by', 'ended_op', 'ended_request_id', 'ended_import_id', 'created_at', 'updated_at', 'version', 'id', 'geom_3857'] AS properties,
           ST_AsGeoJSON(h.geom, 9, 0)::jsonb AS geometry, h.history_id
    FROM parcels_history h WHERE $1 = 'parcels' AND h.parcel_code = $2
    UNION ALL
    SELECT h.version, h.op, h.valid_from, h.valid_to, h.actor, h.request_id, h.import_id, h.ended_op, h.ended_by,
           to_jsonb(h) - ARRAY['geom', 'history_id', 'valid_from', 'valid_to', 'op', 'actor', 'request_id', 'import_id',
               'ended_by', 'ended_op', 'ended_request_id', 'ended_import_id', 'created_at', 'updated_at', 'version', 'id', 'geom_3857',
               'parcel_id'],
           ST_AsGeoJSON(h.geom, 9, 0)::jsonb, h.history_id
    FROM buildings_history h WHERE $1 = 'buildings' AND h.building_no = $2
    UNION ALL
    SELECT h.version, h.op, h.valid_from, h.valid_to, h.actor, h.request_id, h.import_id, h.ended_op, h.ended_by,
           to_jsonb(h) - ARRAY['geom', 'history_id', 'valid_from', 'valid_to', 'op', 'actor', 'request_id', 'import_id',
               'ended_by', 'ended_op', 'ended_request_id', 'ended_import_id', 'created_at', 'updated_at', 'version', 'id', 'geom_3857',
               'building_id'],
           ST_AsGeoJSON(h.geom, 9, 0)::jsonb, h.history_id
    FROM house_units_history h WHERE $1 = 'house_units' AND h.unit_code = $2
)
SELECT version, op, valid_from, valid_to, actor, request_id, import_id, ended_op, ended_by, properties, geometry
FROM v ORDER BY valid_from, history_id
LIMIT 1000

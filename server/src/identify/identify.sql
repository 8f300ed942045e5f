-- Everything under a click at ($1 lon, $2 lat) within $3 metres; $4: projects the caller may
-- see (null: all). The index is used through a degree box, the test is exact on the spheroid.
WITH pt AS (
    SELECT ST_SetSRID(ST_MakePoint($1, $2), 4490) AS g,
           $3 / (111320.0 * greatest(cos(radians($2)), 0.01)) AS deg
), parcel AS (
    SELECT p.id, p.parcel_code, p.unit_code, p.address
    FROM parcels p, pt
    WHERE p.geom && ST_Expand(pt.g, pt.deg) AND ST_DWithin(p.geom::geography, pt.g::geography, $3)
    ORDER BY ST_Distance(p.geom::geography, pt.g::geography), p.id LIMIT 1
), building AS (
    SELECT b.id, b.building_no, b.floors, b.planned_use
    FROM buildings b, pt
    WHERE b.geom && ST_Expand(pt.g, pt.deg) AND ST_DWithin(b.geom::geography, pt.g::geography, $3)
    ORDER BY ST_Distance(b.geom::geography, pt.g::geography), b.id LIMIT 1
)
SELECT
  (SELECT to_jsonb(parcel) - 'id' FROM parcel) AS parcel,
  (SELECT to_jsonb(building) - 'id' FROM building) AS building,
  coalesce((SELECT jsonb_agg(jsonb_build_object('unit_code', h.unit_code, 'room_label', h.room_label, 'floor', h.floor,
            'floor_area_m2', h.floor_area_m2, 'demolished_on', h.demolished_on) ORDER BY h.floor, h.unit_code)
            FROM house_units h JOIN building b ON h.building_id = b.id), '[]') AS house_units,
  coalesce((SELECT jsonb_agg(jsonb_build_object('code', c.code, 'status', c.status, 'unit_code', c.unit_code,
            'project_code', r.code) ORDER BY c.code)
            FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id, pt
            WHERE ($4::bigint[] IS NULL OR c.project_id = ANY ($4))
              AND c.geom && ST_Expand(pt.g, pt.deg) AND ST_DWithin(c.geom::geography, pt.g::geography, $3)), '[]') AS compensation_units,
  (SELECT jsonb_build_object('code', r.code, 'name', r.name, 'stage', r.stage)
     FROM relocation_projects r, pt
    WHERE ($4::bigint[] IS NULL OR r.id = ANY ($4)) AND ST_Intersects(r.boundary, pt.g) LIMIT 1) AS project

-- New features without a code, grouped by the parent their code will extend: the sub-district
-- a parcel lies in, a building's parcel, a house unit's building. $1 import, $2 kind.
SELECT coalesce(s.code, p.parcel_code, b.building_no)::text AS parent, count(*) AS n
FROM import_features f
LEFT JOIN LATERAL (SELECT code FROM cadastral_subdistricts
                   WHERE $2 = 'parcels' AND ST_Intersects(geom, ST_PointOnSurface(f.geom)) ORDER BY code LIMIT 1) s ON true
LEFT JOIN parcels p ON $2 = 'buildings' AND p.id = f.parent_id
LEFT JOIN buildings b ON $2 = 'house_units' AND b.id = f.parent_id
WHERE f.import_id = $1 AND f.status = 'new' AND f.code IS NULL
GROUP BY 1 ORDER BY 1

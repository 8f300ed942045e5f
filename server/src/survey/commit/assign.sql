-- Gives the new features without a code under parent $2 the numbers $3 + 1, $3 + 2 … in file
-- order. $1 import, $4 kind. A parcel's feature code (宗地特征码) follows its right type.
WITH need AS (
    SELECT f.n, row_number() OVER (ORDER BY f.n) AS k
    FROM import_features f
    LEFT JOIN LATERAL (SELECT code FROM cadastral_subdistricts
                       WHERE $4 = 'parcels' AND ST_Intersects(geom, ST_PointOnSurface(f.geom)) ORDER BY code LIMIT 1) s ON true
    LEFT JOIN parcels p ON $4 = 'buildings' AND p.id = f.parent_id
    LEFT JOIN buildings b ON $4 = 'house_units' AND b.id = f.parent_id
    WHERE f.import_id = $1 AND f.status = 'new' AND f.code IS NULL
      AND coalesce(s.code, p.parcel_code, b.building_no)::text = $2
)
UPDATE import_features f SET code = CASE $4
        WHEN 'parcels' THEN $2 || CASE f.props->>'right_type'
            WHEN 'collective_land_ownership' THEN 'JA' WHEN 'homestead_use' THEN 'JC'
            WHEN 'collective_construction_land_use' THEN 'JB' WHEN 'land_contract' THEN 'JD'
            WHEN 'forest_land_use' THEN 'JL' ELSE 'GB' END || lpad(($3 + need.k)::text, 5, '0')
        WHEN 'buildings' THEN $2 || 'F' || lpad(($3 + need.k)::text, 4, '0')
        ELSE $2 || lpad(($3 + need.k)::text, 4, '0') END
FROM need WHERE f.import_id = $1 AND f.n = need.n

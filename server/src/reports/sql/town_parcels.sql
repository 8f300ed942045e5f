-- 宗地按用途: parcels and their registered area (ZDMJ) per township (the cadastral district,
-- left 9 of the parcel code) and land use; township $1 or all.
WITH g AS (
    SELECT left(parcel_code, 9) AS town_code, land_use, count(*) AS parcels,
           coalesce(sum(registered_area_m2), 0)::float8 AS area
    FROM parcels
    WHERE $1::text IS NULL OR left(parcel_code, 9) = $1
    GROUP BY 1, 2
)
SELECT g.town_code, coalesce(a.name, d.name, g.town_code) AS town, g.land_use,
       coalesce(l.name_zh, g.land_use) AS land_use_name, g.parcels, g.area
FROM g
LEFT JOIN admin_areas a ON a.code = g.town_code
LEFT JOIN cadastral_districts d ON d.code = g.town_code
LEFT JOIN land_use_codes l ON l.code = g.land_use
ORDER BY g.town_code, g.land_use

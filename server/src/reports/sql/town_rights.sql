-- 权利按类型: rights per township and kind by status, and those registered in $2..$3.
WITH g AS (
    SELECT left(unit_code, 9) AS town_code, kind,
           count(*) FILTER (WHERE status = 'current') AS current,
           count(*) FILTER (WHERE status = 'historical') AS historical,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE ($2::date IS NULL OR registered_on >= $2)
                              AND ($3::date IS NULL OR registered_on <= $3)) AS registered
    FROM rights
    WHERE $1::text IS NULL OR left(unit_code, 9) = $1
    GROUP BY 1, 2
)
SELECT g.town_code, coalesce(a.name, d.name, g.town_code) AS town, g.kind, g.current, g.historical,
       g.cancelled, g.registered
FROM g
LEFT JOIN admin_areas a ON a.code = g.town_code
LEFT JOIN cadastral_districts d ON d.code = g.town_code
ORDER BY g.town_code, g.kind

-- 证书发放与注销: certificates per township issued and cancelled in $2..$3, and valid today.
WITH g AS (
    SELECT left(r.unit_code, 9) AS town_code,
           count(*) FILTER (WHERE ($2::date IS NULL OR c.issued_on >= $2)
                              AND ($3::date IS NULL OR c.issued_on <= $3)) AS issued,
           count(*) FILTER (WHERE c.cancelled_on IS NOT NULL AND ($2::date IS NULL OR c.cancelled_on >= $2)
                              AND ($3::date IS NULL OR c.cancelled_on <= $3)) AS cancelled,
           count(*) FILTER (WHERE c.status = 'valid') AS valid
    FROM certificates c
    JOIN rights r ON r.id = c.right_id
    WHERE $1::text IS NULL OR left(r.unit_code, 9) = $1
    GROUP BY 1
)
SELECT g.town_code, coalesce(a.name, d.name, g.town_code) AS town, g.issued, g.cancelled, g.valid
FROM g
LEFT JOIN admin_areas a ON a.code = g.town_code
LEFT JOIN cadastral_districts d ON d.code = g.town_code
ORDER BY g.town_code

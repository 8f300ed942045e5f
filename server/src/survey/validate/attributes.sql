-- Attribute values checked against the register's code tables. $1 import, $2 kind.
INSERT INTO import_issues (import_id, n, code, severity, message_zh, message_en)
SELECT $1, f.n, 'attribute_invalid' AS code, 'error',
       format('土地用途(YT)「%s」不是 GB/T 21010 代码', f.props->>'land_use'),
       format('land use (YT) %s is not a GB/T 21010 code', f.props->>'land_use')
FROM import_features f
WHERE f.import_id = $1 AND $2 = 'parcels' AND f.props ? 'land_use'
  AND NOT EXISTS (SELECT FROM land_use_codes l WHERE l.code = f.props->>'land_use')

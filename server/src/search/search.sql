-- Ranked hits for $1 (as typed) / $2 (upper case), at most $3 per source and overall;
-- holder names only when $4; $5 is $1 with LIKE's %, _ and \ escaped (matched as typed). Every branch reads a bounded number of rows, so a query that
-- matches half the county (温县, 2022) costs no more than a rare one:
-- * code prefixes use the unique btree indexes by range;
-- * a number of up to 7 digits is a certificate serial (第0196479号), looked up exactly by
--   its index; other certificate text (5+ characters) and addresses (3+; shorter ones have
--   no trigram) take the first 200 trigram-index matches and rank those by similarity;
-- * holder names: the first $3 names by prefix (an exact name sorts first), then at most
--   3 current rights each.
SELECT kind, title, subtitle, unit_code, score FROM (
  (SELECT 'unit' AS kind, h.unit_code::text AS title, coalesce(h.room_label, '') AS subtitle, h.unit_code::text AS unit_code,
          CASE WHEN h.unit_code = $2 THEN 1.0 ELSE 0.9 END AS score
     FROM house_units h WHERE length($2) >= 6 AND h.unit_code >= $2 AND h.unit_code < $2 || '~' ORDER BY h.unit_code LIMIT $3)
  UNION ALL
  (SELECT 'building', b.building_no::text, b.floors || '层', b.building_no::text, CASE WHEN b.building_no = $2 THEN 1.0 ELSE 0.88 END
     FROM buildings b WHERE length($2) >= 6 AND b.building_no >= $2 AND b.building_no < $2 || '~' ORDER BY b.building_no LIMIT $3)
  UNION ALL
  (SELECT 'parcel', p.parcel_code::text, p.address, p.parcel_code::text, CASE WHEN p.parcel_code = $2 THEN 1.0 ELSE 0.86 END
     FROM parcels p WHERE length($2) >= 6 AND p.parcel_code >= $2 AND p.parcel_code < $2 || '~' ORDER BY p.parcel_code LIMIT $3)
  UNION ALL
  (SELECT 'certificate', c.number, c.kind, r.unit_code::text,
          CASE WHEN c.number = $1 THEN 0.97 WHEN c.serial THEN 0.95 ELSE 0.6 + 0.3 * similarity(c.number, $1) END
     FROM ((SELECT id, number, kind, right_id, true AS serial FROM certificates
             WHERE $1 ~ '^[0-9]{2,7}$' AND substring(number FROM '第([0-9]+)号') = lpad($1, 7, '0') LIMIT 200)
           UNION ALL
           (SELECT id, number, kind, right_id, false FROM certificates
             WHERE $1 !~ '^[0-9]+$' AND length($1) >= 5 AND number LIKE '%' || $5 || '%' LIMIT 200)) c
     JOIN rights r ON r.id = c.right_id
    ORDER BY 5 DESC, c.number LIMIT $3)
  UNION ALL
  (SELECT 'holder', h.name, r.kind, r.unit_code::text, CASE WHEN h.name = $1 THEN 0.8 ELSE 0.6 END
     FROM (SELECT id, name FROM right_holders
            WHERE $4 AND name >= $1 AND name < $1 || chr(1114111) ORDER BY name, id LIMIT $3) h
     CROSS JOIN LATERAL (
          SELECT r.kind, r.unit_code FROM right_parties rp
            JOIN rights r ON r.id = rp.right_id AND r.status = 'current'
                         AND r.kind IN ('house_ownership', 'land_contract', 'forest_land_use')
           WHERE rp.holder_id = h.id AND rp.role = 'holder' LIMIT 3) r
    ORDER BY 5 DESC, h.name, r.unit_code LIMIT $3)
  UNION ALL
  (SELECT 'address', p.address, p.parcel_code::text, p.unit_code::text, 0.4 + 0.4 * similarity(p.address, $1)
     FROM (SELECT address, parcel_code, unit_code FROM parcels
            WHERE length($1) >= 3 AND address LIKE '%' || $5 || '%' LIMIT 200) p
    ORDER BY 5 DESC, p.parcel_code LIMIT $3)
) hits
ORDER BY score DESC, title
LIMIT $3

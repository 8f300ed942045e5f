-- Stages a batch of features of import $1 read in EPSG $2 ($3: swap x and y first): the
-- geometry reprojected to EPSG:4490 and made 2D, the attributes as mapped and as in the file.
INSERT INTO import_features (import_id, n, geom, props, source_props, code, parent_code)
SELECT $1, t.n,
       CASE WHEN t.wkb IS NULL THEN NULL ELSE ST_Transform(ST_Force2D(CASE WHEN $3
            THEN ST_FlipCoordinates(ST_SetSRID(ST_GeomFromWKB(t.wkb), $2))
            ELSE ST_SetSRID(ST_GeomFromWKB(t.wkb), $2) END), 4490) END,
       t.props, t.src, t.code, t.parent
FROM unnest($4::int[], $5::bytea[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[]) AS t(n, wkb, props, src, code, parent)

-- Vector tiles.
--
-- 1. Web Mercator copies of the large layers' geometry, kept by PostgreSQL (generated
--    columns), so a tile neither transforms every feature nor loses the GiST index.
-- 2. Parcel counts per cadastral sub-district (地籍子区), for the aggregated low zooms,
--    kept by statement triggers.
-- 3. Change notifications: after any INSERT, UPDATE, DELETE or TRUNCATE on a tiled table,
--    by any path (the server, plain SQL, an import), a NOTIFY on channel `onemap_tiles`
--    carries the layer and the changed extent (old and new rows, EPSG:4490), so the server
--    drops exactly the cached tiles that touch it. Payload: {"table": …, "boxes": [[xmin,
--    ymin, xmax, ymax], …]} with one box per row up to 100 rows, else one box around them
--    all; {"table": …, "all": true} after TRUNCATE.

ALTER TABLE parcels ADD COLUMN geom_3857 geometry(MultiPolygon, 3857)
    GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE buildings ADD COLUMN geom_3857 geometry(MultiPolygon, 3857)
    GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE house_units ADD COLUMN geom_3857 geometry(MultiPolygon, 3857)
    GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX parcels_geom_3857_idx ON parcels USING gist (geom_3857);
CREATE INDEX buildings_geom_3857_idx ON buildings USING gist (geom_3857);
CREATE INDEX house_units_geom_3857_idx ON house_units USING gist (geom_3857);

-- 宗地数 of each 地籍子区.
ALTER TABLE cadastral_subdistricts ADD COLUMN parcel_count integer NOT NULL DEFAULT 0;
UPDATE cadastral_subdistricts s SET parcel_count = c.n
  FROM (SELECT subdistrict_code, count(*) AS n FROM parcels GROUP BY 1) c WHERE c.subdistrict_code = s.code;

CREATE FUNCTION count_subdistrict_parcels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE cadastral_subdistricts SET parcel_count = 0 WHERE parcel_count <> 0;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE cadastral_subdistricts s SET parcel_count = s.parcel_count - c.n
          FROM (SELECT subdistrict_code, count(*) AS n FROM old_rows GROUP BY 1) c WHERE c.subdistrict_code = s.code;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE cadastral_subdistricts s SET parcel_count = s.parcel_count + c.n
          FROM (SELECT subdistrict_code, count(*) AS n FROM new_rows GROUP BY 1) c WHERE c.subdistrict_code = s.code;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcels_count_insert AFTER INSERT ON parcels REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_subdistrict_parcels();
CREATE TRIGGER parcels_count_update AFTER UPDATE ON parcels REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_subdistrict_parcels();
CREATE TRIGGER parcels_count_delete AFTER DELETE ON parcels REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_subdistrict_parcels();
CREATE TRIGGER parcels_count_truncate AFTER TRUNCATE ON parcels
    FOR EACH STATEMENT EXECUTE FUNCTION count_subdistrict_parcels();

-- Sends the changed extent of a statement. TG_ARGV[0]: the geometry column. (A parcel
-- change also updates its sub-district's count above, which notifies for that table.)
CREATE FUNCTION notify_tile_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    src text;
    boxes jsonb;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('onemap_tiles', jsonb_build_object('table', TG_TABLE_NAME, 'all', true)::text);
        RETURN NULL;
    END IF;
    src := CASE TG_OP
        WHEN 'INSERT' THEN format('SELECT %I AS g FROM new_rows', TG_ARGV[0])
        WHEN 'DELETE' THEN format('SELECT %I AS g FROM old_rows', TG_ARGV[0])
        ELSE format('SELECT %1$I AS g FROM old_rows UNION ALL SELECT %1$I FROM new_rows', TG_ARGV[0]) END;
    EXECUTE format($q$
        WITH c AS (SELECT g FROM (%s) r WHERE g IS NOT NULL)
        SELECT CASE WHEN (SELECT count(*) FROM c) <= 100
            THEN (SELECT jsonb_agg(jsonb_build_array(ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g))) FROM c)
            ELSE (SELECT jsonb_build_array(jsonb_build_array(ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)))
                    FROM (SELECT ST_Extent(g)::geometry AS e FROM c) x) END$q$, src) INTO boxes;
    IF boxes IS NOT NULL THEN
        PERFORM pg_notify('onemap_tiles', jsonb_build_object('table', TG_TABLE_NAME, 'boxes', boxes)::text);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('admin_areas', 'geom'), ('cadastral_districts', 'geom'),
            ('cadastral_subdistricts', 'geom'), ('parcels', 'geom'), ('buildings', 'geom'),
            ('house_units', 'geom'), ('relocation_projects', 'boundary'), ('compensation_units', 'geom'),
            ('photos', 'geom')) v(tab, col)
    LOOP
        EXECUTE format('CREATE TRIGGER %1$s_tiles_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION notify_tile_change(%2$L)', t.tab, t.col);
        EXECUTE format('CREATE TRIGGER %1$s_tiles_update AFTER UPDATE ON %1$I
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION notify_tile_change(%2$L)', t.tab, t.col);
        EXECUTE format('CREATE TRIGGER %1$s_tiles_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION notify_tile_change(%2$L)', t.tab, t.col);
        EXECUTE format('CREATE TRIGGER %1$s_tiles_truncate AFTER TRUNCATE ON %1$I
            FOR EACH STATEMENT EXECUTE FUNCTION notify_tile_change(%2$L)', t.tab, t.col);
    END LOOP;
END $$;

-- Codes become varchar(n) instead of char(n). sqlx (like most drivers) sends string
-- parameters typed as text; `char_column = text` compares as text after casting the column,
-- so the btree indexes on the codes were not used and every lookup by code scanned the table
-- (2 s on the 500,000-parcel county). varchar is binary-compatible with text, so its indexes
-- serve text parameters. The generated prefix columns are dropped and added back because
-- PostgreSQL 15 cannot change the type of a column a generated column or a trigger uses.

DROP TRIGGER parcels_area ON parcels;
DROP TRIGGER buildings_area ON buildings;
ALTER TABLE house_units DROP CONSTRAINT house_units_building_id_building_no_fkey, DROP COLUMN building_no;
ALTER TABLE buildings DROP CONSTRAINT buildings_parcel_id_parcel_code_fkey, DROP COLUMN parcel_code;
ALTER TABLE parcels DROP COLUMN unit_code, DROP COLUMN subdistrict_code;
ALTER TABLE cadastral_subdistricts DROP COLUMN district_code;
ALTER TABLE cadastral_districts DROP COLUMN county_code;

ALTER TABLE cadastral_districts
    ALTER COLUMN code TYPE varchar(9),
    ADD COLUMN county_code varchar(12) GENERATED ALWAYS AS (left(code, 6)) STORED NOT NULL
        REFERENCES admin_areas (code);

ALTER TABLE cadastral_subdistricts
    ALTER COLUMN code TYPE varchar(12),
    ADD COLUMN district_code varchar(9) GENERATED ALWAYS AS (left(code, 9)) STORED NOT NULL
        REFERENCES cadastral_districts (code);

-- 宗地代码 (ZDDM), the land-only unit's 不动产单元代码, the 地籍子区.
ALTER TABLE parcels
    ALTER COLUMN parcel_code TYPE varchar(19),
    ADD COLUMN unit_code varchar(28) GENERATED ALWAYS AS (parcel_code || 'W00000000') STORED UNIQUE,
    ADD COLUMN subdistrict_code varchar(12) GENERATED ALWAYS AS (left(parcel_code, 12)) STORED NOT NULL
        REFERENCES cadastral_subdistricts (code);
CREATE INDEX parcels_subdistrict_idx ON parcels (subdistrict_code);

-- 自然幢号 (ZRZH) and its parcel's code.
ALTER TABLE buildings
    ALTER COLUMN building_no TYPE varchar(24),
    ADD COLUMN parcel_code varchar(19) GENERATED ALWAYS AS (left(building_no, 19)) STORED NOT NULL,
    ADD CONSTRAINT buildings_parcel_id_parcel_code_fkey
        FOREIGN KEY (parcel_id, parcel_code) REFERENCES parcels (id, parcel_code);

-- 不动产单元代码 (BDCDYH) and its building's number.
ALTER TABLE house_units
    ALTER COLUMN unit_code TYPE varchar(28),
    ADD COLUMN building_no varchar(24) GENERATED ALWAYS AS (left(unit_code, 24)) STORED NOT NULL,
    ADD CONSTRAINT house_units_building_id_building_no_fkey
        FOREIGN KEY (building_id, building_no) REFERENCES buildings (id, building_no);

ALTER TABLE rights ALTER COLUMN unit_code TYPE varchar(28);
ALTER TABLE compensation_units ALTER COLUMN unit_code TYPE varchar(28);
ALTER TABLE certificates ALTER COLUMN issuer_code TYPE varchar(18);
ALTER TABLE appraisal_firms ALTER COLUMN credit_code TYPE varchar(18);
ALTER TABLE photos ALTER COLUMN sha256 TYPE varchar(64);
ALTER TABLE archive_documents ALTER COLUMN sha256 TYPE varchar(64);

CREATE TRIGGER parcels_area BEFORE INSERT OR UPDATE OF geom, parcel_code ON parcels
    FOR EACH ROW EXECUTE FUNCTION set_parcel_area();
CREATE TRIGGER buildings_area BEFORE INSERT OR UPDATE OF geom, building_no ON buildings
    FOR EACH ROW EXECUTE FUNCTION set_footprint_area();

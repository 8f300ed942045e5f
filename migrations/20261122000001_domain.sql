-- onemap domain model: administrative areas, cadastre, registration, relocation, media.
-- Geometry is stored in CGCS2000 geographic coordinates (EPSG:4490, lon/lat order).
-- Areas are computed in the county's CGCS2000 3-degree Gauss-Krüger zone.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- ---------------------------------------------------------------------------------------------
-- Shared helpers
-- ---------------------------------------------------------------------------------------------

-- Bumps updated_at and the optimistic-locking version on every update of an editable row.
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;

-- EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (with zone prefix, EPSG:4513–4533)
-- whose central meridian is nearest to a lon/lat geometry.
CREATE FUNCTION gk_zone_srid(g geometry) RETURNS integer
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    SET search_path = public, pg_temp AS $$
    SELECT 4513 + least(45, greatest(25, round(ST_X(ST_PointOnSurface(g)) / 3)::int)) - 25
$$;

-- Format rules of GB/T 37346 (county list not checked here: the application warns on that).
CREATE FUNCTION is_parcel_code(c text) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT c ~ '^[0-9]{12}(JA|JC|[GJZ][BSXDEFLNHGWY])[0-9]{5}$' AND substr(c, 15, 5) <> '00000'
$$;

CREATE FUNCTION is_building_number(c text) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT length(c) = 24 AND is_parcel_code(left(c, 19))
       AND substr(c, 20, 1) = 'F' AND substr(c, 21, 4) ~ '^[0-9]{4}$' AND substr(c, 21, 4) <> '0000'
$$;

CREATE FUNCTION is_unit_code(c text) RETURNS boolean IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
    SELECT length(c) = 28 AND is_parcel_code(left(c, 19)) AND CASE substr(c, 20, 1)
        WHEN 'W' THEN right(c, 8) = '00000000'
        WHEN 'F' THEN right(c, 8) ~ '^[0-9]{8}$' AND substr(c, 21, 4) <> '0000' AND right(c, 4) <> '0000'
        WHEN 'L' THEN right(c, 8) ~ '^[0-9]{8}$' AND right(c, 8) <> '00000000'
        WHEN 'Q' THEN right(c, 8) ~ '^[0-9]{8}$' AND right(c, 8) <> '00000000'
        ELSE false END
$$;

-- Free-form facts about the loaded data set (demo seed, generator version...).
CREATE TABLE dataset_info (
    key        text PRIMARY KEY,
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- GB/T 21010-2017 land-use classification (土地利用现状分类), the codes the demo uses.
CREATE TABLE land_use_codes (
    code    varchar(4) PRIMARY KEY,
    name_zh text NOT NULL,
    name_en text NOT NULL
);
INSERT INTO land_use_codes VALUES
    ('0101', '水田', 'paddy field'),
    ('0103', '旱地', 'dry farmland'),
    ('0301', '乔木林地', 'arbor forest'),
    ('0501', '零售商业用地', 'retail commercial'),
    ('0701', '城镇住宅用地', 'urban residential'),
    ('0702', '农村宅基地', 'rural homestead'),
    ('0801', '机关团体用地', 'government and organisations'),
    ('0803', '教育用地', 'education'),
    ('0806', '医疗卫生用地', 'medical and health'),
    ('1003', '公路用地', 'highway'),
    ('1004', '城镇村道路用地', 'urban and village roads');

-- ---------------------------------------------------------------------------------------------
-- Administrative areas and cadastral zones
-- ---------------------------------------------------------------------------------------------

-- 行政区 (XZQ): counties (6-digit GB/T 2260 code) and towns/streets (9-digit code).
CREATE TABLE admin_areas (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        varchar(12) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{6}([0-9]{3})?$'),
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('county', 'town')),
    parent_code varchar(12) REFERENCES admin_areas (code),
    -- EPSG code of the county's CGCS2000 3-degree Gauss-Krüger zone (county rows).
    gk_srid     integer CHECK (gk_srid BETWEEN 4513 AND 4554),
    -- true where the boundary was generated rather than surveyed (demo towns).
    synthetic   boolean NOT NULL DEFAULT false,
    geom        geometry(MultiPolygon, 4490),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    CHECK ((level = 'county') = (length(code) = 6)),
    CHECK (level <> 'town' OR parent_code = left(code, 6))
);
CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);

-- 地籍区 (DJQ): 9 characters = county + 3 digits.
CREATE TABLE cadastral_districts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        char(9) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{9}$'),
    county_code varchar(12) GENERATED ALWAYS AS (left(code, 6)) STORED NOT NULL REFERENCES admin_areas (code),
    name        text NOT NULL,
    geom        geometry(MultiPolygon, 4490),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1
);
CREATE INDEX cadastral_districts_geom_idx ON cadastral_districts USING gist (geom);

-- 地籍子区 (DJZQ): 12 characters = district + 3 digits.
CREATE TABLE cadastral_subdistricts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          char(12) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{12}$'),
    district_code char(9) GENERATED ALWAYS AS (left(code, 9)) STORED NOT NULL REFERENCES cadastral_districts (code),
    name          text NOT NULL,
    geom          geometry(MultiPolygon, 4490),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
CREATE INDEX cadastral_subdistricts_geom_idx ON cadastral_subdistricts USING gist (geom);

-- Roads (道路中心线), for the map.
CREATE TABLE roads (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text,
    class      text NOT NULL CHECK (class IN ('arterial', 'collector', 'local')),
    width_m    real NOT NULL CHECK (width_m > 0),
    geom       geometry(MultiLineString, 4490) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer NOT NULL DEFAULT 1
);
CREATE INDEX roads_geom_idx ON roads USING gist (geom);

-- ---------------------------------------------------------------------------------------------
-- Cadastre: parcels, natural buildings, house units
-- ---------------------------------------------------------------------------------------------

-- 宗地 (ZDJBXX).
CREATE TABLE parcels (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 宗地代码 (ZDDM), 19 characters.
    parcel_code        char(19) NOT NULL UNIQUE CHECK (is_parcel_code(parcel_code)),
    -- 不动产单元代码 of the land-only unit (parcel code + W00000000).
    unit_code          char(28) GENERATED ALWAYS AS (parcel_code || 'W00000000') STORED UNIQUE,
    subdistrict_code   char(12) GENERATED ALWAYS AS (left(parcel_code, 12)) STORED NOT NULL
                       REFERENCES cadastral_subdistricts (code),
    -- 坐落 (ZL)
    address            text NOT NULL,
    -- 土地用途 (YT), GB/T 21010
    land_use           varchar(4) NOT NULL REFERENCES land_use_codes (code),
    -- 权利类型 (QLLX) of the land right
    right_type         text NOT NULL CHECK (right_type IN (
                           'collective_land_ownership', 'state_construction_land_use',
                           'collective_construction_land_use', 'homestead_use', 'land_contract',
                           'forest_land_use')),
    -- 权利性质 (QLXZ)
    right_nature       text NOT NULL CHECK (right_nature IN (
                           'granted', 'allocated', 'leased', 'approved', 'household_contract',
                           'collective', 'other')),
    -- 宗地面积 as registered (ZDMJ), m²
    registered_area_m2 numeric(14, 2),
    -- area of the geometry in the county's Gauss-Krüger zone, m² (maintained by trigger)
    area_m2            double precision,
    geom               geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom)),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1,
    UNIQUE (id, parcel_code)
);
CREATE INDEX parcels_geom_idx ON parcels USING gist (geom);
CREATE INDEX parcels_subdistrict_idx ON parcels (subdistrict_code);

-- 自然幢 (ZRZ).
CREATE TABLE buildings (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id        bigint NOT NULL,
    -- 自然幢号 (ZRZH), 24 characters; must extend its parcel's code.
    building_no      char(24) NOT NULL UNIQUE CHECK (is_building_number(building_no)),
    parcel_code      char(19) GENERATED ALWAYS AS (left(building_no, 19)) STORED NOT NULL,
    name             text,
    -- 总层数 (ZCS) above ground, and floors below ground
    floors           smallint NOT NULL CHECK (floors BETWEEN 1 AND 200),
    floors_below     smallint NOT NULL DEFAULT 0 CHECK (floors_below >= 0),
    -- 房屋结构 (FWJG)
    structure        text NOT NULL CHECK (structure IN (
                         'steel', 'steel_concrete', 'reinforced_concrete', 'mixed', 'brick_wood', 'other')),
    -- 规划用途 (GHYT)
    planned_use      text NOT NULL CHECK (planned_use IN (
                         'residential', 'commercial', 'office', 'industrial', 'public', 'other')),
    -- 竣工日期 (JGRQ), the year
    completion_year  smallint CHECK (completion_year BETWEEN 1900 AND 2100),
    footprint_area_m2 double precision,
    geom             geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom)),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1,
    FOREIGN KEY (parcel_id, parcel_code) REFERENCES parcels (id, parcel_code),
    UNIQUE (id, building_no)
);
CREATE INDEX buildings_geom_idx ON buildings USING gist (geom);
CREATE INDEX buildings_parcel_idx ON buildings (parcel_id);

-- 户 (H): a house unit in a natural building.
CREATE TABLE house_units (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    building_id         bigint NOT NULL,
    -- 不动产单元代码 (BDCDYH), 28 characters; must extend its building's number.
    unit_code           char(28) NOT NULL UNIQUE CHECK (is_unit_code(unit_code) AND substr(unit_code, 20, 1) = 'F'),
    building_no         char(24) GENERATED ALWAYS AS (left(unit_code, 24)) STORED NOT NULL,
    -- 房屋编码 (FWBM), optional local house code
    house_code          text,
    -- 所在层 (CH)
    floor               smallint NOT NULL,
    -- 户号 (HH) / room label shown to people, e.g. 2单元301
    unit_no             text NOT NULL,
    room_label          text,
    -- 房屋用途 (FWYT1)
    use                 text NOT NULL CHECK (use IN ('residential', 'commercial', 'office', 'industrial', 'public', 'other')),
    -- 实测建筑面积 (SCJZMJ), 套内建筑面积, 分摊面积, m²
    floor_area_m2       numeric(10, 2) NOT NULL CHECK (floor_area_m2 > 0),
    inner_area_m2       numeric(10, 2),
    shared_area_m2      numeric(10, 2),
    geom                geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom)),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    FOREIGN KEY (building_id, building_no) REFERENCES buildings (id, building_no)
);
CREATE INDEX house_units_geom_idx ON house_units USING gist (geom);
CREATE INDEX house_units_building_idx ON house_units (building_id);

-- Area in m² of a lon/lat geometry, computed in its county's Gauss-Krüger zone (the zone of
-- the geometry's longitude when the county is unknown).
CREATE FUNCTION county_area_m2(code text, g geometry) RETURNS double precision
    STABLE PARALLEL SAFE LANGUAGE sql SET search_path = public, pg_temp AS $$
    SELECT ST_Area(ST_Transform(g, coalesce(
        (SELECT gk_srid FROM admin_areas WHERE admin_areas.code = left($1, 6)), gk_zone_srid(g))))
$$;

CREATE FUNCTION set_parcel_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.area_m2 := county_area_m2(NEW.parcel_code, NEW.geom);
    RETURN NEW;
END $$;
CREATE TRIGGER parcels_area BEFORE INSERT OR UPDATE OF geom, parcel_code ON parcels
    FOR EACH ROW EXECUTE FUNCTION set_parcel_area();

CREATE FUNCTION set_footprint_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.footprint_area_m2 := county_area_m2(NEW.building_no, NEW.geom);
    RETURN NEW;
END $$;
CREATE TRIGGER buildings_area BEFORE INSERT OR UPDATE OF geom, building_no ON buildings
    FOR EACH ROW EXECUTE FUNCTION set_footprint_area();

-- ---------------------------------------------------------------------------------------------
-- Registration: right holders, rights, certificates
-- ---------------------------------------------------------------------------------------------

-- 权利人 (QLR).
CREATE TABLE right_holders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 权利人名称 (QLRMC)
    name        text NOT NULL,
    holder_type text NOT NULL CHECK (holder_type IN ('person', 'organization')),
    -- 证件种类 (ZJZL) / 证件号 (ZJH)
    id_type     text NOT NULL CHECK (id_type IN ('resident_id', 'passport', 'hk_macao_pass', 'credit_code', 'other')),
    id_number   text NOT NULL,
    phone       text,
    address     text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     integer NOT NULL DEFAULT 1,
    UNIQUE (id_type, id_number)
);

-- A registered right or restriction on a unit: 房地一体 ownership (FDCQ2 + land use),
-- land rights (JSYDSYQ, 宅基地, 承包), mortgage (DYAQ), seizure (CFDJ), advance notice (YGDJ),
-- objection (YYDJ).
CREATE TABLE rights (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN (
                        'house_ownership', 'state_construction_land_use', 'homestead_use', 'land_contract',
                        'forest_land_use', 'mortgage', 'seizure', 'advance_notice', 'objection')),
    -- 登记状态: current (现势), historical (历史), cancelled (注销)
    status          text NOT NULL CHECK (status IN ('current', 'historical', 'cancelled')),
    -- 业务号
    business_no     text NOT NULL UNIQUE,
    -- the registered unit (不动产单元代码); the unit is a house unit or a parcel's land unit
    unit_code       char(28) NOT NULL CHECK (is_unit_code(unit_code)),
    house_unit_id   bigint REFERENCES house_units (id),
    parcel_id       bigint REFERENCES parcels (id),
    -- 权利性质 (QLXZ) and 共有方式 (GYFS)
    right_nature    text,
    co_ownership    text CHECK (co_ownership IN ('sole', 'joint', 'shares')),
    registered_on   date NOT NULL,
    -- term of a land right (使用期限) or of a seizure
    starts_on       date,
    ends_on         date,
    cancelled_on    date,
    -- mortgage: 被担保主债权数额 (yuan); seizure: 查封机关 and 文号
    secured_amount  numeric(16, 2),
    authority       text,
    document_no     text,
    notes           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         integer NOT NULL DEFAULT 1,
    CHECK (house_unit_id IS NOT NULL OR parcel_id IS NOT NULL),
    CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
);
CREATE INDEX rights_unit_code_idx ON rights (unit_code);
CREATE INDEX rights_house_unit_idx ON rights (house_unit_id);
CREATE INDEX rights_parcel_idx ON rights (parcel_id);

-- Parties of a right: holders (权利人) and obligors (义务人), with shares.
CREATE TABLE right_parties (
    right_id   bigint NOT NULL REFERENCES rights (id) ON DELETE CASCADE,
    holder_id  bigint NOT NULL REFERENCES right_holders (id),
    role       text NOT NULL CHECK (role IN ('holder', 'obligor')),
    -- 共有份额, as a fraction (null for sole or joint ownership)
    share      numeric(5, 4) CHECK (share > 0 AND share <= 1),
    PRIMARY KEY (right_id, holder_id, role)
);
CREATE INDEX right_parties_holder_idx ON right_parties (holder_id);

-- Certificates (不动产权证书 / 不动产登记证明), with their electronic-certificate metadata.
CREATE TABLE certificates (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 证照标识 (GB/T 36901)
    identifier    text NOT NULL UNIQUE CHECK (identifier LIKE '1.2.156.3005.2.%'),
    -- 不动产权证书号 (BDCQZH), e.g. 豫(2024)温县不动产权第0001234号
    number        text NOT NULL UNIQUE,
    kind          text NOT NULL CHECK (kind IN ('title_certificate', 'registration_proof')),
    right_id      bigint NOT NULL REFERENCES rights (id),
    holder_id     bigint REFERENCES right_holders (id),
    -- 发证机关 and its unified social credit code
    issuer_name   text NOT NULL,
    issuer_code   char(18) NOT NULL,
    issued_on     date NOT NULL,
    status        text NOT NULL CHECK (status IN ('valid', 'cancelled')),
    cancelled_on  date,
    -- 签章: signer, signing time and seal name of the electronic certificate
    signer        text,
    signed_at     timestamptz,
    seal_name     text,
    qr_content    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1,
    CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
);
CREATE INDEX certificates_right_idx ON certificates (right_id);

-- ---------------------------------------------------------------------------------------------
-- House expropriation and compensation (国有土地上房屋征收与补偿)
-- ---------------------------------------------------------------------------------------------

-- 征收项目.
CREATE TABLE relocation_projects (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                   text NOT NULL UNIQUE,
    name                   text NOT NULL,
    county_code            varchar(12) NOT NULL REFERENCES admin_areas (code),
    -- stage of the project life cycle (立项 … 归档)
    stage                  text NOT NULL CHECK (stage IN (
                               'setup', 'scope', 'survey', 'plan', 'risk_assessment', 'decision',
                               'appraisal', 'agreement', 'payment', 'demolition', 'closed')),
    implementing_agency    text NOT NULL,
    boundary               geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(boundary)),
    approved_on            date,
    -- 征收决定 number and announcement date
    decision_no            text,
    decision_announced_on  date,
    -- signing period (签约期)
    signing_starts_on      date,
    signing_ends_on        date,
    closed_on              date,
    -- budget and funds in the dedicated account, yuan
    budget                 numeric(16, 2) NOT NULL CHECK (budget >= 0),
    funds_deposited        numeric(16, 2) NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    version                integer NOT NULL DEFAULT 1
);
CREATE INDEX relocation_projects_boundary_idx ON relocation_projects USING gist (boundary);

-- Stage history of a project (for its timeline).
CREATE TABLE project_stage_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES relocation_projects (id) ON DELETE CASCADE,
    stage       text NOT NULL,
    happened_on date NOT NULL,
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX project_stage_events_project_idx ON project_stage_events (project_id, happened_on);

-- 评估机构.
CREATE TABLE appraisal_firms (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    credit_code   char(18) NOT NULL UNIQUE,
    qualification text NOT NULL,
    phone         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);

-- Appointment of an appraisal firm to a project (协商/投票/随机).
CREATE TABLE project_appraisal_firms (
    project_id       bigint NOT NULL REFERENCES relocation_projects (id) ON DELETE CASCADE,
    firm_id          bigint NOT NULL REFERENCES appraisal_firms (id),
    appointed_on     date NOT NULL,
    selection_method text NOT NULL CHECK (selection_method IN ('negotiation', 'vote', 'lottery')),
    PRIMARY KEY (project_id, firm_id)
);

-- 补偿单元: one household or holding to be compensated.
CREATE TABLE compensation_units (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id             bigint NOT NULL REFERENCES relocation_projects (id),
    -- 补偿单元编号 inside the project
    code                   text NOT NULL UNIQUE,
    house_unit_id          bigint REFERENCES house_units (id),
    parcel_id              bigint REFERENCES parcels (id),
    unit_code              char(28) CHECK (is_unit_code(unit_code)),
    certificate_no         text,
    address                text NOT NULL,
    geom                   geometry(MultiPolygon, 4490) NOT NULL CHECK (ST_IsValid(geom)),
    owner_id               bigint REFERENCES right_holders (id),
    tenant_id              bigint REFERENCES right_holders (id),
    -- 登记面积 / 实测面积, m²
    registered_area_m2     numeric(10, 2),
    surveyed_area_m2       numeric(10, 2) NOT NULL CHECK (surveyed_area_m2 > 0),
    -- 批准用途 / 实际用途
    approved_use           text,
    actual_use             text,
    structure              text,
    year_built             smallint,
    -- 合法性认定: legal, illegal (no compensation), temporary
    legality               text NOT NULL CHECK (legality IN ('legal', 'illegal', 'temporary')),
    business_name          text,
    business_license_no    text,
    -- 分户评估
    appraisal_firm_id      bigint REFERENCES appraisal_firms (id),
    appraiser_name         text,
    valuation_date         date,
    appraisal_report_no    text UNIQUE,
    unit_price             numeric(10, 2),
    appraisal_review       text CHECK (appraisal_review IN ('pending', 'accepted', 'review_requested', 'expert_reviewed')),
    -- 补偿方式: monetary (货币补偿) or property swap (产权调换)
    compensation_mode      text CHECK (compensation_mode IN ('monetary', 'property_swap')),
    resettlement_area_m2   numeric(10, 2),
    resettlement_unit_price numeric(10, 2),
    -- value of the resettlement flat; the price difference is total_amount - resettlement_value
    resettlement_value     numeric(14, 2) NOT NULL DEFAULT 0,
    -- compensation items, yuan
    house_value            numeric(14, 2) NOT NULL DEFAULT 0,
    decoration_value       numeric(14, 2) NOT NULL DEFAULT 0,
    moving_fee             numeric(14, 2) NOT NULL DEFAULT 0,
    temp_resettlement_months smallint NOT NULL DEFAULT 0,
    temp_resettlement_rate numeric(10, 2) NOT NULL DEFAULT 0,
    temp_resettlement_fee  numeric(14, 2) NOT NULL DEFAULT 0,
    business_loss          numeric(14, 2) NOT NULL DEFAULT 0,
    reward                 numeric(14, 2) NOT NULL DEFAULT 0,
    subsidy                numeric(14, 2) NOT NULL DEFAULT 0,
    total_amount           numeric(14, 2) NOT NULL DEFAULT 0,
    -- 补偿协议
    agreement_no           text UNIQUE,
    agreement_signed_on    date,
    move_out_deadline      date,
    -- 补偿决定 (when no agreement was reached in the signing period)
    decision_no            text UNIQUE,
    decision_on            date,
    status                 text NOT NULL CHECK (status IN ('surveyed', 'appraised', 'signed', 'paid', 'demolished')),
    surveyed_on            date NOT NULL,
    appraised_on           date,
    moved_out_on           date,
    demolished_on          date,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    version                integer NOT NULL DEFAULT 1,
    CHECK (temp_resettlement_fee = temp_resettlement_months * temp_resettlement_rate),
    CHECK (status IN ('surveyed') OR appraised_on IS NOT NULL),
    CHECK (status NOT IN ('signed', 'paid', 'demolished') OR agreement_no IS NOT NULL OR decision_no IS NOT NULL),
    CHECK (status <> 'demolished' OR demolished_on IS NOT NULL)
);
CREATE INDEX compensation_units_geom_idx ON compensation_units USING gist (geom);
CREATE INDEX compensation_units_project_idx ON compensation_units (project_id, status);
CREATE INDEX compensation_units_house_unit_idx ON compensation_units (house_unit_id);
CREATE INDEX compensation_units_unit_code_idx ON compensation_units (unit_code);

-- 资金拨付.
CREATE TABLE payments (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compensation_unit_id bigint NOT NULL REFERENCES compensation_units (id),
    -- 凭证号
    voucher_no           text NOT NULL UNIQUE,
    purpose              text NOT NULL CHECK (purpose IN ('compensation', 'temp_resettlement', 'reward', 'other')),
    amount               numeric(14, 2) NOT NULL CHECK (amount > 0),
    paid_on              date NOT NULL,
    payee_name           text NOT NULL,
    payee_bank           text,
    payee_account        text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1
);
CREATE INDEX payments_unit_idx ON payments (compensation_unit_id);

-- Field photos (appraisal firm and officers), tied to a compensation unit.
CREATE TABLE photos (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    compensation_unit_id bigint REFERENCES compensation_units (id),
    project_id           bigint REFERENCES relocation_projects (id),
    -- 照片编号
    photo_no             text NOT NULL UNIQUE,
    taken_at             timestamptz NOT NULL,
    -- shooting position (from EXIF GPS) and direction in degrees from north
    geom                 geometry(Point, 4490) NOT NULL,
    direction_deg        real,
    taken_by             text,
    caption              text,
    -- path relative to the files directory, content hash and size
    file_path            text NOT NULL UNIQUE,
    sha256               char(64) NOT NULL,
    size_bytes           bigint NOT NULL CHECK (size_bytes > 0),
    mime_type            text NOT NULL,
    width                integer,
    height               integer,
    thumbnail_path       text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1
);
CREATE INDEX photos_geom_idx ON photos USING gist (geom);
CREATE INDEX photos_unit_idx ON photos (compensation_unit_id);
CREATE INDEX photos_taken_at_idx ON photos (taken_at);

-- 档案: project and per-unit documents with a unique archive number.
CREATE TABLE archive_documents (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 档案号
    archive_no           text NOT NULL UNIQUE,
    project_id           bigint NOT NULL REFERENCES relocation_projects (id),
    compensation_unit_id bigint REFERENCES compensation_units (id),
    category             text NOT NULL CHECK (category IN (
                             'higher_level', 'approval', 'agreement', 'appraisal_report', 'decision',
                             'payment', 'photo', 'other')),
    title                text NOT NULL,
    document_date        date,
    file_path            text NOT NULL UNIQUE,
    sha256               char(64) NOT NULL,
    size_bytes           bigint NOT NULL CHECK (size_bytes > 0),
    mime_type            text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1
);
CREATE INDEX archive_documents_project_idx ON archive_documents (project_id, category);
CREATE INDEX archive_documents_unit_idx ON archive_documents (compensation_unit_id);

-- Every editable table keeps updated_at and version current.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['admin_areas', 'cadastral_districts', 'cadastral_subdistricts', 'roads',
        'parcels', 'buildings', 'house_units', 'right_holders', 'rights', 'certificates',
        'relocation_projects', 'appraisal_firms', 'compensation_units', 'payments', 'photos',
        'archive_documents']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION touch_row()',
                       t || '_touch', t);
    END LOOP;
END $$;

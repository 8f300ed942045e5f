//! The feature collections: what each serves, from which SQL, with which queryables.
//! Each collection's SQL (`sql/<id>.sql`) yields `fid` (the stable feature id: the natural
//! code), `geom` (EPSG:4490), `datetime` (its time field), `project_id` (for relocation
//! scope) and one column per queryable; every queryable is also a property.

use crate::tiles::Layer;

/// Type of a queryable, as JSON Schema and as SQL sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Number,
    /// a `date` column
    Date,
    /// a `timestamptz` column
    DateTime,
}

impl Kind {
    pub fn schema(self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Kind::Text => json!({ "type": "string" }),
            Kind::Integer => json!({ "type": "integer" }),
            Kind::Number => json!({ "type": "number" }),
            Kind::Date => json!({ "type": "string", "format": "date" }),
            Kind::DateTime => json!({ "type": "string", "format": "date-time" }),
        }
    }
}

/// 可查询属性: a property clients may filter on.
#[derive(Debug, Clone, Copy)]
pub struct Queryable {
    pub name: &'static str,
    pub title: &'static str,
    pub kind: Kind,
}

const fn q(name: &'static str, title: &'static str, kind: Kind) -> Queryable {
    Queryable { name, title, kind }
}

/// 要素集合: a collection of OGC API Features.
#[derive(Debug)]
pub struct Collection {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub geometry: &'static str,
    source: &'static str,
    pub queryables: &'static [Queryable],
    /// Name of the property `datetime` filters on.
    pub temporal: &'static str,
    /// Relocation data: only for roles that see it, within their projects.
    pub relocation: bool,
    /// Has `owner_name` / `owner_id_number` (personal data, masked by role).
    pub personal: bool,
    /// The vector tile layers of the collection.
    pub layers: &'static [Layer],
}

use Kind::*;

pub static COLLECTIONS: &[Collection] = &[
    Collection {
        id: "parcels",
        title: "宗地",
        description: "宗地 (land parcels) with their land unit code (不动产单元代码), land use and rights type",
        geometry: "MultiPolygon",
        source: include_str!("sql/parcels.sql"),
        queryables: &[
            q("unit_code", "不动产单元代码", Text),
            q("parcel_code", "宗地代码", Text),
            q("subdistrict_code", "地籍子区代码", Text),
            q("address", "坐落", Text),
            q("land_use", "土地用途代码", Text),
            q("right_type", "权利类型", Text),
            q("right_nature", "权利性质", Text),
            q("registered_area_m2", "登记面积(m²)", Number),
            q("area_m2", "图形面积(m²)", Number),
            q("updated_at", "更新时间", DateTime),
        ],
        temporal: "updated_at",
        relocation: false,
        personal: false,
        layers: &[Layer::Parcels],
    },
    Collection {
        id: "buildings",
        title: "自然幢",
        description: "自然幢 (buildings) with their 24-character building number, floors, structure and use",
        geometry: "MultiPolygon",
        source: include_str!("sql/buildings.sql"),
        queryables: &[
            q("building_no", "自然幢号", Text),
            q("parcel_code", "宗地代码", Text),
            q("name", "名称", Text),
            q("floors", "地上层数", Integer),
            q("floors_below", "地下层数", Integer),
            q("structure", "结构", Text),
            q("planned_use", "规划用途", Text),
            q("completion_year", "竣工年份", Integer),
            q("footprint_area_m2", "占地面积(m²)", Number),
            q("updated_at", "更新时间", DateTime),
        ],
        temporal: "updated_at",
        relocation: false,
        personal: false,
        layers: &[Layer::Buildings],
    },
    Collection {
        id: "house_units",
        title: "户",
        description: "户 (house units): every flat or unit with its 28-character real-estate unit code",
        geometry: "MultiPolygon",
        source: include_str!("sql/house_units.sql"),
        queryables: &[
            q("unit_code", "不动产单元代码", Text),
            q("building_no", "自然幢号", Text),
            q("house_code", "房屋编码", Text),
            q("floor", "所在层", Integer),
            q("unit_no", "户号", Text),
            q("room_label", "室号", Text),
            q("use", "用途", Text),
            q("floor_area_m2", "建筑面积(m²)", Number),
            q("inner_area_m2", "套内面积(m²)", Number),
            q("shared_area_m2", "分摊面积(m²)", Number),
            q("updated_at", "更新时间", DateTime),
        ],
        temporal: "updated_at",
        relocation: false,
        personal: false,
        layers: &[Layer::HouseUnits],
    },
    Collection {
        id: "relocation_projects",
        title: "征收项目",
        description: "房屋征收项目 (relocation projects): boundary, stage, decision and budget",
        geometry: "MultiPolygon",
        source: include_str!("sql/relocation_projects.sql"),
        queryables: &[
            q("code", "项目编号", Text),
            q("name", "项目名称", Text),
            q("county_code", "县级行政区划代码", Text),
            q("stage", "阶段", Text),
            q("implementing_agency", "征收实施单位", Text),
            q("approved_on", "立项日期", Date),
            q("decision_no", "征收决定文号", Text),
            q("decision_announced_on", "征收决定公告日期", Date),
            q("signing_starts_on", "签约开始日期", Date),
            q("signing_ends_on", "签约截止日期", Date),
            q("budget", "补偿资金预算(元)", Number),
            q("funds_deposited", "已存入专户资金(元)", Number),
        ],
        temporal: "approved_on",
        relocation: true,
        personal: false,
        layers: &[Layer::Projects],
    },
    Collection {
        id: "compensation_units",
        title: "征收补偿单元",
        description: "征收补偿单元 (compensation units) with status, appraisal and amounts; the owner is masked by role",
        geometry: "MultiPolygon",
        source: include_str!("sql/compensation_units.sql"),
        queryables: &[
            q("code", "补偿单元编号", Text),
            q("project_code", "项目编号", Text),
            q("unit_code", "不动产单元代码", Text),
            q("address", "坐落", Text),
            q("status", "状态", Text),
            q("legality", "合法性认定", Text),
            q("surveyed_area_m2", "调查面积(m²)", Number),
            q("registered_area_m2", "登记面积(m²)", Number),
            q("actual_use", "实际用途", Text),
            q("compensation_mode", "补偿方式", Text),
            q("unit_price", "评估单价(元/m²)", Number),
            q("total_amount", "补偿总额(元)", Number),
            q("agreement_no", "协议编号", Text),
            q("agreement_signed_on", "签约日期", Date),
            q("surveyed_on", "调查日期", Date),
            q("demolished_on", "拆除日期", Date),
        ],
        temporal: "surveyed_on",
        relocation: true,
        personal: true,
        layers: &[Layer::CompensationUnits],
    },
    Collection {
        id: "photos",
        title: "现场照片",
        description: "现场照片 (field photos) taken at compensation units; href downloads the photo",
        geometry: "Point",
        source: include_str!("sql/photos.sql"),
        queryables: &[
            q("photo_no", "照片编号", Text),
            q("compensation_unit", "补偿单元编号", Text),
            q("taken_at", "拍摄时间", DateTime),
            q("taken_by", "拍摄人", Text),
            q("caption", "说明", Text),
            q("direction_deg", "拍摄方向(°)", Number),
            q("width", "宽(像素)", Integer),
            q("height", "高(像素)", Integer),
            q("mime_type", "文件类型", Text),
            q("href", "下载地址", Text),
        ],
        temporal: "taken_at",
        relocation: true,
        personal: false,
        layers: &[Layer::Photos],
    },
    Collection {
        id: "admin_areas",
        title: "行政区",
        description: "行政区 (administrative areas): the county and its towns and streets (乡镇/街道)",
        geometry: "MultiPolygon",
        source: include_str!("sql/admin_areas.sql"),
        queryables: &[
            q("code", "行政区划代码", Text),
            q("name", "名称", Text),
            q("level", "级别 (county/town)", Text),
            q("parent_code", "上级代码", Text),
            q("gk_srid", "高斯-克吕格分带 EPSG", Integer),
            q("updated_at", "更新时间", DateTime),
        ],
        temporal: "updated_at",
        relocation: false,
        personal: false,
        layers: &[Layer::County, Layer::Towns],
    },
];

impl Collection {
    pub fn find(id: &str) -> Option<&'static Collection> {
        COLLECTIONS.iter().find(|c| c.id == id)
    }

    pub fn queryable(&self, name: &str) -> Option<&'static Queryable> {
        self.queryables.iter().find(|q| q.name == name)
    }

    /// The collection's SELECT, used as a subquery (its `--` comment lines end at their
    /// newlines, so they stay as they are).
    pub fn source(&self) -> &'static str {
        self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_queryable_is_a_column_and_the_temporal_field_is_a_queryable() {
        for c in COLLECTIONS {
            let sql = c.source();
            assert!(sql.contains(" AS fid") && sql.contains("AS datetime") && sql.contains("project_id"), "{}", c.id);
            for q in c.queryables {
                assert!(sql.contains(q.name), "{} lacks {}", c.id, q.name);
            }
            assert!(c.queryable(c.temporal).is_some_and(|q| matches!(q.kind, Date | DateTime)), "{}", c.id);
            assert_eq!(c.personal, sql.contains("owner_id_number"), "{}", c.id);
        }
    }
}

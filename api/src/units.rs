//! 不动产单元: `GET /api/units` browses the code hierarchy, `GET /api/units/{code}` gives a unit
//! with its whole chain (parcel → building → house unit → rights → certificates → compensation
//! unit).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::CodeKind;
use crate::relocation::Compensation;

/// 逐级浏览 query (`GET /api/units?prefix=&cursor=&limit=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct BrowseQuery {
    /// Code prefix: its length chooses the level (under 6: counties, 6–8: districts, 9–11:
    /// sub-districts, 12–18: parcels, 19–23: buildings, 24–27: house units).
    pub prefix: Option<String>,
    /// The last code of the previous page.
    pub cursor: Option<String>,
    /// 1–1000 [default: 100]
    pub limit: Option<i64>,
}

/// 层级: the level a browse page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BrowseLevel {
    /// 县级行政区
    County,
    /// 地籍区
    District,
    /// 地籍子区
    Subdistrict,
    /// 宗地
    Parcel,
    /// 自然幢
    Building,
    /// 户
    Unit,
}

impl BrowseLevel {
    /// The level listed under a prefix of this many characters.
    pub fn for_prefix_len(len: usize) -> Self {
        match len {
            0..6 => Self::County,
            6..9 => Self::District,
            9..12 => Self::Subdistrict,
            12..19 => Self::Parcel,
            19..24 => Self::Building,
            _ => Self::Unit,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::County => "county",
            Self::District => "district",
            Self::Subdistrict => "subdistrict",
            Self::Parcel => "parcel",
            Self::Building => "building",
            Self::Unit => "unit",
        }
    }
}

/// 逐级浏览 page (`GET /api/units`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrowsePage {
    pub level: BrowseLevel,
    /// The prefix as used (trimmed).
    pub prefix: String,
    pub items: Vec<BrowseItem>,
    /// The `cursor` of the next page; null on the last one.
    pub next_cursor: Option<String>,
}

/// 下级条目: one entry of a level, with the number of its children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrowseItem {
    pub code: String,
    /// Name, address (parcels), floors and use (buildings) or room (house units).
    pub label: String,
    pub children: i64,
}

/// 单元查询 (`GET /api/units/{code}?crs=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    /// EPSG code of the output geometry [default: 4490]
    pub crs: Option<i32>,
    /// 历史时点: answer as the register stood at this time (RFC 3339, or a date meaning the end
    /// of that day in China Standard Time). Parcel, building and house unit come from their
    /// history; rights are those registered by then.
    pub at: Option<String>,
}

/// 不动产单元 with its chain (`GET /api/units/{code}`): a 28-character unit code, a parcel code
/// or a building number. Personal data are masked for the caller; the compensation unit is
/// there only for callers who may see its project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRecord {
    pub code: String,
    pub kind: CodeKind,
    pub parcel: Parcel,
    /// Null for a parcel code.
    pub building: Option<Building>,
    /// Null for a parcel code, a building number or a land-only unit.
    pub house_unit: Option<HouseUnit>,
    /// 权利: registered on the house unit, or on the parcel's land unit.
    pub rights: Vec<Right>,
    /// 补偿单元: null unless the caller may see the unit's relocation project.
    pub compensation: Option<Compensation>,
}

impl UnitRecord {
    /// The most detailed geometry: the house unit's, else the building's, else the parcel's.
    pub fn geometry(&self) -> &Geometry {
        self.house_unit
            .as_ref()
            .map(|h| &h.geometry)
            .or(self.building.as_ref().map(|b| &b.geometry))
            .unwrap_or(&self.parcel.geometry)
    }
}

/// GeoJSON 几何 as PostGIS writes it (`ST_AsGeoJSON`), in EPSG:4490 or the requested `crs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Geometry {
    /// Short CRS name; PostGIS leaves it out for EPSG:4326 (and so does this type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crs: Option<NamedCrs>,
    /// `MultiPolygon`, `Polygon`, `Point`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Nested arrays of `[x, y]` positions.
    pub coordinates: serde_json::Value,
}

/// 坐标参考系 member of a GeoJSON geometry: `{"type":"name","properties":{"name":"EPSG:4490"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedCrs {
    /// `name`
    #[serde(rename = "type")]
    pub kind: String,
    pub properties: CrsName,
}

/// The `properties` of a [`NamedCrs`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CrsName {
    /// e.g. `EPSG:4490`
    pub name: String,
}

/// 宗地 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parcel {
    pub id: i64,
    /// 坐落
    pub address: String,
    /// Area of the geometry in the county's Gauss-Krüger zone, m², 2 decimals.
    pub area_m2: Option<f64>,
    pub geometry: Geometry,
    /// 土地用途 code (GB/T 21010), e.g. `0702`.
    pub land_use: String,
    /// 不动产单元代码 of the land-only unit (parcel code + `W00000000`).
    pub unit_code: String,
    /// 权利类型, e.g. `homestead_use`.
    pub right_type: String,
    /// 宗地代码 (19 characters)
    pub parcel_code: String,
    /// 权利性质, e.g. `granted`.
    pub right_nature: String,
    /// 土地用途 name, e.g. 农村宅基地.
    pub land_use_name: String,
    /// 宗地面积 as registered, m².
    pub registered_area_m2: Option<f64>,
}

/// 自然幢 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Building {
    pub id: i64,
    /// 总层数 above ground
    pub floors: i16,
    pub geometry: Geometry,
    /// 房屋结构, e.g. `brick_wood`.
    pub structure: String,
    /// 自然幢号 (24 characters)
    pub building_no: String,
    /// Number of its house units.
    pub house_units: i64,
    /// 规划用途, e.g. `residential`.
    pub planned_use: String,
    /// 竣工年份
    pub completion_year: Option<i16>,
    /// m², 2 decimals
    pub footprint_area_m2: Option<f64>,
}

/// 户 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseUnit {
    pub id: i64,
    /// 房屋用途, e.g. `residential`.
    #[serde(rename = "use")]
    pub use_: String,
    /// 所在层
    pub floor: i16,
    /// 户号
    pub unit_no: String,
    pub geometry: Geometry,
    /// 不动产单元代码 (28 characters)
    pub unit_code: String,
    /// 室号 shown to people, e.g. 2单元301.
    pub room_label: Option<String>,
    /// 实测建筑面积, m²
    pub floor_area_m2: f64,
    /// 套内建筑面积, m²
    pub inner_area_m2: Option<f64>,
    /// 分摊面积, m²
    pub shared_area_m2: Option<f64>,
    /// 房屋灭失: the day the house was demolished (its rights cancelled), if it was.
    #[serde(default)]
    pub demolished_on: Option<NaiveDate>,
}

/// 权利 (registered right or restriction) with its certificates and parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Right {
    /// e.g. `house_ownership`, `mortgage`, `seizure`.
    pub kind: String,
    /// 登记状态: `current`, `historical` or `cancelled`.
    pub status: String,
    /// 业务号
    pub business_no: String,
    /// 登记日期
    pub registered_on: NaiveDate,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    /// 权利性质
    pub right_nature: Option<String>,
    /// 共有方式: `sole`, `joint` or `shares`.
    pub co_ownership: Option<String>,
    /// 被担保主债权数额 of a mortgage, yuan.
    pub secured_amount: Option<f64>,
    /// 查封机关
    pub authority: Option<String>,
    /// 文号
    pub document_no: Option<String>,
    pub certificates: Vec<Certificate>,
    pub parties: Vec<Party>,
}

/// 不动产权证书 / 登记证明 (fields in jsonb order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// `title_certificate` or `registration_proof`.
    pub kind: String,
    /// 发证机关
    pub issuer: String,
    /// 证书号, e.g. 豫(2024)温县不动产权第0001234号.
    pub number: String,
    /// `valid` or `cancelled`.
    pub status: String,
    pub issued_on: NaiveDate,
    /// 证照标识 (GB/T 36901)
    pub identifier: String,
    pub cancelled_on: Option<NaiveDate>,
}

/// 权利人 / 义务人 of a right; name, ID number and phone masked by role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// `holder` (权利人) or `obligor` (义务人).
    pub role: String,
    /// 姓名 / 名称 (masked for the public)
    pub name: String,
    /// `person` or `organization`.
    pub holder_type: String,
    /// 证件种类, e.g. `resident_id`.
    pub id_type: String,
    /// 证件号 (masked unless the role sees personal data in full)
    pub id_number: String,
    /// 联系电话 (masked like the ID number)
    pub phone: Option<String>,
    /// 共有份额, a fraction.
    pub share: Option<f64>,
}

/// 登记簿 (`GET /api/units/{code}/register`): every right of a unit — current, historical and
/// cancelled — oldest first, with business numbers, dates, parties (masked by role) and
/// certificates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterBook {
    pub code: String,
    /// 坐落
    pub address: String,
    /// 房屋灭失 (demolished), when the house unit was.
    pub demolished_on: Option<NaiveDate>,
    pub rights: Vec<Right>,
}

//! 运行状态: `GET /health`, `GET /api/version`, `GET /api/stats`.

use serde::{Deserialize, Serialize};

/// 健康检查 (`GET /health`): the database is reachable, with its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`
    pub status: String,
    /// `reachable`
    pub database: String,
    pub postgres_version: String,
    pub postgis_version: String,
    /// The newest migration applied to the database.
    pub schema_version: Option<i64>,
    pub uptime_seconds: u64,
    /// PostgreSQL's `statement_timeout` on the server's connections, as PostgreSQL reports it.
    pub statement_timeouts: StatementTimeouts,
}

/// 语句超时 by kind of request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementTimeouts {
    /// The JSON API's connections, e.g. `10s`.
    pub api: String,
    /// Tiles and OGC API pages, e.g. `1min`.
    pub bulk: String,
}

/// 版本 (`GET /api/version`): build facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Version {
    /// `onemap`
    pub name: String,
    pub version: String,
    pub git_commit: Option<String>,
    /// The newest migration this binary carries.
    pub schema_version: Option<i64>,
}

/// 数据统计 (`GET /api/stats`): entity counts of the loaded data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// 行政区
    pub admin_areas: i64,
    /// 地籍区
    pub cadastral_districts: i64,
    /// 地籍子区
    pub cadastral_subdistricts: i64,
    /// 道路
    pub roads: i64,
    /// 宗地
    pub parcels: i64,
    /// 自然幢
    pub buildings: i64,
    /// 户
    pub house_units: i64,
    /// 权利人
    pub right_holders: i64,
    /// 权利
    pub rights: i64,
    /// 不动产权证书 / 登记证明
    pub certificates: i64,
    /// 征收项目
    pub projects: i64,
    /// 评估机构
    pub appraisal_firms: i64,
    /// 补偿单元
    pub compensation_units: i64,
    /// 资金拨付
    pub payments: i64,
    /// 现场照片
    pub photos: i64,
    /// 档案
    pub archive_documents: i64,
}

/// 就绪检查 (`GET /ready`): the database answers and no migration is pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ready {
    /// `ready`
    pub status: String,
    pub schema_version: Option<i64>,
}

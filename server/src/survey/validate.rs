//! 校验: staging what was read, then the rules over the whole import in a few set-based
//! statements (`validate/*.sql`), then each feature's diff status and the counts.

use std::collections::BTreeMap;

use onemap_api::survey::{ImportCounts, ImportKind};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use super::mapping;
use super::read::RawFeature;

/// Overlap below this many m² is a sliver (warning), above it an error.
pub const OVERLAP_TOLERANCE_M2: f64 = 0.1;
/// Overlaps below this many m² are reprojection noise on shared edges, not reported.
pub const NOISE_M2: f64 = 0.001;
/// A gap narrower than this many metres to a neighbour is a warning.
pub const GAP_TOLERANCE_M: f64 = 0.05;

/// How the coordinates of a file are read.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    pub srid: i32,
    pub swapped: bool,
}

/// Maps and stages one batch with its attribute findings.
pub async fn stage(
    conn: &mut PgConnection,
    import: Uuid,
    kind: ImportKind,
    mapping: &BTreeMap<String, String>,
    reading: Reading,
    batch: Vec<RawFeature>,
) -> Result<(), sqlx::Error> {
    let len = batch.len();
    let (mut ns, mut wkbs, mut props, mut srcs, mut codes, mut parents) = (
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
        Vec::with_capacity(len),
    );
    let (mut i_n, mut i_code, mut i_sev, mut i_zh, mut i_en) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for f in batch {
        let m = mapping::map(kind, mapping, &f.props);
        for finding in m.findings {
            i_n.push(f.n);
            i_code.push(finding.code.to_owned());
            i_sev.push(finding.severity().to_owned());
            i_zh.push(finding.message_zh);
            i_en.push(finding.message_en);
        }
        ns.push(f.n);
        wkbs.push(f.wkb);
        props.push(Value::Object(m.props));
        srcs.push(Value::Object(f.props));
        codes.push(m.code);
        parents.push(m.parent_code);
    }
    sqlx::query(include_str!("validate/stage.sql"))
        .bind(import)
        .bind(reading.srid)
        .bind(reading.swapped)
        .bind(ns)
        .bind(wkbs)
        .bind(props)
        .bind(srcs)
        .bind(codes)
        .bind(parents)
        .execute(&mut *conn)
        .await?;
    if !i_n.is_empty() {
        sqlx::query(include_str!("validate/stage_issues.sql"))
            .bind(import)
            .bind(i_n)
            .bind(i_code)
            .bind(i_sev)
            .bind(i_zh)
            .bind(i_en)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Runs every rule over the staged features, sets their status and returns the counts.
/// `outside` is the likely cause of features outside the county, Chinese and English (may be
/// empty).
pub async fn validate(
    conn: &mut PgConnection,
    import: Uuid,
    kind: ImportKind,
    outside: (&str, &str),
) -> Result<ImportCounts, sqlx::Error> {
    let k = kind.as_str();
    plan_for_staging(conn).await?;
    sqlx::query(include_str!("validate/prepare.sql")).bind(import).bind(k).execute(&mut *conn).await?;
    sqlx::query(include_str!("validate/attributes.sql")).bind(import).bind(k).execute(&mut *conn).await?;
    sqlx::query(include_str!("validate/geometry.sql"))
        .bind(import)
        .bind(outside.0)
        .bind(outside.1)
        .execute(&mut *conn)
        .await?;
    if matches!(kind, ImportKind::Parcels | ImportKind::Buildings) {
        sqlx::query(include_str!("validate/parcels.sql"))
            .bind(import)
            .bind(k)
            .bind(OVERLAP_TOLERANCE_M2)
            .bind(GAP_TOLERANCE_M)
            .bind(NOISE_M2)
            .execute(&mut *conn)
            .await?;
    }
    if matches!(kind, ImportKind::Buildings | ImportKind::HouseUnits) {
        sqlx::query(include_str!("validate/children.sql"))
            .bind(import)
            .bind(k)
            .bind(OVERLAP_TOLERANCE_M2)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(include_str!("validate/status.sql")).bind(import).bind(k).execute(&mut *conn).await?;
    counts(conn, import).await
}

/// Planner settings for statements over staged rows, for the rest of the transaction: plans
/// for the actual import id (not generic ones), and no bitmap scans — with them PostgreSQL
/// combines the staging table's primary key with the geometry index per feature, quadratic in
/// the size of the file (minutes for 100,000 parcels instead of seconds).
pub async fn plan_for_staging(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('enable_bitmapscan', 'off', true)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn counts(conn: &mut PgConnection, import: Uuid) -> Result<ImportCounts, sqlx::Error> {
    let (features, new, changed, unchanged, conflicts, errors, warnings): (i64, i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(include_str!("validate/counts.sql")).bind(import).fetch_one(&mut *conn).await?;
    Ok(ImportCounts { features, new, changed, unchanged, conflicts, errors, warnings })
}

/// Why features would land outside the county: probes the file's centre point under other
/// readings (swapped axes, the county's zone with and without its number, lon/lat).
pub async fn outside_cause(
    pool: &sqlx::PgPool,
    x: f64,
    y: f64,
    reading: Reading,
    county_srid: i32,
) -> (String, String) {
    let inside = |x: f64, y: f64, srid: i32| async move {
        sqlx::query_scalar::<_, bool>(include_str!("validate/probe.sql"))
            .bind(x)
            .bind(y)
            .bind(srid)
            .fetch_optional(pool)
            .await
            .ok()
            .flatten()
            .unwrap_or(false)
    };
    let (x, y) = if reading.swapped { (y, x) } else { (x, y) };
    if inside(x, y, reading.srid).await {
        return (String::new(), String::new());
    }
    let twin = super::crs::twin(county_srid).unwrap_or(county_srid);
    let tries = [
        (y, x, reading.srid, "(X、Y 坐标可能互换)".to_string(), " (northing and easting may be swapped)".to_string()),
        (
            x,
            y,
            county_srid,
            format!("(坐标系可能有误:EPSG:{county_srid} 可落在县内)"),
            format!(" (wrong CRS? EPSG:{county_srid} would put it inside)"),
        ),
        (
            x,
            y,
            twin,
            format!("(坐标系可能有误:EPSG:{twin} 可落在县内)"),
            format!(" (wrong CRS? EPSG:{twin} would put it inside)"),
        ),
        (
            y,
            x,
            county_srid,
            format!("(X、Y 互换且应为 EPSG:{county_srid})"),
            format!(" (swapped axes and EPSG:{county_srid})"),
        ),
        (y, x, twin, format!("(X、Y 互换且应为 EPSG:{twin})"), format!(" (swapped axes and EPSG:{twin})")),
        (x, y, 4490, "(坐标可能是经纬度)".to_string(), " (the coordinates may be longitude/latitude)".to_string()),
    ];
    for (tx, ty, srid, zh, en) in tries {
        if (srid != reading.srid || (tx, ty) != (x, y)) && inside(tx, ty, srid).await {
            return (zh, en);
        }
    }
    ("(坐标系或带号可能有误)".into(), " (wrong CRS or zone?)".into())
}

//! 提交入库: a validated import written to the register in the caller's transaction — the
//! rows it replaces locked and checked against the versions it was validated on, codes
//! allocated for new features, inserts and updates, history (by the tables' triggers, naming
//! the import and the request), the import marked committed. The caller adds the audit row
//! and commits.

use axum::http::StatusCode;
use onemap_api::survey::{CommitResult, ImportKind};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::base::ApiError;

/// Who commits, for the history rows.
pub struct Committer<'a> {
    pub actor: &'a str,
    pub request_id: Option<&'a str>,
}

fn conflict(code: &'static str, message: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// A database refusal during the writes: a code taken meanwhile is a stale import.
fn refused(e: sqlx::Error) -> ApiError {
    match e.as_database_error().and_then(|d| d.code()) {
        Some(c) if c == "23505" => conflict(
            "import_stale",
            "a code of this import was taken after validation (另一提交已使用该代码): validate again".into(),
        ),
        Some(c) if c == "23514" || c == "23503" => conflict(
            "register_rule",
            format!(
                "the register refused a feature: {}",
                e.as_database_error().map(|d| d.message()).unwrap_or_default()
            ),
        ),
        _ => ApiError::from(e),
    }
}

/// Commits import `id` inside `conn`'s open transaction.
pub async fn commit(conn: &mut PgConnection, id: Uuid, who: &Committer<'_>) -> Result<CommitResult, ApiError> {
    sqlx::query(
        "SELECT set_config('onemap.actor', $1, true), set_config('onemap.import_id', $2, true), \
         set_config('onemap.request_id', $3, true), set_config('statement_timeout', $4, true)",
    )
    .bind(who.actor)
    .bind(id.to_string())
    .bind(who.request_id.unwrap_or_default())
    .bind(super::jobs::JOB_STATEMENT_TIMEOUT)
    .execute(&mut *conn)
    .await?;
    super::validate::plan_for_staging(conn).await?;
    let (status, kind): (String, String) = sqlx::query_as("SELECT status, kind FROM imports WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| ApiError::not_found("no such import"))?;
    if status != "ready" {
        return Err(conflict(
            "import_not_ready",
            format!("the import is {status}: only a validated (ready) import can be committed"),
        ));
    }
    let kind = ImportKind::parse(&kind).expect("a checked kind");
    let counts = super::validate::counts(conn, id).await?;
    if counts.errors > 0 || counts.conflicts > 0 {
        return Err(conflict(
            "import_has_errors",
            format!(
                "{} features have errors and {} conflict with the register (存在错误,不能提交): fix the file and upload it again",
                counts.errors, counts.conflicts
            ),
        ));
    }
    let stale: Vec<(i32, Option<String>)> =
        sqlx::query_as(include_str!("commit/lock.sql")).bind(id).bind(kind.as_str()).fetch_all(&mut *conn).await?;
    if !stale.is_empty() {
        let list: Vec<String> = stale.iter().map(|(n, c)| format!("#{n} {}", c.as_deref().unwrap_or("?"))).collect();
        return Err(conflict(
            "import_stale",
            format!(
                "features changed in the register after validation (校验后已被修改): {}; validate again",
                list.join(", ")
            ),
        ));
    }
    let allocated = allocate(conn, id, kind).await?;
    let sql = match kind {
        ImportKind::Parcels => include_str!("commit/parcels.sql"),
        ImportKind::Buildings => include_str!("commit/buildings.sql"),
        ImportKind::HouseUnits => include_str!("commit/house_units.sql"),
    };
    let (inserted, updated): (i64, i64) = sqlx::query_as(sql).bind(id).fetch_one(&mut *conn).await.map_err(refused)?;
    sqlx::query("UPDATE imports SET status = 'committed', committed_at = now() WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(CommitResult { id: id.to_string(), inserted, updated, unchanged: counts.unchanged, allocated })
}

/// Allocates codes to the new features that have none, per parent, in file order.
async fn allocate(conn: &mut PgConnection, id: Uuid, kind: ImportKind) -> Result<Vec<String>, ApiError> {
    let groups: Vec<(Option<String>, i64)> =
        sqlx::query_as(include_str!("commit/groups.sql")).bind(id).bind(kind.as_str()).fetch_all(&mut *conn).await?;
    let (name, limit) = match kind {
        ImportKind::Parcels => ("parcel", 99_999),
        ImportKind::Buildings => ("building", 9_999),
        ImportKind::HouseUnits => ("unit", 9_999),
    };
    let mut allocated = Vec::new();
    for (parent, n) in groups {
        let Some(parent) = parent else {
            return Err(conflict(
                "code_parent_missing",
                "a new feature has no sub-district, parcel or building to be numbered in".into(),
            ));
        };
        let count = i32::try_from(n).unwrap_or(i32::MAX);
        let base = crate::unit_codes::reserve(conn, name, &parent, count, limit)
            .await?
            .ok_or_else(|| conflict("sequence_exhausted", format!("no {count} {name} numbers left under {parent}")))?;
        let codes: Vec<String> = sqlx::query_scalar(concat!(include_str!("commit/assign.sql"), "\nRETURNING f.code"))
            .bind(id)
            .bind(&parent)
            .bind(base)
            .bind(kind.as_str())
            .fetch_all(&mut *conn)
            .await?;
        allocated.extend(codes.into_iter().take(1_000usize.saturating_sub(allocated.len())));
    }
    Ok(allocated)
}

//! 后台校验: an import's reading and validation as a background job. The import row is the
//! job: `status`, `progress_done`/`progress_total`; a server that stops mid-way picks the job
//! up again at start ([`resume`]), from the file kept on disk.

use std::collections::BTreeMap;
use std::path::PathBuf;

use onemap_api::survey::ImportKind;
use serde_json::json;
use sqlx::{Acquire, PgConnection};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::read::{self, Header, RawFeature, ReadError, ReadOptions};
use super::unpack::Format;
use super::validate::{self, Reading};
use crate::base::AppState;

/// Statement timeout of a job's statements (validation of a large file runs long).
pub const JOB_STATEMENT_TIMEOUT: &str = "30min";

/// Directory of an import's files.
pub fn dir(state: &AppState, id: Uuid) -> PathBuf {
    state.config.data_dir.join("imports").join(id.to_string())
}

enum Msg {
    Header(Header),
    Batch(Vec<RawFeature>),
}

/// A failure that ends the job: the problem stored on the import.
struct Failure {
    code: &'static str,
    message: String,
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        let message = match e.as_database_error() {
            Some(d) => format!("数据库拒绝了该文件的数据 / the database refused the file's data: {}", d.message()),
            None => format!("database error: {e}"),
        };
        Failure { code: "import_failed", message }
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Self {
        Failure { code: e.code, message: e.message }
    }
}

/// Starts the job of an import on its own task.
pub fn spawn(state: AppState, id: Uuid) {
    tokio::spawn(async move {
        // One server validates an import: the one that holds its lease.
        let lease = format!("import:{id}");
        match state.leases.take(&lease).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return tracing::warn!(import = %id, error = %e, "import not started: no lease"),
        }
        let outcome = run(&state, id).await;
        state.leases.give(&lease).await;
        if let Err(f) = outcome {
            tracing::warn!(import = %id, code = f.code, message = %f.message, "import failed");
            let problem =
                json!({"type": "about:blank", "title": f.code, "status": 422, "code": f.code, "detail": f.message});
            let _ =
                sqlx::query("UPDATE imports SET status = 'failed', error = $2 WHERE id = $1 AND status = 'validating'")
                    .bind(id)
                    .bind(problem)
                    .execute(&state.pool)
                    .await;
        }
    });
}

/// Picks up the imports left validating that no running server holds.
pub async fn resume(state: &AppState) {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM imports WHERE status = 'validating' ORDER BY created_at")
        .fetch_all(&state.pool)
        .await
        .unwrap_or_default();
    for id in ids {
        spawn(state.clone(), id);
    }
}

async fn still_validating(conn: &mut PgConnection, id: Uuid, done: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE imports SET progress_done = $2, progress_total = greatest(progress_total, $2) \
         WHERE id = $1 AND status = 'validating'",
    )
    .bind(id)
    .bind(done)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

async fn run(state: &AppState, id: Uuid) -> Result<(), Failure> {
    let row: Option<(String, serde_json::Value, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT kind, options, format, dataset_path FROM imports WHERE id = $1 AND status = 'validating'",
    )
    .bind(id)
    .fetch_optional(&state.pool)
    .await?;
    let Some((kind, options, format, dataset_path)) = row else { return Ok(()) };
    let kind = ImportKind::parse(&kind).expect("a checked kind");
    let format = format.as_deref().and_then(Format::parse).expect("a detected format");
    let path = dir(state, id).join(dataset_path.unwrap_or_default());
    let county_srid: i32 = sqlx::query_scalar(
        "SELECT coalesce((SELECT gk_srid FROM admin_areas WHERE level = 'county' ORDER BY id LIMIT 1), 4526)",
    )
    .fetch_one(&state.pool)
    .await?;
    let text = |k: &str| options.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let opts = ReadOptions {
        format,
        path,
        encoding: text("encoding"),
        layer: text("layer"),
        declared_srid: options.get("srid").and_then(|v| v.as_i64()).map(|v| v as i32),
        county_srid,
    };
    let overrides: BTreeMap<String, String> =
        options.get("mapping").and_then(|m| serde_json::from_value(m.clone()).ok()).unwrap_or_default();

    let mut conn = state.pool.acquire().await?;
    sqlx::query("SELECT set_config('statement_timeout', $1, false)")
        .bind(JOB_STATEMENT_TIMEOUT)
        .execute(&mut *conn)
        .await?;
    let result = stage_and_validate(&mut conn, &state.pool, id, kind, opts, overrides).await;
    // The connection goes back to the pool with the API's timeout.
    let _ = sqlx::query("RESET statement_timeout").execute(&mut *conn).await;
    result
}

async fn stage_and_validate(
    conn: &mut PgConnection,
    pool: &sqlx::PgPool,
    id: Uuid,
    kind: ImportKind,
    opts: ReadOptions,
    overrides: BTreeMap<String, String>,
) -> Result<(), Failure> {
    // A resumed job starts over.
    sqlx::query("DELETE FROM import_issues WHERE import_id = $1").bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM import_features WHERE import_id = $1").bind(id).execute(&mut *conn).await?;

    let county_srid = opts.county_srid;
    let (tx, mut rx) = mpsc::channel::<Msg>(2);
    let reader = tokio::task::spawn_blocking(move || {
        let header_tx = tx.clone();
        read::read(
            &opts,
            |h| header_tx.blocking_send(Msg::Header(h.clone())).map_err(|_| stopped()),
            |b| tx.blocking_send(Msg::Batch(b)).map_err(|_| stopped()),
        )
    });
    let mut mapping = BTreeMap::new();
    let mut reading = Reading { srid: 4490, swapped: false };
    let mut extent = None;
    let mut done = 0i64;
    let mut stopped_early = false;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Header(h) => {
                mapping = super::mapping::detect(kind, &h.fields, &overrides)
                    .map_err(|m| Failure { code: "invalid_mapping", message: m })?;
                reading = Reading { srid: h.srid, swapped: h.swapped };
                extent = h.extent;
                sqlx::query(
                    "UPDATE imports SET crs = $2, srid = $3, encoding = $4, layer = $5, mapping = $6, notes = $7, \
                     progress_total = $8, options = options || jsonb_build_object('fields', $9::jsonb) WHERE id = $1",
                )
                .bind(id)
                .bind(format!("EPSG:{}", h.srid))
                .bind(h.srid)
                .bind(&h.encoding)
                .bind(&h.layer)
                .bind(json!(mapping))
                .bind(json!(h.notes))
                .bind(h.total as i64)
                .bind(json!(h.fields))
                .execute(&mut *conn)
                .await?;
            }
            Msg::Batch(batch) => {
                done += batch.len() as i64;
                let mut tx = conn.begin().await?;
                validate::stage(&mut tx, id, kind, &mapping, reading, batch).await?;
                tx.commit().await?;
                if !still_validating(conn, id, done).await? {
                    stopped_early = true;
                    break;
                }
            }
        }
    }
    drop(rx);
    let read_result = reader.await.map_err(|e| Failure { code: "import_failed", message: e.to_string() })?;
    if stopped_early {
        return Ok(());
    }
    read_result?;

    let cause = match extent {
        Some(e) => {
            validate::outside_cause(pool, (e.min_x + e.max_x) / 2.0, (e.min_y + e.max_y) / 2.0, reading, county_srid)
                .await
        }
        None => (String::new(), String::new()),
    };
    // Fresh statistics for the rows just staged: without them the planner guesses a few hundred
    // and picks nested loops that take minutes on a large file.
    sqlx::query("ANALYZE import_features").execute(&mut *conn).await?;
    let mut tx = conn.begin().await?;
    let counts = validate::validate(&mut tx, id, kind, (&cause.0, &cause.1)).await?;
    sqlx::query(
        "UPDATE imports SET status = 'ready', counts = $2, validated_at = now(), progress_done = $3, progress_total = $3 \
         WHERE id = $1 AND status = 'validating'",
    )
    .bind(id)
    .bind(json!(counts))
    .bind(counts.features)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Statistics again, now with each feature's status, for the commit's plans.
    sqlx::query("ANALYZE import_features").execute(&mut *conn).await?;
    Ok(())
}

fn stopped() -> ReadError {
    ReadError { code: "import_stopped", message: "the import was discarded while it was being read".into() }
}

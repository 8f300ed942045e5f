//! 导出任务: an export runs as a job. The rows stream from PostgreSQL (in the requester's
//! context, so that personal data are masked for their role) to GDAL on a blocking thread;
//! progress is written every batch; the file is written under a staging directory and moved
//! into `files/exports` only when the job's row says `done` — a failed job leaves nothing. A
//! server that stops mid-way starts its unfinished exports over ([`resume`]).

use std::collections::HashSet;

use futures_util::TryStreamExt;
use sqlx::Row;
use uuid::Uuid;

use super::naming::field_name;
use super::write::{self, Batch, Format, Spec};
use crate::archives::store::{Incoming, Staged};
use crate::auth::Principal;
use crate::base::context::{CONTEXT, RequestContext};
use crate::base::{AppState, AuditEvent, Role, journal};
use crate::ogc::export::ExportQuery;

/// Features per batch (and per progress update).
const BATCH: usize = 2_000;

/// Starts export `id` on its own task.
pub fn spawn(state: AppState, id: Uuid) {
    tokio::spawn(async move {
        // One server runs a job: the one that holds its lease.
        let lease = format!("export:{id}");
        match state.leases.take(&lease).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => return tracing::warn!(export = %id, error = %e, "export not started: no lease"),
        }
        let outcome = run(&state, id).await;
        state.leases.give(&lease).await;
        if let Err(message) = outcome {
            tracing::warn!(export = %id, %message, "export failed");
            let failed = sqlx::query(
                "UPDATE exports SET status = 'failed', error = $2, finished_at = now()
                 WHERE id = $1 AND status IN ('queued', 'running') RETURNING requested_by, role, collection",
            )
            .bind(id)
            .bind(&message)
            .fetch_optional(&state.pool)
            .await;
            if let Ok(Some(row)) = failed {
                let (who, role): (String, String) = (row.get(0), row.get(1));
                let event = AuditEvent::new(&who, &role, "export", &id.to_string(), "failure")
                    .details(serde_json::json!({"collection": row.get::<String, _>(2), "error": message}));
                let _ = journal::append_now(&state.pool, &[event]).await;
            }
        }
    });
}

/// Starts over the unfinished exports no running server holds (those a stopped server left).
pub async fn resume(state: &AppState) {
    let ids: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM exports WHERE status IN ('queued', 'running') ORDER BY created_at")
            .fetch_all(&state.pool)
            .await
            .unwrap_or_default();
    for id in ids {
        spawn(state.clone(), id);
    }
}

/// The job's row, as `run` needs it.
#[derive(sqlx::FromRow)]
struct JobRow {
    requested_by: String,
    user_id: Option<i64>,
    role: String,
    projects: Option<Vec<i64>>,
    collection: String,
    format: String,
    crs: String,
    filter: Option<String>,
    filter_lang: Option<String>,
    bbox: Option<Vec<f64>>,
    naming: String,
    encoding: String,
    /// Whether it was running already (a stopped server's, started over).
    resumed: bool,
}

/// The item parameters of a request (or a stored job).
pub fn pairs(crs: &str, filter: Option<&str>, lang: Option<&str>, bbox: Option<&[f64]>) -> Vec<(String, String)> {
    let mut pairs = vec![("crs".to_owned(), crs.to_owned())];
    if let Some(f) = filter {
        pairs.push(("filter".to_owned(), f.to_owned()));
    }
    if let Some(l) = lang {
        pairs.push(("filter-lang".to_owned(), l.to_owned()));
    }
    if let Some(b) = bbox {
        pairs.push(("bbox".to_owned(), b.iter().map(f64::to_string).collect::<Vec<_>>().join(",")));
    }
    pairs
}

/// The requester as they were when they asked (role and project scope).
fn principal(job: &JobRow) -> Result<Principal, String> {
    let role = Role::parse(&job.role).ok_or_else(|| format!("unknown role {:?}", job.role))?;
    let mut p = Principal::anonymous();
    p.actor = job.requested_by.clone().into();
    p.role = role;
    p.user_id = job.user_id;
    p.projects = job.projects.as_ref().map(|v| v.iter().copied().collect::<HashSet<i64>>());
    Ok(p)
}

async fn run(state: &AppState, id: Uuid) -> Result<(), String> {
    let db = |e: sqlx::Error| format!("database: {e}");
    let job: JobRow = sqlx::query_as(
        "WITH was AS (SELECT status FROM exports WHERE id = $1 FOR UPDATE)
         UPDATE exports e SET status = 'running', progress_done = 0 FROM was
         WHERE e.id = $1 AND was.status IN ('queued', 'running')
         RETURNING e.requested_by, e.user_id, e.role, e.projects, e.collection, e.format, e.crs, e.filter,
                   e.filter_lang, e.bbox, e.naming, e.encoding, was.status = 'running' AS resumed",
    )
    .bind(id)
    .fetch_optional(&state.pool)
    .await
    .map_err(db)?
    .ok_or("the export is no longer queued")?;
    if job.resumed {
        tracing::info!(export = %id, "restarting an interrupted export");
    }
    let p = principal(&job)?;
    let format = Format::parse(&job.format).ok_or("unknown format")?;
    let q = ExportQuery::parse(
        &job.collection,
        &pairs(&job.crs, job.filter.as_deref(), job.filter_lang.as_deref(), job.bbox.as_deref()),
        &p,
    )
    .map_err(|e| e.to_string())?;
    let standard = job.naming == "standard";
    let spec = Spec {
        format,
        layer: q.collection().to_owned(),
        srid: q.srid(),
        geometry: q.geometry(),
        fields: q.fields().into_iter().map(|(n, k)| (field_name(q.collection(), n, standard).to_owned(), k)).collect(),
        encoding: job.encoding.clone(),
    };
    let files = state.config.files_dir();
    let incoming = Incoming::new(&files).await.map_err(|e| e.message)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let dir = incoming.path().to_owned();
    let (progress_tx, mut progress_rx) = tokio::sync::watch::channel(0u64);
    let writer = tokio::task::spawn_blocking(move || {
        write::write(&dir, &spec, rx, |n| {
            let _ = progress_tx.send(n);
        })
    });
    // Progress goes to the job's row as GDAL reports it.
    let pool = state.pool.clone();
    let reporter = tokio::spawn(async move {
        while progress_rx.changed().await.is_ok() {
            let n = *progress_rx.borrow_and_update();
            let _ = sqlx::query("UPDATE exports SET progress_done = $2 WHERE id = $1")
                .bind(id)
                .bind(n as i64)
                .execute(&pool)
                .await;
        }
    });
    let context = RequestContext::new(p.clone(), None, None);
    let read = CONTEXT.scope(context, async {
        let mut rows = q.rows().map_err(|e| e.to_string())?;
        // One statement streams every row while GDAL writes: the bulk timeout is for queries.
        let mut conn = state.bulk.begin().await.map_err(db)?;
        sqlx::query("SET LOCAL statement_timeout = '30min'").execute(&mut *conn).await.map_err(db)?;
        let mut stream = rows.build().fetch(&mut *conn);
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(row) = stream.try_next().await.map_err(db)? {
            batch.push(q.values(&row).map_err(db)?);
            if batch.len() == BATCH && tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).await.is_err()
            {
                break;
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch).await;
        }
        Ok::<(), String>(())
    });
    let read = read.await;
    drop(tx);
    let written = writer.await.map_err(|e| e.to_string())?;
    let _ = reporter.await;
    read?;
    let (path, rows) = written?;
    let size = tokio::fs::metadata(&path).await.map_err(|e| e.to_string())?.len();
    let staged = Staged::moved(&files, "exports", format.extension(), &path).await.map_err(|e| e.message)?;
    let name = format!("{}-{}.{}", q.collection(), chrono::Local::now().format("%Y%m%d-%H%M%S"), format.extension());
    let mut conn = state.pool.begin().await.map_err(db)?;
    let done = sqlx::query(
        "UPDATE exports SET status = 'done', progress_done = $2, progress_total = $2, file_path = $3, file_name = $4,
                size_bytes = $5, finished_at = now()
         WHERE id = $1 AND status = 'running'",
    )
    .bind(id)
    .bind(rows as i64)
    .bind(&staged.rel)
    .bind(&name)
    .bind(size as i64)
    .execute(&mut *conn)
    .await
    .map_err(db)?
    .rows_affected();
    if done != 1 {
        return Err("the export was no longer running".into());
    }
    let event = AuditEvent::new(&job.requested_by, &job.role, "export", &id.to_string(), "success").details(
        serde_json::json!({
            "collection": job.collection, "format": job.format, "crs": job.crs, "filter": job.filter, "bbox": job.bbox,
            "naming": job.naming, "rows": rows, "bytes": size,
        }),
    );
    journal::append(&mut conn, &[event]).await.map_err(db)?;
    conn.commit().await.map_err(db)?;
    staged.put_in_place().await.map_err(|e| e.message)?;
    Ok(())
}

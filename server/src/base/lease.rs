//! 任务租约: which server runs a background job (an import's validation, an export). A server
//! holds a PostgreSQL session advisory lock on each job it runs, all on one connection of its
//! own: when the server dies, its connection closes and its locks go with it. A starting server
//! — and every [`SWEEP_EVERY`] after — takes over only the unfinished jobs whose lock it can
//! take, so two servers never run one job twice, and a job of a dead server is taken over.
//!
//! If the lock connection itself breaks while the server lives (the database restarted), the
//! locks are taken again on a new connection; a job another server took over in between is
//! then run by both (its writes are guarded by its status, which the first to finish sets).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::Mutex;

/// How often a server looks for unfinished jobs no server holds.
pub const SWEEP_EVERY: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Leases {
    pool: PgPool,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    conn: Option<PgConnection>,
    held: HashSet<String>,
}

const TAKE: &str = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";
const GIVE: &str = "SELECT pg_advisory_unlock(hashtextextended($1, 0))";

impl Leases {
    pub fn new(pool: PgPool) -> Self {
        Self { pool, inner: Arc::default() }
    }

    /// Takes the lease of job `key` (`export:<id>`): false when another server holds it.
    pub async fn take(&self, key: &str) -> Result<bool, sqlx::Error> {
        let mut inner = self.inner.lock().await;
        if inner.held.contains(key) {
            return Ok(false);
        }
        let got = match take_on(&mut inner, &self.pool, key).await {
            Ok(got) => got,
            Err(_) => {
                // The connection broke: a new one, with every lease this server holds again.
                inner.conn = None;
                let again: Vec<String> = inner.held.iter().cloned().collect();
                for k in again {
                    take_on(&mut inner, &self.pool, &k).await?;
                }
                take_on(&mut inner, &self.pool, key).await?
            }
        };
        if got {
            inner.held.insert(key.to_owned());
        }
        Ok(got)
    }

    /// Gives the lease back (the job finished or failed).
    pub async fn give(&self, key: &str) {
        let mut inner = self.inner.lock().await;
        inner.held.remove(key);
        if let Some(conn) = inner.conn.as_mut()
            && sqlx::query(GIVE).bind(key).execute(&mut *conn).await.is_err()
        {
            inner.conn = None;
        }
    }
}

async fn take_on(inner: &mut Inner, pool: &PgPool, key: &str) -> Result<bool, sqlx::Error> {
    if inner.conn.is_none() {
        let conn = pool.acquire().await?.detach();
        inner.conn = Some(conn);
    }
    let conn = inner.conn.as_mut().expect("just made");
    if conn.ping().await.is_err() {
        inner.conn = None;
        return Err(sqlx::Error::PoolClosed);
    }
    sqlx::query_scalar(TAKE).bind(key).fetch_one(conn).await
}

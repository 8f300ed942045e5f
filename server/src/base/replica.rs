//! 只读副本: reads that may go to a streaming replica (`DATABASE_READ_URL`) — tiles, OGC API
//! items, identify, search — and the fence that keeps them from showing data older than what
//! this server knows was written.
//!
//! The fence is a WAL position of the primary. It is raised
//! - after every request this server answers that may have written (any method but GET, HEAD
//!   and OPTIONS; [`fence_writes`]), before the response leaves: the caller's next read through
//!   this server sees its write;
//! - by the tile cache's listener on every change notification, before it drops the tiles the
//!   change touched (and when it connects, before it clears the cache): a tile made again
//!   after the drop is made from data that holds the change — else a tile made from a replica
//!   that had not replayed it yet would be cached, stale, until the next change there.
//!
//! A read uses the replica only when the replica has replayed up to the fence; otherwise it
//! asks the replica how far it is every 10 ms for up to `read_max_wait_ms`, then reads on the
//! primary. A fence the replica did not reach in time is not waited for again (the reads go to
//! the primary until the replica passes it). A replica that fails (down, a connection error,
//! a query cancelled by a recovery conflict) sends the read to the primary, never an error to
//! the client; one found down is tried again every second in the background.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use sqlx::{PgExecutor, PgPool};

use super::AppState;

/// How often a read waiting for the replica asks how far it has replayed.
const POLL_EVERY: Duration = Duration::from_millis(10);
/// How often a replica found down is tried again.
const RETRY_DOWN_EVERY: Duration = Duration::from_secs(1);
/// Longest the question "how far have you replayed" may take before the replica counts as down.
const POLL_TIMEOUT: Duration = Duration::from_secs(1);

/// The primary's WAL insert position: past the commit record of every transaction that has
/// committed (its flush position may not be, under `synchronous_commit = off`).
const PRIMARY_LSN: &str = "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::int8";
/// Where the standby's replay is; NULL on a server that is not a standby.
const REPLAYED_LSN: &str = "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::int8";

/// Where reads go: the primary only, or a replica behind the fence. Cloned freely (one
/// pointer).
#[derive(Clone)]
pub struct Reads(Arc<Inner>);

struct Inner {
    replica: Option<Replica>,
    /// Reads sent to the replica, and to the primary (a read the replica failed counts on both).
    on_replica: AtomicU64,
    on_primary: AtomicU64,
}

struct Replica {
    pool: PgPool,
    max_wait: Duration,
    /// What the replica must have replayed before a read may use it.
    fence: AtomicU64,
    /// How far the replica had replayed when last asked.
    replayed: AtomicU64,
    /// A fence the replica did not reach within `max_wait`: reads do not wait for it again.
    given_up: AtomicU64,
    /// Raises that failed, and how many of them a later successful raise covers: while some
    /// are not covered the fence is unknown and reads go to the primary.
    failed_raises: AtomicU64,
    covered_raises: AtomicU64,
    down: AtomicBool,
    /// When the replica was last asked (one question at a time).
    last_poll: tokio::sync::Mutex<Option<Instant>>,
}

/// What `GET /metrics` reports.
pub struct ReadStats {
    pub on_replica: u64,
    pub on_primary: u64,
    /// With a replica: bytes of WAL it has yet to replay to reach the fence, and whether it
    /// answers.
    pub replica: Option<(u64, bool)>,
}

impl Reads {
    /// Every read on the primary (no `DATABASE_READ_URL`).
    pub fn primary_only() -> Self {
        Self(Arc::new(Inner { replica: None, on_replica: AtomicU64::new(0), on_primary: AtomicU64::new(0) }))
    }

    /// Reads on `pool`, a replica of the primary, behind the fence; a read waits at most
    /// `max_wait` for the replica before going to the primary.
    pub fn with_replica(pool: PgPool, max_wait: Duration) -> Self {
        let replica = Replica {
            pool,
            max_wait,
            fence: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            given_up: AtomicU64::new(0),
            failed_raises: AtomicU64::new(0),
            covered_raises: AtomicU64::new(0),
            down: AtomicBool::new(false),
            last_poll: tokio::sync::Mutex::new(None),
        };
        Self(Arc::new(Inner { replica: Some(replica), on_replica: AtomicU64::new(0), on_primary: AtomicU64::new(0) }))
    }

    /// The replica's pool, when there is one.
    pub fn replica_pool(&self) -> Option<&PgPool> {
        self.0.replica.as_ref().map(|r| &r.pool)
    }

    /// Raises the fence to the primary's current WAL position, read through `primary` (a pool
    /// or the tile listener's connection). Nothing to do without a replica. When the position
    /// cannot be read the fence is unknown, and reads go to the primary, until a raise begun
    /// after the failure succeeds.
    pub async fn raise_fence<'e>(&self, primary: impl PgExecutor<'e>) -> Result<(), sqlx::Error> {
        let Some(r) = &self.0.replica else { return Ok(()) };
        let failed = r.failed_raises.load(SeqCst);
        match sqlx::query_scalar::<_, i64>(PRIMARY_LSN).fetch_one(primary).await {
            Ok(lsn) => {
                r.fence.fetch_max(fence_of(lsn as u64), SeqCst);
                r.covered_raises.fetch_max(failed, SeqCst);
                Ok(())
            }
            Err(e) => {
                r.failed_raises.fetch_add(1, SeqCst);
                Err(e)
            }
        }
    }

    /// Where a read should go: the replica when it has replayed up to the fence (waiting for it
    /// up to `read_max_wait_ms`), else `primary`.
    pub async fn pick<'a>(&'a self, primary: &'a PgPool) -> Pick<'a> {
        let mut on_replica = None;
        if let Some(r) = &self.0.replica
            && self.caught_up(r).await
        {
            on_replica = Some(&r.pool);
        }
        let counter = if on_replica.is_some() { &self.0.on_replica } else { &self.0.on_primary };
        counter.fetch_add(1, SeqCst);
        Pick { reads: self, pool: on_replica.unwrap_or(primary), primary, on_replica: on_replica.is_some() }
    }

    /// Whether the replica has replayed up to the fence, asking it (and waiting) if needed.
    async fn caught_up(&self, r: &Replica) -> bool {
        if r.down.load(SeqCst) || r.failed_raises.load(SeqCst) > r.covered_raises.load(SeqCst) {
            return false;
        }
        let fence = r.fence.load(SeqCst);
        if r.replayed.load(SeqCst) >= fence {
            return true;
        }
        // A fence already given up on: one look, no waiting.
        let deadline = if r.given_up.load(SeqCst) >= fence { Instant::now() } else { Instant::now() + r.max_wait };
        loop {
            self.poll(r).await;
            if r.down.load(SeqCst) {
                return false;
            }
            if r.replayed.load(SeqCst) >= fence {
                return true;
            }
            if Instant::now() + POLL_EVERY > deadline {
                r.given_up.fetch_max(fence, SeqCst);
                return false;
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Asks the replica how far it has replayed, unless someone just did.
    async fn poll(&self, r: &Replica) {
        let mut last = r.last_poll.lock().await;
        if last.is_some_and(|t| t.elapsed() < POLL_EVERY / 2) {
            return;
        }
        let got = replayed(&r.pool).await;
        *last = Some(Instant::now());
        match got {
            Ok(lsn) => {
                r.replayed.fetch_max(lsn, SeqCst);
            }
            Err(reason) => self.mark_down(r, &reason),
        }
    }

    /// Takes the replica out of the read set and tries it again every second until it answers.
    fn mark_down(&self, r: &Replica, reason: &str) {
        if r.down.swap(true, SeqCst) {
            return;
        }
        tracing::warn!(reason, "read replica unavailable: reads go to the primary until it answers again");
        let reads = self.clone();
        tokio::spawn(async move {
            let Some(r) = &reads.0.replica else { return };
            loop {
                tokio::time::sleep(RETRY_DOWN_EVERY).await;
                if let Ok(lsn) = replayed(&r.pool).await {
                    r.replayed.fetch_max(lsn, SeqCst);
                    r.down.store(false, SeqCst);
                    tracing::info!("read replica answers again: reads go to it once it has replayed up to the fence");
                    return;
                }
            }
        });
    }

    /// Asks the replica how far it is now (for `GET /metrics`).
    pub async fn refresh(&self) {
        if let Some(r) = &self.0.replica
            && !r.down.load(SeqCst)
        {
            self.poll(r).await;
        }
    }

    pub fn stats(&self) -> ReadStats {
        ReadStats {
            on_replica: self.0.on_replica.load(SeqCst),
            on_primary: self.0.on_primary.load(SeqCst),
            replica: self
                .0
                .replica
                .as_ref()
                .map(|r| (r.fence.load(SeqCst).saturating_sub(r.replayed.load(SeqCst)), !r.down.load(SeqCst))),
        }
    }
}

/// The replica's replay position, or why it could not be read.
async fn replayed(pool: &PgPool) -> Result<u64, String> {
    match tokio::time::timeout(POLL_TIMEOUT, sqlx::query_scalar::<_, Option<i64>>(REPLAYED_LSN).fetch_one(pool)).await {
        Ok(Ok(Some(lsn))) => Ok(lsn as u64),
        Ok(Ok(None)) => Err("it is not a standby (pg_last_wal_replay_lsn() is null)".into()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} ms", POLL_TIMEOUT.as_millis())),
    }
}

/// The fence for a primary insert position. At the start of a WAL page the insert position is
/// past the page's header, while a standby that replayed everything before it reports the end
/// of the last record, the page's start: such a position is moved back to the page's start.
fn fence_of(insert_lsn: u64) -> u64 {
    const PAGE: u64 = 8192;
    const SEGMENT: u64 = 16 << 20;
    const SHORT_HEADER: u64 = 24;
    const LONG_HEADER: u64 = 40;
    if insert_lsn % SEGMENT == LONG_HEADER {
        insert_lsn - LONG_HEADER
    } else if insert_lsn % PAGE == SHORT_HEADER {
        insert_lsn - SHORT_HEADER
    } else {
        insert_lsn
    }
}

/// Where one read goes. Run the query on [`pool`](Self::pool); when it fails, ask
/// [`fall_back`](Self::fall_back) whether to run it again (on the primary).
pub struct Pick<'a> {
    reads: &'a Reads,
    pool: &'a PgPool,
    primary: &'a PgPool,
    on_replica: bool,
}

impl<'a> Pick<'a> {
    pub fn pool(&self) -> &'a PgPool {
        self.pool
    }

    /// After the read failed with `e`: true when it ran on the replica and the failure is the
    /// replica's (a connection error, the replica shutting down, a recovery conflict); the
    /// pick then points at the primary — run the read again. False: the error is the answer.
    pub fn fall_back(&mut self, e: &sqlx::Error) -> bool {
        if !self.on_replica || !replica_failure(e) {
            return false;
        }
        let conflict = matches!(e, sqlx::Error::Database(d) if d.code().is_some_and(|c| c.starts_with("40")));
        if conflict {
            tracing::warn!(error = %e, "a read on the replica was cancelled; read again on the primary");
        } else if let Some(r) = &self.reads.0.replica {
            self.reads.mark_down(r, &e.to_string());
        }
        self.reads.0.on_primary.fetch_add(1, SeqCst);
        self.on_replica = false;
        self.pool = self.primary;
        true
    }
}

/// Whether a read's failure on the replica is the replica's rather than the query's: no
/// connection or a broken one, or PostgreSQL's classes 08 (connection), 40 (a query
/// cancelled by a recovery conflict), 53 (resources), 57P (shutting down, not yet accepting
/// connections) and 58 (system). A statement timeout (57014) or a bad query would fail on the
/// primary as well and is answered as it is.
fn replica_failure(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            ["08", "40", "53", "57P", "58"].iter().any(|c| code.starts_with(c))
        }
        sqlx::Error::RowNotFound
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::TypeNotFound { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::Encode(_) => false,
        _ => true,
    }
}

/// Middleware on the routed requests: after one that may have written (any method but GET,
/// HEAD and OPTIONS), raises the fence to the primary's WAL position before the response
/// leaves, so that the caller's next read through this server sees the write.
pub async fn fence_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let may_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(req).await;
    if may_write
        && state.reads.replica_pool().is_some()
        && let Err(e) = state.reads.raise_fence(&state.pool).await
    {
        tracing::warn!(error = %e, "the WAL position after a write could not be read: reads go to the primary");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_at_a_page_start_is_the_page_start() {
        assert_eq!(fence_of(3 * 8192 + 24), 3 * 8192);
        assert_eq!(fence_of(5 * (16 << 20) + 40), 5 * (16 << 20));
        assert_eq!(fence_of(3 * 8192 + 40), 3 * 8192 + 40);
        assert_eq!(fence_of(3 * 8192 + 4000), 3 * 8192 + 4000);
    }

    #[test]
    fn only_the_replicas_failures_send_a_read_to_the_primary() {
        assert!(replica_failure(&sqlx::Error::PoolTimedOut));
        assert!(replica_failure(&sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))));
        assert!(!replica_failure(&sqlx::Error::RowNotFound));
    }
}

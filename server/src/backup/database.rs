//! The database part of a backup, by PostgreSQL's own tools: `pg_dump --format=custom` inside
//! an exported snapshot (the row counts and the audit head of the manifest are read in the same
//! snapshot), `pg_restore` into an empty database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use sqlx::{ConnectOptions, Connection, PgConnection};

use super::BackupError;
use super::manifest::AuditHead;

/// What the snapshot says, read while the dump runs in it.
pub struct Snapshot {
    pub tables: BTreeMap<String, i64>,
    pub audit_head: Option<AuditHead>,
    pub schema_version: Option<i64>,
    pub server_version: String,
}

/// How to reach a database with libpq's environment variables (the password never on a
/// command line).
#[derive(Clone)]
pub struct Target {
    env: Vec<(&'static str, String)>,
}

impl Target {
    pub fn from_url(url: &str) -> Result<Self, BackupError> {
        let u = reqwest::Url::parse(url).map_err(|e| BackupError::Tool(format!("database URL: {e}")))?;
        let decode = |s: &str| Some(percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned());
        let mut env = vec![
            ("PGHOST", u.host_str().unwrap_or("localhost").trim_matches(['[', ']']).to_owned()),
            ("PGPORT", u.port().unwrap_or(5432).to_string()),
            ("PGDATABASE", u.path().trim_start_matches('/').to_owned()),
            ("PGUSER", decode(u.username()).unwrap_or_default()),
            ("PGCONNECT_TIMEOUT", "10".into()),
        ];
        if let Some(p) = u.password().and_then(decode) {
            env.push(("PGPASSWORD", p));
        }
        for (k, v) in u.query_pairs() {
            if k == "sslmode" {
                env.push(("PGSSLMODE", v.into_owned()));
            }
        }
        Ok(Self { env })
    }

    fn command(&self, bin: &Path, prog: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(bin.join(prog));
        c.env_remove("PGSERVICE").env_remove("PGOPTIONS").envs(self.env.iter().map(|(k, v)| (*k, v)));
        c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        c
    }
}

/// A connection whose long statements (counting every table) are not logged as slow.
async fn connect(url: &str) -> Result<PgConnection, BackupError> {
    let o: sqlx::postgres::PgConnectOptions = url.parse()?;
    let o = o.log_slow_statements(tracing::log::LevelFilter::Warn, std::time::Duration::from_secs(600));
    Ok(o.connect().await?)
}

/// Dumps the database at `url` into `out` (custom format) in one snapshot, and reads the
/// snapshot's row counts, audit head and schema version.
pub async fn dump(url: &str, bin: &Path, out: &Path) -> Result<Snapshot, BackupError> {
    let mut conn = connect(url).await?;
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await?;
    let dumping = {
        let mut c = Target::from_url(url)?.command(bin, "pg_dump");
        c.arg("--format=custom").arg(format!("--snapshot={snapshot}")).arg("--file").arg(out);
        run(c, "pg_dump")
    };
    let reading = async {
        let tables: Vec<(String, i64)> =
            sqlx::query_as(include_str!("sql/table_counts.sql")).fetch_all(&mut *tx).await?;
        let head: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *tx).await?;
        let schema_version: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success").fetch_one(&mut *tx).await?;
        let server_version: String = sqlx::query_scalar("SHOW server_version").fetch_one(&mut *tx).await?;
        Ok::<_, sqlx::Error>(Snapshot {
            tables: tables.into_iter().collect(),
            audit_head: head.map(|(id, hash)| AuditHead { id, hash: hex::encode(hash) }),
            schema_version,
            server_version,
        })
    };
    // The dump runs in the snapshot while this transaction keeps it open.
    let (dumped, read) = tokio::join!(dumping, reading);
    dumped?;
    let snapshot = read?;
    tx.commit().await?;
    Ok(snapshot)
}

/// Restores `dump` into the empty database at `url`: the server's role first (the dump grants
/// to it), then `pg_restore` with two jobs.
pub async fn restore(url: &str, bin: &Path, dump: &Path) -> Result<(), BackupError> {
    let mut conn = connect(url).await?;
    let tables: i64 = sqlx::query_scalar(include_str!("sql/user_tables.sql")).fetch_one(&mut conn).await?;
    if tables > 0 {
        return Err(BackupError::NotEmpty(format!(
            "the database already holds {tables} tables: a backup is restored into an empty data directory or database"
        )));
    }
    sqlx::query(include_str!("sql/app_role.sql")).execute(&mut conn).await?;
    conn.close().await?;
    let mut c = Target::from_url(url)?.command(bin, "pg_restore");
    c.args(["--no-owner", "--exit-on-error", "--jobs=2", "--dbname"]).arg(dbname_of(url)?).arg(dump);
    run(c, "pg_restore").await
}

/// The database name alone (the rest comes from the environment).
fn dbname_of(url: &str) -> Result<String, BackupError> {
    let u = reqwest::Url::parse(url).map_err(|e| BackupError::Tool(format!("database URL: {e}")))?;
    Ok(u.path().trim_start_matches('/').to_owned())
}

/// Rows per table of the database at `url` now.
pub async fn table_counts(url: &str) -> Result<BTreeMap<String, i64>, BackupError> {
    let mut conn = connect(url).await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(include_str!("sql/table_counts.sql")).fetch_all(&mut conn).await?;
    conn.close().await?;
    Ok(rows.into_iter().collect())
}

async fn run(mut c: tokio::process::Command, what: &str) -> Result<(), BackupError> {
    let out = c.output().await.map_err(|e| BackupError::Tool(format!("cannot run {what}: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    // The first error says why; later ones are its consequences ("a worker process died").
    let first = err.lines().find(|l| l.contains("error:")).or_else(|| err.lines().rfind(|l| !l.trim().is_empty()));
    Err(BackupError::Tool(format!("{what} failed: {}", first.unwrap_or("no output").trim())))
}

/// Where PostgreSQL's client programs are (those of the embedded cluster's version).
pub fn tools(pg_bin: &Path) -> Result<PathBuf, BackupError> {
    for p in ["pg_dump", "pg_restore"] {
        if !pg_bin.join(p).exists() {
            return Err(BackupError::Tool(format!(
                "{p} not found in {} (install postgresql-client-15 or set ONEMAP_PG_BIN)",
                pg_bin.display()
            )));
        }
    }
    Ok(pg_bin.to_path_buf())
}

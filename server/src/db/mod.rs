//! Database access: the embedded cluster or DATABASE_URL, the PostGIS check, migrations.

pub mod embedded;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::Config;
use embedded::{EmbeddedCluster, EmbeddedError};

/// How long a request waits for a database connection before it answers 503.
pub const APP_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a read waits for a connection to the replica before it goes to the primary.
pub const READ_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// Name of the database onemap creates inside its embedded cluster.
pub const EMBEDDED_DATABASE: &str = "onemap";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL is not a valid PostgreSQL URL: {0}")]
    BadUrl(String),
    #[error("DATABASE_READ_URL is not a valid PostgreSQL URL: {0}")]
    BadReadUrl(String),
    #[error("cannot connect to the database at {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("PostGIS is not installed on the database server at {0} (install postgresql-15-postgis-3 there)")]
    PostgisMissing(String),
    #[error("PostGIS is available but the extension could not be created at {target}: {reason}")]
    PostgisNotAllowed { target: String, reason: String },
    #[error("embedded PostgreSQL: {0}")]
    Embedded(#[from] EmbeddedError),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// The embedded cluster described by the configuration.
pub fn embedded_cluster(config: &Config) -> EmbeddedCluster {
    EmbeddedCluster::new(&config.data_dir, &config.pg_bin, config.pg_port, config.pg_fsync)
}

/// The URL of the database in use: DATABASE_URL, or the embedded cluster's (started if needed,
/// with its database and PostGIS created).
pub async fn resolve_url(config: &Config) -> Result<String, DbError> {
    if let Some(url) = &config.database_url {
        return Ok(url.clone());
    }
    let cluster = embedded_cluster(config);
    let running = tokio::task::spawn_blocking(move || cluster.ensure_running())
        .await
        .map_err(|e| EmbeddedError::Io(std::io::Error::other(e)))??;
    let admin = running.url("postgres");
    let mut conn = connect_one(&admin).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(EMBEDDED_DATABASE)
        .fetch_one(&mut conn)
        .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {EMBEDDED_DATABASE}")).execute(&mut conn).await?;
    }
    conn.close().await?;
    Ok(running.url(EMBEDDED_DATABASE))
}

fn options(url: &str) -> Result<PgConnectOptions, DbError> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(DbError::BadUrl("it must start with postgres:// or postgresql://".into()));
    }
    url.parse::<PgConnectOptions>()
        .map(|o| {
            o.log_statements(tracing::log::LevelFilter::Trace)
                .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_secs(30))
        })
        .map_err(|e| DbError::BadUrl(e.to_string()))
}

fn target(o: &PgConnectOptions) -> String {
    format!("{}:{}/{}", o.get_host(), o.get_port(), o.get_database().unwrap_or(""))
}

fn connect_error(o: &PgConnectOptions, e: sqlx::Error) -> DbError {
    let reason = match &e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    };
    DbError::Connect { target: target(o), reason }
}

async fn connect_one(url: &str) -> Result<PgConnection, DbError> {
    let o = options(url)?;
    match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect_with(&o)).await {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(connect_error(&o, e)),
        Err(_) => Err(DbError::Connect { target: target(&o), reason: "timed out after 10 s".into() }),
    }
}

/// Opens a pool on the database in use and makes sure PostGIS is there.
pub async fn connect(config: &Config, max_connections: u32) -> Result<PgPool, DbError> {
    let url = resolve_url(config).await?;
    let o = options(&url)?;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(o.clone())
        .await
        .map_err(|e| connect_error(&o, e))?;
    ensure_postgis(&pool, &target(&o)).await?;
    Ok(pool)
}

/// Creates the postgis extension when it is available and missing; a clear error otherwise.
async fn ensure_postgis(pool: &PgPool, target: &str) -> Result<(), DbError> {
    let installed: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')")
        .fetch_one(pool)
        .await?;
    if installed {
        return Ok(());
    }
    let available: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')")
            .fetch_one(pool)
            .await?;
    if !available {
        return Err(DbError::PostgisMissing(target.into()));
    }
    sqlx::query("CREATE EXTENSION IF NOT EXISTS postgis").execute(pool).await.map_err(|e| {
        DbError::PostgisNotAllowed {
            target: target.into(),
            reason: e.as_database_error().map(|d| d.message().to_owned()).unwrap_or_else(|| e.to_string()),
        }
    })?;
    Ok(())
}

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

pub async fn migrate(pool: &PgPool) -> Result<(), DbError> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// The newest applied migration, or None on an empty database.
pub async fn schema_version(pool: &PgPool) -> Result<Option<i64>, sqlx::Error> {
    let has_table: bool =
        sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL").fetch_one(pool).await?;
    if !has_table {
        return Ok(None);
    }
    sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success").fetch_one(pool).await
}

/// The password of the `onemap_app` role of the embedded cluster, generated on first use and
/// kept in `<data-dir>/pg.app-password`.
fn app_password(config: &Config) -> Result<String, DbError> {
    let file = config.data_dir.join("pg.app-password");
    if let Ok(p) = std::fs::read_to_string(&file)
        && !p.trim().is_empty()
    {
        return Ok(p.trim().to_owned());
    }
    use rand::Rng;
    let p: String = rand::rng().sample_iter(&rand::distr::Alphanumeric).take(32).map(char::from).collect();
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&file)
        .map_err(|e| DbError::Embedded(EmbeddedError::Io(e)))?;
    f.write_all(p.as_bytes()).map_err(|e| DbError::Embedded(EmbeddedError::Io(e)))?;
    Ok(p)
}

/// The pool the server runs with. With the embedded cluster that is the `onemap_app` role,
/// which may not UPDATE, DELETE or TRUNCATE the audit log; its password is generated once and
/// kept in `<data-dir>/pg.app-password`. With DATABASE_URL it is that URL's role: give it the
/// same grants as `onemap_app` (see the auth migration) in production.
/// A pool of the server's own role (`onemap_app`) whose statements stop after
/// `statement_timeout_secs`.
pub async fn connect_app(
    config: &Config,
    owner: &PgPool,
    max_connections: u32,
    statement_timeout_secs: i32,
) -> Result<PgPool, DbError> {
    if config.database_url.is_some() {
        return Ok(owner.clone());
    }
    let password = app_password(config)?;
    // The password is ours (alphanumeric), not user input; ALTER ROLE takes no parameters.
    sqlx::query(&format!("ALTER ROLE onemap_app LOGIN PASSWORD '{password}'")).execute(owner).await?;
    let url = resolve_url(config).await?;
    // Requests fail fast while the database is away (503 after 2 s, not 10), and no statement
    // runs longer than the timeout of its kind.
    let timeout = format!("{statement_timeout_secs}s");
    let o =
        options(&url)?.username("onemap_app").password(&password).options([("statement_timeout", timeout.as_str())]);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(APP_ACQUIRE_TIMEOUT)
        .connect_with(o.clone())
        .await
        .map_err(|e| connect_error(&o, e))
}

/// The pool of reads on a replica (`DATABASE_READ_URL`, a standby of the primary): the role of
/// the server's other pools (`onemap_app` with the embedded cluster, whose standby has the same
/// roles and passwords, else the URL's own), the bulk statement timeout, nothing written.
/// Connected lazily: a replica that is down does not keep the server from starting, its reads
/// go to the primary.
pub fn connect_read(config: &Config, url: &str) -> Result<PgPool, DbError> {
    let o = options(url).map_err(|e| match e {
        DbError::BadUrl(m) => DbError::BadReadUrl(m),
        e => e,
    })?;
    let o = if config.database_url.is_none() { o.username("onemap_app").password(&app_password(config)?) } else { o };
    let timeout = format!("{}s", config.bulk_statement_timeout_secs);
    let o = o.options([("statement_timeout", timeout.as_str())]);
    tracing::info!(replica = %target(&o), "tiles, OGC API items, identify and search read on the replica");
    Ok(PgPoolOptions::new()
        .max_connections(config.db_pool)
        .min_connections(0)
        .acquire_timeout(READ_ACQUIRE_TIMEOUT)
        .connect_lazy_with(o))
}

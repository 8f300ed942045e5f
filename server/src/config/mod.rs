//! The one typed configuration: defaults, then `onemap.toml`, then environment variables, then
//! command-line flags (clap reads flags and their environment variables together).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

mod basemaps;
mod operations;
mod sections;

pub use basemaps::BasemapConfig;
use basemaps::checked_basemaps;
pub use operations::{BackupConfig, MetricsConfig, TlsConfig};
use operations::{checked_backup, checked_tls};
pub use sections::{ArchivesConfig, ExchangeConfig, ExportsConfig};
use sections::{checked_archives, checked_exchange};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Options shared by every subcommand. Each has an environment variable; the file
/// `onemap.toml` (or `--config`) can set the same keys in snake case.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Configuration file (TOML). Read when present; keys as the long options in snake case.
    #[arg(long, global = true, env = "ONEMAP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// PostgreSQL + PostGIS server to use. Without it onemap runs its own private cluster
    /// under <data-dir>/pg.
    #[arg(long, global = true, env = "DATABASE_URL", value_name = "URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// A streaming replica (standby) of that server: tiles, OGC API items, identify and search
    /// read there once it has replayed what this server knows was written [default: none, every
    /// read on the primary]
    #[arg(long, global = true, env = "DATABASE_READ_URL", value_name = "URL", hide_env_values = true)]
    pub database_read_url: Option<String>,

    /// Longest a read waits for the replica to replay a recent write before it reads on the
    /// primary, ms [default: 1000]
    #[arg(long, global = true, env = "ONEMAP_READ_MAX_WAIT_MS", value_name = "MS")]
    pub read_max_wait_ms: Option<u64>,

    /// Directory for the embedded cluster, uploaded and generated files [default: .onemap]
    #[arg(long, global = true, env = "ONEMAP_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Port of the embedded PostgreSQL cluster [default: 55432]
    #[arg(long, global = true, env = "ONEMAP_PG_PORT", value_name = "PORT")]
    pub pg_port: Option<u16>,

    /// Directory holding initdb, pg_ctl and postgres [default: /usr/lib/postgresql/15/bin, else PATH]
    #[arg(long, global = true, env = "ONEMAP_PG_BIN", value_name = "DIR")]
    pub pg_bin: Option<PathBuf>,

    /// Start the embedded cluster without fsync (only for throw-away test clusters) [default: true]
    #[arg(long, global = true, env = "ONEMAP_PG_FSYNC", value_name = "BOOL")]
    pub pg_fsync: Option<bool>,

    /// HTTP port of the server [default: 8080]
    #[arg(long, global = true, env = "PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// Address the server listens on [default: 127.0.0.1]
    #[arg(long, global = true, env = "ONEMAP_BIND", value_name = "ADDR")]
    pub bind: Option<IpAddr>,

    /// Directory of the web UI's static files [default: frontend/dist]
    #[arg(long, global = true, env = "ONEMAP_STATIC_DIR", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Maximum database connections of the server's pool [default: 4 per CPU core, at least 8]
    #[arg(long, global = true, env = "ONEMAP_DB_POOL", value_name = "N")]
    pub db_pool: Option<u32>,

    /// Log filter in tracing/RUST_LOG syntax [default: info]
    #[arg(long, global = true, env = "ONEMAP_LOG", value_name = "FILTER")]
    pub log: Option<String>,

    /// Log format: text or json [default: text]
    #[arg(long, global = true, env = "ONEMAP_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Lifetime of a login session, minutes [default: 480]
    #[arg(long, global = true, env = "ONEMAP_SESSION_MINUTES", value_name = "MIN")]
    pub session_minutes: Option<u32>,

    /// Memory for cached vector tiles, MiB [default: 256]
    #[arg(long, global = true, env = "ONEMAP_TILE_CACHE_MB", value_name = "MIB")]
    pub tile_cache_mb: Option<u32>,

    /// Failed logins that lock an account [default: 5]
    #[arg(long, global = true, env = "ONEMAP_LOCKOUT_FAILURES", value_name = "N")]
    pub lockout_failures: Option<u32>,

    /// How long a locked account stays locked, minutes [default: 15]
    #[arg(long, global = true, env = "ONEMAP_LOCKOUT_MINUTES", value_name = "MIN")]
    pub lockout_minutes: Option<u32>,

    /// Audit-log retention in days; at least 183 (six months) [default: 183]
    #[arg(long, global = true, env = "ONEMAP_AUDIT_RETENTION_DAYS", value_name = "DAYS")]
    pub audit_retention_days: Option<u32>,

    /// Refusals (401/403) from one address for one reason within this many seconds become one
    /// audit row with a count [default: 60]
    #[arg(long, global = true, env = "ONEMAP_AUDIT_REFUSAL_WINDOW_SECS", value_name = "SECS")]
    pub refusal_window_secs: Option<u32>,

    /// How often the server records the audit log's head outside the database, seconds
    /// [default: 60]
    #[arg(long, global = true, env = "ONEMAP_AUDIT_HEAD_SECS", value_name = "SECS")]
    pub audit_head_secs: Option<u32>,

    /// Longest a statement of the JSON API may run, seconds [default: 10]
    #[arg(long, global = true, env = "ONEMAP_STATEMENT_TIMEOUT_SECS", value_name = "SECS")]
    pub statement_timeout_secs: Option<u32>,

    /// Longest a statement of a tile or an OGC API page may run, seconds [default: 60]
    #[arg(long, global = true, env = "ONEMAP_BULK_STATEMENT_TIMEOUT_SECS", value_name = "SECS")]
    pub bulk_statement_timeout_secs: Option<u32>,

    /// Largest survey upload accepted, MiB [default: 512]
    #[arg(long, global = true, env = "ONEMAP_MAX_UPLOAD_MB", value_name = "MIB")]
    pub max_upload_mb: Option<u32>,

    /// The address citizens reach onemap at, printed in the QR codes of certificates
    /// (`<public-url>/verify/…`) [default: http://<bind>:<port>, localhost for 0.0.0.0]
    #[arg(long, global = true, env = "ONEMAP_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Push each exchange message to this URL (the registration platform's receiver) as well as
    /// keeping it for `GET /api/exchange/messages` [default: [exchange] push_url, else no push]
    #[arg(long, global = true, env = "ONEMAP_EXCHANGE_PUSH_URL", value_name = "URL")]
    pub exchange_push_url: Option<String>,

    /// Most features one export may hold [default: [exports] max_rows, else 2000000]
    #[arg(long, global = true, env = "ONEMAP_EXPORT_MAX_ROWS", value_name = "N")]
    pub export_max_rows: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The same keys, as read from the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    database_read_url: Option<String>,
    read_max_wait_ms: Option<u64>,
    data_dir: Option<PathBuf>,
    pg_port: Option<u16>,
    pg_bin: Option<PathBuf>,
    pg_fsync: Option<bool>,
    port: Option<u16>,
    bind: Option<IpAddr>,
    static_dir: Option<PathBuf>,
    db_pool: Option<u32>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    session_minutes: Option<u32>,
    tile_cache_mb: Option<u32>,
    statement_timeout_secs: Option<u32>,
    bulk_statement_timeout_secs: Option<u32>,
    max_upload_mb: Option<u32>,
    public_url: Option<String>,
    refusal_window_secs: Option<u32>,
    audit_head_secs: Option<u32>,
    lockout_failures: Option<u32>,
    lockout_minutes: Option<u32>,
    audit_retention_days: Option<u32>,
    #[serde(default)]
    archives: ArchivesConfig,
    #[serde(default)]
    exchange: ExchangeConfig,
    #[serde(default)]
    exports: ExportsConfig,
    #[serde(default)]
    backup: BackupConfig,
    #[serde(default)]
    metrics: MetricsConfig,
    #[serde(default)]
    tls: TlsConfig,
    #[serde(default)]
    basemaps: Vec<BasemapConfig>,
}

/// The resolved configuration every part of onemap reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Option<String>,
    /// The replica reads go to (`DATABASE_READ_URL`), and how long a read waits for it to
    /// replay a recent write.
    pub database_read_url: Option<String>,
    pub read_max_wait_ms: u64,
    pub data_dir: PathBuf,
    pub pg_port: u16,
    pub pg_bin: PathBuf,
    pub pg_fsync: bool,
    pub listen: SocketAddr,
    pub static_dir: PathBuf,
    pub db_pool: u32,
    pub log: String,
    pub log_format: LogFormat,
    pub session_minutes: i32,
    /// Bytes of cached tiles (0: no cache).
    pub tile_cache_bytes: u64,
    /// PostgreSQL `statement_timeout` of the JSON API's connections, and of the bulk ones
    /// (tiles, OGC API pages).
    pub statement_timeout_secs: i32,
    pub bulk_statement_timeout_secs: i32,
    /// Largest survey upload, bytes.
    pub max_upload_bytes: u64,
    /// The window in which refusals from one address for one reason are counted into one row.
    pub refusal_window_secs: u32,
    /// How often the server records the audit log's head.
    pub audit_head_secs: u32,
    pub lockout_failures: i32,
    pub lockout_minutes: i32,
    pub audit_retention_days: u32,
    pub archives: ArchivesConfig,
    pub exchange: ExchangeConfig,
    pub exports: ExportsConfig,
    pub backup: BackupConfig,
    pub metrics: MetricsConfig,
    pub tls: TlsConfig,
    /// Background layers of the map (none by default).
    pub basemaps: Vec<BasemapConfig>,
    /// Scheme, host and port (no trailing slash) of the verification links in QR codes.
    pub public_url: String,
}

const DEFAULT_CONFIG_FILE: &str = "onemap.toml";

impl Config {
    pub fn load(args: &GlobalArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => read_file(Path::new(DEFAULT_CONFIG_FILE))?,
            None => FileConfig::default(),
        };
        let data_dir = args.data_dir.clone().or(file.data_dir).unwrap_or_else(|| PathBuf::from(".onemap"));
        Ok(Self {
            database_url: args.database_url.clone().or(file.database_url).filter(|u| !u.is_empty()),
            database_read_url: args.database_read_url.clone().or(file.database_read_url).filter(|u| !u.is_empty()),
            read_max_wait_ms: args.read_max_wait_ms.or(file.read_max_wait_ms).unwrap_or(1000),
            pg_port: args.pg_port.or(file.pg_port).unwrap_or(55432),
            pg_bin: args.pg_bin.clone().or(file.pg_bin).unwrap_or_else(default_pg_bin),
            pg_fsync: args.pg_fsync.or(file.pg_fsync).unwrap_or(true),
            listen: SocketAddr::new(
                args.bind.or(file.bind).unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                args.port.or(file.port).unwrap_or(8080),
            ),
            static_dir: args.static_dir.clone().or(file.static_dir).unwrap_or_else(|| PathBuf::from("frontend/dist")),
            db_pool: args.db_pool.or(file.db_pool).unwrap_or_else(default_pool).max(2),
            log: args.log.clone().or(file.log).unwrap_or_else(|| "info,sqlx::postgres::notice=warn".into()),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            session_minutes: positive(args.session_minutes.or(file.session_minutes).unwrap_or(480), "session_minutes")?,
            tile_cache_bytes: u64::from(args.tile_cache_mb.or(file.tile_cache_mb).unwrap_or(256)) << 20,
            audit_head_secs: args.audit_head_secs.or(file.audit_head_secs).unwrap_or(60).max(1),
            refusal_window_secs: args.refusal_window_secs.or(file.refusal_window_secs).unwrap_or(60).max(1),
            statement_timeout_secs: positive(
                args.statement_timeout_secs.or(file.statement_timeout_secs).unwrap_or(10),
                "statement_timeout_secs",
            )?,
            bulk_statement_timeout_secs: positive(
                args.bulk_statement_timeout_secs.or(file.bulk_statement_timeout_secs).unwrap_or(60),
                "bulk_statement_timeout_secs",
            )?,
            max_upload_bytes: u64::from(
                positive(args.max_upload_mb.or(file.max_upload_mb).unwrap_or(512), "max_upload_mb")?.unsigned_abs(),
            ) * 1024
                * 1024,
            lockout_failures: positive(
                args.lockout_failures.or(file.lockout_failures).unwrap_or(5),
                "lockout_failures",
            )?,
            lockout_minutes: positive(args.lockout_minutes.or(file.lockout_minutes).unwrap_or(15), "lockout_minutes")?,
            audit_retention_days: match args.audit_retention_days.or(file.audit_retention_days).unwrap_or(183) {
                d if d < 183 => {
                    return Err(ConfigError::Invalid(format!(
                        "audit_retention_days is {d}: the audit log is kept at least 183 days (six months)"
                    )));
                }
                d => d,
            },
            archives: checked_archives(file.archives)?,
            exchange: checked_exchange(file.exchange, args.exchange_push_url.clone())?,
            exports: ExportsConfig {
                max_rows: args.export_max_rows.map_or(file.exports.max_rows, i64::from),
                ..file.exports
            },
            basemaps: checked_basemaps(file.basemaps, &data_dir)?,
            backup: checked_backup(file.backup, &data_dir)?,
            metrics: file.metrics,
            tls: checked_tls(file.tls)?,
            public_url: public_url(
                args.public_url.clone().or(file.public_url),
                args.bind.or(file.bind),
                args.port.or(file.port),
            )?,
            data_dir,
        })
    }

    /// The signing keys of electronic certificates (mode 0700; private keys 0600).
    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    /// Where uploaded and generated files (photos, documents, thumbnails) live.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// Where backups are written and read (`[backup] dir`, resolved at load).
    pub fn backup_dir(&self) -> &Path {
        self.backup.dir.as_deref().unwrap_or(Path::new("onemap-backups"))
    }
}

/// The public URL as configured (an http(s) URL, trailing slash dropped), else the listen
/// address.
fn public_url(configured: Option<String>, bind: Option<IpAddr>, port: Option<u16>) -> Result<String, ConfigError> {
    match configured.filter(|u| !u.trim().is_empty()) {
        Some(u) => {
            let u = u.trim().trim_end_matches('/').to_owned();
            let host = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
            match host {
                Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(u),
                _ => Err(ConfigError::Invalid(format!("public_url {u:?} is not an http:// or https:// URL"))),
            }
        }
        None => {
            let host = match bind {
                None | Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)) => "localhost".to_owned(),
                Some(IpAddr::V6(a)) if a.is_unspecified() => "localhost".to_owned(),
                Some(IpAddr::V6(a)) => format!("[{a}]"),
                Some(a) => a.to_string(),
            };
            Ok(format!("http://{host}:{}", port.unwrap_or(8080)))
        }
    }
}

fn positive(v: u32, name: &str) -> Result<i32, ConfigError> {
    i32::try_from(v)
        .ok()
        .filter(|&v| v > 0)
        .ok_or_else(|| ConfigError::Invalid(format!("{name} must be a positive number")))
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
    toml::from_str(&text).map_err(|e| ConfigError::Parse { path: path.into(), message: e.message().to_owned() })
}

fn default_pg_bin() -> PathBuf {
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin");
    if debian.join("pg_ctl").exists() {
        return debian;
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|p| p.join("pg_ctl").exists()))
        .unwrap_or(debian)
}

/// Four connections per core: PostgreSQL runs on the same cores, and more connections than
/// it can serve at once only queue inside it (on 2 cores, 32 connections doubled the p99 of
/// /api/units/{code} at 64 concurrent requests against 8, for the same throughput).
fn default_pool() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (4 * cores).max(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_and_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("onemap-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        std::fs::write(&file, "port = 9000\npg_port = 6000\nlog_format = \"json\"\n").unwrap();
        let args = GlobalArgs { config: Some(file.clone()), port: Some(9100), ..Default::default() };
        let c = Config::load(&args).unwrap();
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.pg_port, 6000);
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(c.pg_fsync);

        std::fs::write(&file, "prot = 1\n").unwrap();
        let err = Config::load(&args).unwrap_err().to_string();
        assert!(err.contains("unknown field `prot`"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

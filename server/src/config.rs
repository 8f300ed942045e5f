//! The one typed configuration: defaults, then `onemap.toml`, then environment variables, then
//! command-line flags (clap reads flags and their environment variables together).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;
use serde::Deserialize;

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
    basemaps: Vec<BasemapConfig>,
}

/// `[[basemaps]]` of onemap.toml: a background layer the layer panel offers (none by default).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasemapConfig {
    /// Letters, digits, `-` and `_`: the id in `/basemaps/{id}/…` and the style.
    pub id: String,
    /// The name in the layer panel, e.g. 天地图影像.
    pub name: String,
    /// `tianditu`, `xyz`, `wmts` or `mbtiles`.
    pub kind: String,
    /// xyz and wmts: the tile URL with `{z}`, `{x}` and `{y}` (a WMTS KVP GetTile URL with them
    /// in TILEMATRIX, TILECOL and TILEROW, Web Mercator tile matrix set).
    pub url: Option<String>,
    /// tianditu: `vec` (矢量) or `img` (影像); its annotation layer (cva, cia) comes along.
    pub layer: Option<String>,
    /// tianditu: the key (tk); it reaches the browser, as 天地图's browser keys are meant to.
    pub key: Option<String>,
    /// mbtiles: the file (relative paths: under the data directory).
    pub path: Option<PathBuf>,
    pub attribution: Option<String>,
    /// Highest zoom of the source [default: 18].
    pub max_zoom: Option<u8>,
}

/// Each basemap complete for its kind, ids unique.
fn checked_basemaps(mut list: Vec<BasemapConfig>, data_dir: &Path) -> Result<Vec<BasemapConfig>, ConfigError> {
    for b in &mut list {
        b.path = b.path.take().map(|p| if p.is_relative() { data_dir.join(p) } else { p });
    }
    let bad = |b: &BasemapConfig, why: &str| ConfigError::Invalid(format!("[[basemaps]] {:?}: {why}", b.id));
    for (i, b) in list.iter().enumerate() {
        if b.id.is_empty() || !b.id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_') {
            return Err(bad(b, "id is letters, digits, - and _"));
        }
        if list[..i].iter().any(|o| o.id == b.id) {
            return Err(bad(b, "id appears twice"));
        }
        let ok = match b.kind.as_str() {
            "tianditu" => {
                matches!(b.layer.as_deref(), Some("vec" | "img")) && b.key.as_deref().is_some_and(|k| !k.is_empty())
            }
            "xyz" | "wmts" => b.url.as_deref().is_some_and(|u| {
                (u.starts_with("https://") || u.starts_with("http://"))
                    && ["{z}", "{x}", "{y}"].iter().all(|p| u.contains(p))
            }),
            "mbtiles" => b.path.is_some(),
            _ => return Err(bad(b, "kind is tianditu, xyz, wmts or mbtiles")),
        };
        if !ok {
            return Err(bad(
                b,
                "tianditu needs layer (vec or img) and key; xyz and wmts an http(s) url with {z}, {x}, {y}; mbtiles a path",
            ));
        }
    }
    Ok(list)
}

/// `[exports]` of onemap.toml: limits of `POST /api/exports`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportsConfig {
    /// Most features one export may hold [default: 2000000]
    pub max_rows: i64,
    /// A lower limit for some roles, e.g. `{ appraiser = 50000 }` [default: none]
    pub max_rows_by_role: std::collections::BTreeMap<String, i64>,
}

impl Default for ExportsConfig {
    fn default() -> Self {
        Self { max_rows: 2_000_000, max_rows_by_role: Default::default() }
    }
}

impl ExportsConfig {
    /// The limit of `role`.
    pub fn max_rows(&self, role: onemap_api::Role) -> i64 {
        self.max_rows_by_role.get(role.as_str()).copied().unwrap_or(self.max_rows).min(self.max_rows)
    }
}

/// `[exchange]` of onemap.toml: pushing the outbox to the registration platform.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeConfig {
    /// POST each message here, in order, until it answers 2xx [default: none — receivers poll]
    pub push_url: Option<String>,
    /// Sent as `Authorization: Bearer <token>` when set
    pub push_token: Option<String>,
    /// How often to look for new messages, ms [default: 500]
    pub poll_ms: u64,
    /// The first retry's delay, ms; each failure doubles it [default: 1000]
    pub backoff_ms: u64,
    /// The longest delay between retries, s [default: 300]
    pub max_backoff_secs: u64,
    /// A push that has not answered in this many seconds failed [default: 10]
    pub timeout_secs: u64,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            push_url: None,
            push_token: None,
            poll_ms: 500,
            backoff_ms: 1000,
            max_backoff_secs: 300,
            timeout_secs: 10,
        }
    }
}

/// `[exchange]` checked, the command line's push URL first.
fn checked_exchange(mut e: ExchangeConfig, url: Option<String>) -> Result<ExchangeConfig, ConfigError> {
    e.push_url = url.or(e.push_url).filter(|u| !u.trim().is_empty()).map(|u| u.trim().to_owned());
    if let Some(u) = &e.push_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(ConfigError::Invalid(format!("[exchange] push_url {u:?} is not an http:// or https:// URL")));
    }
    if e.poll_ms == 0 || e.backoff_ms == 0 || e.max_backoff_secs == 0 || e.timeout_secs == 0 {
        return Err(ConfigError::Invalid(
            "[exchange] poll_ms, backoff_ms, max_backoff_secs and timeout_secs are positive".into(),
        ));
    }
    Ok(e)
}

/// `[archives]` of onemap.toml: field photos and archive documents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchivesConfig {
    /// 档案号 scheme: `{project}`, `{category}` (two letters, e.g. PG), `{unit}`, `{year}`,
    /// `{seq:N}` [default: `{project}-{category}-{seq:04}`]
    pub archive_number_scheme: String,
    /// 照片编号 scheme [default: `{project}-ZP-{seq:05}`]
    pub photo_number_scheme: String,
    /// A photo outside every unit goes to the nearest one within this many metres [default: 30]
    pub photo_link_metres: f64,
    /// Largest photo or document, MiB [default: 50]; a zip of photos or a batch may hold up
    /// to `max_upload_mb`.
    pub max_file_mb: u32,
    /// Most files in one photo upload or batch [default: 2000]
    pub max_files: usize,
}

impl Default for ArchivesConfig {
    fn default() -> Self {
        Self {
            archive_number_scheme: onemap_intake::Scheme::DEFAULT_ARCHIVE.into(),
            photo_number_scheme: onemap_intake::Scheme::DEFAULT_PHOTO.into(),
            photo_link_metres: 30.0,
            max_file_mb: 50,
            max_files: 2000,
        }
    }
}

/// The resolved configuration every part of onemap reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Option<String>,
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
    /// Background layers of the map (none by default).
    pub basemaps: Vec<BasemapConfig>,
    /// Scheme, host and port (no trailing slash) of the verification links in QR codes.
    pub public_url: String,
}

const DEFAULT_CONFIG_FILE: &str = "onemap.toml";

/// `[archives]` with its numbering schemes parsed (a bad scheme stops the server at start).
fn checked_archives(a: ArchivesConfig) -> Result<ArchivesConfig, ConfigError> {
    for (key, scheme) in
        [("archive_number_scheme", &a.archive_number_scheme), ("photo_number_scheme", &a.photo_number_scheme)]
    {
        onemap_intake::Scheme::parse(scheme)
            .map_err(|e| ConfigError::Invalid(format!("[archives] {key} = {scheme:?}: {e}")))?;
    }
    if !(a.photo_link_metres.is_finite() && (0.0..=1000.0).contains(&a.photo_link_metres)) {
        return Err(ConfigError::Invalid("[archives] photo_link_metres is between 0 and 1000".into()));
    }
    if a.max_file_mb == 0 || a.max_files == 0 {
        return Err(ConfigError::Invalid("[archives] max_file_mb and max_files are positive".into()));
    }
    Ok(a)
}

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
    fn basemaps_are_checked_and_mbtiles_paths_resolved() {
        let dir = std::env::temp_dir().join(format!("onemap-basemaps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("c.toml");
        let args = GlobalArgs { config: Some(file.clone()), data_dir: Some(dir.join("data")), ..Default::default() };
        std::fs::write(
            &file,
            "[[basemaps]]\nid = \"m\"\nname = \"离线\"\nkind = \"mbtiles\"\npath = \"b/c.mbtiles\"\n",
        )
        .unwrap();
        let c = Config::load(&args).unwrap();
        assert_eq!(c.basemaps[0].path.as_deref(), Some(dir.join("data/b/c.mbtiles").as_path()));
        for (toml, why) in [
            ("id = \"t\"\nname = \"天地图\"\nkind = \"tianditu\"\nlayer = \"img\"\n", "needs layer"),
            ("id = \"x\"\nname = \"x\"\nkind = \"xyz\"\nurl = \"https://a.b/{z}/{x}.png\"\n", "{z}, {x}, {y}"),
            ("id = \"a b\"\nname = \"x\"\nkind = \"mbtiles\"\npath = \"p\"\n", "letters, digits"),
            ("id = \"w\"\nname = \"x\"\nkind = \"wms\"\n", "kind is"),
        ] {
            std::fs::write(&file, format!("[[basemaps]]\n{toml}")).unwrap();
            let err = Config::load(&args).unwrap_err().to_string();
            assert!(err.contains("[[basemaps]]") && err.contains(why), "{toml}: {err}");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

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

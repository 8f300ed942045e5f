//! `onemap`, the command line: serve, the embedded database, the demo county, users, API keys,
//! the audit log. Everything it runs lives in the `onemap` library; requests are routed in
//! [`onemap::app`].

use std::process::ExitCode;

/// mimalloc: the server allocates many small short-lived objects per request (headers,
/// extensions, futures); glibc's allocator spent ~10 % of a cached-tile request in malloc/free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

use onemap::config::{Config, GlobalArgs, LogFormat};
use onemap::{app, audit, auth, base, db, tiles};

/// onemap: vector tiles, unit-code lookups and OGC API over PostGIS, with the one-map web UI.
///
/// Without DATABASE_URL onemap runs its own PostgreSQL + PostGIS cluster under
/// <data-dir>/pg, started on first use and left running for the next command
/// (`onemap db stop` stops it).
#[derive(Parser)]
#[command(name = "onemap", version, about, long_about)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API (migrates the database first)
    Serve,
    /// Database: migrate, print the URL, start/stop/status of the embedded cluster
    #[command(subcommand)]
    Db(DbCommand),
    /// Demo data: a realistic synthetic county (温县, 410825)
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Users: add, passwd, disable, grant, list (passwords are read from standard input)
    #[command(subcommand)]
    User(UserCommand),
    /// API keys for other systems: add, revoke
    #[command(subcommand)]
    Apikey(ApikeyCommand),
    /// The audit log: verify the hash chain, prune past the retention
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Signing keys of electronic certificates (SM2): init, list, rotate
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Electronic certificates: sign those not signed yet
    #[command(subcommand)]
    Certificates(CertificatesCommand),
    /// Backups: create, list, verify, restore, prune (pg_dump + the files, with a manifest)
    #[command(subcommand)]
    Backup(onemap::backup::cli::BackupCommand),
    /// Print every route and who may call it (the authorization matrix)
    Routes,
    /// Print the SQL of a tile request: `onemap tile-sql parcels,buildings 14` (parameters:
    /// $1 z, $2 x, $3 y, $4 may see relocation data, $5 project ids or null); used by the
    /// tile benchmark to time the same queries directly in PostgreSQL
    #[command(name = "tile-sql", hide = true)]
    TileSql { layers: String, zoom: u8 },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input (one line)
    Add {
        username: String,
        #[arg(long, value_enum)]
        role: auth::Role,
        /// Appraisal firm (name or id), for appraisers
        #[arg(long)]
        firm: Option<String>,
        /// Display name [default: the username]
        #[arg(long)]
        name: Option<String>,
    },
    /// Set a user's password, read from standard input (one line); also unlocks the account
    Passwd { username: String },
    /// Disable a user and revoke their sessions
    Disable { username: String },
    /// Set a user's role (and firm) and optionally limit them to projects; replaces the
    /// user's whole grant (without --until the access has no end)
    Grant {
        username: String,
        #[command(flatten)]
        access: AccessArgs,
        /// Last day of the access (YYYY-MM-DD, Beijing time); the next day the account is
        /// refused as if disabled, its sessions included
        #[arg(long, value_name = "DATE")]
        until: Option<chrono::NaiveDate>,
    },
    /// List users
    List,
}

/// What a user or API key may do: a role, the firm of an appraiser, an optional project scope.
#[derive(clap::Args)]
struct AccessArgs {
    #[arg(long, value_enum)]
    role: auth::Role,
    /// Appraisal firm (name or id), for appraisers
    #[arg(long)]
    firm: Option<String>,
    /// Project code; repeat for several; none: every project the role may see
    #[arg(long = "project")]
    projects: Vec<String>,
}

#[derive(Subcommand)]
enum ApikeyCommand {
    /// Create an API key (printed once) with a role and an optional project scope
    Add {
        name: String,
        #[command(flatten)]
        access: AccessArgs,
        /// Days until the key expires [default: never]
        #[arg(long)]
        days: Option<u32>,
    },
    /// Revoke an API key
    Revoke { name: String },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Create the first SM2 key pair under <data-dir>/keys (nothing when one exists)
    Init,
    /// List the keys: id, creation time, whether it signs new certificates
    List,
    /// Create a new key pair and sign with it from now on (old keys keep verifying)
    Rotate,
}

#[derive(Subcommand)]
enum CertificatesCommand {
    /// Sign certificates not signed yet (their PDF face printed, SM2 over content + SM3)
    Sign {
        /// Every unsigned certificate
        #[arg(long, conflicts_with = "limit")]
        all: bool,
        /// At most this many
        #[arg(long)]
        limit: Option<i64>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; print the first broken link and exit non-zero if any
    Verify,
    /// Remove rows older than the retention (ONEMAP_AUDIT_RETENTION_DAYS), keeping a checkpoint
    Prune,
}

#[derive(Subcommand)]
enum DbCommand {
    /// Apply pending migrations (a database holding data is backed up first)
    Migrate {
        /// Do not back up before migrating
        #[arg(long)]
        no_backup: bool,
    },
    /// Print the connection URL of the database in use (starts the embedded cluster if needed)
    Url,
    /// Start the embedded cluster (no-op when DATABASE_URL is set or it already runs)
    Start,
    /// Stop the embedded cluster
    Stop,
    /// Whether the embedded cluster is running, and on which port
    Status,
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Generate and load the demo county (deterministic for a seed), in one transaction
    Load(onemap_demo::LoadArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.global) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Anything a command can fail with; printed as one line.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Embedded(#[from] db::embedded::EmbeddedError),
    #[error(transparent)]
    Serve(#[from] app::ServeError),
    #[error(transparent)]
    Demo(#[from] onemap_demo::DemoError),
    #[error(transparent)]
    Admin(#[from] auth::admin::AdminError),
    #[error(transparent)]
    Backup(#[from] onemap::backup::BackupError),
    #[error("{0}")]
    Message(String),
}

/// One line from standard input (a password), without its line end.
fn read_secret() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| CliError::Message(format!("cannot read the password from standard input: {e}")))?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        return Err(CliError::Message("no password on standard input".into()));
    }
    Ok(line)
}

async fn run(command: Command, config: Config) -> Result<(), CliError> {
    match command {
        Command::Serve => {
            let owner = db::connect(&config, 2).await?;
            db::migrate(&owner).await?;
            // Two kinds of request, two statement timeouts: the JSON API (lookups, short) and
            // tiles and OGC API pages (bulk reads, longer).
            let pool = db::connect_app(&config, &owner, config.db_pool, config.statement_timeout_secs).await?;
            let bulk = db::connect_app(&config, &owner, config.db_pool, config.bulk_statement_timeout_secs).await?;
            // Reads of tiles, OGC API items, identify and search on a replica, when there is one.
            let reads = match &config.database_read_url {
                Some(url) => {
                    let wait = std::time::Duration::from_millis(config.read_max_wait_ms);
                    base::replica::Reads::with_replica(db::connect_read(&config, url)?, wait)
                }
                None => base::replica::Reads::primary_only(),
            };
            let (audit, writer) = base::AuditLog::start(pool.clone());
            let tiles = tiles::TileCache::new(config.tile_cache_bytes);
            tokio::spawn(tiles::listen(pool.clone(), tiles.clone(), reads.clone()));
            let every = std::time::Duration::from_secs(u64::from(config.audit_head_secs));
            tokio::spawn(base::head::keep_recording(pool.clone(), config.data_dir.clone(), every));
            // What a server killed mid-write left staged: settled now and every few minutes.
            tokio::spawn(onemap::files::recover::keep_sweeping(pool.clone(), config.files_dir()));
            // Certificates are signed when first needed: a key must exist.
            onemap::registration::keys::store(&config)
                .and_then(|s| s.init().map_err(onemap::registration::keys::broken))
                .map_err(|e| CliError::Message(e.message))?;
            let state = base::AppState::new(pool, bulk, reads, config, audit);
            // Documents filed before search existed (the demo's) get their search text.
            tokio::spawn(onemap::archives::text::index_unindexed(state.clone()));
            tokio::spawn(onemap::registration::push::run(state.pool.clone(), state.config.exchange.clone()));
            tokio::spawn(onemap::backup::schedule::run_daily((*state.config).clone(), state.pool.clone()));
            app::serve(state, tiles, writer).await?;
        }
        Command::Db(DbCommand::Migrate { no_backup }) => {
            let pool = db::connect(&config, 2).await?;
            if !no_backup {
                onemap::backup::cli::before_migrating(&config, &pool).await?;
            }
            db::migrate(&pool).await?;
            let version = db::schema_version(&pool).await.map_err(db::DbError::from)?;
            println!("schema version {}", version.unwrap_or(0));
        }
        Command::Db(DbCommand::Url) => println!("{}", db::resolve_url(&config).await?),
        Command::Db(DbCommand::Start) => {
            if config.database_url.is_some() {
                println!("DATABASE_URL is set: nothing to start");
            } else {
                let cluster = db::embedded_cluster(&config);
                let running = cluster.ensure_running()?;
                let how = if running.started { "started" } else { "already running" };
                println!("embedded cluster {how} on 127.0.0.1:{} ({})", running.port, cluster.pgdata().display());
            }
        }
        Command::Db(DbCommand::Stop) => {
            let stopped = db::embedded_cluster(&config).stop()?;
            println!("{}", if stopped { "embedded cluster stopped" } else { "embedded cluster was not running" });
        }
        Command::Db(DbCommand::Status) => match db::embedded_cluster(&config).running_port() {
            Some(port) => println!("running on 127.0.0.1:{port}"),
            None => println!("not running"),
        },
        Command::User(cmd) => {
            let pool = db::connect(&config, 2).await?;
            db::migrate(&pool).await?;
            match cmd {
                UserCommand::Add { username, role, firm, name } => {
                    let password = read_secret()?;
                    auth::admin::add_user(
                        &pool,
                        &username,
                        name.as_deref().unwrap_or(&username),
                        role,
                        firm.as_deref(),
                        &password,
                    )
                    .await?;
                    println!("user {username} added ({})", role.as_str());
                }
                UserCommand::Passwd { username } => {
                    let password = read_secret()?;
                    auth::admin::set_password(&pool, &username, &password).await?;
                    println!("password of {username} changed");
                }
                UserCommand::Disable { username } => {
                    auth::admin::disable(&pool, &username).await?;
                    println!("user {username} disabled, sessions revoked");
                }
                UserCommand::Grant { username, access, until } => {
                    let firm = access.firm.as_deref();
                    auth::admin::grant(&pool, &username, access.role, firm, &access.projects, until).await?;
                    match until {
                        Some(d) => println!("user {username} is now {} until {d}", access.role.as_str()),
                        None => println!("user {username} is now {}", access.role.as_str()),
                    }
                }
                UserCommand::List => {
                    for line in auth::admin::list(&pool).await? {
                        println!("{line}");
                    }
                }
            }
            record_head(&pool, &config).await;
        }
        Command::Apikey(cmd) => {
            let pool = db::connect(&config, 2).await?;
            db::migrate(&pool).await?;
            match cmd {
                ApikeyCommand::Add { name, access, days } => {
                    let key = auth::admin::add_api_key(
                        &pool,
                        &name,
                        access.role,
                        access.firm.as_deref(),
                        &access.projects,
                        days,
                    )
                    .await?;
                    println!("{key}");
                }
                ApikeyCommand::Revoke { name } => {
                    auth::admin::revoke_api_key(&pool, &name).await?;
                    println!("API key {name} revoked");
                }
            }
            record_head(&pool, &config).await;
        }
        Command::Keys(cmd) => {
            let store = onemap::registration::keys::store(&config).map_err(|e| CliError::Message(e.message))?;
            let seal = |e: onemap_seal::SealError| CliError::Message(e.to_string());
            match cmd {
                KeysCommand::Init => println!("active key {}", store.init().map_err(seal)?.id()),
                KeysCommand::Rotate => {
                    println!("active key {} (earlier keys kept for verification)", store.rotate().map_err(seal)?.id())
                }
                KeysCommand::List => {
                    for k in store.list().map_err(seal)? {
                        println!(
                            "{}\t{}\t{}",
                            k.id,
                            k.created_at.to_rfc3339(),
                            if k.active { "active" } else { "verify only" }
                        );
                    }
                }
            }
        }
        Command::Certificates(CertificatesCommand::Sign { all, limit }) => {
            if !all && limit.is_none() {
                return Err(CliError::Message("say --all or --limit N".into()));
            }
            let pool = db::connect(&config, 8).await?;
            db::migrate(&pool).await?;
            sign_certificates(&pool, &config, limit).await?;
            record_head(&pool, &config).await;
        }
        Command::TileSql { layers, zoom } => {
            let layers = tiles::parse_layers(&layers).map_err(|e| CliError::Message(e.message))?;
            println!("{}", tiles::tile_query(&layers, zoom));
        }
        Command::Backup(cmd) => onemap::backup::cli::run(cmd, &config).await?,
        Command::Routes => {
            for r in app::route_list() {
                println!("{}\t{}\t{}", r.method, r.path, r.access.describe());
            }
        }
        Command::Audit(AuditCommand::Verify) => {
            let pool = db::connect(&config, 2).await?;
            db::migrate(&pool).await?;
            let recorded = base::head::read(&config.data_dir).map_err(CliError::Message)?;
            match audit::verify_with_head(&pool, recorded.as_ref()).await.map_err(db::DbError::from)? {
                audit::Verdict::Intact { rows, from_checkpoint } => {
                    let from =
                        from_checkpoint.map(|c| format!(" (from the checkpoint after row {c})")).unwrap_or_default();
                    let head = match &recorded {
                        Some(h) => format!("; the head recorded at {} (row {}) is there", h.recorded_at, h.id),
                        None => "; no head recorded yet (audit-head.json)".to_owned(),
                    };
                    println!("audit log intact: {rows} rows verified{from}{head}");
                }
                audit::Verdict::Broken { rows_checked, problem } => {
                    return Err(CliError::Message(format!(
                        "audit log broken: {problem} ({rows_checked} rows verified before it)"
                    )));
                }
            }
        }
        Command::Audit(AuditCommand::Prune) => {
            let pool = db::connect(&config, 2).await?;
            db::migrate(&pool).await?;
            let removed = audit::prune(&pool, config.audit_retention_days).await.map_err(db::DbError::from)?;
            println!("pruned {removed} audit rows older than {} days", config.audit_retention_days);
            record_head(&pool, &config).await;
        }
        Command::Demo(DemoCommand::Load(args)) => {
            let pool = db::connect(&config, 4).await?;
            db::migrate(&pool).await?;
            let loaded = onemap_demo::load(&pool, &config.files_dir(), &args, async |done: onemap_demo::Loaded<'_>| {
                let [first, second] = done.firms;
                auth::admin::add_demo_users(done.tx, first, second).await.map_err(|e| e.to_string())?;
                let event =
                    base::AuditEvent::new("cli:demo", "admin", "demo_load", onemap_demo::COUNTY_CODE, "success")
                        .details(done.info);
                base::journal::append(done.tx, &[event]).await.map_err(|e| e.to_string())
            })
            .await?;
            if loaded && !args.no_sign {
                sign_certificates(&pool, &config, None).await?;
            }
            record_head(&pool, &config).await;
        }
    }
    Ok(())
}

/// Signs the unsigned certificates (the first `limit`, or all), reporting progress.
async fn sign_certificates(pool: &sqlx::PgPool, config: &Config, limit: Option<i64>) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let step = std::cell::Cell::new(0);
    let signed = onemap::registration::sign_all(pool, config, limit, |done, total| {
        // About every 5 %, and the end.
        let pct = done * 20 / total.max(1);
        if pct > step.get() || done == total {
            step.set(pct);
            eprintln!("certificates signed: {done} of {total}");
        }
    })
    .await
    .map_err(|e| CliError::Message(e.message))?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{signed} certificates signed in {seconds:.1} s ({:.0}/s)", signed as f64 / seconds.max(1e-9));
    Ok(())
}

/// After a command that appended to the audit log: its head, recorded outside the database.
async fn record_head(pool: &sqlx::PgPool, config: &Config) {
    if let Err(e) = base::head::record(pool, &config.data_dir).await {
        eprintln!("warning: {e}");
    }
}

fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::FAILURE
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

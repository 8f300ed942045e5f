//! onemap — the one-map (一张图) server for real-estate registration (不动产登记) and house
//! expropriation (房屋征收与补偿).
//!
//! Where a request is handled: [`http::router`] merges the routes of each domain module
//! (`health`, …); each module keeps its routes, queries (`.sql` files) and types together.

mod config;
mod db;
mod demo;
mod error;
mod health;
mod http;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};

use config::{Config, GlobalArgs, LogFormat};

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
}

#[derive(Subcommand)]
enum DbCommand {
    /// Apply pending migrations
    Migrate,
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
    Load(demo::LoadArgs),
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
    Serve(#[from] http::ServeError),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
}

async fn run(command: Command, config: Config) -> Result<(), CliError> {
    match command {
        Command::Serve => {
            let pool = db::connect(&config, config.db_pool).await?;
            db::migrate(&pool).await?;
            let state = http::AppState { pool, config: Arc::new(config), started: Instant::now() };
            http::serve(state).await?;
        }
        Command::Db(DbCommand::Migrate) => {
            let pool = db::connect(&config, 2).await?;
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
        Command::Demo(DemoCommand::Load(args)) => {
            let pool = db::connect(&config, 4).await?;
            db::migrate(&pool).await?;
            demo::load(&pool, &config, &args).await?;
        }
    }
    Ok(())
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

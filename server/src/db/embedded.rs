//! The embedded PostGIS: a private PostgreSQL 15 cluster under `<data-dir>/pg`, owned by the
//! `postgres` OS user when onemap runs as root, listening on 127.0.0.1 and its own socket
//! directory, with a generated password (SCRAM). It is started when it is not running and
//! keeps running after onemap exits (`onemap db stop` stops it).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt, chown};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nix::unistd::{Uid, User};
use rand::Rng;
use rand::distr::Alphanumeric;

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("data directory {path} is not writable: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("PostgreSQL programs not found in {0} (install postgresql-15 or set ONEMAP_PG_BIN)")]
    MissingBinaries(PathBuf),
    #[error(
        "onemap runs as root, and PostgreSQL refuses to: the OS user `postgres` is missing (install postgresql-15)"
    )]
    NoPostgresUser,
    #[error(
        "the OS user `postgres` cannot write {0}: make its parent directories traversable or set ONEMAP_DATA_DIR elsewhere"
    )]
    Unreachable(PathBuf),
    #[error("port {0} is already in use by another program: set ONEMAP_PG_PORT to a free port")]
    PortInUse(u16),
    #[error("{step} failed: {detail}")]
    Command { step: &'static str, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where the cluster lives and how to run its programs.
#[derive(Debug, Clone)]
pub struct EmbeddedCluster {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    fsync: bool,
}

/// A running cluster's connection facts.
#[derive(Debug, Clone)]
pub struct Running {
    pub port: u16,
    pub password: String,
    /// True when this call started it (false when it was already running).
    pub started: bool,
}

impl Running {
    pub fn url(&self, database: &str) -> String {
        format!("postgres://onemap:{}@127.0.0.1:{}/{database}", self.password, self.port)
    }
}

impl EmbeddedCluster {
    pub fn new(data_dir: &Path, bin: &Path, port: u16, fsync: bool) -> Self {
        let root = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        Self { root, bin: bin.to_path_buf(), port, fsync }
    }

    /// The cluster's data directory (`<data-dir>/pg`).
    pub fn pgdata(&self) -> PathBuf {
        self.root.join("pg")
    }

    fn password_file(&self) -> PathBuf {
        self.root.join("pg.password")
    }

    /// The socket directory: `<data-dir>/pg-run`, or a short path under /tmp when that would
    /// exceed the 107-byte limit of a Unix socket path.
    fn socket_dir(&self) -> PathBuf {
        let dir = self.root.join("pg-run");
        if dir.as_os_str().len() <= 80 {
            return dir;
        }
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.root.as_os_str().as_encoded_bytes());
        PathBuf::from(format!("/tmp/onemap-pg-{}", &hex::encode(digest)[..12]))
    }

    fn log_file(&self) -> PathBuf {
        self.pgdata().join("server.log")
    }

    /// Initialises the cluster when needed and starts it when it is not running.
    pub fn ensure_running(&self) -> Result<Running, EmbeddedError> {
        for prog in ["initdb", "pg_ctl", "postgres"] {
            if !self.bin.join(prog).exists() {
                return Err(EmbeddedError::MissingBinaries(self.bin.clone()));
            }
        }
        fs::create_dir_all(&self.root).map_err(|source| EmbeddedError::DataDir { path: self.root.clone(), source })?;
        let probe = self.root.join(".write-test");
        File::create(&probe).map_err(|source| EmbeddedError::DataDir { path: self.root.clone(), source })?;
        let _ = fs::remove_file(probe);

        // One process at a time sets the cluster up or starts it.
        let lock = File::create(self.root.join("pg.lock"))?;
        lock.lock()?;
        let owner = self.owner()?;
        if !self.pgdata().join("PG_VERSION").exists() {
            self.init(owner.as_ref())?;
        }
        let password = fs::read_to_string(self.password_file())?.trim().to_owned();
        if let Some(port) = self.running_port() {
            return Ok(Running { port, password, started: false });
        }
        if TcpListener::bind(("127.0.0.1", self.port)).is_err() {
            return Err(EmbeddedError::PortInUse(self.port));
        }
        self.prepare_dir(&self.socket_dir(), owner.as_ref())?;
        let mut opts = format!("-p {} -k {}", self.port, self.socket_dir().display());
        if !self.fsync {
            opts.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let pgdata = self.pgdata();
        let log = self.log_file();
        let out = self.run(
            owner.as_ref(),
            "pg_ctl",
            &["start", "-w", "-t", "60", "-D", path_str(&pgdata), "-l", path_str(&log), "-o", &opts],
        )?;
        if !out.status.success() {
            let tail = fs::read_to_string(&log).unwrap_or_default();
            let last = tail.lines().rev().find(|l| l.contains("FATAL") || l.contains("ERROR")).unwrap_or("");
            return Err(EmbeddedError::Command {
                step: "pg_ctl start",
                detail: format!("{} {last}", stderr_line(&out)),
            });
        }
        Ok(Running { port: self.port, password, started: true })
    }

    /// Stops the cluster if it is running; returns whether it was.
    pub fn stop(&self) -> Result<bool, EmbeddedError> {
        if self.running_port().is_none() {
            return Ok(false);
        }
        let owner = self.owner()?;
        let pgdata = self.pgdata();
        let out = self.run(owner.as_ref(), "pg_ctl", &["stop", "-w", "-m", "fast", "-D", path_str(&pgdata)])?;
        if !out.status.success() {
            return Err(EmbeddedError::Command { step: "pg_ctl stop", detail: stderr_line(&out) });
        }
        Ok(true)
    }

    /// The port of the running postmaster, read from `postmaster.pid`, if it is alive.
    pub fn running_port(&self) -> Option<u16> {
        let pid_file = fs::read_to_string(self.pgdata().join("postmaster.pid")).ok()?;
        let mut lines = pid_file.lines();
        let pid: i32 = lines.next()?.trim().parse().ok()?;
        let port: u16 = lines.nth(2)?.trim().parse().ok()?;
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok();
        alive.then_some(port)
    }

    /// The OS user that must own and run the cluster: `postgres` when we are root.
    fn owner(&self) -> Result<Option<User>, EmbeddedError> {
        if !Uid::effective().is_root() {
            return Ok(None);
        }
        match User::from_name("postgres") {
            Ok(Some(u)) => Ok(Some(u)),
            _ => Err(EmbeddedError::NoPostgresUser),
        }
    }

    fn prepare_dir(&self, dir: &Path, owner: Option<&User>) -> Result<(), EmbeddedError> {
        fs::create_dir_all(dir).map_err(|source| EmbeddedError::DataDir { path: dir.into(), source })?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        if let Some(u) = owner {
            chown(dir, Some(u.uid.as_raw()), Some(u.gid.as_raw()))?;
            let ok = Command::new("runuser")
                .args(["-u", "postgres", "--", "test", "-w", path_str(dir)])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return Err(EmbeddedError::Unreachable(dir.into()));
            }
        }
        Ok(())
    }

    fn init(&self, owner: Option<&User>) -> Result<(), EmbeddedError> {
        let pgdata = self.pgdata();
        if pgdata.exists() {
            // A half-made cluster from an interrupted initdb: start over.
            fs::remove_dir_all(&pgdata)?;
        }
        self.prepare_dir(&pgdata, owner)?;
        let password: String = rand::rng().sample_iter(&Alphanumeric).take(32).map(char::from).collect();
        // initdb reads the password from a file the cluster owner can read; removed right after.
        let pwfile = self.root.join("initdb.pw");
        let _ = fs::remove_file(&pwfile);
        {
            let mut f = OpenOptions::new().write(true).create_new(true).mode(0o600).open(&pwfile)?;
            writeln!(f, "{password}")?;
        }
        if let Some(u) = owner {
            chown(&pwfile, Some(u.uid.as_raw()), Some(u.gid.as_raw()))?;
        }
        let out = self.run(
            owner,
            "initdb",
            &[
                "-D",
                path_str(&pgdata),
                "-U",
                "onemap",
                "--pwfile",
                path_str(&pwfile),
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        let _ = fs::remove_file(&pwfile);
        let out = out?;
        if !out.status.success() {
            return Err(EmbeddedError::Command { step: "initdb", detail: stderr_line(&out) });
        }
        let mut conf = OpenOptions::new().append(true).open(pgdata.join("postgresql.conf"))?;
        conf.write_all(CLUSTER_SETTINGS.as_bytes())?;
        let mut f =
            OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(self.password_file())?;
        writeln!(f, "{password}")?;
        Ok(())
    }

    fn run(&self, owner: Option<&User>, prog: &str, args: &[&str]) -> Result<Output, EmbeddedError> {
        let exe = self.bin.join(prog);
        let mut cmd = if owner.is_some() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        // Run from a directory the postgres user can enter, whatever ours is.
        cmd.args(args).current_dir(&self.root).env_remove("PGDATA");
        cmd.output()
            .map_err(|e| EmbeddedError::Command { step: "starting a PostgreSQL program", detail: e.to_string() })
    }
}

/// Settings appended to postgresql.conf at initdb. Durable by default (fsync on).
const CLUSTER_SETTINGS: &str = "
# --- onemap embedded cluster ---
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 512MB
work_mem = 16MB
maintenance_work_mem = 256MB
effective_cache_size = 4GB
random_page_cost = 1.1
max_wal_size = 2GB
logging_collector = off
log_min_messages = warning
";

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap_or_default()
}

fn stderr_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr);
    let text = if text.trim().is_empty() { String::from_utf8_lossy(&out.stdout) } else { text };
    text.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("no output").trim().to_owned()
}

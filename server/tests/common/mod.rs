//! Test harness: each test gets its own directory, its own embedded cluster on a free port,
//! and runs the real `onemap` binary.
#![allow(dead_code)]

pub mod survey;

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

pub struct Env {
    pub dir: tempfile::TempDir,
    pub pg_port: u16,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("onemap-test-").tempdir_in("/tmp").expect("temp dir");
        // The postgres OS user must be able to enter it when the tests run as root.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        Self { dir, pg_port: free_port() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join(".onemap")
    }

    /// `onemap` with this environment's data directory and cluster port.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_onemap"));
        c.current_dir(self.path())
            .env_remove("DATABASE_URL")
            .env_remove("DATABASE_READ_URL")
            .env_remove("PORT")
            .env("ONEMAP_DATA_DIR", self.data_dir())
            .env("ONEMAP_PG_PORT", self.pg_port.to_string())
            .env("ONEMAP_PG_FSYNC", "false")
            .env("ONEMAP_LOG", "warn");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("run onemap")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "onemap {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn url(&self) -> String {
        self.ok(&["db", "url"]).trim().to_owned()
    }

    pub async fn pool(&self) -> sqlx::PgPool {
        sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&self.url()).await.expect("connect")
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = self.run(&["db", "stop"]);
    }
}

/// Asserts that a failed command printed exactly one `error: …` line and no panic.
pub fn assert_one_error_line(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected failure, got success; stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(expected), "expected {expected:?} in {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"), "{stderr}");
}

/// `onemap serve` on a free port, stopped when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    /// The server's log (stderr), read continuously: an unread pipe would fill up and block
    /// the server on its next log line.
    log: std::sync::Arc<std::sync::Mutex<String>>,
    drain: Option<std::thread::JoinHandle<()>>,
}

/// The usual start of an end-to-end test: a demo county of 2,000 parcels in its own cluster,
/// the server on it, an HTTP client, the server's base URL and an owner connection pool.
pub struct Demo {
    pub env: Env,
    pub server: Server,
    pub client: reqwest::Client,
    pub base: String,
    pub pool: sqlx::PgPool,
}

impl Demo {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// The same, with extra environment variables for the server.
    pub async fn start_with(vars: &[(&str, &str)]) -> Self {
        let env = Env::new();
        env.ok(&["demo", "load", "--parcels", "2000", "--no-sign"]);
        let server = Server::start_with(&env, vars).await;
        let base = server.base.clone();
        let pool = env.pool().await;
        Self { env, server, client: reqwest::Client::new(), base, pool }
    }
}

impl Server {
    pub async fn start(env: &Env) -> Self {
        Self::start_with(env, &[]).await
    }

    /// The server with extra environment variables (e.g. `ONEMAP_STATIC_DIR`).
    pub async fn start_with(env: &Env, vars: &[(&str, &str)]) -> Self {
        let port = free_port();
        let child = env
            .cmd()
            .envs(vars.iter().copied())
            .env("PORT", port.to_string())
            .env("ONEMAP_LOG", "info")
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut child = child;
        let stderr = child.stderr.take().expect("piped stderr");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = log.clone();
        let drain = std::thread::spawn(move || {
            use std::io::BufRead;
            let mut reader = std::io::BufReader::new(stderr);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        while reqwest::get(format!("{base}/health")).await.is_err() {
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, base, log, drain: Some(drain) }
    }

    /// What the server logged so far; after it exited, everything it logged.
    pub fn log(&mut self) -> String {
        if self.child.try_wait().ok().flatten().is_some()
            && let Some(drain) = self.drain.take()
        {
            let _ = drain.join();
        }
        self.log.lock().unwrap().clone()
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.child.id() as i32), nix::sys::signal::Signal::SIGTERM)
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The demo users' password (demo data only).
pub const DEMO_PASSWORD: &str = "Demo#2026";

pub async fn login(client: &reqwest::Client, base: &str, user: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({ "username": user, "password": password }))
        .send()
        .await
        .unwrap()
}

/// Logs in and returns the bearer token; the login must succeed.
pub async fn token_of(client: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let r = login(client, base, user, password).await;
    assert_eq!(r.status(), 200, "login of {user}");
    r.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// The token of a demo user.
pub async fn token(client: &reqwest::Client, base: &str, user: &str) -> String {
    token_of(client, base, user, DEMO_PASSWORD).await
}

/// GET a URL (with a bearer token if given): status and JSON body (null when not JSON).
pub async fn get_json(client: &reqwest::Client, url: String, bearer: Option<&str>) -> (u16, serde_json::Value) {
    let mut req = client.get(url);
    if let Some(t) = bearer {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
}

/// A Word document (.docx) whose one paragraph is `text`.
pub fn docx(text: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", o).unwrap();
    std::io::Write::write_all(&mut zip, br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", o).unwrap();
    let xml = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    );
    std::io::Write::write_all(&mut zip, xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// Sets project `code`'s signing period (If-Match with the version its workflow answers).
pub async fn set_signing_period(d: &Demo, token: &str, code: &str, starts: &str, ends: &str) {
    let w = d.client.get(format!("{}/api/projects/{code}/workflow", d.base)).bearer_auth(token).send().await.unwrap();
    let tag = w.headers()["etag"].to_str().unwrap().to_owned();
    let r = d
        .client
        .patch(format!("{}/api/projects/{code}", d.base))
        .bearer_auth(token)
        .header("if-match", tag)
        .json(&serde_json::json!({"signing_starts_on": starts, "signing_ends_on": ends}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// A bearer token of a demo appraiser whose firm project `code` did not appoint.
pub async fn outsider_appraiser(d: &Demo, code: &str) -> String {
    let name: String = sqlx::query_scalar(
        "SELECT u.username FROM users u WHERE u.role = 'appraiser' AND NOT EXISTS (
            SELECT 1 FROM project_appraisal_firms a JOIN relocation_projects r ON r.id = a.project_id
            WHERE r.code = $1 AND a.firm_id = u.appraisal_firm_id) ORDER BY u.username LIMIT 1",
    )
    .bind(code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    token(&d.client, &d.base, &name).await
}

/// The test venv's `bin/{program}` (the Python clients: schemathesis, OWSLib, openpyxl),
/// installed by `scripts/install-deps.sh test`.
pub fn venv_bin(program: &str) -> PathBuf {
    let venv = std::env::var_os("ONEMAP_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/onemap/venv"));
    let bin = venv.join("bin").join(program);
    assert!(bin.exists(), "{} is missing: run `scripts/install-deps.sh test` (make test does)", bin.display());
    bin
}

/// An XLSX workbook read back by openpyxl: every sheet's name and its cells' values, row by row.
pub fn read_xlsx(bytes: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let script = "import json, sys, datetime, openpyxl\n\
        wb = openpyxl.load_workbook(sys.argv[1])\n\
        out = {ws.title: {'frozen': ws.freeze_panes, 'rows': [[c.isoformat() if isinstance(c, (datetime.date, datetime.datetime)) else c for c in r] for r in ws.iter_rows(values_only=True)]} for ws in wb.worksheets}\n\
        print(json.dumps(out, ensure_ascii=False))";
    let out = Command::new(venv_bin("python")).arg("-c").arg(script).arg(&path).output().expect("python");
    assert!(out.status.success(), "openpyxl could not read the workbook: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A paid, vacated compensation unit not yet demolished whose house unit has current rights
/// with a valid certificate: (compensation unit code, house unit code).
pub async fn registered_house_to_demolish(d: &Demo) -> (String, String) {
    sqlx::query_as(
        "SELECT c.code, h.unit_code::text FROM compensation_units c JOIN house_units h ON h.id = c.house_unit_id
         WHERE c.status = 'paid' AND c.moved_out_on IS NOT NULL AND c.demolished_on IS NULL
           AND EXISTS (SELECT FROM rights r JOIN certificates ce ON ce.right_id = r.id
                       WHERE r.unit_code = h.unit_code AND r.status = 'current' AND ce.status = 'valid')
         ORDER BY c.code LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap()
}

/// Records compensation unit `unit` as demolished today, as `officer` (with its ETag).
pub async fn demolish(d: &Demo, officer: &str, unit: &str) {
    let url = format!("{}/api/compensation-units/{unit}", d.base);
    let got = d.client.get(&url).bearer_auth(officer).send().await.unwrap();
    let tag = got.headers()["etag"].to_str().unwrap().to_owned();
    let got = d
        .client
        .post(format!("{url}/demolition"))
        .bearer_auth(officer)
        .header("if-match", tag)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200, "{}", got.text().await.unwrap());
}

/// Approves, as `clerk`, the open cancellation case of house unit `unit_code`.
pub async fn approve_cancellation(d: &Demo, clerk: &str, unit_code: &str) {
    let (status, page) =
        get_json(&d.client, format!("{}/api/registration/cases?status=open&limit=1000", d.base), Some(clerk)).await;
    assert_eq!(status, 200, "{page}");
    let case = page["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_code"] == unit_code)
        .unwrap_or_else(|| panic!("no open case for {unit_code}: {page}"))
        .clone();
    let got = d
        .client
        .post(format!("{}/api/registration/cases/{}/decision", d.base, case["id"]))
        .bearer_auth(clerk)
        .header("if-match", format!("\"v{}\"", case["version"]))
        .json(&serde_json::json!({"decision": "approve"}))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200, "{}", got.text().await.unwrap());
}

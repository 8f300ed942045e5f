//! Operations: `/ready`, `GET /metrics` (restricted; parsed by prometheus_client's OpenMetrics
//! parser), and the embedded PostgreSQL restarted while requests flow — 503 problem bodies
//! during the outage, recovery by itself within 5 s, tile invalidation by LISTEN after it.

mod common;

use std::time::{Duration, Instant};

use common::{Demo, token, venv_bin};
use serde_json::Value;

const METRICS_TOKEN: &str = "scrape-3f1c9a";

fn tile_url(base: &str, lon: f64, lat: f64, z: u8) -> String {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    format!("{base}/tiles/parcels,house_units/{z}/{x}/{y}.mvt")
}

async fn cache_state(client: &reqwest::Client, url: &str) -> String {
    let r = client.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    r.headers().get("x-cache").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// The exposition parsed by prometheus_client (strict OpenMetrics): every sample as
/// `{name, labels, value}`.
fn parse_openmetrics(text: &str) -> Vec<Value> {
    let script = "import sys, json\n\
        from prometheus_client.openmetrics.parser import text_string_to_metric_families\n\
        out = []\n\
        for f in text_string_to_metric_families(sys.stdin.read()):\n\
        \x20   for s in f.samples:\n\
        \x20       out.append({'family': f.name, 'type': f.type, 'name': s.name, 'labels': s.labels, 'value': s.value})\n\
        print(json.dumps(out))";
    let mut child = std::process::Command::new(venv_bin("python"))
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the parser refused the exposition: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sample<'a>(samples: &'a [Value], name: &str, labels: &[(&str, &str)]) -> Option<&'a Value> {
    samples.iter().find(|s| s["name"] == name && labels.iter().all(|(k, v)| s["labels"][*k] == *v))
}

#[tokio::test]
async fn metrics_readiness_and_a_database_restart() {
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), format!("[metrics]\ntoken = \"{METRICS_TOKEN}\"\n")).unwrap();
    let mut d = Demo::start_with(&[("ONEMAP_CONFIG", config.path().to_str().unwrap())]).await;
    let (client, base) = (d.client.clone(), d.base.clone());
    let (client, base) = (&client, base.as_str());

    let ready: Value = client.get(format!("{base}/ready")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert!(ready["schema_version"].as_i64().unwrap() >= 20261206000001);

    // Some traffic: unit lookups, a tile twice (a miss, then a hit), and a backup.
    let clerk = token(client, base, "clerk").await;
    let (unit, lon, lat): (String, f64, f64) = sqlx::query_as(
        "SELECT unit_code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM house_units ORDER BY id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    for _ in 0..3 {
        let r = client.get(format!("{base}/api/units/{unit}")).bearer_auth(&clerk).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let near = tile_url(base, lon, lat, 16);
    let far = tile_url(base, lon + 0.05, lat + 0.05, 16);
    cache_state(client, &near).await;
    assert_eq!(cache_state(client, &near).await, "HIT");
    d.env.ok(&["backup", "create"]);

    // Restricted: nobody anonymous, no clerk; the admin and the scraper's token.
    let get = |bearer: Option<String>| {
        let mut r = client.get(format!("{base}/metrics"));
        if let Some(b) = bearer {
            r = r.bearer_auth(b);
        }
        r.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 401);
    assert_eq!(get(Some(clerk.clone())).await.unwrap().status(), 403);
    assert_eq!(get(Some("scrape-wrong".into())).await.unwrap().status(), 401);
    let admin = token(client, base, "admin").await;
    assert_eq!(get(Some(admin)).await.unwrap().status(), 200);
    let r = get(Some(METRICS_TOKEN.into())).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = r.text().await.unwrap();
    let samples = parse_openmetrics(&text);

    let units = [("method", "GET"), ("route", "/api/units/{code}"), ("status", "200")];
    assert!(sample(&samples, "onemap_http_requests_total", &units).unwrap()["value"].as_f64().unwrap() >= 3.0);
    let refused = [("route", "/metrics"), ("status", "403")];
    assert_eq!(sample(&samples, "onemap_http_requests_total", &refused).unwrap()["value"], 1.0);
    let count = [("route", "/api/units/{code}")];
    assert!(
        sample(&samples, "onemap_http_request_duration_seconds_count", &count).unwrap()["value"].as_f64().unwrap()
            >= 3.0
    );
    assert!(
        sample(
            &samples,
            "onemap_http_request_duration_seconds_bucket",
            &[("route", "/api/units/{code}"), ("le", "+Inf")]
        )
        .is_some()
    );
    assert!(sample(&samples, "onemap_tile_cache_hits_total", &[]).unwrap()["value"].as_f64().unwrap() >= 1.0);
    assert!(sample(&samples, "onemap_tile_cache_misses_total", &[]).unwrap()["value"].as_f64().unwrap() >= 1.0);
    assert!(sample(&samples, "onemap_tile_cache_bytes", &[]).unwrap()["value"].as_f64().unwrap() > 0.0);
    assert!(sample(&samples, "onemap_db_pool_connections", &[("pool", "api"), ("state", "idle")]).is_some());
    let backup_at = sample(&samples, "onemap_backup_last_timestamp_seconds", &[]).expect("the backup is reported");
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - backup_at["value"].as_f64().unwrap()).abs() < 600.0, "{backup_at}");
    assert!(sample(&samples, "onemap_backup_last_size_bytes", &[]).unwrap()["value"].as_f64().unwrap() > 0.0);
    assert!(text.contains("# TYPE onemap_jobs gauge"), "{text}");
    assert!(text.contains("# TYPE onemap_exchange_lag_seconds gauge"), "{text}");

    // The database restarted while requests flow.
    let lookup = format!("{base}/api/units/{unit}");
    d.env.ok(&["db", "stop"]);
    let outage = Instant::now();
    let mut answers = Vec::new();
    while outage.elapsed() < Duration::from_secs(4) {
        let started = Instant::now();
        let r = client.get(&lookup).bearer_auth(&clerk).send().await.unwrap();
        let status = r.status().as_u16();
        let problem: Value = r.json().await.unwrap();
        answers.push((status, problem["code"].as_str().unwrap_or("").to_owned(), started.elapsed()));
    }
    // The session lookup itself needs the database: 503 either way, as a problem body.
    assert!(!answers.is_empty());
    if answers.iter().any(|a| a.0 != 503) {
        let log = d.server.log();
        eprintln!("{}", &log[log.len().saturating_sub(3000)..]);
    }
    for (status, code, took) in &answers {
        assert_eq!((*status, code.as_str()), (503, "database_unavailable"), "{answers:?}");
        assert!(*took < Duration::from_secs(3), "an answer took {took:?} during the outage");
    }
    let r = client.get(format!("{base}/ready")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "database_unavailable");

    d.env.ok(&["db", "start"]);
    let back = Instant::now();
    loop {
        let r = client.get(&lookup).bearer_auth(&clerk).send().await.unwrap();
        if r.status() == 200 {
            break;
        }
        assert_eq!(r.status(), 503);
        assert!(back.elapsed() < Duration::from_secs(5), "not recovered 5 s after the database came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = back.elapsed();
    eprintln!("recovered {recovered:?} after the database came back ({} answers during the outage)", answers.len());
    assert_eq!(client.get(format!("{base}/ready")).send().await.unwrap().status(), 200);

    // LISTEN resumed: both tiles cached after the listener is back (it clears the cache when
    // it reconnects), then a change near one drops that one only.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        for u in [&near, &far] {
            cache_state(client, u).await;
        }
        tokio::time::sleep(Duration::from_millis(2500)).await;
        if cache_state(client, &near).await == "HIT" && cache_state(client, &far).await == "HIT" {
            break;
        }
        assert!(Instant::now() < deadline, "tiles are not cached again after the restart");
    }
    let pool = d.env.pool().await;
    sqlx::query("UPDATE house_units SET room_label = 'after-restart' WHERE unit_code = $1")
        .bind(&unit)
        .execute(&pool)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while cache_state(client, &near).await == "HIT" {
        assert!(Instant::now() < deadline, "the change after the restart did not drop the tile");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(cache_state(client, &far).await, "HIT", "only the changed tile was dropped");
}

/// Every file under `dir` whose name ends with `suffix`, dot-directories included.
fn files_ending(dir: &std::path::Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.map(Result::unwrap) {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else if e.file_name().to_string_lossy().ends_with(suffix) {
                out.push(e.path());
            }
        }
    }
    out
}

#[tokio::test]
async fn a_kill_during_writes_loses_no_acknowledged_write() {
    let mut d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();

    // Sixty uploads at once; the server is killed (SIGKILL) once a few are acknowledged.
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut uploads = tokio::task::JoinSet::new();
    for i in 0..60 {
        let (client, base, officer, acked) = (d.client.clone(), d.base.clone(), officer.clone(), acknowledged.clone());
        uploads.spawn(async move {
            let form = reqwest::multipart::Form::new()
                .text("project", "WX-ZS-2025-02")
                .text("category", "其他")
                .text("title", format!("断电演练 {i}"))
                .part("file", reqwest::multipart::Part::bytes(common::docx(&format!("第{i}份。"))).file_name("k.docx"));
            let r = client.post(format!("{base}/api/archives")).bearer_auth(officer).multipart(form).send().await;
            if let Ok(r) = r
                && r.status() == 201
                && let Ok(v) = r.json::<Value>().await
            {
                acked.lock().unwrap().push(v["archive_no"].as_str().unwrap().to_owned());
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().unwrap().len() < 15 {
        assert!(Instant::now() < deadline, "no upload was acknowledged");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    d.server.child.kill().unwrap();
    d.server.child.wait().unwrap();
    while uploads.join_next().await.is_some() {}
    let acked = acknowledged.lock().unwrap().clone();
    let committed: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();
    eprintln!("{} acknowledged, {} committed of 60 when killed", acked.len(), committed - before);
    assert!(acked.len() < 60, "the kill came after every upload: nothing was interrupted");

    // Long after the crash (the staged files' clocks set back an hour), a server starts.
    let files = d.env.data_dir().join("files");
    let incoming_left = std::fs::read_dir(files.join(".incoming")).map(|d| d.count()).unwrap_or(0);
    eprintln!(
        "left by the kill: {} staged files, {incoming_left} uploads in .incoming",
        files_ending(&files, ".part").len()
    );
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for p in files_ending(&files, "") {
        if p.to_string_lossy().contains(".incoming") || p.to_string_lossy().ends_with(".part") {
            std::fs::File::options().write(true).open(&p).unwrap().set_modified(hour_ago).unwrap();
        }
    }
    for e in std::fs::read_dir(files.join(".incoming")).into_iter().flatten().map(Result::unwrap) {
        std::fs::File::open(e.path()).unwrap().set_modified(hour_ago).unwrap();
    }
    d.server = common::Server::start(&d.env).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !files_ending(&files, ".part").is_empty() {
        assert!(Instant::now() < deadline, "staged files left: {:?}", files_ending(&files, ".part"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every acknowledged write is there, every row has its whole file, and no file lacks its row.
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT archive_no, file_path, sha256::text FROM archive_documents")
            .fetch_all(&d.pool)
            .await
            .unwrap();
    for no in &acked {
        assert!(rows.iter().any(|r| &r.0 == no), "acknowledged {no} is missing");
    }
    for (no, path, sha) in &rows {
        let bytes = std::fs::read(files.join(path)).unwrap_or_else(|_| panic!("{no}: {path} is missing"));
        use sha2::Digest;
        assert_eq!(&hex::encode(sha2::Sha256::digest(&bytes)), sha, "{no}: {path} is not whole");
    }
    let on_disk = files_ending(&files.join("archives"), "");
    assert_eq!(on_disk.len(), rows.len(), "a file without its row, or a row without its file");
    let incoming = std::fs::read_dir(files.join(".incoming")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(incoming, 0, "uploads left in .incoming");
}

/// Two servers on one database: a write through one drops the tile the other had cached (each
/// LISTENs to the database's change notifications), and the other serves the written data.
#[tokio::test]
async fn two_servers_keep_their_tile_caches_consistent() {
    let d = Demo::start().await;
    let b = common::Server::start(&d.env).await;
    let (client, a_base, b_base) = (&d.client, d.base.as_str(), b.base.as_str());
    let (fid, lon, lat): (String, f64, f64) = sqlx::query_as(
        "SELECT unit_code::text, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM parcels ORDER BY id LIMIT 1 OFFSET 10",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let (near, far) = (tile_url(b_base, lon, lat, 16), tile_url(b_base, lon + 0.05, lat + 0.05, 16));
    // Both cached in B (after its listener is up: it clears the cache when it connects).
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        cache_state(client, &near).await;
        cache_state(client, &far).await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        if cache_state(client, &near).await == "HIT" && cache_state(client, &far).await == "HIT" {
            break;
        }
        assert!(Instant::now() < deadline, "B does not cache");
    }

    // The write goes through A (OGC API Features Part 4, with its ETag).
    let surveyor = token(client, a_base, "surveyor").await;
    let item = format!("{a_base}/ogc/collections/parcels/items/{fid}");
    let r = client.get(&item).send().await.unwrap();
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let patch = serde_json::json!({"properties": {"address": "温县双机路2号"}});
    let r = client.patch(&item).bearer_auth(&surveyor).header("if-match", tag).json(&patch).send().await.unwrap();
    assert_eq!(r.status(), 204);

    let deadline = Instant::now() + Duration::from_secs(5);
    while cache_state(client, &near).await == "HIT" {
        assert!(Instant::now() < deadline, "B kept the tile A's write changed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(cache_state(client, &far).await, "HIT", "B dropped only the changed tile");
    let on_b: Value =
        client.get(format!("{b_base}/ogc/collections/parcels/items/{fid}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(on_b["properties"]["address"], "温县双机路2号", "{on_b}");
}

/// A background job runs on one server only: an unfinished export whose lease another (live)
/// server holds is left alone; once that server is gone (its connection, and with it the lock,
/// closed), this server takes the export over and finishes it.
#[tokio::test]
async fn a_job_runs_on_one_server_and_is_taken_over_when_its_server_is_gone() {
    let d = Demo::start().await;
    let id: uuid::Uuid = sqlx::query_scalar(
        "INSERT INTO exports (requested_by, role, collection, format, crs, naming, encoding, status)
         VALUES ('user:admin', 'admin', 'parcels', 'geojson', 'CRS84', 'english', 'UTF-8', 'running')
         RETURNING id",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // "Another server": a connection holding the export's lease.
    let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(&d.env.url()).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(hashtextextended($1, 0))")
        .bind(format!("export:{id}"))
        .execute(&mut other)
        .await
        .unwrap();
    let status = || async {
        sqlx::query_scalar::<_, String>("SELECT status FROM exports WHERE id = $1")
            .bind(id)
            .fetch_one(&d.pool)
            .await
            .unwrap()
    };
    // Two sweeps of this server later, the export is still the other's.
    tokio::time::sleep(Duration::from_secs(22)).await;
    assert_eq!(status().await, "running");
    let progress: i64 = sqlx::query_scalar("SELECT progress_done FROM exports WHERE id = $1")
        .bind(id)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(progress, 0, "this server ran an export another server holds");

    // The other server is gone: this one takes the export over and finishes it.
    drop(other);
    let deadline = Instant::now() + Duration::from_secs(30);
    while status().await != "done" {
        assert!(Instant::now() < deadline, "the export was not taken over: {}", status().await);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

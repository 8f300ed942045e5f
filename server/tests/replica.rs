//! A read replica (`DATABASE_READ_URL`): a standby of the test's cluster made by
//! `pg_basebackup -R`, and two servers on the primary — A without the replica, B reading on it.
//! Reads through B go to the replica; while its replay is paused, writes through A and through
//! B are seen at once by B's tiles, OGC API items, search and identify (from the primary, after
//! the wait), and the tile B made after A's write is not a stale one cached for good; once
//! replay resumes B reads on the replica again; with the standby stopped B still answers.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Demo, Env, Server, free_port, get_json, token};
use geozero::mvt::{Message, Tile};
use serde_json::{Value, json};

/// Where initdb, pg_ctl and pg_basebackup are: as the embedded cluster finds them.
fn pg_bin() -> PathBuf {
    if let Some(dir) = std::env::var_os("ONEMAP_PG_BIN") {
        return dir.into();
    }
    let debian = PathBuf::from("/usr/lib/postgresql/15/bin");
    if debian.join("pg_ctl").exists() {
        return debian;
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|p| p.join("pg_ctl").exists()))
        .unwrap_or(debian)
}

fn root() -> bool {
    nix::unistd::Uid::effective().is_root()
}

/// A PostgreSQL program, run as the cluster's OS user (`postgres` when the tests run as root).
fn pg_command(program: &str) -> Command {
    let exe = pg_bin().join(program);
    let mut cmd = if root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.current_dir("/tmp").env_remove("PGDATA");
    cmd
}

/// Runs a PostgreSQL program; it must succeed.
fn pg(program: &str, args: &[&str]) {
    let out = pg_command(program).args(args).output().expect("a PostgreSQL program");
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A streaming standby of the test's embedded cluster, stopped when dropped.
struct Standby {
    dir: PathBuf,
    port: u16,
    password: String,
}

impl Standby {
    fn create(env: &Env) -> Self {
        let dir = env.path().join("standby");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        if root() {
            let u = nix::unistd::User::from_name("postgres").unwrap().expect("the postgres OS user");
            std::os::unix::fs::chown(&dir, Some(u.uid.as_raw()), Some(u.gid.as_raw())).unwrap();
        }
        let password = std::fs::read_to_string(env.data_dir().join("pg.password")).unwrap().trim().to_owned();
        let primary = format!("host=127.0.0.1 port={} user=onemap password={password}", env.pg_port);
        let d = dir.to_str().unwrap();
        pg("pg_basebackup", &["-D", d, "-R", "-X", "stream", "-c", "fast", "-d", &primary]);
        let port = free_port();
        let standby = Self { dir, port, password };
        standby.start();
        standby
    }

    fn start(&self) {
        let d = self.dir.to_str().unwrap();
        let log = self.dir.join("standby.log");
        let opts = format!("-p {} -k {d} -c fsync=off -c shared_buffers=64MB", self.port);
        pg("pg_ctl", &["start", "-w", "-t", "60", "-D", d, "-l", log.to_str().unwrap(), "-o", &opts]);
    }

    fn stop(&self) {
        pg("pg_ctl", &["stop", "-w", "-m", "fast", "-D", self.dir.to_str().unwrap()]);
    }

    /// DATABASE_READ_URL for a server on the embedded cluster (which connects as its own role).
    fn read_url(&self) -> String {
        format!("postgres://127.0.0.1:{}/onemap", self.port)
    }

    /// A superuser connection to the standby.
    async fn pool(&self) -> sqlx::PgPool {
        let url = format!("postgres://onemap:{}@127.0.0.1:{}/onemap", self.password, self.port);
        sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&url).await.expect("the standby")
    }
}

impl Drop for Standby {
    fn drop(&mut self) {
        if self.dir.join("postmaster.pid").exists() {
            let _ = pg_command("pg_ctl").args(["stop", "-m", "immediate", "-D", self.dir.to_str().unwrap()]).output();
        }
    }
}

/// The z16 parcels tile holding (lon, lat).
fn tile_url(base: &str, lon: f64, lat: f64, z: u8) -> String {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    format!("{base}/tiles/parcels/{z}/{x}/{y}.mvt")
}

/// A tile: its X-Cache and the land use of the parcel `unit_code` in it.
async fn land_use_in_tile(client: &reqwest::Client, url: &str, unit_code: &str) -> (String, Option<String>) {
    let r = client.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    let cache = r.headers().get("x-cache").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let tile = Tile::decode(r.bytes().await.unwrap()).unwrap();
    let layer = tile.layers.iter().find(|l| l.name == "parcels").expect("a parcels layer");
    let tag = |f: &geozero::mvt::tile::Feature, key: &str| {
        f.tags
            .chunks(2)
            .find(|kv| layer.keys[kv[0] as usize] == key)
            .and_then(|kv| layer.values[kv[1] as usize].string_value.clone())
    };
    let feature = layer.features.iter().find(|f| tag(f, "unit_code").is_some_and(|c| c.trim() == unit_code));
    (cache, feature.and_then(|f| tag(f, "land_use")))
}

/// A sample of B's /metrics: the value of the line starting with `series ` (0 when absent).
async fn metric(client: &reqwest::Client, base: &str, admin: &str, series: &str) -> f64 {
    let text = client.get(format!("{base}/metrics")).bearer_auth(admin).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

const ON_REPLICA: &str = "onemap_read_queries_total{target=\"replica\"}";
const ON_PRIMARY: &str = "onemap_read_queries_total{target=\"primary\"}";
const LAG: &str = "onemap_replica_lag_bytes";

/// Waits until B's replica has replayed up to B's fence.
async fn caught_up(client: &reqwest::Client, base: &str, admin: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while metric(client, base, admin, LAG).await > 0.0 {
        assert!(Instant::now() < deadline, "the replica did not catch up with the fence");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Parcel {
    fid: String,
    lon: f64,
    lat: f64,
    land_use: String,
}

async fn parcel(pool: &sqlx::PgPool, sql: &str) -> Parcel {
    let (fid, lon, lat, land_use): (String, f64, f64, String) = sqlx::query_as(sql).fetch_one(pool).await.unwrap();
    Parcel { fid, lon, lat, land_use }
}

/// PATCHes a parcel's address and land use through `base` (with the ETag read there).
async fn patch(client: &reqwest::Client, base: &str, surveyor: &str, p: &Parcel, address: &str, land_use: &str) {
    let item = format!("{base}/ogc/collections/parcels/items/{}", p.fid);
    let r = client.get(&item).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    let body = json!({"properties": {"address": address, "land_use": land_use}});
    let r = client.patch(&item).bearer_auth(surveyor).header("if-match", tag).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
}

/// What B answers about parcel `p`: its OGC API item's address and land use, the unit codes of
/// a search for `address`, and identify's parcel address at the parcel.
async fn b_sees(client: &reqwest::Client, base: &str, p: &Parcel, address: &str) -> (Value, Value, Vec<String>, Value) {
    let (s, item) = get_json(client, format!("{base}/ogc/collections/parcels/items/{}", p.fid), None).await;
    assert_eq!(s, 200, "{item}");
    let q: String = form_urlencoded::byte_serialize(address.as_bytes()).collect();
    let (s, found) = get_json(client, format!("{base}/api/search?q={q}"), None).await;
    assert_eq!(s, 200, "{found}");
    let codes = found["hits"].as_array().unwrap().iter().map(|h| h["unit_code"].as_str().unwrap().to_owned()).collect();
    let (s, here) = get_json(client, format!("{base}/api/identify?lon={}&lat={}&zoom=18", p.lon, p.lat), None).await;
    assert_eq!(s, 200, "{here}");
    (
        item["properties"]["address"].clone(),
        item["properties"]["land_use"].clone(),
        codes,
        here["parcel"]["address"].clone(),
    )
}

#[tokio::test]
async fn reads_go_to_the_replica_behind_the_fence_and_to_the_primary_when_it_lags_or_is_gone() {
    let started = Instant::now();
    let d = Demo::start().await;
    let standby = Standby::create(&d.env);
    let replica = standby.pool().await;
    let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()").fetch_one(&replica).await.unwrap();
    assert!(in_recovery, "the standby is not in recovery");
    let mut b = Server::start_with(
        &d.env,
        &[("DATABASE_READ_URL", standby.read_url().as_str()), ("ONEMAP_READ_MAX_WAIT_MS", "500")],
    )
    .await;
    let (client, a_base, b_base) = (&d.client, d.base.as_str(), b.base.clone());
    let b_base = b_base.as_str();
    let admin = token(client, b_base, "admin").await;
    let surveyor = token(client, a_base, "surveyor").await;
    eprintln!("primary, standby and two servers up after {:?}", started.elapsed());

    let one = parcel(
        &d.pool,
        "SELECT unit_code::text, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), land_use::text
         FROM parcels WHERE land_use IS NOT NULL ORDER BY id LIMIT 1 OFFSET 10",
    )
    .await;
    let two = parcel(
        &d.pool,
        &format!(
            "SELECT unit_code::text, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), land_use::text
             FROM parcels WHERE land_use IS NOT NULL AND ST_Distance(ST_PointOnSurface(geom), ST_SetSRID(ST_MakePoint({}, {}), 4490)) > 0.02
             ORDER BY id LIMIT 1",
            one.lon, one.lat
        ),
    )
    .await;
    let other_use = |current: &str| {
        let current = current.to_owned();
        let pool = d.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT code::text FROM land_use_codes WHERE code::text <> $1 ORDER BY code LIMIT 1",
            )
            .bind(current)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (use_one, use_two) = (other_use(&one.land_use).await, other_use(&two.land_use).await);
    let (tile_one, tile_two) = (tile_url(b_base, one.lon, one.lat, 16), tile_url(b_base, two.lon, two.lat, 16));
    assert_ne!(tile_one, tile_two);

    // (i) B reads on the replica: a tile (made there, then cached), an item, a search, identify.
    caught_up(client, b_base, &admin).await;
    let on_replica = metric(client, b_base, &admin, ON_REPLICA).await;
    let (cache, land_use) = land_use_in_tile(client, &tile_one, &one.fid).await;
    assert_eq!((cache.as_str(), land_use.as_deref()), ("MISS", Some(one.land_use.as_str())));
    let (_, old_use, _, _) = b_sees(client, b_base, &one, "温县").await;
    assert_eq!(old_use, one.land_use.as_str());
    let read_there = metric(client, b_base, &admin, ON_REPLICA).await - on_replica;
    assert!(read_there >= 4.0, "{read_there} reads on the replica, not 4");
    let connections: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = 'onemap_app' AND datname = 'onemap'")
            .fetch_one(&replica)
            .await
            .unwrap();
    assert!(connections >= 1, "B has no connection on the standby");
    // B keeps the tile (its listener is up: it clears the cache once when it connects).
    let deadline = Instant::now() + Duration::from_secs(15);
    while land_use_in_tile(client, &tile_one, &one.fid).await.0 != "HIT" {
        assert!(Instant::now() < deadline, "B does not cache the tile");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // (ii) Replay paused: the replica stays before every write below.
    sqlx::query("SELECT pg_wal_replay_pause()").execute(&replica).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sqlx::query_scalar::<_, String>("SELECT pg_get_wal_replay_pause_state()").fetch_one(&replica).await.unwrap()
        != "paused"
    {
        assert!(Instant::now() < deadline, "replay did not pause");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let paused_at = Instant::now();
    let (on_replica, on_primary) =
        (metric(client, b_base, &admin, ON_REPLICA).await, metric(client, b_base, &admin, ON_PRIMARY).await);

    // A write through A: B drops its tile on A's notification and makes it again from the
    // primary — the new land use, in the answer and in what B caches.
    patch(client, a_base, &surveyor, &one, "温县副本路甲1号", &use_one).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let remade = loop {
        let (cache, land_use) = land_use_in_tile(client, &tile_one, &one.fid).await;
        if cache != "HIT" {
            break land_use;
        }
        assert!(Instant::now() < deadline, "B kept the tile A's write changed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(remade.as_deref(), Some(use_one.as_str()), "B made the tile from the paused replica");
    // Cached (once no other notification of that write came in while it was being made).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (cache, land_use) = land_use_in_tile(client, &tile_one, &one.fid).await;
        assert_eq!(land_use.as_deref(), Some(use_one.as_str()), "B made the tile from the paused replica");
        if cache == "HIT" {
            break;
        }
        assert!(Instant::now() < deadline, "B does not cache the tile again");
    }
    let (address, land_use, found, identified) = b_sees(client, b_base, &one, "温县副本路甲1号").await;
    assert_eq!((address, land_use), (json!("温县副本路甲1号"), json!(use_one)));
    assert!(found.contains(&one.fid.trim().to_owned()), "search through B: {found:?}");
    assert_eq!(identified, "温县副本路甲1号");

    // A write through B: B's own next reads see it, without waiting for any notification.
    patch(client, b_base, &surveyor, &two, "温县副本路乙2号", &use_two).await;
    let (address, land_use, found, identified) = b_sees(client, b_base, &two, "温县副本路乙2号").await;
    assert_eq!((address, land_use), (json!("温县副本路乙2号"), json!(use_two)));
    assert!(found.contains(&two.fid.trim().to_owned()), "search through B: {found:?}");
    assert_eq!(identified, "温县副本路乙2号");
    let (_, land_use) = land_use_in_tile(client, &tile_two, &two.fid).await;
    assert_eq!(land_use.as_deref(), Some(use_two.as_str()), "B's own write, not in its tile");
    // Every one of those reads went to the primary, the replica being behind the fence.
    assert_eq!(metric(client, b_base, &admin, ON_REPLICA).await, on_replica, "a read on the paused replica");
    let on_primary_now = metric(client, b_base, &admin, ON_PRIMARY).await;
    assert!(on_primary_now >= on_primary + 9.0, "{on_primary} → {on_primary_now} reads on the primary");
    assert!(metric(client, b_base, &admin, LAG).await > 0.0, "no lag reported while replay is paused");
    eprintln!("writes seen through B while replay was paused, in {:?}", paused_at.elapsed());

    // Replay resumed: B's cached tile is the new one, and B reads on the replica again.
    sqlx::query("SELECT pg_wal_replay_resume()").execute(&replica).await.unwrap();
    caught_up(client, b_base, &admin).await;
    assert_eq!(land_use_in_tile(client, &tile_one, &one.fid).await, ("HIT".to_owned(), Some(use_one.clone())));
    let on_replica = metric(client, b_base, &admin, ON_REPLICA).await;
    let (address, _, found, identified) = b_sees(client, b_base, &one, "温县副本路甲1号").await;
    assert_eq!((address, identified), (json!("温县副本路甲1号"), json!("温县副本路甲1号")));
    assert!(found.contains(&one.fid.trim().to_owned()), "{found:?}");
    assert!(
        metric(client, b_base, &admin, ON_REPLICA).await >= on_replica + 3.0,
        "B does not read on the replica again"
    );

    // (iii) The standby stopped: B answers from the primary (never an error for the replica).
    let on_primary = metric(client, b_base, &admin, ON_PRIMARY).await;
    standby.stop();
    let stopped_at = Instant::now();
    let (cache, land_use) = land_use_in_tile(client, &tile_url(b_base, two.lon, two.lat, 17), &two.fid).await;
    assert_eq!((cache.as_str(), land_use.as_deref()), ("MISS", Some(use_two.as_str())));
    let (address, _, found, identified) = b_sees(client, b_base, &two, "温县副本路乙2号").await;
    assert_eq!((address, identified), (json!("温县副本路乙2号"), json!("温县副本路乙2号")));
    assert!(found.contains(&two.fid.trim().to_owned()), "{found:?}");
    assert!(metric(client, b_base, &admin, ON_PRIMARY).await >= on_primary + 4.0);
    assert_eq!(metric(client, b_base, &admin, "onemap_replica_up").await, 0.0);
    eprintln!("answered without the standby in {:?}", stopped_at.elapsed());
    assert!(b.log().contains("read replica unavailable"), "{}", b.log());
    eprintln!("the whole test: {:?}", started.elapsed());
}

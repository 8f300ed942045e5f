//! The embedded cluster, migrations, and clear errors for bad database settings.

mod common;

use std::net::TcpListener;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use common::{Env, assert_one_error_line, free_port};

#[test]
fn embedded_cluster_starts_from_nothing_and_again_when_running() {
    let env = Env::new();
    assert_eq!(env.ok(&["db", "status"]).trim(), "not running");
    let first = env.url();
    assert!(
        first.starts_with("postgres://onemap:") && first.ends_with(&format!("@127.0.0.1:{}/onemap", env.pg_port)),
        "{first}"
    );
    assert_eq!(env.ok(&["db", "status"]).trim(), format!("running on 127.0.0.1:{}", env.pg_port));
    // Already running: same URL, nothing re-initialised.
    assert_eq!(env.url(), first);
    assert!(env.ok(&["db", "start"]).contains("already running"));
    // The cluster belongs to the postgres OS user when we are root, and is durable by default.
    let conf = std::fs::read_to_string(env.data_dir().join("pg/postgresql.conf")).unwrap_or_default();
    assert!(conf.contains("listen_addresses = '127.0.0.1'"));
    assert!(!conf.contains("fsync = off") && !conf.contains("\nfsync=off"));
    assert!(env.ok(&["db", "stop"]).contains("stopped"));
    assert_eq!(env.ok(&["db", "status"]).trim(), "not running");
    assert!(env.ok(&["db", "start"]).contains("started"));
    assert_eq!(env.url(), first, "the password survives restarts");
}

#[tokio::test]
async fn migrations_apply_to_a_fresh_cluster_and_are_idempotent() {
    let env = Env::new();
    let out = env.ok(&["db", "migrate"]);
    assert!(out.starts_with("schema version 2026"), "{out}");
    assert_eq!(env.ok(&["db", "migrate"]), out);
    let pool = env.pool().await;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    for t in [
        "admin_areas",
        "cadastral_districts",
        "cadastral_subdistricts",
        "parcels",
        "buildings",
        "house_units",
        "right_holders",
        "rights",
        "right_parties",
        "certificates",
        "relocation_projects",
        "appraisal_firms",
        "project_appraisal_firms",
        "compensation_units",
        "payments",
        "photos",
        "archive_documents",
        "roads",
    ] {
        assert!(tables.iter().any(|x| x == t), "missing table {t}: {tables:?}");
    }
    // Typed geometry columns with SRID 4490 (and their Web Mercator copies for the tiles,
    // `geom_3857`) and a GiST index on each. Exceptions by design: staged import features hold
    // whatever geometry a file has (validation says what is wrong), and the history tables
    // and the issues of an import are read by code, time or import, not by place.
    let untyped: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM geometry_columns WHERE f_table_schema = 'public' AND f_table_name NOT LIKE 'stage_%'
           AND f_table_name <> 'import_features' AND (srid <> CASE WHEN f_geometry_column = 'geom_3857' THEN 3857 ELSE 4490 END OR type = 'GEOMETRY')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(untyped, 0);
    let without_index: Vec<String> = sqlx::query_scalar(
        "SELECT f_table_name || '.' || f_geometry_column FROM geometry_columns g WHERE f_table_schema = 'public'
           AND f_table_name NOT LIKE '%\\_history' AND f_table_name <> 'import_issues' AND NOT EXISTS (SELECT 1 FROM pg_indexes i WHERE i.tablename = g.f_table_name AND i.indexdef ILIKE '%gist%' AND i.indexdef LIKE '%' || g.f_geometry_column || '%')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(without_index.is_empty(), "{without_index:?}");
    // The database refuses malformed codes and codes that do not extend their parent.
    let bad = sqlx::query("INSERT INTO admin_areas (code, name, level) VALUES ('410825', '温县', 'county')")
        .execute(&pool)
        .await;
    assert!(bad.is_ok());
    sqlx::query("INSERT INTO cadastral_districts (code, name) VALUES ('410825001', 'd')").execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO cadastral_subdistricts (code, name) VALUES ('410825001001', 's')")
        .execute(&pool)
        .await
        .unwrap();
    let insert_parcel = |code: &'static str| {
        sqlx::query("INSERT INTO parcels (parcel_code, address, land_use, right_type, right_nature, geom) VALUES ($1, 'x', '0702', 'homestead_use', 'approved', ST_Multi(ST_MakeEnvelope(113, 34.9, 113.0001, 34.9001, 4490)))")
            .bind(code)
    };
    assert!(insert_parcel("410825001001GC00001").execute(&pool).await.is_err(), "C needs J");
    assert!(insert_parcel("410825001002JC00001").execute(&pool).await.is_err(), "unknown sub-district");
    insert_parcel("410825001001JC00001").execute(&pool).await.unwrap();
    // Area in m² from the Gauss-Krüger zone, against the ellipsoidal area as reference.
    let (area, reference, version): (f64, f64, i32) =
        sqlx::query_as("SELECT area_m2, ST_Area(geom::geography), version FROM parcels")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!((area - reference).abs() / reference < 0.002, "{area} m² vs ellipsoidal {reference} m²");
    sqlx::query("UPDATE parcels SET address = 'y'").execute(&pool).await.unwrap();
    let v2: i32 = sqlx::query_scalar("SELECT version FROM parcels").fetch_one(&pool).await.unwrap();
    assert_eq!(v2, version + 1);
    let wrong_building = sqlx::query(
        "INSERT INTO buildings (parcel_id, building_no, floors, structure, planned_use, geom) SELECT id, '410825001001JC00002F0001', 1, 'mixed', 'residential', geom FROM parcels",
    )
    .execute(&pool)
    .await;
    assert!(wrong_building.is_err(), "a building number must extend its parcel's code");
}

#[test]
fn wrong_database_url_is_one_clear_line() {
    let env = Env::new();
    let port = free_port();
    let out = env
        .cmd()
        .env("DATABASE_URL", format!("postgres://nobody:secret@127.0.0.1:{port}/nowhere"))
        .args(["db", "migrate"])
        .output()
        .unwrap();
    assert_one_error_line(&out, &format!("cannot connect to the database at 127.0.0.1:{port}/nowhere"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("secret"), "the password is not printed");
    let out = env.cmd().env("DATABASE_URL", "mysql://localhost/x").args(["db", "migrate"]).output().unwrap();
    assert_one_error_line(&out, "not a valid PostgreSQL URL");
}

#[test]
fn unwritable_data_dir_is_one_clear_line() {
    let env = Env::new();
    let out = env.cmd().env("ONEMAP_DATA_DIR", "/proc/onemap-cannot-be-here").args(["db", "url"]).output().unwrap();
    assert_one_error_line(&out, "data directory /proc/onemap-cannot-be-here is not writable");
}

#[test]
fn cluster_port_in_use_is_one_clear_line() {
    let env = Env::new();
    let _taken = TcpListener::bind(("127.0.0.1", env.pg_port)).unwrap();
    let out = env.run(&["db", "url"]);
    assert_one_error_line(&out, &format!("port {} is already in use", env.pg_port));
}

#[tokio::test]
async fn postgis_not_allowed_is_one_clear_line() {
    let env = Env::new();
    let pool = env.pool().await;
    sqlx::query("CREATE ROLE plain LOGIN PASSWORD 'plain-pw' NOSUPERUSER").execute(&pool).await.unwrap();
    sqlx::query("CREATE DATABASE plain_db OWNER plain").execute(&pool).await.unwrap();
    let url = format!("postgres://plain:plain-pw@127.0.0.1:{}/plain_db", env.pg_port);
    let out = env.cmd().env("DATABASE_URL", url).args(["db", "migrate"]).output().unwrap();
    assert_one_error_line(&out, "PostGIS is available but the extension could not be created");
}

/// A real PostgreSQL 15 without the PostGIS package: the Debian binaries relocated next to a
/// copy of the share directory that lacks PostGIS's extension files.
fn postgres_without_postgis(root: &Path) -> std::path::PathBuf {
    let bin = root.join("usr/lib/postgresql/15/bin");
    std::fs::create_dir_all(&bin).unwrap();
    for prog in ["initdb", "pg_ctl", "postgres"] {
        std::fs::copy(Path::new("/usr/lib/postgresql/15/bin").join(prog), bin.join(prog)).unwrap();
    }
    let lib = root.join("usr/lib/postgresql/15/lib");
    symlink("/usr/lib/postgresql/15/lib", &lib).unwrap();
    let share = root.join("usr/share/postgresql/15");
    std::fs::create_dir_all(share.join("extension")).unwrap();
    for entry in std::fs::read_dir("/usr/share/postgresql/15").unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "extension" {
            symlink(entry.path(), share.join(entry.file_name())).unwrap();
        }
    }
    for entry in std::fs::read_dir("/usr/share/postgresql/15/extension").unwrap() {
        let entry = entry.unwrap();
        if !entry.file_name().to_string_lossy().starts_with("postgis") {
            symlink(entry.path(), share.join("extension").join(entry.file_name())).unwrap();
        }
    }
    for dir in ["usr", "usr/lib", "usr/lib/postgresql", "usr/lib/postgresql/15", "usr/lib/postgresql/15/bin"] {
        std::fs::set_permissions(root.join(dir), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

#[test]
fn server_without_postgis_is_one_clear_line() {
    let env = Env::new();
    let bin = postgres_without_postgis(&env.path().join("pg-without-postgis"));
    let out = env.cmd().env("ONEMAP_PG_BIN", &bin).args(["db", "migrate"]).output().unwrap();
    assert_one_error_line(&out, "PostGIS is not installed on the database server");
    env.cmd().env("ONEMAP_PG_BIN", &bin).args(["db", "stop"]).output().unwrap();
}

//! The demo county: size, invariants, real files, determinism.

mod common;

use std::collections::HashSet;
use std::time::Instant;

use common::{Env, assert_one_error_line};
use onemap_codes::check::{is_valid_mod37_36, is_valid_resident_id};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCode};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn default_demo_county_holds_its_invariants() {
    let env = Env::new();
    let started = Instant::now();
    let out = env.ok(&["demo", "load", "--no-sign"]);
    let secs = started.elapsed().as_secs_f64();
    println!("demo load (default size, debug build): {secs:.1} s — {out}");
    let pool = env.pool().await;

    let (parcels, buildings, units, projects): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM parcels), (SELECT count(*) FROM buildings), (SELECT count(*) FROM house_units), (SELECT count(*) FROM relocation_projects)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(parcels, 20_000);
    assert!(buildings > 10_000 && units > buildings, "{buildings} buildings, {units} house units");
    assert_eq!(projects, 2);

    for (rule, violations) in
        sqlx::query_as::<_, (String, i64)>(include_str!("../../tests/fixtures/demo_invariants.sql"))
            .fetch_all(&pool)
            .await
            .unwrap()
    {
        assert_eq!(violations, 0, "invariant broken: {rule}");
    }

    // Kinds of land: homesteads in villages, state construction land in towns, farmland, forest.
    let uses: HashSet<String> = sqlx::query_scalar("SELECT DISTINCT land_use::text FROM parcels")
        .fetch_all(&pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    for u in ["0702", "0701", "0501", "0103", "0301"] {
        assert!(uses.contains(u), "no parcels with land use {u}: {uses:?}");
    }
    let roads: i64 = sqlx::query_scalar("SELECT count(*) FROM roads").fetch_one(&pool).await.unwrap();
    assert!(roads > 10);
    let town_names: Vec<String> = sqlx::query_scalar("SELECT name FROM admin_areas WHERE level = 'town' ORDER BY code")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(town_names.first().map(String::as_str), Some("温泉街道"));
    assert_eq!(town_names.len(), 12);

    // Every code parses with the codes crate, is unique, and extends its parent.
    let parcel_codes: Vec<String> =
        sqlx::query_scalar("SELECT parcel_code::text FROM parcels").fetch_all(&pool).await.unwrap();
    let parcel_set: HashSet<&String> = parcel_codes.iter().collect();
    assert_eq!(parcel_set.len(), parcel_codes.len());
    for c in &parcel_codes {
        c.parse::<ParcelCode>().unwrap_or_else(|e| panic!("{c}: {e}"));
    }
    for c in sqlx::query_scalar::<_, String>("SELECT building_no::text FROM buildings").fetch_all(&pool).await.unwrap()
    {
        let b: BuildingNumber = c.parse().unwrap_or_else(|e| panic!("{c}: {e}"));
        assert!(parcel_set.contains(&b.parcel().to_string()));
    }
    let unit_codes: Vec<String> =
        sqlx::query_scalar("SELECT unit_code::text FROM house_units").fetch_all(&pool).await.unwrap();
    assert_eq!(unit_codes.iter().collect::<HashSet<_>>().len(), unit_codes.len());
    for c in &unit_codes {
        let u: UnitCode = c.parse().unwrap_or_else(|e| panic!("{c}: {e}"));
        assert!(parcel_set.contains(&u.parcel().to_string()));
    }

    // Certificates carry valid identifiers; people carry check-digit-valid ID numbers.
    for id in sqlx::query_scalar::<_, String>("SELECT identifier FROM certificates").fetch_all(&pool).await.unwrap() {
        assert!(is_valid_mod37_36(&id), "{id}");
    }
    for id in sqlx::query_scalar::<_, String>("SELECT id_number FROM right_holders WHERE id_type = 'resident_id'")
        .fetch_all(&pool)
        .await
        .unwrap()
    {
        assert!(is_valid_resident_id(&id), "{id}");
    }

    // Projects of about 300 and 1,500 house units, compensation units in every state.
    let per_project: Vec<(String, i64)> = sqlx::query_as(
        "SELECT r.code, count(c.house_unit_id) FROM relocation_projects r JOIN compensation_units c ON c.project_id = r.id GROUP BY r.code ORDER BY r.code",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!((250..=400).contains(&per_project[0].1), "{per_project:?}");
    assert!((1300..=1700).contains(&per_project[1].1), "{per_project:?}");
    let states: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM compensation_units ORDER BY 1").fetch_all(&pool).await.unwrap();
    assert_eq!(states, ["appraised", "demolished", "paid", "signed", "surveyed"]);
    let firms: i64 = sqlx::query_scalar("SELECT count(DISTINCT firm_id) FROM project_appraisal_firms")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(firms, 2);

    // Photos are real JPEGs whose EXIF position and time match the database.
    let files = env.data_dir().join("files");
    let photos: Vec<(String, String, f64, f64, String)> = sqlx::query_as(
        "SELECT file_path, sha256::text, ST_X(geom), ST_Y(geom), to_char(taken_at AT TIME ZONE 'Asia/Shanghai', 'YYYY:MM:DD HH24:MI:SS') FROM photos",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (path, sha, lon, lat, taken) in &photos {
        let bytes = std::fs::read(files.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(&hex::encode(Sha256::digest(&bytes)), sha, "{path}");
        let exif = exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&bytes))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let deg = |tag| match exif.get_field(tag, exif::In::PRIMARY).map(|f| &f.value) {
            Some(exif::Value::Rational(v)) if v.len() == 3 => {
                v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0
            }
            other => panic!("{path}: no GPS value for {tag}: {other:?}"),
        };
        let (elat, elon) = (deg(exif::Tag::GPSLatitude), deg(exif::Tag::GPSLongitude));
        assert!((elat - lat).abs() < 1e-5 && (elon - lon).abs() < 1e-5, "{path}: EXIF {elon},{elat} vs {lon},{lat}");
        let when = exif
            .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
            .map(|f| f.display_value().to_string())
            .unwrap_or_default();
        assert_eq!(when.replace('-', ":"), taken.replace('-', ":"), "{path}");
    }
    // Archive documents are real PDFs.
    let docs: Vec<(String, String)> =
        sqlx::query_as("SELECT file_path, sha256::text FROM archive_documents").fetch_all(&pool).await.unwrap();
    assert!(!docs.is_empty());
    for (path, sha) in &docs {
        let bytes = std::fs::read(files.join(path)).unwrap();
        assert!(bytes.starts_with(b"%PDF-") && bytes.windows(5).any(|w| w == b"%%EOF"), "{path}");
        assert_eq!(&hex::encode(Sha256::digest(&bytes)), sha);
    }
    if let Ok(out) = std::process::Command::new("pdfinfo").arg(files.join(&docs[0].0)).output() {
        assert!(out.status.success(), "pdfinfo rejects {}: {}", docs[0].0, String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Pages:           1"));
    }
}

async fn digest(env: &Env) -> String {
    let pool = env.pool().await;
    let d = sqlx::query_scalar(
        "SELECT md5(string_agg(parcel_code || ST_AsText(ST_SnapToGrid(geom, 1e-9)), ',' ORDER BY parcel_code))
              || md5((SELECT string_agg(name || id_number, ',' ORDER BY id) FROM right_holders))
              || md5((SELECT string_agg(code || status || total_amount, ',' ORDER BY id) FROM compensation_units))
         FROM parcels",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    d
}

#[tokio::test]
async fn same_seed_same_county_and_loads_are_guarded() {
    let env = Env::new();
    // The demo's certificates are signed at load, each with its face on disk.
    let out = env.ok(&["demo", "load", "--parcels", "3000", "--seed", "7"]);
    println!("{out}");
    let files = env.data_dir().join("files");
    let pool = env.pool().await;
    let (certificates, signed): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM certificates),
                (SELECT count(*) FROM certificates c JOIN certificate_signatures s ON s.certificate_id = c.id
                 WHERE c.signer = s.key_id AND c.qr_content LIKE '%/verify/' || c.identifier || '?c=' || s.check_value)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(certificates > 10_000, "{certificates} certificates");
    assert_eq!(signed, certificates, "every certificate signed at load");
    assert!(out.contains(&format!("{certificates} certificates signed in")), "{out}");
    assert_eq!(walk(&files.join("certificates")) as i64, certificates, "one face per certificate");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'certificate_sign'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, certificates);
    pool.close().await;
    let first = digest(&env).await;
    // A second load needs --replace; --if-empty keeps what is there.
    assert_one_error_line(&env.run(&["demo", "load", "--parcels", "3000"]), "already holds 3000 parcels");
    assert!(env.ok(&["demo", "load", "--if-empty"]).contains("not loaded"));
    env.ok(&["demo", "load", "--parcels", "3000", "--seed", "7", "--replace", "--no-sign"]);
    assert_eq!(digest(&env).await, first, "the same seed gives the same county");
    env.ok(&["demo", "load", "--parcels", "3000", "--seed", "8", "--replace", "--no-sign"]);
    assert_ne!(digest(&env).await, first, "another seed gives another county");
    // Files of the replaced load are gone (the signed faces too), the new ones are in place,
    // no staging left behind.
    assert_eq!(walk(&files.join("certificates")), 0, "the replaced county's faces are gone");
    let leftovers: Vec<_> = std::fs::read_dir(&files)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with(".incoming"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let pool = env.pool().await;
    let paths: Vec<String> = sqlx::query_scalar("SELECT file_path FROM photos").fetch_all(&pool).await.unwrap();
    let on_disk = walk(&files.join("photos"));
    assert_eq!(on_disk, paths.len(), "exactly the loaded photos are on disk");
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

#[test]
fn bad_demo_arguments_are_rejected() {
    let env = Env::new();
    let out = env.run(&["demo", "load", "--parcels", "10"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2000"), "{}", String::from_utf8_lossy(&out.stderr));
}

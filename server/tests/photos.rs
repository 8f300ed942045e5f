//! Field photos through the API on the demo county: JPEGs with EXIF written by a crate
//! (little_exif, as the demo's) at known positions inside, near and far from compensation
//! units, without EXIF, corrupt, an SVG in disguise, a zip of them; duplicates stored once;
//! the unmatched queue and a photo assigned by hand with If-Match; who may upload.

mod common;

use chrono::{FixedOffset, TimeZone};
use common::{Demo, outsider_appraiser, token};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PROJECT: &str = "WX-ZS-2025-02";

/// A JPEG with GPS at (lon, lat), taken at `when` (Beijing time), facing `direction`.
fn photo(seed: u64, lon: f64, lat: f64, when: &str, direction: f32) -> Vec<u8> {
    let t = chrono::NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M:%S").unwrap();
    let taken = FixedOffset::east_opt(8 * 3600).unwrap().from_local_datetime(&t).unwrap();
    onemap_demo::media::photo_jpeg(seed, lon, lat, taken, direction).unwrap()
}

/// A JPEG without any EXIF.
fn bare_jpeg() -> Vec<u8> {
    let px: Vec<u8> = (0..64 * 48 * 3).map(|i| (i % 251) as u8).collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80).encode(&px, 64, 48, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

fn part(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned())
}

async fn upload(d: &Demo, t: &str, query: &str, parts: Vec<reqwest::multipart::Part>) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        form = form.part("file", p);
    }
    let r =
        d.client.post(format!("{}/api/photos?{query}", d.base)).bearer_auth(t).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn by_file<'a>(results: &'a Value, file: &str) -> &'a Value {
    results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == file)
        .unwrap_or_else(|| panic!("no result for {file}: {results}"))
}

#[tokio::test]
async fn photos_linked_by_position() {
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    // A unit with an outline; a point inside it; a point ~12 m outside whose nearest unit
    // (measured here over every unit, on the ellipsoid) is within 30 m; a point 600 m from all.
    let (unit, in_lon, in_lat): (String, f64, f64) = sqlx::query_as(
        "SELECT c.code, ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom))
         FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
         WHERE r.code = $1 AND c.geom IS NOT NULL ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let near: (f64, f64, String, f64) = sqlx::query_as(
        "WITH cand AS (
            SELECT ST_XMax(c.geom) + s * 0.00012 AS lon, (ST_YMin(c.geom) + ST_YMax(c.geom)) / 2 AS lat
            FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id, generate_series(1, 3) s
            WHERE r.code = $1 AND c.geom IS NOT NULL
            ORDER BY c.code LIMIT 300
         ), scored AS (
            SELECT cand.lon, cand.lat, n.code, n.d, n.rank FROM cand, LATERAL (
                SELECT k.code, ST_Distance(ST_SetSRID(k.geom, 4326)::geography, ST_SetSRID(ST_Point(cand.lon, cand.lat), 4326)::geography) AS d,
                       row_number() OVER (ORDER BY ST_Distance(ST_SetSRID(k.geom, 4326)::geography, ST_SetSRID(ST_Point(cand.lon, cand.lat), 4326)::geography)) AS rank
                FROM (SELECT c.code, c.geom FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id
                      WHERE r.code = $1 AND c.geom IS NOT NULL
                      ORDER BY c.geom <-> ST_SetSRID(ST_Point(cand.lon, cand.lat), 4490) LIMIT 8) k) n
         )
         SELECT a.lon, a.lat, a.code, a.d FROM scored a JOIN scored b ON (b.lon, b.lat) = (a.lon, a.lat) AND b.rank = 2
         WHERE a.rank = 1 AND a.d BETWEEN 8 AND 20 AND b.d - a.d > 3
         ORDER BY a.code, a.lon LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let (far_lon, far_lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_XMax(ST_Extent(c.geom)) + 0.007, ST_YMax(ST_Extent(c.geom)) + 0.007
         FROM compensation_units c JOIN relocation_projects r ON r.id = c.project_id WHERE r.code = $1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let inside = photo(1, in_lon, in_lat, "2025-06-01 09:30:15", 135.0);
    let (status, r) = upload(
        &d,
        &officer,
        &format!("project={PROJECT}"),
        vec![
            part(inside.clone(), "inside.jpg"),
            part(photo(2, near.0, near.1, "2025-06-01 10:00:00", 45.0), "near.jpg"),
            part(photo(3, far_lon, far_lat, "2025-06-01 10:05:00", 10.0), "far.jpg"),
            part(bare_jpeg(), "bare.jpg"),
            part(photo(4, in_lon, in_lat, "2001-01-01 08:00:00", 0.0), "old.jpg"),
            part(inside[..inside.len() / 3].to_vec(), "truncated.jpg"),
            part(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(), "photo.jpg"),
            part(inside.clone(), "again.jpg"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let sha = hex::encode(Sha256::digest(&inside));
    let a = by_file(&r, "inside.jpg");
    assert_eq!(
        (a["unit"].as_str(), a["method"].as_str(), a["sha256"].as_str()),
        (Some(unit.as_str()), Some("inside"), Some(sha.as_str())),
        "{r}"
    );
    assert_eq!(a["taken_at"], "2025-06-01T09:30:15+08:00", "{r}");
    assert!(a["distance_m"].is_null() && a["warnings"].as_array().unwrap().is_empty(), "{r}");
    let photo_no = a["photo_no"].as_str().unwrap().to_owned();
    assert!(photo_no.starts_with(&format!("{PROJECT}-ZP-")) && photo_no.len() == PROJECT.len() + 9, "{photo_no}");
    let n = by_file(&r, "near.jpg");
    assert_eq!((n["unit"].as_str(), n["method"].as_str()), (Some(near.2.as_str()), Some("nearest")), "{r}");
    assert!((n["distance_m"].as_f64().unwrap() - near.3).abs() < 0.2, "{r} vs {near:?}");
    let f = by_file(&r, "far.jpg");
    assert!(f["unit"].is_null() && f["method"].is_null(), "{r}");
    assert!(f["warnings"][0].as_str().unwrap().contains("30 m"), "{r}");
    let b = by_file(&r, "bare.jpg");
    assert!(b["unit"].is_null() && b["warnings"][0].as_str().unwrap().contains("no GPS"), "{r}");
    assert!(b["photo_no"].is_string(), "kept in the queue: {r}");
    let o = by_file(&r, "old.jpg");
    assert_eq!(o["method"], "inside", "{r}");
    assert!(
        o["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("outside the project's")),
        "{r}"
    );
    assert_eq!(by_file(&r, "truncated.jpg")["error"], "corrupt_image", "{r}");
    assert_eq!(by_file(&r, "photo.jpg")["error"], "refused_content", "{r}");
    let again = by_file(&r, "again.jpg");
    assert_eq!(
        (again["duplicate_of"].as_str(), again["photo_no"].as_str()),
        (Some(photo_no.as_str()), Some(photo_no.as_str())),
        "{r}"
    );

    // Stored once, with its file, hash, thumbnail, direction and audit row.
    let (count, path, thumb, direction, method): (i64, String, Option<String>, Option<f32>, Option<String>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM photos WHERE sha256 = $2), file_path, thumbnail_path, direction_deg, link_method
         FROM photos WHERE photo_no = $1",
    )
    .bind(&photo_no)
    .bind(&sha)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((count, direction, method.as_deref()), (1, Some(135.0), Some("inside")));
    let files = d.env.data_dir().join("files");
    assert_eq!(std::fs::read(files.join(&path)).unwrap(), inside);
    assert!(!path.contains("inside") && path.ends_with(".jpg"), "generated name: {path}");
    let thumbnail = std::fs::read(files.join(thumb.unwrap())).unwrap();
    assert!(thumbnail.starts_with(&[0xff, 0xd8]) && thumbnail.len() < inside.len());
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM photos WHERE uploaded_by = 'user:officer'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(stored, 5, "inside, near, far, bare, old");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'photo_upload'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(audited, 5);
    let leftovers: Vec<_> =
        walk(&files).into_iter().filter(|p| p.contains(".part") || p.contains(".incoming/")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A zip of photos; everything refused → 422 naming each file, nothing stored.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, name) in ["相片/一.jpg", "相片/二.jpg"].iter().enumerate() {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, &photo(10 + 40 * i as u64, in_lon, in_lat, "2025-06-02 09:00:00", 90.0))
            .unwrap();
    }
    let zipped = zip.finish().unwrap().into_inner();
    let (status, r) =
        upload(&d, &officer, &format!("project={PROJECT}&kind=demolition"), vec![part(zipped, "现场.zip")]).await;
    assert_eq!(status, 201, "{r}");
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");
    assert!(
        r.as_array()
            .unwrap()
            .iter()
            .all(|x| x["unit"] == unit.as_str() && x["file"].as_str().unwrap().starts_with("现场.zip/")),
        "{r}"
    );
    let (status, r) =
        upload(&d, &officer, &format!("project={PROJECT}"), vec![part(b"%PDF-1.7\n".to_vec(), "a.pdf")]).await;
    assert_eq!((status, r["code"].as_str()), (422, Some("photo_refused")), "{r}");

    // The unmatched queue; assigned by hand with If-Match.
    let q = d
        .client
        .get(format!("{}/api/photos?project={PROJECT}&unmatched=true", d.base))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let queued: Vec<&str> = q["photos"].as_array().unwrap().iter().map(|p| p["photo_no"].as_str().unwrap()).collect();
    let far_no = f["photo_no"].as_str().unwrap();
    assert!(queued.contains(&far_no) && queued.contains(&b["photo_no"].as_str().unwrap()), "{q}");
    assert!(!queued.contains(&photo_no.as_str()), "{q}");
    let url = format!("{}/api/photos/{far_no}", d.base);
    let got = d.client.get(&url).bearer_auth(&officer).send().await.unwrap();
    let tag = got.headers()["etag"].to_str().unwrap().to_owned();
    let patch = |tag: String, body: Value| {
        d.client.patch(&url).bearer_auth(&officer).header("if-match", tag).json(&body).send()
    };
    let r = patch(tag.clone(), json!({"unit": "NO-SUCH-UNIT"})).await.unwrap();
    assert_eq!(r.status(), 422);
    let r = patch(tag.clone(), json!({"unit": unit, "caption": "东侧外墙", "direction_deg": 270})).await.unwrap();
    assert_eq!(r.status(), 200);
    let assigned: Value = r.json().await.unwrap();
    assert_eq!(
        (assigned["unit"].as_str(), assigned["method"].as_str(), assigned["caption"].as_str()),
        (Some(unit.as_str()), Some("manual"), Some("东侧外墙"))
    );
    assert_eq!(patch(tag, json!({"caption": "stale"})).await.unwrap().status(), 412);
    let (before, after): (Value, Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'photo_update' AND target = $1")
            .bind(far_no)
            .fetch_one(&d.pool)
            .await
            .unwrap();
    assert_eq!((before["unit"].clone(), after["unit"].as_str()), (Value::Null, Some(unit.as_str())));

    // A camera-sized photo (over the 1 MiB limit of JSON bodies) goes through: uploads stream.
    let big = {
        let (w, h) = (2400u16, 1800u16);
        let mut seed = 7u32;
        let px: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 24) as u8
            })
            .collect();
        let mut out = Vec::new();
        jpeg_encoder::Encoder::new(&mut out, 90).encode(&px, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        out
    };
    assert!(big.len() > 2 << 20, "{}", big.len());
    let (status, r) = upload(&d, &officer, &format!("project={PROJECT}"), vec![part(big, "big.jpg")]).await;
    assert_eq!(status, 201, "{r}");
    assert!(r[0]["photo_no"].is_string() && r[0]["error"].is_null(), "{r}");

    // Who may upload: not a clerk; not an appraiser of a firm the project did not appoint.
    let clerk = token(&d.client, &d.base, "clerk").await;
    let (status, _) = upload(&d, &clerk, &format!("project={PROJECT}"), vec![part(bare_jpeg(), "x.jpg")]).await;
    assert_eq!(status, 403);
    let outsider = outsider_appraiser(&d, PROJECT).await;
    let (status, r) = upload(&d, &outsider, &format!("project={PROJECT}"), vec![part(bare_jpeg(), "x.jpg")]).await;
    assert_eq!(status, 403, "{r}");
}

/// Every file under `dir`, relative.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out
}

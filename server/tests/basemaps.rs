//! Basemaps (issue 18): `[[basemaps]]` of onemap.toml listed by `GET /api/basemaps` (天地图 with
//! its annotation layer and key, a local MBTiles file as onemap's own tile URL), the tiles of
//! an MBTiles file made here (Python's sqlite3) served with their rows flipped from TMS, the
//! page's Content-Security-Policy opened to the configured hosts only, and the layer panel
//! switching the local basemap on in Chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Demo, get_json};
use serde_json::Value;

/// An MBTiles file of zooms 0–2: every tile a PNG, red where y = 0 (the northern row) at
/// zoom 1, blue elsewhere. Returns (red, blue) PNG bytes.
fn make_mbtiles(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let script = r#"
import sqlite3, struct, sys, zlib
def png(rgb):
    raw = b''.join(b'\x00' + bytes(rgb) * 256 for _ in range(256))
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 256, 256, 8, 2, 0, 0, 0)) \
        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
red, blue = png((200, 40, 40)), png((40, 80, 200))
db = sqlite3.connect(sys.argv[1])
db.executescript('CREATE TABLE metadata (name text, value text); CREATE TABLE tiles (zoom_level integer, '
                 'tile_column integer, tile_row integer, tile_data blob); '
                 "INSERT INTO metadata VALUES ('name', 'test'), ('format', 'png'), ('minzoom', '0'), ('maxzoom', '2');")
for z in range(3):
    for x in range(2 ** z):
        for row in range(2 ** z):
            north = z == 1 and row == 1  # TMS rows count from the south
            db.execute('INSERT INTO tiles VALUES (?, ?, ?, ?)', (z, x, row, red if north else blue))
db.commit()
open(sys.argv[1] + '.red', 'wb').write(red)
open(sys.argv[1] + '.blue', 'wb').write(blue)
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(path).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |ext: &str| std::fs::read(format!("{}.{ext}", path.display())).unwrap();
    (read("red"), read("blue"))
}

#[tokio::test]
async fn configured_basemaps_are_listed_served_and_switched_on_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("offline.mbtiles");
    let (red, blue) = make_mbtiles(&file);
    let config = dir.path().join("onemap.toml");
    std::fs::write(
        &config,
        format!(
            "[[basemaps]]\nid = \"offline\"\nname = \"离线影像\"\nkind = \"mbtiles\"\npath = \"{}\"\nmax_zoom = 2\n\n\
             [[basemaps]]\nid = \"tdt-img\"\nname = \"天地图影像\"\nkind = \"tianditu\"\nlayer = \"img\"\nkey = \"k123\"\n",
            file.display()
        ),
    )
    .unwrap();
    let d =
        Demo::start_with(&[("ONEMAP_CONFIG", config.to_str().unwrap()), ("ONEMAP_STATIC_DIR", dist.to_str().unwrap())])
            .await;

    // Listed for anyone, in order.
    let (status, list) = get_json(&d.client, format!("{}/api/basemaps", d.base), None).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], "offline");
    assert_eq!(list[0]["layers"], serde_json::json!([[format!("{}/basemaps/offline/{{z}}/{{x}}/{{y}}", d.base)]]));
    assert_eq!(list[0]["max_zoom"], 2);
    let tdt = list[1]["layers"].as_array().unwrap();
    assert_eq!(tdt.len(), 2, "imagery and its annotation: {}", list[1]);
    assert!(tdt[0][0].as_str().unwrap().starts_with("https://t0.tianditu.gov.cn/img_w/wmts?"), "{}", tdt[0][0]);
    assert!(tdt[1][7].as_str().unwrap().contains("LAYER=cia") && tdt[1][7].as_str().unwrap().ends_with("tk=k123"));

    // Tiles: XYZ rows (north first) from TMS rows; a tile the file lacks is 204.
    let tile = |z: u32, x: u32, y: u32| {
        let (client, base) = (d.client.clone(), d.base.clone());
        async move {
            let r = client.get(format!("{base}/basemaps/offline/{z}/{x}/{y}")).send().await.unwrap();
            let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
            (r.status().as_u16(), kind, r.bytes().await.unwrap().to_vec())
        }
    };
    assert_eq!(tile(1, 0, 0).await, (200, Some("image/png".into()), red.clone()));
    assert_eq!(tile(1, 1, 1).await, (200, Some("image/png".into()), blue.clone()));
    assert_eq!(tile(0, 0, 0).await.2, blue);
    assert_eq!(tile(3, 0, 0).await.0, 204);
    for (path, status, code) in [
        ("/basemaps/offline/1/2/0", 400, "invalid_tile"),
        ("/basemaps/offline/a/b/c", 400, "invalid_tile"),
        ("/basemaps/nothing/0/0/0", 404, "not_found"),
        ("/basemaps/tdt-img/0/0/0", 404, "not_found"),
    ] {
        let (s, v) = get_json(&d.client, format!("{}{path}", d.base), None).await;
        assert_eq!((s, v["code"].as_str()), (status, Some(code)), "{path}: {v}");
    }

    // The page may load tiles from 天地图's hosts, and only those besides its own.
    let page = d.client.get(format!("{}/", d.base)).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("connect-src 'self' https://*.tianditu.gov.cn;"), "{csp}");
    assert!(csp.contains("img-src 'self' data: blob: https://*.tianditu.gov.cn;"), "{csp}");

    // The layer panel switches the offline basemap on: its tiles are fetched and drawn.
    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/basemaps.mjs"))
        .args([d.base.as_str(), shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui basemaps: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["choices"], serde_json::json!(["", "offline", "tdt-img"]), "{r}");
    assert_eq!((r["shown"].as_str(), r["tileStatus"].as_i64()), (Some("offline"), Some(200)), "{r}");
    assert_eq!(r["layers"], serde_json::json!(["basemap-offline-0"]), "{r}");
    assert_eq!(r["after"].as_str(), Some(""), "无 takes it away again: {r}");
}

//! 专题制图 in Debian's headless Chromium (tests/ui/print.mjs): the print panel opens the print
//! page of the map's centre (a relocation project) at 1:5000 on A4 landscape; Chromium prints it to PDF, which
//! pdfinfo and pdftotext read back: one A4 landscape page with the title, the legend and the
//! ratio, and a map whose extent on the ground over its width on paper is the ratio within 1 %.
//! The PNG is saved too.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Demo;
use serde_json::Value;

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn the_print_page_prints_to_scale_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("print.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let pdf = d.env.path().join("map.pdf");
    let title = "温县温泉街道征收范围专题图";
    // Around the first relocation project.
    let (lon, lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(ST_Centroid(boundary)), ST_Y(ST_Centroid(boundary)) FROM relocation_projects ORDER BY code LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/print.mjs"))
        .args([d.base.as_str(), title, pdf.to_str().unwrap(), shots.to_str().unwrap()])
        .args([lon.to_string(), lat.to_string()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui print: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["httpErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");
    let ratio = r["ratio"].as_f64().unwrap();
    assert!((ratio / 5000.0 - 1.0).abs() < 0.01, "the map's extent is 1:{ratio}, not 1:5000: {r}");
    assert!(r["scaleText"].as_str().unwrap().contains("1:5000"), "{r}");
    assert!(r["legend"].as_array().unwrap().iter().any(|l| l == "宗地"), "{r}");
    assert_eq!(r["png"]["head"], "data:image/png;base64,", "{r}");
    assert!(r["png"]["length"].as_i64().unwrap() > 50_000, "{r}");

    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(str::trim);
    assert_eq!(pages, Some("1"), "{info}");
    let size = info.lines().find_map(|l| l.strip_prefix("Page size:")).unwrap().trim().to_owned();
    let (w, h): (f64, f64) = {
        let mut it = size.split_whitespace();
        (it.next().unwrap().parse().unwrap(), it.nth(1).unwrap().parse().unwrap())
    };
    assert!((w - 841.89).abs() < 2.0 && (h - 595.28).abs() < 2.0, "A4 landscape: {size}");
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for want in [title, "1:5000", "宗地", "补偿单元", "CGCS2000", "制图日期"] {
        assert!(text.contains(want), "{want} in {text}");
    }
}

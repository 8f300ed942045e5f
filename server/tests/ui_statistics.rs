//! 统计分析 in Debian's headless Chromium (tests/ui/statistics.mjs): the director runs the
//! registration statistics and a project's progress on the statistics page; the charts are
//! drawn (ECharts, vendored), the totals under them equal the API's, and the XLSX download
//! is a workbook.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, get_json, token};
use serde_json::Value;

const P1: &str = "WX-ZS-2023-01";

#[tokio::test]
async fn director_charts_the_register_and_a_project_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(
        dist.join("vendor/echarts/echarts.esm.min.mjs").exists(),
        "the UI is not built: run scripts/build-frontend.sh"
    );
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let director = token(&d.client, &d.base, "director").await;
    let (_, items) =
        get_json(&d.client, format!("{}/ogc/collections/parcels/items?limit=1&f=json", d.base), Some(&director)).await;
    let parcels = items["numberMatched"].as_i64().unwrap();
    let (_, project) = get_json(&d.client, format!("{}/api/projects/{P1}", d.base), Some(&director)).await;

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/statistics.mjs"))
        .args([d.base.as_str(), P1, shots.to_str().unwrap()])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui statistics: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    assert_eq!(r["httpErrors"], serde_json::json!([]), "{r}");
    assert_eq!(r["consoleErrors"], serde_json::json!([]), "{r}");
    // A director runs the relocation and the registration reports, not the audit extract.
    assert_eq!(
        r["reports"],
        serde_json::json!(["project-progress", "fund-statement", "household-compensation", "registration-stats"])
    );
    assert_eq!(r["charts"], serde_json::json!([true, true, true]), "{r}");
    assert!(
        r["chartText"].as_str().unwrap().contains("城镇住宅用地")
            || r["chartText"].as_str().unwrap().contains("农村宅基地"),
        "{r}"
    );
    assert_eq!(r["parcels"]["宗地数"], parcels.to_string(), "{r}");
    assert_eq!(r["progress"]["补偿单元"], project["counts"]["units"].to_string(), "{r}");
    assert_eq!(r["progress"]["已拆除"], project["counts"]["demolished"].to_string(), "{r}");
    assert!(r["href"].as_str().unwrap().contains(&format!("project={P1}")), "{r}");
    assert_eq!((r["download"]["status"].as_i64(), r["download"]["magic"].as_str()), (Some(200), Some("PK")), "{r}");
}

//! The officers' project forms in Debian's headless Chromium (tests/ui/relocation_forms.mjs):
//! compensation units recorded in the survey stage from a house picked on the map and from a
//! drawn outline (which then opens in the work panel), the project's facts saved with
//! If-Match, the survey results published, the owners' appraisal firm recorded, and a
//! compensation decision after the signing period. Projects are prepared through the API (and
//! one put in the decision stage directly); what the forms did is checked in the database.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, set_signing_period, token};
use onemap_api::money::format_yuan;
use serde_json::{Value, json};

const PROJECT: &str = "WX-ZS-2025-02";

/// A square boundary of ±`r` degrees around (lon, lat), as GeoJSON.
fn square(lon: f64, lat: f64, r: f64) -> Value {
    let ring = [[-r, -r], [r, -r], [r, r], [-r, r], [-r, -r]].map(|[x, y]| json!([lon + x, lat + y]));
    json!({"type": "Polygon", "coordinates": [ring]})
}

/// Creates a project around (lon, lat) as the officer: its code.
async fn create_project(d: &Demo, officer: &str, name: &str, lon: f64, lat: f64) -> String {
    let body = json!({"name": name, "boundary": square(lon, lat, 0.0012), "budget": 3_000_000,
                      "implementing_agency": "温县房屋征收与补偿中心"});
    let r = d.client.post(format!("{}/api/projects", d.base)).bearer_auth(officer).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_owned()
}

/// Moves project `code` to stage `to`: requested by the officer, approved by the director.
async fn advance(d: &Demo, officer: &str, director: &str, code: &str, to: &str) {
    let r = d
        .client
        .post(format!("{}/api/projects/{code}/transitions", d.base))
        .bearer_auth(officer)
        .json(&json!({"to": to}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "{to}");
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = d
        .client
        .post(format!("{}/api/approvals/{id}/decision", d.base))
        .bearer_auth(director)
        .json(&json!({"approve": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{to}");
}

#[tokio::test]
async fn project_forms_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let officer = token(&d.client, &d.base, "officer").await;
    let director = token(&d.client, &d.base, "director").await;
    let (today, published, until, started, yesterday): (String, String, String, String, String) = sqlx::query_as(
        "SELECT current_date::text, (current_date - 3)::text, (current_date + 30)::text,
                (current_date - 40)::text, (current_date - 1)::text",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();

    // A house far from every project, and a survey-stage project around it.
    let (house_lon, house_lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(ST_PointOnSurface(h.geom)), ST_Y(ST_PointOnSurface(h.geom)) FROM house_units h
         WHERE NOT EXISTS (SELECT 1 FROM relocation_projects r WHERE ST_DWithin(r.boundary, h.geom, 0.005))
         ORDER BY h.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let survey = create_project(&d, &officer, "界面调查登记测试项目", house_lon, house_lat).await;
    advance(&d, &officer, &director, &survey, "scope").await;
    advance(&d, &officer, &director, &survey, "survey").await;
    // Where the unregistered building is drawn: inside the project, off the house.
    let (draw_lon, draw_lat) = (house_lon + 0.0006, house_lat + 0.0005);
    // A project in the decision stage for the firm (its way there is the workflow test's).
    let firm_project = create_project(&d, &officer, "界面评估机构测试项目", house_lon + 0.01, house_lat).await;
    sqlx::query("UPDATE relocation_projects SET stage = 'decision' WHERE code = $1")
        .bind(&firm_project)
        .execute(&d.pool)
        .await
        .unwrap();
    // The demo project's signing period over yesterday; a unit appraised and not settled.
    set_signing_period(&d, &officer, PROJECT, &started, &yesterday).await;
    let (unit, house_value, decoration): (String, f64, f64) = sqlx::query_as(
        "SELECT c.code, c.house_value::float8, c.decoration_value::float8
         FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id
         WHERE p.code = $1 AND c.status = 'appraised' AND c.appraisal_review = 'accepted' AND c.legality = 'legal'
           AND c.agreement_no IS NULL AND c.decision_no IS NULL ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/relocation_forms.mjs"))
        .args([
            d.base.as_str(),
            &survey,
            &house_lon.to_string(),
            &house_lat.to_string(),
            &draw_lon.to_string(),
            &draw_lat.to_string(),
            &firm_project,
            PROJECT,
            &unit,
            &published,
            &until,
            shots.to_str().unwrap(),
        ])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui relocation forms: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    // The only refusal is the one provoked on purpose: the same house recorded twice.
    assert_eq!(r["httpErrors"], json!([format!("409 POST /api/projects/{survey}/units")]), "{r}");
    let errors = r["consoleErrors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e.as_str().unwrap().contains("409 (Conflict)")), "{r}");

    // 1. The picked house: the unit code the panel showed, recorded with owner and tenant.
    assert_eq!(r["surveyStage"], "survey", "{r}");
    assert!(r["missingLocation"].as_str().unwrap().contains("请点选房屋或宗地"), "{r}");
    let picked = r["panelCode"].as_str().unwrap();
    assert_eq!(r["picked"], picked, "{r}");
    let first = r["first"]["code"].as_str().unwrap();
    assert_eq!(r["first"]["unitCode"], picked, "{r}");
    assert_eq!(r["firstNotice"], "已登记补偿单元", "{r}");
    #[allow(clippy::type_complexity)]
    let row: (String, String, String, Option<String>, bool, f64, Option<f64>) = sqlx::query_as(
        "SELECT c.status, c.legality, o.name, t.name, ST_Covers(c.geom, ST_SetSRID(ST_Point($2, $3), 4490)),
                c.surveyed_area_m2::float8, h.floor_area_m2::float8
         FROM compensation_units c JOIN right_holders o ON o.id = c.owner_id
         LEFT JOIN right_holders t ON t.id = c.tenant_id LEFT JOIN house_units h ON h.unit_code = c.unit_code
         WHERE c.code = $1",
    )
    .bind(first)
    .bind(house_lon)
    .bind(house_lat)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(
        (row.0.as_str(), row.1.as_str(), row.2.as_str(), row.3.as_deref()),
        ("surveyed", "legal", "界面调查户", Some("界面承租人"))
    );
    assert!(row.4, "the unit has the picked house's outline");
    assert_eq!(Some(row.5), row.6, "the surveyed area defaults to the registered one");
    assert!(r["takenNotice"].as_str().unwrap().contains("该单元已登记为补偿单元"), "{r}");

    // 2. The drawn, illegal building: no unit code, its outline, and the work panel on a click.
    let second = r["second"]["code"].as_str().unwrap();
    assert_eq!((r["second"]["unitCode"].as_str(), r["unitCodeWhileDrawing"].as_str()), (Some(""), Some("")), "{r}");
    let (code, legality, area, covers): (Option<String>, String, f64, bool) = sqlx::query_as(
        "SELECT unit_code, legality, surveyed_area_m2::float8, ST_Covers(geom, ST_SetSRID(ST_Point($2, $3), 4490))
         FROM compensation_units WHERE code = $1",
    )
    .bind(second)
    .bind(draw_lon)
    .bind(draw_lat)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((code, legality.as_str(), area, covers), (None, "illegal", 36.5, true));
    assert_eq!(r["workPanel"]["code"], second, "{r}");
    assert_eq!(r["workPanel"]["status"], "surveyed", "{r}");
    assert!(r["workPanel"]["text"].as_str().unwrap().contains("违法建筑"), "{r}");

    // 3. The facts, saved with the version read; the form shows them again.
    assert_eq!(r["factsNotice"], "项目信息已保存", "{r}");
    let before: i32 = r["factsVersionBefore"].as_str().unwrap().parse().unwrap();
    let after: i32 = r["factsVersionAfter"].as_str().unwrap().parse().unwrap();
    assert!(after > before, "{r}");
    assert_eq!(r["factsShown"], until.as_str(), "{r}");
    let facts: (f64, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT estimated_compensation::float8, plan_published_on::text, plan_comment_ends_on::text, risk_assessment_no
         FROM relocation_projects WHERE code = $1",
    )
    .bind(&survey)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(facts, (1_200_000.0, Some(published.clone()), Some(until.clone()), Some("温稳评〔2026〕9号".into())));

    // 4. The survey notice: both households, the owners masked on the public page.
    assert_eq!(r["publication"]["version"], "1", "{r}");
    assert!(r["publication"]["text"].as_str().unwrap().contains("2 户"), "{r}");
    let page = r["publicPage"][1].as_str().unwrap();
    assert_eq!(r["publicPage"][0], 200, "{r}");
    assert!(page.contains(first) && page.contains(second) && page.contains("界***户"), "{page}");
    assert!(!page.contains("界面调查户") && !page.contains("11010519491231002X"), "{page}");
    let published_on: Option<String> =
        sqlx::query_scalar("SELECT survey_published_on::text FROM relocation_projects WHERE code = $1")
            .bind(&survey)
            .fetch_one(&d.pool)
            .await
            .unwrap();
    assert_eq!(published_on.as_deref(), Some(today.as_str()));

    // 5. The firm chosen by lottery.
    assert!(r["firmOptions"].as_i64().unwrap() >= 2, "{r}");
    let firm_id: i64 = r["firm"]["id"].as_str().unwrap().parse().unwrap();
    let (name, method, note): (String, String, Option<String>) = sqlx::query_as(
        "SELECT f.name, a.selection_method, a.note FROM project_appraisal_firms a JOIN appraisal_firms f ON f.id = a.firm_id
         JOIN relocation_projects p ON p.id = a.project_id WHERE p.code = $1 AND a.firm_id = $2",
    )
    .bind(&firm_project)
    .bind(firm_id)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((method.as_str(), note.as_deref()), ("lottery", Some("公证处现场抽签")));
    assert!(r["firm"]["option"].as_str().unwrap().starts_with(&name), "{r}");
    assert!(r["firm"]["chosen"].as_str().unwrap().contains(&name), "{r}");

    // 6. The decision: only the decision form; the total as typed; recorded with its number.
    assert_eq!(r["decisionForms"], json!(["decision-form"]), "{r}");
    let total = ((house_value + decoration) * 100.0).round() / 100.0 + 1500.0;
    assert_eq!(r["decisionTotal"].as_str(), Some(format_yuan(total).as_str()), "{r}");
    assert_eq!(r["decisionWorkTotal"].as_str(), Some(format_yuan(total).as_str()), "{r}");
    let (status, decision_no, agreement_no, amount): (String, Option<String>, Option<String>, f64) = sqlx::query_as(
        "SELECT status, decision_no, agreement_no, total_amount::float8 FROM compensation_units WHERE code = $1",
    )
    .bind(&unit)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), agreement_no, amount), ("signed", None, total));
    let decision_no = decision_no.expect("a decision number");
    assert!(decision_no.starts_with(&format!("{PROJECT}-JD")), "{decision_no}");
    assert!(r["decisionShown"].as_str().unwrap().contains(&decision_no), "{r}");

    for shot in [
        "ui-forms-survey-pick.png",
        "ui-forms-work-panel.png",
        "ui-forms-facts-publish.png",
        "ui-forms-firm.png",
        "ui-forms-decision.png",
    ] {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot}");
    }
}

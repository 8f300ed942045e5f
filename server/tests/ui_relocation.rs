//! The relocation workplace in Debian's headless Chromium (tests/ui/relocation.mjs): the stage
//! timeline with its unmet preconditions, a project drawn on the map and moved on through the
//! director's inbox, an agreement signed with its total added up live (after a stale write
//! was refused), a payment requested and approved, move-out and demolition with the unit's
//! colour on the map following each step, the funds view with a deposit, and an appraisal by
//! the appointed firm. The state is prepared through the API and checked in the database.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Demo, set_signing_period, token};
use onemap_api::money::format_yuan;
use onemap_api::relocation::{STAGES, status};
use serde_json::{Value, json};

const PROJECT: &str = "WX-ZS-2025-02";

/// A `#rrggbb` colour as [r, g, b].
fn rgb(hex: &str) -> Value {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    json!([c(1), c(3), c(5)])
}

/// An amount as shown (`¥1,234.50`) as a number.
fn shown_yuan(s: &str) -> f64 {
    s.trim().replace(['¥', ','], "").parse().unwrap_or_else(|_| panic!("not an amount: {s:?}"))
}

#[tokio::test]
async fn relocation_workplace_in_chromium() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dist = root.join("frontend/dist");
    assert!(dist.join("index.html").exists(), "the UI is not built: run scripts/build-frontend.sh (make test does)");
    let d = Demo::start_with(&[("ONEMAP_STATIC_DIR", dist.to_str().unwrap())]).await;
    let officer = token(&d.client, &d.base, "officer").await;

    // The demo project's signing period around today (the database's), whatever the calendar.
    let (yesterday, today, in_20, in_30): (String, String, String, String) = sqlx::query_as(
        "SELECT (current_date - 1)::text, current_date::text, (current_date + 20)::text, (current_date + 30)::text",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    set_signing_period(&d, &officer, PROJECT, &yesterday, &in_30).await;

    // An appraised unit with an accepted appraisal and no agreement, where it lies, and what
    // its appraisal is worth; a surveyed unit for the appraiser.
    let (unit, lon, lat, house, decoration): (String, f64, f64, f64, f64) = sqlx::query_as(
        "SELECT c.code, ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom)),
                c.house_value::float8, c.decoration_value::float8
         FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id
         WHERE p.code = $1 AND c.status = 'appraised' AND c.appraisal_review = 'accepted' AND c.legality = 'legal'
           AND c.agreement_no IS NULL AND c.decision_no IS NULL AND c.unit_code IS NOT NULL
         ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let (surveyed, area): (String, f64) = sqlx::query_as(
        "SELECT c.code, c.surveyed_area_m2::float8 FROM compensation_units c JOIN relocation_projects p ON p.id = c.project_id
         WHERE p.code = $1 AND c.status = 'surveyed' AND c.legality = 'legal' ORDER BY c.code LIMIT 1",
    )
    .bind(PROJECT)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // Where the new project is drawn: a parcel away from every project.
    let (draw_lon, draw_lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(ST_Centroid(p.geom)), ST_Y(ST_Centroid(p.geom)) FROM parcels p
         WHERE NOT EXISTS (SELECT 1 FROM relocation_projects r WHERE ST_DWithin(r.boundary, p.geom, 0.002))
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();

    let shots = root.join("tests/artifacts");
    std::fs::create_dir_all(&shots).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/ui/relocation.mjs"))
        .args([
            d.base.as_str(),
            PROJECT,
            &unit,
            &lon.to_string(),
            &lat.to_string(),
            &draw_lon.to_string(),
            &draw_lat.to_string(),
            &in_20,
            shots.to_str().unwrap(),
            &surveyed,
        ])
        .output()
        .expect("node (make test installs the UI test tools)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let r: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    println!("ui relocation: {r}");
    assert!(r.get("failure").is_none(), "{r}");
    // The only failed requests are the two refusals provoked on purpose (Chromium logs them).
    assert_eq!(
        r["httpErrors"],
        json!([
            format!("409 POST /api/projects/{PROJECT}/transitions"),
            format!("412 POST /api/compensation-units/{unit}/agreement")
        ]),
        "{r}"
    );
    let errors = r["consoleErrors"].as_array().unwrap();
    assert!(
        errors.len() <= 2
            && errors.iter().all(|e| {
                let e = e.as_str().unwrap();
                e.contains("409 (Conflict)") || e.contains("412 (Precondition Failed)")
            }),
        "{r}"
    );

    // 1. The timeline: seven stages done, 签约 current, three later; the refused request lists
    // the unmet precondition, as the timeline ticked it.
    let stages: Vec<(String, String)> = serde_json::from_value(r["stages"].clone()).unwrap();
    let ids: Vec<&str> = stages.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(ids, STAGES.iter().map(|s| s.id).collect::<Vec<_>>());
    let states: Vec<&str> = stages.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(states, [["done"; 7].as_slice(), &["current"], &["later"; 3]].concat(), "{r}");
    assert_eq!(r["preconditions"][0][0], "units_unsettled", "{r}");
    assert_eq!(r["preconditions"][0][1], "false", "{r}");
    assert!(r["preconditions"][0][2].as_str().unwrap().starts_with('✗'), "{r}");
    let issues = r["refusedIssues"].as_array().unwrap();
    assert_eq!(issues.len(), 1, "{r}");
    assert_eq!(issues[0][0], "units_unsettled");
    assert!(issues[0][1].as_str().unwrap().starts_with("未满足：每户已签订补偿协议"), "{r}");

    // 2–3. The drawn project, its transition requested, approved by the director in the inbox.
    let drawn: Value = serde_json::from_str(r["drawn"].as_str().unwrap()).unwrap();
    assert_eq!((drawn["type"].as_str(), drawn["coordinates"][0].as_array().unwrap().len()), (Some("Polygon"), 5));
    assert_eq!(r["panelWhileDrawing"], 0, "drawing clicks do not identify: {r}");
    let new_code = r["newProject"].as_str().unwrap();
    let (name, budget, stage, covers): (String, f64, String, bool) = sqlx::query_as(
        "SELECT name, budget::float8, stage, ST_Covers(boundary, ST_SetSRID(ST_Point($2, $3), 4490))
         FROM relocation_projects WHERE code = $1",
    )
    .bind(new_code)
    .bind(draw_lon)
    .bind(draw_lat)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), budget, stage.as_str(), covers), ("界面绘制测试征收项目", 2_500_000.5, "scope", true));
    assert_eq!(r["newPreconditions"], json!([["budget_missing", "true"]]), "{r}");
    assert_eq!(r["requested"], "已提交审批", "{r}");
    assert!(r["pendingText"].as_str().unwrap().contains("立项 → 征收范围确定"), "{r}");
    let inbox = r["inboxTransition"].as_str().unwrap();
    assert!(inbox.contains(new_code) && inbox.contains("阶段变更") && inbox.contains("user:officer"), "{r}");
    let badge = r["directorBadge"].as_i64().unwrap();
    assert!(badge >= 1 && r["directorBadgeAfter"].as_i64() == Some(badge - 1), "{r}");
    assert_eq!(r["approvedNotice"], "已批准", "{r}");
    assert_eq!(r["newStage"], "scope", "{r}");
    let decided: (String, String, Option<String>, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT a.status, a.requested_by, a.decided_by, a.comment, a.note FROM approvals a
         JOIN relocation_projects p ON p.id = a.project_id WHERE p.code = $1 AND a.kind = 'transition'",
    )
    .bind(new_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(
        decided,
        (
            "approved".into(),
            "user:officer".into(),
            Some("user:director".into()),
            Some("同意进入征收范围确定阶段".into()),
            Some("立项批复已下达".into())
        )
    );

    // 4. The agreement: a stale write refused and reloaded first; the total added up as typed
    // (house value and decoration of the appraisal, 2,000 moving, 6 × 1,500.50, 10,000 reward).
    assert_eq!(r["otherWrite"], 200, "{r}");
    assert!(r["staleNotice"].as_str().unwrap().contains("数据已被他人修改，请刷新"), "{r}");
    assert_ne!(r["versions"][0], r["versions"][1], "{r}");
    let cents = |y: f64| (y * 100.0).round() as i64;
    let total_cents = cents(house) + cents(decoration) + 200_000 + 6 * 150_050 + 1_000_000;
    let total = total_cents as f64 / 100.0;
    assert_eq!(r["totalBeforeTyping"].as_str(), Some(format_yuan(house + decoration).as_str()), "{r}");
    let typing = (cents(house) + cents(decoration) + 200_000 + 900_300) as f64 / 100.0;
    assert_eq!(r["totalWhileTyping"].as_str(), Some(format_yuan(typing).as_str()), "{r}");
    assert_eq!(r["liveTempFee"], "¥9,003.00", "{r}");
    assert_eq!(r["liveTotal"].as_str(), Some(format_yuan(total).as_str()), "{r}");
    assert_eq!(r["signedTotal"], r["liveTotal"], "{r}");
    assert_eq!(r["agreementPdf"], json!([200, "application/pdf"]), "{r}");
    assert_eq!(r["statusBefore"], "appraised", "{r}");
    // The map: the unit's feature in the tiles, in its status colour, after each step without
    // a page reload.
    for (key, s) in
        [("mapBefore", "appraised"), ("mapSigned", "signed"), ("mapPaid", "paid"), ("mapAfter", "demolished")]
    {
        assert_eq!(r[key]["status"], s, "{key}: {r}");
        assert_eq!(r[key]["colour"], rgb(status(s).unwrap().colour), "{key}: {r}");
    }
    assert_ne!(r["mapBefore"]["colour"], r["mapAfter"]["colour"], "{r}");
    assert_eq!((r["samePageAfterSigning"].as_bool(), r["samePageAtEnd"].as_bool()), (Some(true), Some(true)), "{r}");
    assert!(r["tileRefreshes"].as_i64().unwrap() >= 2, "{r}");

    // The payment: the amount owed by default, reserved in the account, approved, paid.
    assert_eq!(r["paymentDefault"].as_str(), Some(format!("{total:.2}").as_str()), "{r}");
    assert!(r["paymentNotice"].as_str().unwrap().contains("等待审批"), "{r}");
    assert_eq!(r["fundsRequested"].as_str(), Some(format_yuan(total).as_str()), "{r}");
    let inbox = r["inboxPayment"].as_str().unwrap();
    assert!(inbox.contains(&format_yuan(total)) && inbox.contains(&unit) && inbox.contains("支付"), "{r}");
    assert_eq!(r["paid"].as_str(), Some(format_yuan(total).as_str()), "{r}");
    // Funds: three lines in the chart, the deposit in the totals and the ledger, the alerts.
    assert_eq!(r["chartLines"], 3, "{r}");
    let deposited =
        shown_yuan(r["depositedAfter"].as_str().unwrap()) - shown_yuan(r["depositedBefore"].as_str().unwrap());
    assert!((deposited - 1000.0).abs() < 0.001, "{r}");
    assert!(r["ledger"].as_array().unwrap().iter().any(|v| v.as_str() == Some(&format!("ZJ-{unit}"))), "{r}");
    let alerts = r["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty() && alerts.iter().all(|a| matches!(a[1].as_str(), Some("warning" | "critical"))), "{r}");

    // 6. Moved out and demolished: 已拆除 in the workplace and in the panel.
    assert!(r["demolishedText"].as_str().unwrap().contains("已拆除"), "{r}");
    assert!(r["panelStatus"].as_str().unwrap().contains("已拆除"), "{r}");
    // The day the test began, or the next one when it ran across midnight.
    let next_day = (chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap() + chrono::Days::new(1)).to_string();
    let this_run = |d: Option<&str>| d == Some(today.as_str()) || d == Some(next_day.as_str());
    assert!(this_run(r["demolishedOn"].as_str()), "{r}");
    assert_eq!(r["englishStatus"], "demolished", "{r}");
    #[allow(clippy::type_complexity)]
    let row: (String, Option<String>, f64, f64, f64, f64, Option<String>, Option<String>, Option<String>) =
        sqlx::query_as(
            "SELECT status, agreement_no, total_amount::float8, moving_fee::float8, temp_resettlement_fee::float8,
                reward::float8, move_out_deadline::text, moved_out_on::text, demolished_on::text
         FROM compensation_units WHERE code = $1",
        )
        .bind(&unit)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(row.0, "demolished");
    assert!(row.1.as_deref().is_some_and(|n| n.starts_with(&format!("{PROJECT}-XY"))), "{row:?}");
    assert_eq!((row.2, row.3, row.4, row.5), (total, 2000.0, 9003.0, 10000.0));
    assert_eq!(row.6.as_deref(), Some(in_20.as_str()));
    assert!(this_run(row.7.as_deref()) && row.8.as_deref() == r["demolishedOn"].as_str(), "{row:?}");
    let paid: (f64, String, Option<String>, String) = sqlx::query_as(
        "SELECT p.amount::float8, p.status, a.decided_by, a.status FROM payments p JOIN approvals a ON a.payment_id = p.id
         WHERE p.voucher_no = $1",
    )
    .bind(format!("ZF-{unit}"))
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!(paid, (total, "paid".into(), Some("user:director".into()), "approved".into()));
    let deposit: f64 = sqlx::query_scalar("SELECT amount::float8 FROM fund_deposits WHERE voucher_no = $1")
        .bind(format!("ZJ-{unit}"))
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(deposit, 1000.0);
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE target = $1 AND outcome = 'success' ORDER BY id")
            .bind(format!("{PROJECT}/{unit}"))
            .fetch_all(&d.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        ["appraisal", "agreement_sign", "payment_request", "approval_decision", "move_out", "demolition"],
        "the stale agreement changed nothing"
    );

    // 7. The appraiser's form: house value = unit price × surveyed area.
    assert_eq!(r["appraiserForms"], json!(["appraisal-form"]), "{r}");
    let (st, report, price, value): (String, Option<String>, f64, f64) = sqlx::query_as(
        "SELECT status, appraisal_report_no, unit_price::float8, house_value::float8 FROM compensation_units WHERE code = $1",
    )
    .bind(&surveyed)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    assert_eq!((st.as_str(), report, price), ("appraised", Some(format!("PG-UI-{surveyed}")), 6200.0));
    assert_eq!(value, ((6200.0 * area) * 100.0).round() / 100.0);
    assert_eq!(r["appraisedHouseValue"].as_str(), Some(format_yuan(value).as_str()), "{r}");

    for shot in [
        "ui-relocation-timeline.png",
        "ui-relocation-draw.png",
        "ui-relocation-inbox.png",
        "ui-relocation-agreement.png",
        "ui-relocation-funds.png",
        "ui-relocation-demolished.png",
        "ui-relocation-appraisal.png",
    ] {
        assert!(std::fs::metadata(shots.join(shot)).unwrap().len() > 10_000, "{shot}");
    }
}

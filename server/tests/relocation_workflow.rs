//! The relocation workflow end to end on the real server: a project created, walked through
//! every stage by an officer with the director's approvals, the regulation's rules refused in
//! order (409 naming the rule, 422 for bad values, 412 for stale ETags, 403 for the wrong firm
//! and for the requester deciding), the agreement's PDF read back with pdftotext, the public
//! notice, and 50 concurrent payments against a balance that covers 10.

mod common;

use std::process::Command;

use common::{Demo, token};
use serde_json::{Value, json};

async fn send(req: reqwest::RequestBuilder) -> (u16, String, Value) {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let etag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, etag, r.json().await.unwrap_or(Value::Null))
}

/// The codes of a refusal's issues (or its code alone).
fn rules(v: &Value) -> Vec<String> {
    match v["issues"].as_array() {
        Some(i) => i.iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect(),
        None => vec![v["code"].as_str().unwrap_or_default().to_owned()],
    }
}

struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    async fn get(&self, t: &str, path: &str) -> (u16, String, Value) {
        send(self.client.get(self.url(path)).bearer_auth(t)).await
    }
    async fn post(&self, t: &str, path: &str, body: Value) -> (u16, String, Value) {
        send(self.client.post(self.url(path)).bearer_auth(t).json(&body)).await
    }
    async fn with_etag(
        &self,
        method: reqwest::Method,
        t: &str,
        path: &str,
        tag: &str,
        body: Value,
    ) -> (u16, String, Value) {
        send(self.client.request(method, self.url(path)).bearer_auth(t).header("if-match", tag).json(&body)).await
    }
    /// Requests a transition as `officer` and has `director` approve it.
    async fn advance(&self, officer: &str, director: &str, code: &str, to: &str) {
        let (s, _, a) = self.post(officer, &format!("/api/projects/{code}/transitions"), json!({"to": to})).await;
        assert_eq!(s, 202, "transition to {to}: {a}");
        let (s, _, v) =
            self.post(director, &format!("/api/approvals/{}/decision", a["id"]), json!({"approve": true})).await;
        assert_eq!(s, 200, "approving {to}: {v}");
        let (_, _, w) = self.get(officer, &format!("/api/projects/{code}/workflow")).await;
        assert_eq!(w["stage"], to);
    }
    async fn etag(&self, t: &str, path: &str) -> String {
        let (s, tag, v) = self.get(t, path).await;
        assert_eq!(s, 200, "{path}: {v}");
        tag
    }
}

async fn day(d: &Demo, offset: i32) -> String {
    sqlx::query_scalar::<_, String>("SELECT (current_date + $1)::text").bind(offset).fetch_one(&d.pool).await.unwrap()
}

/// A parcel with at least two house units nobody compensates yet: its land unit code, two
/// house unit codes and a boundary around it (GeoJSON).
async fn site(d: &Demo) -> (String, Vec<String>, Value) {
    let (parcel, units, boundary): (String, Vec<String>, String) = sqlx::query_as(
        "SELECT p.parcel_code::text, (array_agg(h.unit_code::text ORDER BY h.unit_code))[1:2], \
                ST_AsGeoJSON(ST_Envelope(ST_Buffer(p.geom, 0.0003)))
         FROM parcels p JOIN buildings b ON b.parcel_id = p.id JOIN house_units h ON h.building_id = b.id
         WHERE NOT EXISTS (SELECT 1 FROM compensation_units c WHERE ST_Intersects(c.geom, ST_Buffer(p.geom, 0.0003)))
         GROUP BY p.id HAVING count(*) >= 2 ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&d.pool)
    .await
    .unwrap();
    (parcel, units, serde_json::from_str(&boundary).unwrap())
}

#[tokio::test]
async fn a_project_from_setup_to_closing() {
    let mut d = Demo::start().await;
    let api = Api { client: d.client.clone(), base: d.base.clone() };
    let officer = token(&d.client, &d.base, "officer").await;
    let director = token(&d.client, &d.base, "director").await;
    let appraiser1 = token(&d.client, &d.base, "appraiser1").await;
    let appraiser2 = token(&d.client, &d.base, "appraiser2").await;
    let (parcel, houses, boundary) = site(&d).await;

    // 立项: bad values are refused with their rule; a good project starts in setup.
    let new = |budget: f64, boundary: Value| json!({"name": "测试征收项目", "boundary": boundary, "budget": budget, "implementing_agency": "温县房屋征收中心"});
    let bowtie = json!({"type": "Polygon", "coordinates": [[[113.0, 35.0], [113.01, 35.01], [113.01, 35.0], [113.0, 35.01], [113.0, 35.0]]]});
    let (s, _, v) = api.post(&officer, "/api/projects", new(1e6, bowtie)).await;
    assert_eq!((s, rules(&v)), (422, vec!["invalid_geometry".to_owned()]), "{v}");
    let (s, _, v) = api.post(&officer, "/api/projects", new(1000.123, boundary.clone())).await;
    assert_eq!((s, rules(&v)), (422, vec!["too_many_decimals".to_owned()]));
    let (s, _, v) = api.post(&officer, "/api/projects", new(-5.0, boundary.clone())).await;
    assert_eq!((s, rules(&v)), (422, vec!["negative_amount".to_owned()]));
    let (s, _, v) = api.post(&appraiser1, "/api/projects", new(1e6, boundary.clone())).await;
    assert_eq!(s, 403, "{v}");
    let (s, _, p) = api.post(&officer, "/api/projects", new(3_000_000.0, boundary.clone())).await;
    assert_eq!(s, 201, "{p}");
    let code = p["code"].as_str().unwrap().to_owned();
    assert_eq!(p["stage"], "setup");

    // Transitions go in order and wait for the director; the requester may not decide.
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "plan"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["stage_order".to_owned()]));
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "nowhere"})).await;
    assert_eq!((s, rules(&v)), (422, vec!["unknown_stage".to_owned()]));
    let (s, _, a) = api
        .post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "scope", "note": "立项批准"}))
        .await;
    assert_eq!(s, 202, "{a}");
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "scope"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["transition_pending".to_owned()]));
    let (_, _, inbox) = api.get(&director, "/api/approvals?status=pending").await;
    assert!(inbox.as_array().unwrap().iter().any(|x| x["id"] == a["id"] && x["may_decide"] == true), "{inbox}");
    let decision = format!("/api/approvals/{}/decision", a["id"]);
    let (s, _, v) = api.post(&officer, &decision, json!({"approve": true})).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")));
    let (s, _, v) = api.post(&director, &decision, json!({"approve": true, "comment": "同意"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
    let (s, _, v) = api.post(&director, &decision, json!({"approve": true})).await;
    assert_eq!((s, rules(&v)), (409, vec!["already_decided".to_owned()]));
    api.advance(&officer, &director, &code, "survey").await;

    // 调查登记: units from house units picked on the map, and a drawn outline.
    let units_url = format!("/api/projects/{code}/units");
    let owner = |name: &str, id: &str| json!({"name": name, "id_number": id, "phone": "13800000000"});
    let (s, _, v) = api.post(&officer, &units_url, json!({"unit_code": "410825001003GB99999F00010001", "legality": "legal", "owner": owner("张三丰", "11010519491231002X")})).await;
    assert_eq!((s, rules(&v)), (422, vec!["unknown_unit".to_owned()]), "{v}");
    let (s, _, v) = api
        .post(
            &officer,
            &units_url,
            json!({"unit_code": houses[0], "legality": "legal", "owner": owner("张三丰", "110105194912310021")}),
        )
        .await;
    assert_eq!((s, rules(&v)), (422, vec!["invalid_id_number".to_owned()]), "{v}");
    let (s, _, a_unit) = api
        .post(
            &officer,
            &units_url,
            json!({"unit_code": houses[0], "legality": "legal", "owner": owner("张三丰", "11010519491231002X")}),
        )
        .await;
    assert_eq!(s, 201, "{a_unit}\n{}", d.server.log());
    let _ = &mut d;
    let (s, _, b_unit) = api
        .post(
            &officer,
            &units_url,
            json!({"unit_code": houses[1], "legality": "legal", "owner": owner("李四", "110101199003074477")}),
        )
        .await;
    assert_eq!(s, 201, "{b_unit}");
    let (s, _, v) = api
        .post(
            &officer,
            &units_url,
            json!({"unit_code": houses[1], "legality": "legal", "owner": owner("李四", "110101199003074477")}),
        )
        .await;
    assert_eq!((s, rules(&v)), (409, vec!["unit_taken".to_owned()]));
    let shed = json!({"type": "Polygon", "coordinates": [boundary["coordinates"][0].as_array().unwrap().iter().map(|c| {
        let (x0, y0) = (boundary["coordinates"][0][0][0].as_f64().unwrap(), boundary["coordinates"][0][0][1].as_f64().unwrap());
        json!([x0 + (c[0].as_f64().unwrap() - x0) * 0.1, y0 + (c[1].as_f64().unwrap() - y0) * 0.1])
    }).collect::<Vec<_>>()]});
    let (s, _, c_unit) = api.post(&officer, &units_url, json!({"geometry": shed, "address": "院内搭建棚屋", "legality": "illegal", "surveyed_area_m2": 12.5, "owner": owner("李四", "110101199003074477")})).await;
    assert_eq!(s, 201, "{c_unit}");
    let far =
        json!({"type": "Polygon", "coordinates": [[[113.5, 34.5], [113.51, 34.5], [113.51, 34.51], [113.5, 34.5]]]});
    let (s, _, v) = api.post(&officer, &units_url, json!({"geometry": far, "address": "x", "legality": "legal", "surveyed_area_m2": 10, "owner": owner("王五", "110101199003074477")})).await;
    assert_eq!((s, rules(&v)), (422, vec!["outside_project".to_owned()]), "{v}");
    let (a, b, c) =
        (a_unit["code"].as_str().unwrap(), b_unit["code"].as_str().unwrap(), c_unit["code"].as_str().unwrap());

    // The plan needs the survey published (art. 15).
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "plan"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["survey_not_published".to_owned()]));
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/publications"), json!({"kind": "survey"})).await;
    assert_eq!((s, v["version"].as_i64()), (201, Some(1)), "{v}");
    api.advance(&officer, &director, &code, "plan").await;
    let (s, _, v) = api.post(&officer, &units_url, json!({"unit_code": parcel.clone() + "W00000000", "legality": "legal", "owner": owner("王五", "110101199003074477")})).await;
    assert_eq!((s, rules(&v)), (409, vec!["stage_not_survey".to_owned()]));

    // Facts need If-Match; the comment period is at least 30 days.
    let project = format!("/api/projects/{code}");
    let (s, _, v) = send(
        d.client.patch(api.url(&project)).bearer_auth(&officer).json(&json!({"plan_published_on": day(&d, -40).await})),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (428, Some("if_match_required")));
    let tag = api.etag(&officer, &project).await;
    let short = json!({"plan_published_on": day(&d, -40).await, "plan_comment_ends_on": day(&d, -20).await});
    let (s, _, v) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &tag, short).await;
    assert_eq!((s, rules(&v)), (422, vec!["comment_period_too_short".to_owned()]));
    let plan = json!({"plan_published_on": day(&d, -40).await, "plan_comment_ends_on": day(&d, -5).await});
    let (s, new_tag, _) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &tag, plan.clone()).await;
    assert_eq!(s, 200);
    let (s, _, v) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &tag, plan).await;
    assert_eq!((s, v["code"].as_str()), (412, Some("stale_etag")));
    api.advance(&officer, &director, &code, "risk_assessment").await;

    // The decision: every unmet precondition at once; funds fully in the account (art. 12).
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "decision"})).await;
    assert_eq!(s, 409);
    assert_eq!(
        rules(&v),
        ["risk_assessment_missing", "funds_insufficient", "decision_not_recorded", "signing_period_missing"]
    );
    let facts = json!({"estimated_compensation": 2_000_000.0, "risk_assessment_no": "温稳评〔2026〕3号", "risk_assessed_on": day(&d, -3).await,
        "decision_no": "温政征〔2026〕7号", "decision_announced_on": day(&d, 0).await, "signing_starts_on": day(&d, -1).await, "signing_ends_on": day(&d, 30).await});
    // The approved transition changed the project: the ETag read before it is stale.
    let (s, _, _) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &new_tag, facts.clone()).await;
    assert_eq!(s, 412);
    let tag = api.etag(&officer, &project).await;
    let (s, _, _) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &tag, facts).await;
    assert_eq!(s, 200);
    let deposits = format!("/api/projects/{code}/funds/deposits");
    for (amount, rule) in [(1.001, "too_many_decimals"), (-3.0, "negative_amount"), (0.0, "invalid_amount")] {
        let (s, _, v) = api.post(&officer, &deposits, json!({"voucher_no": "ZJ-X", "amount": amount})).await;
        assert_eq!((s, rules(&v)), (422, vec![rule.to_owned()]));
    }
    let (s, _, f) = api
        .post(
            &officer,
            &deposits,
            json!({"voucher_no": format!("{code}-ZJ-1"), "amount": 1_500_000.0, "source": "财政拨款"}),
        )
        .await;
    assert_eq!((s, f["balance"].as_f64()), (201, Some(1_500_000.0)), "{f}");
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "decision"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["funds_insufficient".to_owned()]));
    let (s, _, _) =
        api.post(&officer, &deposits, json!({"voucher_no": format!("{code}-ZJ-2"), "amount": 500_000.0})).await;
    assert_eq!(s, 201);
    api.advance(&officer, &director, &code, "decision").await;
    let tag = api.etag(&officer, &project).await;
    let (s, _, v) = api.with_etag(reqwest::Method::PATCH, &officer, &project, &tag, json!({"decision_no": "改"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["fact_locked".to_owned()]));

    // The owners choose the firm (art. 20); only its appraisers appraise.
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "appraisal"})).await;
    assert_eq!((s, rules(&v)), (409, vec!["firm_not_chosen".to_owned()]));
    let firm: i64 = sqlx::query_scalar("SELECT appraisal_firm_id FROM users WHERE username = 'appraiser1'")
        .fetch_one(&d.pool)
        .await
        .unwrap();
    let (s, _, v) = api
        .post(
            &officer,
            &format!("/api/projects/{code}/appraisal-firm"),
            json!({"firm_id": firm, "method": "vote", "decided_on": day(&d, 0).await, "note": "投票 18:3"}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    api.advance(&officer, &director, &code, "appraisal").await;
    let appraisal = |no: &str, review: &str| json!({"report_no": no, "appraiser_name": "赵估价", "valuation_date": "2026-01-01", "unit_price": 8000.0, "decoration_value": 20000.0, "review": review});
    let unit_url = |u: &str| format!("/api/compensation-units/{u}");
    let tag_a = api.etag(&officer, &unit_url(a)).await;
    let (s, _, v) = api
        .with_etag(
            reqwest::Method::PUT,
            &appraiser2,
            &format!("{}/appraisal", unit_url(a)),
            &tag_a,
            appraisal("PG-1", "accepted"),
        )
        .await;
    // Another firm's appraiser: the project is not theirs.
    assert_eq!(s, 403, "{v}");
    assert!(matches!(v["code"].as_str(), Some("project_out_of_scope" | "not_appointed_firm")), "{v}");
    let (s, _, v) = send(
        d.client
            .put(api.url(&format!("{}/appraisal", unit_url(a))))
            .bearer_auth(&appraiser1)
            .json(&appraisal("PG-1", "accepted")),
    )
    .await;
    assert_eq!((s, v["code"].as_str()), (428, Some("if_match_required")));
    let (s, _, v) = api
        .with_etag(
            reqwest::Method::PUT,
            &appraiser1,
            &format!("{}/appraisal", unit_url(a)),
            &tag_a,
            appraisal("PG-1", "accepted"),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let area = v["surveyed_area_m2"].as_f64().unwrap();
    assert_eq!(v["house_value"].as_f64().unwrap(), (area * 8000.0 * 100.0).round() / 100.0);
    let tag_b = api.etag(&officer, &unit_url(b)).await;
    let (s, _, _) = api
        .with_etag(
            reqwest::Method::PUT,
            &appraiser1,
            &format!("{}/appraisal", unit_url(b)),
            &tag_b,
            appraisal("PG-2", "review_requested"),
        )
        .await;
    assert_eq!(s, 200);
    let tag_c = api.etag(&officer, &unit_url(c)).await;
    let (s, _, v) = api
        .with_etag(
            reqwest::Method::PUT,
            &appraiser1,
            &format!("{}/appraisal", unit_url(c)),
            &tag_c,
            appraisal("PG-3", "accepted"),
        )
        .await;
    assert_eq!((s, rules(&v)), (409, vec!["illegal_no_compensation".to_owned()]));
    api.advance(&officer, &director, &code, "agreement").await;

    // The agreement: items computed and checked on the server, the PDF archived.
    let deadline = day(&d, 20).await;
    let terms = |total: Option<f64>| json!({"mode": "monetary", "moving_fee": 2000.0, "temp_resettlement_months": 6, "temp_resettlement_rate": 1500.5, "reward": 10000.0, "total": total, "move_out_deadline": deadline});
    let (s, _, v) = api
        .with_etag(
            reqwest::Method::POST,
            &officer,
            &format!("{}/agreement", unit_url(b)),
            &api.etag(&officer, &unit_url(b)).await,
            terms(None),
        )
        .await;
    assert_eq!((s, rules(&v)), (409, vec!["appraisal_not_accepted".to_owned()]));
    let tag_a = api.etag(&officer, &unit_url(a)).await;
    let agreement = format!("{}/agreement", unit_url(a));
    let (s, _, v) = api.with_etag(reqwest::Method::POST, &officer, &agreement, &tag_a, terms(Some(1.0))).await;
    assert_eq!((s, rules(&v)), (422, vec!["items_do_not_add_up".to_owned()]));
    let mut bad = terms(None);
    bad["reward"] = json!(-1.0);
    let (s, _, v) = api.with_etag(reqwest::Method::POST, &officer, &agreement, &tag_a, bad).await;
    assert_eq!((s, rules(&v)), (422, vec!["negative_amount".to_owned()]));
    let house = (area * 8000.0 * 100.0).round() / 100.0;
    let total = ((house + 20000.0 + 2000.0 + 6.0 * 1500.5 + 10000.0) * 100.0).round() / 100.0;
    let (s, new_tag, signed) =
        api.with_etag(reqwest::Method::POST, &officer, &agreement, &tag_a, terms(Some(total))).await;
    assert_eq!(s, 200, "{signed}");
    assert_eq!((signed["status"].as_str(), signed["total_amount"].as_f64()), (Some("signed"), Some(total)));
    let number = signed["agreement_no"].as_str().unwrap().to_owned();
    assert_eq!(number, format!("{code}-XY0001"));
    let (s, _, v) = api.with_etag(reqwest::Method::POST, &officer, &agreement, &tag_a, terms(Some(total))).await;
    assert_eq!((s, v["code"].as_str()), (412, Some("stale_etag")));
    let (s, _, v) = api.with_etag(reqwest::Method::POST, &officer, &agreement, &new_tag, terms(Some(total))).await;
    assert_eq!((s, rules(&v)), (409, vec!["already_settled".to_owned()]));
    let pdf =
        d.client.get(api.url(signed["agreement_url"].as_str().unwrap())).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agreement.pdf");
    std::fs::write(&file, pdf.bytes().await.unwrap()).unwrap();
    let text =
        Command::new("pdftotext").arg("-layout").arg(&file).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    // The agreement is set in the CJK font: the number, the owner's name and the total.
    let total_text = onemap_api::money::format_yuan(total);
    assert!(text.contains(&number) && text.contains("张三丰") && text.contains(&total_text), "{text}");

    // A compensation decision only after the signing period (art. 26).
    let decide_b = format!("{}/decision", unit_url(b));
    let (s, _, v) = api
        .with_etag(reqwest::Method::POST, &officer, &decide_b, &api.etag(&officer, &unit_url(b)).await, terms(None))
        .await;
    assert_eq!((s, rules(&v)), (409, vec!["signing_period_not_over".to_owned()]));
    let tag = api.etag(&officer, &project).await;
    let (s, _, _) = api
        .with_etag(reqwest::Method::PATCH, &officer, &project, &tag, json!({"signing_ends_on": day(&d, -1).await}))
        .await;
    assert_eq!(s, 200);
    let (_, _, alerts) = api.get(&officer, &format!("/api/projects/{code}/alerts")).await;
    let over =
        alerts.as_array().unwrap().iter().find(|a| a["code"] == "signing_period_over").expect("signing_period_over");
    assert_eq!((over["count"].as_i64(), over["units"][0].as_str()), (Some(1), Some(b)));
    let (s, _, decided) = api
        .with_etag(reqwest::Method::POST, &officer, &decide_b, &api.etag(&officer, &unit_url(b)).await, terms(None))
        .await;
    assert_eq!(s, 200, "{decided}");
    assert!(decided["decision_no"].as_str().unwrap().starts_with(&format!("{code}-JD")));

    // Payments: through the director, within what the unit is owed and the account holds.
    let pay = |u: &str, voucher: &str, amount: f64| {
        (
            format!("{}/payments", unit_url(u)),
            json!({"voucher_no": voucher, "amount": amount, "payee_name": "张三丰", "payee_account": "6222020200112233445"}),
        )
    };
    let (url, body) = pay(a, "V-A0", total + 0.01);
    let (s, _, v) = api.post(&officer, &url, body).await;
    assert_eq!((s, rules(&v)), (409, vec!["exceeds_unit_total".to_owned()]));
    let (url, body) = pay(a, "V-A1", total);
    let (s, _, pa) = api.post(&officer, &url, body).await;
    assert_eq!(s, 202, "{pa}");
    let (url, body) = pay(a, "V-A1", 1.0);
    let (s, _, v) = api.post(&officer, &url, body).await;
    assert_eq!(
        (s, rules(&v)),
        (409, vec!["exceeds_unit_total".to_owned()]),
        "nothing more is owed while a request is pending"
    );
    let b_total = decided["total_amount"].as_f64().unwrap();
    let move_b = format!("{}/move-out", unit_url(b));
    let (s, _, v) = api
        .with_etag(reqwest::Method::POST, &officer, &move_b, &api.etag(&officer, &unit_url(b)).await, json!({}))
        .await;
    assert_eq!((s, rules(&v)), (409, vec!["not_fully_paid".to_owned()]));
    let (s, _, v) =
        api.post(&director, &format!("/api/approvals/{}/decision", pa["id"]), json!({"approve": true})).await;
    assert_eq!((s, v["payment"]["status"].as_str()), (200, Some("paid")), "{v}");
    let (_, _, unit) = api.get(&officer, &unit_url(a)).await;
    assert_eq!((unit["status"].as_str(), unit["paid_amount"].as_f64()), (Some("paid"), Some(total)));
    let (url, body) = pay(b, "V-B1", b_total);
    let (s, _, pb) = api.post(&officer, &url, body).await;
    assert_eq!(s, 202, "{pb}");
    let (s, _, _) =
        api.post(&director, &format!("/api/approvals/{}/decision", pb["id"]), json!({"approve": true})).await;
    assert_eq!(s, 200);

    // Move-out and demolition after full payment; the illegal shed without compensation.
    for u in [a, b, c] {
        let (s, _, v) = api
            .with_etag(
                reqwest::Method::POST,
                &officer,
                &format!("{}/demolition", unit_url(u)),
                &api.etag(&officer, &unit_url(u)).await,
                json!({}),
            )
            .await;
        assert_eq!((s, rules(&v)), (409, vec!["not_moved_out".to_owned()]), "{u}");
        let (s, _, v) = api
            .with_etag(
                reqwest::Method::POST,
                &officer,
                &format!("{}/move-out", unit_url(u)),
                &api.etag(&officer, &unit_url(u)).await,
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{u}: {v}");
    }
    api.advance(&officer, &director, &code, "payment").await;
    api.advance(&officer, &director, &code, "demolition").await;
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/transitions"), json!({"to": "closed"})).await;
    assert_eq!(
        (s, rules(&v)),
        (409, vec!["units_not_demolished".to_owned(), "results_not_published".to_owned()]),
        "{v}"
    );
    for u in [a, b, c] {
        let (s, _, v) = api
            .with_etag(
                reqwest::Method::POST,
                &officer,
                &format!("{}/demolition", unit_url(u)),
                &api.etag(&officer, &unit_url(u)).await,
                json!({}),
            )
            .await;
        assert_eq!((s, v["status"].as_str()), (200, Some("demolished")), "{u}: {v}");
    }
    let (s, _, v) = api.post(&officer, &format!("/api/projects/{code}/publications"), json!({"kind": "results"})).await;
    assert_eq!(s, 201, "{v}");
    api.advance(&officer, &director, &code, "closed").await;

    // The account adds up; the ledger's running balance ends at the balance.
    let (_, _, f) = api.get(&officer, &format!("/api/projects/{code}/funds")).await;
    let deposited = 2_000_000.0;
    assert_eq!(
        (f["deposited"].as_f64(), f["paid"].as_f64()),
        (Some(deposited), Some(((total + b_total) * 100.0).round() / 100.0))
    );
    assert_eq!(f["balance"].as_f64().unwrap(), ((deposited - total - b_total) * 100.0).round() / 100.0);
    assert_eq!(f["ledger"][0]["balance"].as_f64(), f["balance"].as_f64());
    let sum: f64 = f["ledger"].as_array().unwrap().iter().map(|e| e["amount"].as_f64().unwrap()).sum();
    assert!((sum - f["balance"].as_f64().unwrap()).abs() < 0.005);
    assert_eq!(f["ledger_total"], 4);

    // The public notice: masked names, no ID numbers, every version.
    let page = d.client.get(api.url(&format!("/public/projects/{code}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("分户补偿结果公示") && page.contains("调查登记结果公示"), "{page}");
    assert!(!page.contains("张三丰") && !page.contains("11010519491231002X") && page.contains("张*丰"), "{page}");
    let (s, _, public) = send(d.client.get(api.url(&format!("/public/projects/{code}?f=json")))).await;
    assert_eq!((s, public["publications"].as_array().unwrap().len()), (200, 2));

    // History and audit: every action, by whom.
    let actors: Vec<String> = sqlx::query_scalar("SELECT DISTINCT actor FROM compensation_units_history h JOIN compensation_units c ON c.id = h.id WHERE c.code = $1 ORDER BY 1")
        .bind(a).fetch_all(&d.pool).await.unwrap();
    assert_eq!(actors, ["user:appraiser1", "user:director", "user:officer"], "the director's approval paid it");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log WHERE target LIKE $1 || '%' ORDER BY 1")
            .bind(&code)
            .fetch_all(&d.pool)
            .await
            .unwrap();
    for want in [
        "agreement_sign",
        "appraisal",
        "approval_decision",
        "compensation_decision",
        "demolition",
        "fund_deposit",
        "move_out",
        "payment_request",
        "project_create",
        "project_facts",
        "publication",
        "transition_request",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} not audited: {actions:?}");
    }

    // Four eyes: a director's own request waits for another director.
    let (_, _, p2) = api.post(&director, "/api/projects", new(10.0, boundary)).await;
    let (s, _, own) = api
        .post(&director, &format!("/api/projects/{}/transitions", p2["code"].as_str().unwrap()), json!({"to": "scope"}))
        .await;
    assert_eq!(s, 202);
    let (s, _, v) =
        api.post(&director, &format!("/api/approvals/{}/decision", own["id"]), json!({"approve": true})).await;
    assert_eq!((s, v["code"].as_str()), (403, Some("four_eyes")));
    let (_, _, inbox) = api.get(&director, "/api/approvals").await;
    assert!(
        inbox.as_array().unwrap().iter().all(|x| x["id"] != own["id"]),
        "a director's inbox leaves out their own requests"
    );
}

/// 50 payment requests at once against a balance that covers 10: exactly 10 are accepted and
/// paid, and the ledger adds up.
#[tokio::test]
async fn fifty_concurrent_payments_against_a_balance_for_ten() {
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    let director = token(&d.client, &d.base, "director").await;
    let (_, _, boundary) = site(&d).await;
    let (s, _, p) =
        send(d.client.post(format!("{}/api/projects", d.base)).bearer_auth(&officer).json(
            &json!({"name": "并发支付", "boundary": boundary, "budget": 100000.0, "implementing_agency": "中心"}),
        ))
        .await;
    assert_eq!(s, 201, "{p}");
    let code = p["code"].as_str().unwrap().to_owned();
    // 50 units with signed agreements of 1,000.00 each (a fixture: the flow is tested above).
    sqlx::query(include_str!("fixtures/signed_units.sql")).bind(&code).bind(50).execute(&d.pool).await.unwrap();
    let (s, _, _) = send(
        d.client
            .post(format!("{}/api/projects/{code}/funds/deposits", d.base))
            .bearer_auth(&officer)
            .json(&json!({"voucher_no": "ZJ-C1", "amount": 10000.0})),
    )
    .await;
    assert_eq!(s, 201);
    let requests = (1..=50).map(|i| {
        let (client, base, t, code) = (d.client.clone(), d.base.clone(), officer.clone(), code.clone());
        tokio::spawn(async move {
            let body = json!({"voucher_no": format!("C-{i}"), "amount": 1000.0, "payee_name": "某某", "payee_account": "6222000011112222"});
            send(client.post(format!("{base}/api/compensation-units/{code}-{i:04}/payments")).bearer_auth(&t).json(&body)).await
        })
    });
    let mut accepted = Vec::new();
    let mut refused = 0;
    for r in futures_util::future::join_all(requests).await {
        let (s, _, v) = r.unwrap();
        match s {
            202 => accepted.push(v["id"].as_i64().unwrap()),
            409 => {
                assert_eq!(rules(&v), ["insufficient_funds"]);
                refused += 1;
            }
            other => panic!("{other}: {v}"),
        }
    }
    assert_eq!((accepted.len(), refused), (10, 40));
    let decisions = accepted.iter().map(|id| {
        let (client, base, t) = (d.client.clone(), d.base.clone(), director.clone());
        let id = *id;
        tokio::spawn(async move {
            send(
                client
                    .post(format!("{base}/api/approvals/{id}/decision"))
                    .bearer_auth(&t)
                    .json(&json!({"approve": true})),
            )
            .await
        })
    });
    for r in futures_util::future::join_all(decisions).await {
        assert_eq!(r.unwrap().0, 200);
    }
    let (_, _, f) = send(d.client.get(format!("{}/api/projects/{code}/funds", d.base)).bearer_auth(&officer)).await;
    assert_eq!(
        (f["paid"].as_f64(), f["balance"].as_f64(), f["requested"].as_f64()),
        (Some(10000.0), Some(0.0), Some(0.0)),
        "{f}"
    );
    let entries = f["ledger"].as_array().unwrap();
    assert_eq!(entries.len(), 11);
    assert!(entries.iter().all(|e| e["balance"].as_f64().unwrap() >= 0.0), "never overdrawn: {f}");
    let paid: i64 = sqlx::query_scalar("SELECT count(*) FROM payments p JOIN relocation_projects r ON r.id = p.project_id WHERE r.code = $1 AND p.status = 'paid'")
        .bind(&code).fetch_one(&d.pool).await.unwrap();
    assert_eq!(paid, 10);
}

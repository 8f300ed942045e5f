//! 公示: the survey results (art. 15) and the per-household compensation results (art. 29),
//! published as they stand, names masked as for the public and without ID numbers or
//! accounts; every version is kept and shown on the public page `/public/projects/{code}`.

use axum::extract::{Path, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::workflow::{PublicProject, Publication, PublicationRequest, PublishedUnit};
use serde_json::json;

use super::rules::{self, conflict, issue};
use super::workflow;
use super::write::{begin, one_of, record};
use crate::auth::Principal;
use crate::auth::mask::mask_name;
use crate::base::{ApiError, ApiJson, ApiQuery, AppState};

/// Publishes a notice: `survey` once the survey has begun and units are recorded; `results`
/// once agreements are being signed.
#[utoipa::path(post, path = "/api/projects/{code}/publications", tag = "征收项目 relocation", request_body = PublicationRequest,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 201, body = Publication),
        (status = 409, description = "too early (`stage_order`, `no_units_surveyed`)", body = Problem, content_type = "application/problem+json")))]
pub async fn publish(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<PublicationRequest>,
) -> Result<(StatusCode, Json<Publication>), ApiError> {
    let kind = one_of("kind", &body.kind, &["survey", "results"])?;
    let mut tx = begin(&state, &p).await?;
    let project = workflow::lock(&mut tx, &p, &code).await?;
    let from = if kind == "survey" { "survey" } else { "agreement" };
    if !rules::reached(&project.stage, from) {
        return Err(conflict(issue(
            "stage_order",
            if kind == "survey" {
                "调查登记开始后方可公布调查结果"
            } else {
                "签约开始后方可公布分户补偿结果"
            },
            format!("a {kind} notice comes in the {from} stage or later; the project is in {}", project.stage),
        )));
    }
    #[allow(clippy::type_complexity)]
    let rows: Vec<(String, String, Option<String>, f64, String, Option<String>, Option<f64>)> =
        sqlx::query_as(include_str!("sql/publication_rows.sql"))
            .bind(project.id)
            .bind(kind == "results")
            .fetch_all(&mut *tx)
            .await?;
    if rows.is_empty() {
        return Err(conflict(issue("no_units_surveyed", "没有可公布的补偿单元", "there are no units to publish")));
    }
    let rows: Vec<PublishedUnit> = rows
        .into_iter()
        .map(|(code, address, owner, surveyed_area_m2, legality, compensation_mode, total_amount)| PublishedUnit {
            code,
            address,
            owner: owner.map(|o| mask_name(&o)),
            surveyed_area_m2,
            legality,
            compensation_mode,
            total_amount,
        })
        .collect();
    let (version, published_on): (i32, NaiveDate) = sqlx::query_as(
        "INSERT INTO project_publications (project_id, kind, version, published_on, published_by, content) \
         SELECT $1, $2, coalesce(max(version), 0) + 1, current_date, $3, $4 FROM project_publications \
         WHERE project_id = $1 AND kind = $2 RETURNING version, published_on",
    )
    .bind(project.id)
    .bind(kind)
    .bind(p.actor.as_ref())
    .bind(json!(rows))
    .fetch_one(&mut *tx)
    .await?;
    let column = if kind == "survey" {
        "UPDATE relocation_projects SET survey_published_on = current_date WHERE id = $1"
    } else {
        "UPDATE relocation_projects SET results_published_on = current_date WHERE id = $1"
    };
    sqlx::query(column).bind(project.id).execute(&mut *tx).await?;
    record(
        &mut tx,
        &p,
        "publication",
        &code,
        None,
        Some(json!({"kind": kind, "version": version, "households": rows.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(Publication { kind: kind.into(), version, published_on, rows })))
}

/// `GET /public/projects/{code}` parameters.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// `json` for JSON (also chosen by `Accept: application/json`), else HTML.
    f: Option<String>,
}

/// The project's notices for anyone, newest first (HTML, or JSON).
#[utoipa::path(get, path = "/public/projects/{code}", tag = "征收项目 relocation",
    params(("code" = String, Path, description = "the project code"), PublicQuery),
    responses((status = 200, body = PublicProject),
        (status = 404, description = "no published notice of such a project", body = Problem, content_type = "application/problem+json")))]
pub async fn page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PublicQuery>,
) -> Result<Response, ApiError> {
    let project: Option<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.name, r.implementing_agency, r.decision_no FROM relocation_projects r \
         WHERE r.code = $1 AND EXISTS (SELECT 1 FROM project_publications p WHERE p.project_id = r.id)",
    )
    .bind(&code)
    .fetch_optional(&state.pool)
    .await?;
    let (name, agency, decision_no) =
        project.ok_or_else(|| ApiError::not_found(format!("no published notice of project {code}")))?;
    let rows: Vec<(String, i32, NaiveDate, serde_json::Value)> = sqlx::query_as(
        "SELECT p.kind, p.version, p.published_on, p.content FROM project_publications p \
         JOIN relocation_projects r ON r.id = p.project_id WHERE r.code = $1 ORDER BY p.kind DESC, p.version DESC",
    )
    .bind(&code)
    .fetch_all(&state.pool)
    .await?;
    let publications = rows
        .into_iter()
        .map(|(kind, version, published_on, content)| {
            let rows =
                serde_json::from_value(content).map_err(|e| ApiError::internal(format!("publication content: {e}")))?;
            Ok(Publication { kind, version, published_on, rows })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let out = PublicProject { code, name, implementing_agency: agency, decision_no, publications };
    let wants_json = q.f.as_deref() == Some("json")
        || headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    if wants_json {
        return Ok(Json(out).into_response());
    }
    Ok(([(CONTENT_TYPE, "text/html; charset=utf-8")], html(&out)).into_response())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn html(p: &PublicProject) -> String {
    let mut out = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{0} 公示</title>\
         <style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #ccc;padding:.3em .5em}}td.n{{text-align:right}}</style></head><body>\
         <h1>{0}</h1><p>项目编号 {1} · 征收实施单位 {2}{3}</p>",
        esc(&p.name),
        esc(&p.code),
        esc(&p.implementing_agency),
        p.decision_no.as_deref().map(|d| format!(" · 征收决定 {}", esc(d))).unwrap_or_default()
    );
    for (i, publication) in p.publications.iter().enumerate() {
        let title = if publication.kind == "survey" { "调查登记结果公示" } else { "分户补偿结果公示" };
        let latest = i == 0 || p.publications[i - 1].kind != publication.kind;
        out += &format!(
            "<section><h2>{title}（第 {} 版{}）</h2><p>公布日期 {}</p><table><tr><th>单元</th><th>坐落</th><th>被征收人</th>\
             <th>实测面积（m²）</th><th>合法性</th><th>补偿方式</th><th>补偿总额</th></tr>",
            publication.version,
            if latest { "，现行" } else { "，历史版本" },
            publication.published_on
        );
        for r in &publication.rows {
            out += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:.2}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&r.code),
                esc(&r.address),
                esc(r.owner.as_deref().unwrap_or("")),
                r.surveyed_area_m2,
                match r.legality.as_str() {
                    "legal" => "合法",
                    "temporary" => "临时建筑",
                    _ => "违法建筑",
                },
                match r.compensation_mode.as_deref() {
                    Some("monetary") => "货币补偿",
                    Some("property_swap") => "产权调换",
                    _ => "",
                },
                r.total_amount.map(onemap_api::money::format_yuan).unwrap_or_default()
            );
        }
        out += "</table></section>";
    }
    out + "</body></html>"
}

//! 评估机构: the register of appraisal firms, and the firm the owners of a project chose
//! (协商, else 投票 or 抽签; art. 20), recorded after the decision and before appraisal.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use onemap_api::Problem;
use onemap_api::workflow::{Firm, FirmChoice};
use serde_json::json;

use super::rules::{conflict, invalid, issue};
use super::workflow;
use super::write::{self, begin, not_future, one_of, record};
use crate::auth::Principal;
use crate::base::{ApiError, ApiJson, AppState};

/// The appraisal firms.
#[utoipa::path(get, path = "/api/appraisal-firms", tag = "征收项目 relocation", responses((status = 200, body = Vec<Firm>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Firm>>, ApiError> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, qualification FROM appraisal_firms ORDER BY id")
            .fetch_all(&state.pool)
            .await?;
    Ok(Json(rows.into_iter().map(|(id, name, qualification)| Firm { id, name, qualification, method: None }).collect()))
}

/// Records the firm the owners chose: in the decision stage, once.
#[utoipa::path(post, path = "/api/projects/{code}/appraisal-firm", tag = "征收项目 relocation", request_body = FirmChoice,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 201, body = Firm),
        (status = 409, description = "`stage_order` or `firm_already_chosen`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown firm or method", body = Problem, content_type = "application/problem+json")))]
pub async fn choose(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<FirmChoice>,
) -> Result<(StatusCode, Json<Firm>), ApiError> {
    let method = one_of("method", &body.method, &["negotiation", "vote", "lottery"])?;
    let mut tx = begin(&state, &p).await?;
    let project = workflow::lock(&mut tx, &p, &code).await?;
    if project.stage != "decision" {
        return Err(conflict(issue(
            "stage_order",
            "征收决定公告后、分户评估前由被征收人选定评估机构",
            format!(
                "the owners choose the firm after the decision and before appraisal; the project is in {}",
                project.stage
            ),
        )));
    }
    let today = write::today(&mut tx).await?;
    not_future("decided_on", body.decided_on, today)?;
    let chosen: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM project_appraisal_firms WHERE project_id = $1)")
            .bind(project.id)
            .fetch_one(&mut *tx)
            .await?;
    if chosen {
        return Err(conflict(issue(
            "firm_already_chosen",
            "评估机构已选定",
            "the project's appraisal firm is already chosen",
        )));
    }
    let firm: Option<(String, String)> =
        sqlx::query_as("SELECT name, qualification FROM appraisal_firms WHERE id = $1")
            .bind(body.firm_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (name, qualification) = firm.ok_or_else(|| {
        invalid(issue(
            "unknown_firm",
            format!("没有评估机构 {}", body.firm_id),
            format!("no appraisal firm {}", body.firm_id),
        ))
    })?;
    sqlx::query(
        "INSERT INTO project_appraisal_firms (project_id, firm_id, appointed_on, selection_method, note, recorded_by) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(project.id)
    .bind(body.firm_id)
    .bind(body.decided_on)
    .bind(method)
    .bind(body.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
    .bind(p.actor.as_ref())
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        &p,
        "appraisal_firm_choice",
        &code,
        None,
        Some(json!({"firm": name, "method": method, "on": body.decided_on})),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(Firm { id: body.firm_id, name, qualification, method: Some(method.into()) })))
}

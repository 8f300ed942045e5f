//! 审批: stage transitions and payments wait here for the director (征收中心负责人), who may
//! never decide what they asked for themselves (four eyes). Deciding carries the request out
//! in the same transaction, checked again as things stand then.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use onemap_api::Problem;
use onemap_api::workflow::{Approval, ApprovalsQuery, DecisionRequest, PaymentInfo};
use serde_json::json;
use sqlx::PgConnection;

use super::rules::{conflict, issue};
use super::write::{begin, record, yuan};
use super::{payments, workflow};
use crate::auth::mask::{Amount, BankAccount};
use crate::auth::{AuthError, Principal, Role};
use crate::base::{ApiError, ApiJson, ApiQuery, AppState};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    project_code: String,
    project_name: String,
    project_id: i64,
    from_stage: Option<String>,
    to_stage: Option<String>,
    unit_code: Option<String>,
    note: Option<String>,
    documents: Vec<String>,
    status: String,
    requested_by: String,
    requested_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    comment: Option<String>,
    payment_id: Option<i64>,
    voucher_no: Option<String>,
    amount: Option<f64>,
    purpose: Option<String>,
    payment_status: Option<String>,
    paid_on: Option<NaiveDate>,
    payee_name: Option<String>,
    payee_account: Option<String>,
}

impl Row {
    fn shown(self) -> (i64, Approval) {
        let payment = self.payment_id.map(|id| PaymentInfo {
            id,
            voucher_no: self.voucher_no.unwrap_or_default(),
            amount: self.amount.and_then(|yuan| Amount { project_id: self.project_id, yuan }.shown()),
            purpose: self.purpose.unwrap_or_default(),
            status: self.payment_status.unwrap_or_default(),
            paid_on: self.paid_on,
            payee_name: self.payee_name.unwrap_or_default(),
            payee_account: self.payee_account.map(|a| BankAccount(a).shown()),
        });
        let approval = Approval {
            id: self.id,
            kind: self.kind,
            project_code: self.project_code,
            project_name: self.project_name,
            from_stage: self.from_stage,
            to_stage: self.to_stage,
            unit_code: self.unit_code,
            payment,
            note: self.note,
            documents: self.documents,
            status: self.status,
            requested_by: self.requested_by,
            requested_at: self.requested_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            comment: self.comment,
            may_decide: false,
        };
        (self.project_id, approval)
    }
}

/// Whether `p` may decide `a`: a director, on a pending request somebody else made.
pub fn may_decide(p: &Principal, a: &Approval) -> bool {
    p.role == Role::Director && a.status == "pending" && a.requested_by != p.actor
}

async fn query(
    conn: &mut PgConnection,
    id: Option<i64>,
    project: Option<i64>,
    status: Option<&str>,
    scope: Option<Vec<i64>>,
    not_by: Option<&str>,
) -> Result<Vec<(i64, Approval)>, ApiError> {
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/approvals.sql"))
        .bind(id)
        .bind(project)
        .bind(status)
        .bind(scope)
        .bind(not_by)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(Row::shown).collect())
}

/// Approval `id`.
pub async fn load(conn: &mut PgConnection, id: i64) -> Result<Approval, ApiError> {
    let mut rows = query(conn, Some(id), None, None, None, None).await?;
    rows.pop().map(|(_, a)| a).ok_or_else(|| ApiError::not_found(format!("no approval {id}")))
}

/// The transition of project `id` waiting for approval, if any.
pub async fn pending_transition(conn: &mut PgConnection, project_id: i64) -> Result<Option<Approval>, ApiError> {
    let rows = query(conn, None, Some(project_id), Some("pending"), None, None).await?;
    Ok(rows.into_iter().map(|(_, a)| a).find(|a| a.kind == "transition"))
}

/// Approvals: for a director, what they may decide (pending, requested by others); for the
/// others, what was requested in their projects. `status` defaults to `pending`.
#[utoipa::path(get, path = "/api/approvals", tag = "征收项目 relocation", params(ApprovalsQuery),
    responses((status = 200, body = Vec<Approval>),
        (status = 400, description = "unknown status", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<ApprovalsQuery>,
) -> Result<Json<Vec<Approval>>, ApiError> {
    let status = match q.status.as_deref().unwrap_or("pending") {
        "all" => None,
        s @ ("pending" | "approved" | "rejected") => Some(s),
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_status",
                format!("status {other:?} is not one of pending, approved, rejected, all"),
            ));
        }
    };
    let mut conn = state.pool.acquire().await?;
    let project = match q.project.as_deref() {
        Some(code) => Some(super::read::find(&state, &p, code).await?.id),
        None => None,
    };
    let not_by = (p.role == Role::Director && status == Some("pending")).then_some(p.actor.as_ref());
    let rows = query(&mut conn, None, project, status, p.relocation_scope(), not_by).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(_, mut a)| {
                a.may_decide = may_decide(&p, &a);
                a
            })
            .collect(),
    ))
}

/// Approves or rejects a request. Only a director, never the requester (403 `four_eyes`);
/// approving carries it out (a transition's preconditions and a payment's funds are checked
/// again: 409 when they no longer hold, and the request stays pending).
#[utoipa::path(post, path = "/api/approvals/{id}/decision", tag = "征收项目 relocation", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "the approval's id")),
    responses((status = 200, body = Approval),
        (status = 403, description = "not a director, or the requester", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided, or no longer possible", body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<Approval>, ApiError> {
    let comment = body.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.contains('\0')) {
        return Err(crate::base::error::nul_refused());
    }
    let mut tx = begin(&state, &p).await?;
    let project_id: Option<i64> =
        sqlx::query_scalar("SELECT project_id FROM approvals WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
    let project_id = project_id.ok_or_else(|| ApiError::not_found(format!("no approval {id}")))?;
    // The project first, as every write of it does, then the request.
    sqlx::query("SELECT 1 FROM relocation_projects WHERE id = $1 FOR UPDATE")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT 1 FROM approvals WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *tx).await?;
    let a = load(&mut tx, id).await?;
    if !p.can_see_project(project_id) {
        return Err(AuthError::OutOfScope(a.project_code).into());
    }
    if a.status != "pending" {
        return Err(conflict(issue(
            "already_decided",
            format!("该申请已处理（{}）", a.status),
            format!("this request was already {}", a.status),
        )));
    }
    if a.requested_by == p.actor {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "four_eyes",
            "you requested this yourself: another director decides it (申请人不得审批本人的申请)",
        ));
    }
    match (a.kind.as_str(), body.approve) {
        ("transition", true) => {
            let (from, to) = (a.from_stage.as_deref().unwrap_or_default(), a.to_stage.as_deref().unwrap_or_default());
            workflow::apply(&mut tx, project_id, from, to, a.note.as_deref()).await?;
        }
        ("payment", approve) => {
            let payment = a
                .payment
                .as_ref()
                .map(|m| m.id)
                .ok_or_else(|| ApiError::internal("a payment approval without its payment"))?;
            payments::settle(&mut tx, payment, approve).await?;
        }
        _ => {}
    }
    sqlx::query("UPDATE approvals SET status = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1")
        .bind(id)
        .bind(if body.approve { "approved" } else { "rejected" })
        .bind(p.actor.as_ref())
        .bind(comment)
        .execute(&mut *tx)
        .await?;
    let decided = load(&mut tx, id).await?;
    let target = match &a.unit_code {
        Some(u) => format!("{}/{u}", a.project_code),
        None => a.project_code.clone(),
    };
    let after = json!({"approval": id, "kind": a.kind, "approve": body.approve, "comment": comment,
        "to": a.to_stage, "amount": a.payment.as_ref().and_then(|m| m.amount).map(|v| yuan((v * 100.0).round() as i64))});
    record(&mut tx, &p, "approval_decision", &target, Some(json!({"status": "pending"})), Some(after)).await?;
    tx.commit().await?;
    Ok(Json(decided))
}

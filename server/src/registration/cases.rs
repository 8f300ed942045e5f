//! 注销登记: when the relocation workflow records a house as demolished it opens a
//! cancellation case here ([`open_cancellation`], in the workflow's transaction); clerks list
//! the open cases and decide them — never the one who opened a case (four eyes). Approved, the
//! unit's current rights become `cancelled`, their certificates `cancelled` (verification says
//! so), and the house unit is marked demolished (its history keeps the earlier version; tiles
//! and identify follow through the usual change notification).

use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use onemap_api::Problem;
use onemap_api::registration::{CaseDecision, CasePage, CaseQuery, RegistrationCase};
use serde_json::json;
use sqlx::PgConnection;

use crate::archives::numbers;
use crate::auth::Principal;
use crate::base::error::Issue;
use crate::base::versions::{etag, if_match, precondition};
use crate::base::{ApiError, ApiJson, ApiQuery, AppState, AuditEvent, begin, journal};

/// A case as `case.sql` reads it.
#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    business_no: String,
    kind: String,
    status: String,
    unit_code: String,
    compensation_unit: Option<String>,
    project: Option<String>,
    reason: String,
    demolished_on: NaiveDate,
    opened_by: String,
    opened_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    decision_note: Option<String>,
    version: i32,
    house_unit_id: i64,
    rights: Vec<String>,
    certificates: Vec<String>,
    total: i64,
}

impl From<CaseRow> for RegistrationCase {
    fn from(r: CaseRow) -> Self {
        Self {
            id: r.id,
            business_no: r.business_no,
            kind: r.kind,
            status: r.status,
            unit_code: r.unit_code,
            compensation_unit: r.compensation_unit,
            project: r.project,
            reason: r.reason,
            demolished_on: r.demolished_on,
            opened_by: r.opened_by,
            opened_at: r.opened_at.fixed_offset(),
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(|t| t.fixed_offset()),
            decision_note: r.decision_note,
            rights: r.rights,
            certificates: r.certificates,
            version: r.version,
        }
    }
}

/// Opens the cancellation of the rights of the house unit of compensation unit `unit_id`,
/// demolished on `on`, in the caller's transaction (with its audit row). Nothing when the
/// unit has no registered house unit or the house unit has no current right (an unregistered
/// or illegal building); returns the case's business number otherwise.
pub async fn open_cancellation(
    conn: &mut PgConnection,
    actor: &str,
    role: &str,
    unit_id: i64,
    on: NaiveDate,
) -> Result<Option<String>, ApiError> {
    let target: Option<(i64, String, String, String)> = sqlx::query_as(
        "SELECT h.id, h.unit_code::text, c.code, p.code FROM compensation_units c
         JOIN relocation_projects p ON p.id = c.project_id JOIN house_units h ON h.id = c.house_unit_id
         WHERE c.id = $1 AND EXISTS (SELECT FROM rights r WHERE r.unit_code = h.unit_code AND r.status = 'current')",
    )
    .bind(unit_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((house_unit, unit_code, code, project)) = target else { return Ok(None) };
    let seq = numbers::next(conn, &format!("ZX-{}", on.year())).await?;
    let business_no = format!("ZX-{}-{seq:06}", on.year());
    sqlx::query(
        "INSERT INTO registration_cases (kind, business_no, house_unit_id, unit_code, compensation_unit_id, reason,
                                         demolished_on, opened_by)
         VALUES ('cancellation', $1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&business_no)
    .bind(house_unit)
    .bind(&unit_code)
    .bind(unit_id)
    .bind(format!("房屋征收拆除（项目 {project}，补偿单元 {code}）"))
    .bind(on)
    .bind(actor)
    .execute(&mut *conn)
    .await?;
    let event = AuditEvent::new(actor, role, "registration_case_open", &business_no, "success").details(
        json!({"kind": "cancellation", "unit_code": unit_code, "compensation_unit": code, "demolished_on": on}),
    );
    journal::append(conn, &[event]).await?;
    Ok(Some(business_no))
}

async fn fetch(
    conn: &mut PgConnection,
    id: Option<i64>,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>, ApiError> {
    Ok(sqlx::query_as(include_str!("sql/case.sql"))
        .bind(id)
        .bind(status)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// 登记业务 awaiting a decision (or decided), oldest first.
#[utoipa::path(get, path = "/api/registration/cases", tag = "电子证照 certificates", params(CaseQuery),
    responses((status = 200, body = CasePage),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, ApiQuery(q): ApiQuery<CaseQuery>) -> Result<Json<CasePage>, ApiError> {
    let status = match q.status.as_deref().unwrap_or("open") {
        "all" => None,
        s @ ("open" | "approved" | "rejected") => Some(s),
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_status",
                format!("status {other:?} is open, approved, rejected or all"),
            ));
        }
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let mut conn = state.pool.acquire().await?;
    let rows = fetch(&mut conn, None, status, limit, offset).await?;
    let total = rows.first().map_or(0, |r| r.total);
    Ok(Json(CasePage { total, cases: rows.into_iter().map(Into::into).collect() }))
}

/// Approves or rejects a case (If-Match). Never by the one who opened it (403 `four_eyes`);
/// a decided case answers 409 `case_decided`.
#[utoipa::path(post, path = "/api/registration/cases/{id}/decision", tag = "电子证照 certificates",
    params(("id" = i64, Path, description = "the case"), ("If-Match" = String, Header, description = "the case's ETag")),
    request_body = CaseDecision,
    responses((status = 200, body = RegistrationCase),
        (status = 403, description = "`four_eyes`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_decided`", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(d): ApiJson<CaseDecision>,
) -> Result<impl IntoResponse, ApiError> {
    let approve = match d.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(ApiError::rules(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_decision",
                vec![Issue {
                    code: "invalid_decision",
                    message: "决定应为 approve（准予注销）或 reject（不予注销）".into(),
                    message_en: "decision is approve or reject".into(),
                }],
            ));
        }
    };
    let mut tx = begin(&state, &p).await?;
    let locked: Option<i32> = sqlx::query_scalar("SELECT version FROM registration_cases WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(version) = locked else { return Err(ApiError::not_found(format!("no registration case {id}"))) };
    let case = fetch(&mut tx, Some(id), None, 1, 0)
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(format!("no case {id}")))?;
    precondition(if_match(&headers).as_deref(), version, &format!("case {}", case.business_no))?;
    if case.status != "open" {
        return Err(ApiError::rules(
            StatusCode::CONFLICT,
            "case_decided",
            vec![Issue {
                code: "case_decided",
                message: format!("该业务已办结（{}）", case.status),
                message_en: format!("the case is {} already", case.status),
            }],
        ));
    }
    if case.opened_by == p.actor.as_ref() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "four_eyes",
            "不能审核自己发起的业务 / a case is decided by someone other than who opened it",
        ));
    }
    let mut details = json!({"decision": d.decision, "note": d.note, "unit_code": case.unit_code});
    if approve {
        let rights: Vec<i64> = sqlx::query_scalar(
            "UPDATE rights SET status = 'cancelled', cancelled_on = (now() AT TIME ZONE 'Asia/Shanghai')::date,
                    updated_at = now(), version = version + 1
             WHERE unit_code = $1 AND status = 'current' RETURNING id",
        )
        .bind(&case.unit_code)
        .fetch_all(&mut *tx)
        .await?;
        let certificates: Vec<String> = sqlx::query_scalar(
            "UPDATE certificates SET status = 'cancelled', cancelled_on = (now() AT TIME ZONE 'Asia/Shanghai')::date,
                    updated_at = now(), version = version + 1
             WHERE right_id = ANY($1) AND status = 'valid' RETURNING number",
        )
        .bind(&rights)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO registration_case_rights (case_id, right_id) SELECT $1, unnest($2::bigint[])")
            .bind(id)
            .bind(&rights)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE house_units SET demolished_on = $2, updated_at = now(), version = version + 1 WHERE id = $1",
        )
        .bind(case.house_unit_id)
        .bind(case.demolished_on)
        .execute(&mut *tx)
        .await?;
        details["rights_cancelled"] = json!(case.rights);
        details["certificates_cancelled"] = json!(certificates);
    }
    sqlx::query(
        "UPDATE registration_cases SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4,
                version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .bind(if approve { "approved" } else { "rejected" })
    .bind(p.actor.as_ref())
    .bind(&d.note)
    .execute(&mut *tx)
    .await?;
    if approve {
        super::exchange::record_cancellation(&mut tx, id).await?;
    }
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "registration_case_decide", &case.business_no, "success")
        .details(details);
    journal::append(&mut tx, &[event]).await?;
    let decided: RegistrationCase =
        fetch(&mut tx, Some(id), None, 1, 0).await?.pop().ok_or_else(|| ApiError::not_found("case"))?.into();
    tx.commit().await?;
    Ok(([(ETAG, etag(decided.version))], Json(decided)))
}

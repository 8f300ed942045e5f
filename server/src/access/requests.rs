//! 权限申请: a logged-in user asks for another role or one more relocation project, with a
//! reason and an optional last day; an administrator (any request) or the director (project
//! requests) approves or rejects it — never their own — and an approval grants it in the same
//! transaction as the decision and its audit row. The applicant may withdraw a pending one.

use axum::extract::State;
use axum::http::header::ETAG;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use onemap_api::Problem;
use onemap_api::access::{AccessDecision, AccessRequest, AccessRequestPage, AccessRequestsQuery, NewAccessRequest};
use serde_json::json;
use sqlx::PgConnection;

use crate::auth::admin::user_snapshot;
use crate::auth::policy::RELOCATION_READERS;
use crate::auth::{AuthError, Principal, Role};
use crate::base::error::{Issue, nul_refused};
use crate::base::journal::{self as audit, AuditEvent};
use crate::base::versions::{etag, if_match, precondition};
use crate::base::{ApiError, ApiJson, ApiPath, ApiQuery, AppState, begin};

/// The longest a request may ask for: a year and a day from today.
const MAX_DAYS: i64 = 366;
/// Reasons and comments: at most this many characters.
const MAX_TEXT: usize = 500;

type Answer = ([(axum::http::HeaderName, String); 1], Json<AccessRequest>);

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    applicant_role: String,
    kind: String,
    role: Option<String>,
    project: Option<String>,
    project_name: Option<String>,
    reason: String,
    until: Option<NaiveDate>,
    status: String,
    requested_at: DateTime<Utc>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    comment: Option<String>,
    version: i32,
    user_id: i64,
    project_id: Option<i64>,
}

impl Row {
    fn shown(self, p: &Principal) -> AccessRequest {
        let may_decide = may_decide(p, &self);
        AccessRequest {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            current_role: Role::parse(&self.applicant_role).unwrap_or(Role::Public),
            kind: self.kind,
            role: self.role.as_deref().and_then(Role::parse),
            project: self.project,
            project_name: self.project_name,
            reason: self.reason,
            until: self.until,
            status: self.status,
            requested_at: self.requested_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            comment: self.comment,
            version: self.version,
            may_decide,
        }
    }
}

/// Whether `p` may decide `r`: pending, not their own; roles by administrators only,
/// projects by administrators and by a director who sees the project.
fn may_decide(p: &Principal, r: &Row) -> bool {
    let other = p.user_id != Some(r.user_id);
    let can = match (p.role, r.kind.as_str()) {
        (Role::Admin, _) => true,
        (Role::Director, "project") => r.project_id.is_some_and(|id| p.can_see_project(id)),
        _ => false,
    };
    r.status == "pending" && other && can
}

/// Whether `p` sees every request (deciders and auditors) rather than only their own.
fn sees_all(p: &Principal) -> bool {
    matches!(p.role, Role::Admin | Role::Director | Role::Auditor)
}

fn issue(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Issue {
    Issue { code, message: zh.into(), message_en: en.into() }
}

fn invalid(i: Issue) -> ApiError {
    ApiError::rules(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", vec![i])
}

fn conflict(i: Issue) -> ApiError {
    ApiError::rules(StatusCode::CONFLICT, "conflict", vec![i])
}

/// The caller's user id: API keys do not apply for access (403 `users_only`).
fn user_of(p: &Principal) -> Result<i64, ApiError> {
    p.user_id.ok_or_else(|| {
        ApiError::new(StatusCode::FORBIDDEN, "users_only", "only a logged-in user applies for access (API keys do not)")
    })
}

/// Today in Beijing.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A reason or comment: trimmed, at most [`MAX_TEXT`] characters, no NUL; None when empty.
fn text(field: &'static str, v: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.contains('\0') {
        return Err(nul_refused());
    }
    if v.chars().count() > MAX_TEXT {
        return Err(invalid(issue(
            "text_too_long",
            format!("{field} 不能超过 {MAX_TEXT} 个字"),
            format!("{field} has more than {MAX_TEXT} characters"),
        )));
    }
    Ok(Some(v.to_owned()))
}

async fn rows(
    conn: &mut PgConnection,
    id: Option<i64>,
    status: Option<&str>,
    user: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Row>, ApiError> {
    Ok(sqlx::query_as(include_str!("sql/rows.sql"))
        .bind(id)
        .bind(status)
        .bind(user)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?)
}

/// Request `id` as `p` may see it: their own, or any for deciders and auditors (404 otherwise,
/// as if it did not exist).
async fn visible(conn: &mut PgConnection, p: &Principal, id: i64) -> Result<Row, ApiError> {
    let row = rows(conn, Some(id), None, None, 1, 0).await?.pop();
    row.filter(|r| sees_all(p) || p.user_id == Some(r.user_id))
        .ok_or_else(|| ApiError::not_found(format!("no access request {id}")))
}

fn answer(status: StatusCode, p: &Principal, r: Row) -> (StatusCode, Answer) {
    let tag = etag(r.version);
    (status, ([(ETAG, tag)], Json(r.shown(p))))
}

#[derive(sqlx::FromRow)]
struct Applicant {
    username: String,
    role: String,
    narrowed: bool,
    holds_project: bool,
}

/// The checks of a project request against the applicant as they are now (when asking, and
/// again when approving): a role that works with projects, not an appraiser (whose firm's
/// appointments decide), narrowed to some projects (otherwise they see every one), and not
/// holding this one already.
fn project_rules(a: &Applicant, project: &str) -> Result<(), ApiError> {
    let role = Role::parse(&a.role).unwrap_or(Role::Public);
    if role == Role::Appraiser {
        return Err(conflict(issue(
            "appraiser_scope_by_firm",
            "评估机构的项目范围由其受委托的项目决定，不能单独申请",
            "an appraiser sees the projects their firm is appointed to: ask for the appointment instead",
        )));
    }
    if !RELOCATION_READERS.contains(&role) {
        return Err(conflict(issue(
            "role_without_projects",
            format!("角色 {} 不处理征收项目，请先申请相应角色", role.as_str()),
            format!("role {} does not work with relocation projects: apply for a role that does", role.as_str()),
        )));
    }
    if !a.narrowed || a.holds_project {
        return Err(conflict(issue(
            "access_already_held",
            format!("已有项目 {project} 的权限"),
            format!("{} already sees project {project}", a.username),
        )));
    }
    Ok(())
}

async fn applicant(conn: &mut PgConnection, user: i64, project: Option<i64>) -> Result<Applicant, ApiError> {
    Ok(sqlx::query_as(include_str!("sql/applicant.sql")).bind(user).bind(project.unwrap_or(-1)).fetch_one(conn).await?)
}

/// Applies for a role or a project. 201 with the request (and its ETag); 422 for a bad
/// request (rule codes), 409 when it is already held or already asked for.
#[utoipa::path(post, path = "/api/access-requests", tag = "权限 access", request_body = NewAccessRequest,
    responses((status = 201, body = AccessRequest),
        (status = 409, description = "already held, or already asked for", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "the request breaks a rule", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(body): ApiJson<NewAccessRequest>,
) -> Result<(StatusCode, Answer), ApiError> {
    let user = user_of(&p)?;
    let reason = text("申请理由", Some(&body.reason))?
        .ok_or_else(|| invalid(issue("reason_required", "请填写申请理由", "give a reason for the request")))?;
    if let Some(until) = body.until {
        if until < today() {
            return Err(invalid(issue("until_in_past", "截止日期已过", format!("{until} has passed"))));
        }
        if until > today() + Duration::days(MAX_DAYS) {
            return Err(invalid(issue(
                "until_too_far",
                "截止日期不能超过一年",
                format!("{until} is more than a year away: ask again when that time comes"),
            )));
        }
    }
    let mut tx = begin(&state, &p).await?;
    let (role, project_id) = match (body.kind.as_str(), body.role, body.project.as_deref()) {
        ("role", Some(role), None) => {
            if matches!(role, Role::Public | Role::Appraiser) {
                return Err(invalid(issue(
                    "role_not_requestable",
                    "该角色不能申请（评估机构人员由管理员随机构一并开通）",
                    format!("role {} cannot be asked for (appraisers come with their firm)", role.as_str()),
                )));
            }
            if role == p.role {
                return Err(conflict(issue(
                    "access_already_held",
                    format!("已是 {} 角色", role.as_str()),
                    format!("you already are {}", role.as_str()),
                )));
            }
            (Some(role.as_str()), None)
        }
        ("project", None, Some(code)) => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM relocation_projects WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
            let id = id.ok_or_else(|| {
                invalid(issue("unknown_project", format!("没有项目 {code}"), format!("there is no project {code}")))
            })?;
            project_rules(&applicant(&mut tx, user, Some(id)).await?, code)?;
            (None, Some(id))
        }
        _ => {
            return Err(invalid(issue(
                "invalid_kind",
                "请选择申请角色（kind=role 与 role）或项目（kind=project 与 project）",
                "send kind \"role\" with a role, or kind \"project\" with a project code",
            )));
        }
    };
    let inserted = sqlx::query_scalar::<_, i64>(include_str!("sql/insert.sql"))
        .bind(user)
        .bind(p.role.as_str())
        .bind(&body.kind)
        .bind(role)
        .bind(project_id)
        .bind(&reason)
        .bind(body.until)
        .fetch_one(&mut *tx)
        .await;
    let id = match inserted {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("access_requests_one_pending") => {
            return Err(conflict(issue(
                "request_pending",
                "同样的申请正在审批中",
                "the same request is already waiting for a decision",
            )));
        }
        other => other?,
    };
    let target = format!("access-request/{id}");
    let after =
        json!({"kind": body.kind, "role": role, "project": body.project, "until": body.until, "reason": reason});
    let event =
        AuditEvent::new(&p.actor, p.role.as_str(), "access_request", &target, "success").change(None, Some(after));
    audit::append(&mut tx, &[event]).await?;
    let row = visible(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(answer(StatusCode::CREATED, &p, row))
}

/// Requests, newest first: every one for administrators, directors and auditors (unless
/// `mine`), the caller's own for everyone else. `status` defaults to `pending`.
#[utoipa::path(get, path = "/api/access-requests", tag = "权限 access", params(AccessRequestsQuery),
    responses((status = 200, body = AccessRequestPage),
        (status = 400, description = "unknown status or bad page", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<AccessRequestsQuery>,
) -> Result<Json<AccessRequestPage>, ApiError> {
    let status = match q.status.as_deref().unwrap_or("pending") {
        "all" => None,
        s @ ("pending" | "approved" | "rejected" | "withdrawn") => Some(s),
        other => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_status",
                format!("status {other:?} is not one of pending, approved, rejected, withdrawn, all"),
            ));
        }
    };
    let (limit, offset) = (q.limit.unwrap_or(100), q.offset.unwrap_or(0));
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_page", "limit is 1–500 and offset 0 or more"));
    }
    let user = if q.mine.unwrap_or(false) || !sees_all(&p) { Some(user_of(&p)?) } else { None };
    let mut conn = state.pool.acquire().await?;
    let found = rows(&mut conn, None, status, user, limit, offset).await?;
    let total: i64 =
        sqlx::query_scalar(include_str!("sql/count.sql")).bind(status).bind(user).fetch_one(&mut *conn).await?;
    Ok(Json(AccessRequestPage { items: found.into_iter().map(|r| r.shown(&p)).collect(), total }))
}

/// One request (the caller's own, or any for deciders and auditors), with its ETag.
#[utoipa::path(get, path = "/api/access-requests/{id}", tag = "权限 access",
    params(("id" = i64, Path, description = "the request's id")),
    responses((status = 200, body = AccessRequest),
        (status = 404, description = "no such request the caller may see", body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Answer, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let row = visible(&mut conn, &p, id).await?;
    Ok(answer(StatusCode::OK, &p, row).1)
}

/// Locks request `id` for a change, after the If-Match check: 404, 428/412, 409 when it is
/// no longer pending.
async fn lock(conn: &mut PgConnection, p: &Principal, id: i64, headers: &HeaderMap) -> Result<Row, ApiError> {
    sqlx::query("SELECT 1 FROM access_requests WHERE id = $1 FOR UPDATE").bind(id).execute(&mut *conn).await?;
    let row = visible(conn, p, id).await?;
    precondition(if_match(headers).as_deref(), row.version, &format!("access request {id}"))?;
    if row.status != "pending" {
        return Err(conflict(issue(
            "already_decided",
            format!("该申请已处理（{}）", row.status),
            format!("this request was already {}", row.status),
        )));
    }
    Ok(row)
}

/// Approves or rejects a pending request (`If-Match` with its ETag). Administrators decide
/// every request, a director project requests of projects they see; nobody their own (403
/// `four_eyes`). Approving grants it as things stand then (409 when that no longer makes
/// sense); rejecting needs a comment.
#[utoipa::path(post, path = "/api/access-requests/{id}/decision", tag = "权限 access", request_body = AccessDecision,
    params(("id" = i64, Path, description = "the request's id")),
    responses((status = 200, body = AccessRequest),
        (status = 403, description = "not theirs to decide", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided, or no longer possible", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing", body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AccessDecision>,
) -> Result<Answer, ApiError> {
    let comment = text("审批意见", body.comment.as_deref())?;
    let mut tx = begin(&state, &p).await?;
    let row = lock(&mut tx, &p, id, &headers).await?;
    if p.user_id == Some(row.user_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "four_eyes",
            "you asked for this yourself: someone else decides it (申请人不得审批本人的申请)",
        ));
    }
    if !may_decide(&p, &row) {
        return Err(match (p.role, row.project_id) {
            (Role::Director, Some(_)) => AuthError::OutOfScope(row.project.clone().unwrap_or_default()).into(),
            _ => ApiError::new(
                StatusCode::FORBIDDEN,
                "admins_decide_roles",
                "only an administrator decides a request for a role (角色申请由系统管理员审批)",
            ),
        });
    }
    if !body.approve && comment.is_none() {
        return Err(invalid(issue("comment_required", "驳回时请填写审批意见", "say why when rejecting")));
    }
    let before = user_snapshot(&mut tx, &row.username).await?;
    if body.approve {
        match (row.role.as_deref(), row.project_id) {
            (Some(role), _) => {
                let now: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
                    .bind(row.user_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if now != row.applicant_role {
                    return Err(conflict(issue(
                        "role_changed",
                        format!("申请人的角色已变为 {now}，请其重新申请"),
                        format!("the applicant's role changed to {now} since asking: they should ask again"),
                    )));
                }
                sqlx::query(include_str!("sql/grant_role.sql"))
                    .bind(row.user_id)
                    .bind(role)
                    .bind(p.actor.as_ref())
                    .bind(row.until)
                    .execute(&mut *tx)
                    .await?;
            }
            (None, Some(project)) => {
                let code = row.project.clone().unwrap_or_default();
                project_rules(&applicant(&mut tx, row.user_id, Some(project)).await?, &code)?;
                sqlx::query(include_str!("sql/grant_project.sql"))
                    .bind(row.user_id)
                    .bind(project)
                    .bind(p.actor.as_ref())
                    .bind(row.until)
                    .execute(&mut *tx)
                    .await?;
            }
            (None, None) => return Err(ApiError::internal("an access request asks for nothing")),
        }
    }
    let status = if body.approve { "approved" } else { "rejected" };
    sqlx::query(include_str!("sql/decide.sql"))
        .bind(id)
        .bind(status)
        .bind(p.actor.as_ref())
        .bind(&comment)
        .execute(&mut *tx)
        .await?;
    let after = if body.approve { user_snapshot(&mut tx, &row.username).await? } else { before.clone() };
    let action = if body.approve { "access_grant" } else { "access_reject" };
    let event = AuditEvent::new(&p.actor, p.role.as_str(), action, &row.username, "success")
        .change(before, after)
        .details(json!({"request": id, "kind": row.kind, "role": row.role, "project": row.project,
            "until": row.until, "comment": comment}));
    audit::append(&mut tx, &[event]).await?;
    let decided = visible(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(answer(StatusCode::OK, &p, decided).1)
}

/// Withdraws one's own pending request (`If-Match` with its ETag).
#[utoipa::path(post, path = "/api/access-requests/{id}/withdrawal", tag = "权限 access",
    params(("id" = i64, Path, description = "the request's id")),
    responses((status = 200, body = AccessRequest),
        (status = 403, description = "not the applicant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "already decided", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "changed since read", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiPath(id): ApiPath<i64>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    let mut tx = begin(&state, &p).await?;
    let row = lock(&mut tx, &p, id, &headers).await?;
    if p.user_id != Some(row.user_id) {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "not_applicant", "only the applicant withdraws a request"));
    }
    sqlx::query(include_str!("sql/decide.sql"))
        .bind(id)
        .bind("withdrawn")
        .bind(None::<String>)
        .bind(None::<String>)
        .execute(&mut *tx)
        .await?;
    let event =
        AuditEvent::new(&p.actor, p.role.as_str(), "access_withdraw", &format!("access-request/{id}"), "success");
    audit::append(&mut tx, &[event]).await?;
    let row = visible(&mut tx, &p, id).await?;
    tx.commit().await?;
    Ok(answer(StatusCode::OK, &p, row).1)
}

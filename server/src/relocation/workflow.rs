//! 项目流程: a new project (立项), the facts its rules read, its next stage with the
//! preconditions ticked off, and transition requests that wait for the director's approval.

use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::{Extension, Json};
use chrono::NaiveDate;
use onemap_api::Problem;
use onemap_api::relocation::Project;
use onemap_api::workflow::{Approval, NewProject, ProjectFacts, TransitionRequest, Workflow};
use serde_json::json;
use sqlx::PgConnection;

use super::rules::{self, Facts, conflict, invalid, issue};
use super::write::{self, begin, cents, not_future, precondition, record, required};
use super::{approvals, read};
use crate::auth::{AuthError, Principal};
use crate::base::{ApiError, ApiJson, AppState};

/// A project locked for a write.
pub struct Locked {
    pub id: i64,
    pub code: String,
    pub stage: String,
    pub version: i32,
}

/// Locks project `code` (404, or 403 outside the caller's scope).
pub async fn lock(conn: &mut PgConnection, p: &Principal, code: &str) -> Result<Locked, ApiError> {
    let row: Option<(i64, String, String, String, i32)> =
        sqlx::query_as(include_str!("sql/lock_project.sql")).bind(code).fetch_optional(&mut *conn).await?;
    let (id, code, _name, stage, version) =
        row.ok_or_else(|| ApiError::not_found(format!("no relocation project {code}")))?;
    if !p.can_see_project(id) {
        return Err(AuthError::OutOfScope(code).into());
    }
    Ok(Locked { id, code, stage, version })
}

/// What the preconditions read of project `id`.
pub async fn facts(conn: &mut PgConnection, id: i64) -> Result<Facts, ApiError> {
    Ok(sqlx::query_as(include_str!("sql/facts.sql")).bind(id).fetch_one(conn).await?)
}

/// Checks a GeoJSON area (Polygon or MultiPolygon, valid, lon/lat): 422 `invalid_geometry`.
pub async fn check_area(conn: &mut PgConnection, geometry: &serde_json::Value) -> Result<String, ApiError> {
    let bad = |why: &str| {
        invalid(issue("invalid_geometry", format!("几何图形无效：{why}"), format!("the geometry is not usable: {why}")))
    };
    let text = geometry.to_string();
    #[allow(clippy::type_complexity)]
    let row: Result<(String, bool, bool, f64, f64, f64, f64), sqlx::Error> =
        sqlx::query_as(include_str!("sql/check_area.sql")).bind(&text).fetch_one(&mut *conn).await;
    let (kind, valid, empty, xmin, ymin, xmax, ymax) = match row {
        Ok(r) => r,
        Err(sqlx::Error::Database(e)) => return Err(bad(e.message())),
        Err(e) => return Err(e.into()),
    };
    if !matches!(kind.as_str(), "ST_Polygon" | "ST_MultiPolygon") {
        return Err(bad(&format!("{kind} is not a polygon")));
    }
    if empty || !valid {
        return Err(bad("empty or self-intersecting (请检查是否自相交)"));
    }
    if xmin < 73.0 || xmax > 136.0 || ymin < 3.0 || ymax > 54.0 {
        return Err(bad("not EPSG:4490 lon/lat in China (应为 CGCS2000 经纬度)"));
    }
    Ok(text)
}

/// 立项: a new project in stage `setup`.
#[utoipa::path(post, path = "/api/projects", tag = "征收项目 relocation", request_body = NewProject,
    responses((status = 201, body = Project),
        (status = 422, description = "invalid name, boundary or budget", body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiJson(body): ApiJson<NewProject>,
) -> Result<(StatusCode, [(HeaderName, String); 1], Json<Project>), ApiError> {
    let name = required("name", &body.name)?;
    let agency = required("implementing_agency", &body.implementing_agency)?;
    let budget = cents("budget", body.budget)?;
    let mut tx = begin(&state, &p).await?;
    let boundary = check_area(&mut tx, &body.boundary).await?;
    // Codes are allocated one at a time.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('onemap.project_code'))").execute(&mut *tx).await?;
    let code = match body.code.as_deref().map(str::trim) {
        Some(c) => {
            let ok = (3..=32).contains(&c.len())
                && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
            if !ok {
                return Err(invalid(issue(
                    "invalid_code",
                    "项目编号只能由大写字母、数字和连字符组成（3–32位）",
                    "a project code is 3–32 capital letters, digits and hyphens",
                )));
            }
            c.to_owned()
        }
        None => {
            let year = write::today(&mut tx).await?.format("%Y").to_string();
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM relocation_projects WHERE code LIKE $1")
                .bind(format!("ZS-{year}-%"))
                .fetch_one(&mut *tx)
                .await?;
            format!("ZS-{year}-{:02}", n + 1)
        }
    };
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM relocation_projects WHERE code = $1)")
        .bind(&code)
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        return Err(conflict(issue("code_taken", format!("项目编号 {code} 已存在"), format!("project {code} exists"))));
    }
    let id: Option<i64> = sqlx::query_scalar(include_str!("sql/insert_project.sql"))
        .bind(&code)
        .bind(&boundary)
        .bind(&name)
        .bind(&agency)
        .bind(budget)
        .bind(p.actor.as_ref())
        .fetch_optional(&mut *tx)
        .await?;
    if id.is_none() {
        return Err(invalid(issue(
            "outside_county",
            "征收范围不在本系统管辖的区县内",
            "the boundary lies in no county of this register",
        )));
    }
    sqlx::query("INSERT INTO project_stage_events (project_id, stage, happened_on, note) VALUES ($1, 'setup', current_date, $2)")
        .bind(id)
        .bind(format!("立项 {name}"))
        .execute(&mut *tx)
        .await?;
    let after = json!({"code": code, "name": name, "implementing_agency": agency, "budget": write::yuan(budget)});
    record(&mut tx, &p, "project_create", &code, None, Some(after)).await?;
    tx.commit().await?;
    // The creator sees the project even with a project scope only after a grant; answer as
    // the register sees it.
    let row = read::find(&state, &Principal { projects: None, ..p.clone() }, &code).await?;
    Ok((StatusCode::CREATED, [(ETAG, write::etag(row.version))], Json(row.shown())))
}

async fn recorded(conn: &mut PgConnection, id: i64) -> Result<(ProjectFacts, Workflow), ApiError> {
    #[allow(clippy::type_complexity)]
    let r: (
        String,
        f64,
        Option<f64>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<String>,
        Option<NaiveDate>,
        Option<String>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        String,
        i32,
        String,
    ) = sqlx::query_as(include_str!("sql/project_facts.sql")).bind(id).fetch_one(&mut *conn).await?;
    let facts = ProjectFacts {
        name: Some(r.0),
        budget: Some(r.1),
        estimated_compensation: r.2,
        plan_published_on: r.3,
        plan_comment_ends_on: r.4,
        risk_assessment_no: r.5,
        risk_assessed_on: r.6,
        decision_no: r.7,
        decision_announced_on: r.8,
        signing_starts_on: r.9,
        signing_ends_on: r.10,
    };
    let next = rules::next_stage(&r.13).map(str::to_owned);
    let f = self::facts(conn, id).await?;
    let preconditions = next.as_deref().map(|n| rules::preconditions(n, &f)).unwrap_or_default();
    let pending = approvals::pending_transition(conn, id).await?;
    let workflow = Workflow {
        code: r.15,
        stage: r.13,
        next,
        preconditions,
        pending,
        version: r.14,
        facts: facts.clone(),
        survey_published_on: r.11,
        results_published_on: r.12,
    };
    Ok((facts, workflow))
}

/// The project's stage, its next stage with the preconditions met or not, the transition
/// waiting for approval and the facts recorded (ETag: the project's version).
#[utoipa::path(get, path = "/api/projects/{code}/workflow", tag = "征收项目 relocation",
    params(("code" = String, Path, description = "the project code")),
    responses((status = 200, body = Workflow),
        (status = 404, description = "no such project", body = Problem, content_type = "application/problem+json")))]
pub async fn workflow(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
) -> Result<([(HeaderName, String); 1], Json<Workflow>), ApiError> {
    let row = read::find(&state, &p, &code).await?;
    let mut conn = state.pool.acquire().await?;
    let (_, mut w) = recorded(&mut conn, row.id).await?;
    if let Some(a) = w.pending.as_mut() {
        a.may_decide = approvals::may_decide(&p, a);
    }
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}

/// Records project facts (If-Match). The plan's, the risk assessment's and the decision's are
/// fixed once the decision is made (409 `fact_locked`).
#[utoipa::path(patch, path = "/api/projects/{code}", tag = "征收项目 relocation", request_body = ProjectFacts,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 200, body = Workflow),
        (status = 409, description = "a fact fixed by a later stage", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "stale If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid facts", body = Problem, content_type = "application/problem+json")))]
pub async fn patch(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(f): ApiJson<ProjectFacts>,
) -> Result<([(HeaderName, String); 1], Json<Workflow>), ApiError> {
    let mut tx = begin(&state, &p).await?;
    let project = lock(&mut tx, &p, &code).await?;
    precondition(write::if_match(&headers).as_deref(), project.version, &format!("project {code}"))?;
    let (before, _) = recorded(&mut tx, project.id).await?;
    let today = write::today(&mut tx).await?;
    let name = f.name.as_deref().map(|n| required("name", n)).transpose()?;
    let budget = f.budget.map(|b| cents("budget", b)).transpose()?;
    let estimated = f.estimated_compensation.map(|b| cents("estimated_compensation", b)).transpose()?;
    for (field, on) in [
        ("plan_published_on", f.plan_published_on),
        ("risk_assessed_on", f.risk_assessed_on),
        ("decision_announced_on", f.decision_announced_on),
    ] {
        if let Some(on) = on {
            not_future(field, on, today)?;
        }
    }
    let text = |field: &str, v: &Option<String>| v.as_deref().map(|v| required(field, v)).transpose();
    let risk_no = text("risk_assessment_no", &f.risk_assessment_no)?;
    let decision_no = text("decision_no", &f.decision_no)?;
    let fixed = f.plan_published_on.is_some()
        || f.plan_comment_ends_on.is_some()
        || f.risk_assessment_no.is_some()
        || f.risk_assessed_on.is_some()
        || f.decision_no.is_some()
        || f.decision_announced_on.is_some();
    if fixed && rules::reached(&project.stage, "decision") {
        return Err(conflict(issue(
            "fact_locked",
            "征收决定作出后，补偿方案、风险评估和征收决定的记录不可更改",
            "the plan, risk assessment and decision facts are fixed once the decision is made",
        )));
    }
    let published = f.plan_published_on.or(before.plan_published_on);
    let comments_end = f.plan_comment_ends_on.or(before.plan_comment_ends_on);
    if let (Some(from), Some(until)) = (published, comments_end)
        && until < from + chrono::Days::new(30)
    {
        return Err(invalid(issue(
            "comment_period_too_short",
            "补偿方案征求意见期限不得少于30日（条例第十条）",
            format!("the comment period {from} – {until} is shorter than 30 days (art. 10)"),
        )));
    }
    if comments_end.is_some() && published.is_none() {
        return Err(invalid(issue(
            "plan_not_published",
            "先登记补偿方案公布日期",
            "record when the plan was published first",
        )));
    }
    let starts = f.signing_starts_on.or(before.signing_starts_on);
    let ends = f.signing_ends_on.or(before.signing_ends_on);
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        return Err(invalid(issue(
            "invalid_period",
            "签约期结束早于开始",
            format!("the signing period ends ({e}) before it starts ({s})"),
        )));
    }
    sqlx::query(include_str!("sql/update_facts.sql"))
        .bind(project.id)
        .bind(name)
        .bind(budget)
        .bind(estimated)
        .bind(f.plan_published_on)
        .bind(f.plan_comment_ends_on)
        .bind(risk_no)
        .bind(f.risk_assessed_on)
        .bind(decision_no)
        .bind(f.decision_announced_on)
        .bind(f.signing_starts_on)
        .bind(f.signing_ends_on)
        .execute(&mut *tx)
        .await?;
    let (after, w) = recorded(&mut tx, project.id).await?;
    record(&mut tx, &p, "project_facts", &code, Some(json!(before)), Some(json!(after))).await?;
    tx.commit().await?;
    Ok(([(ETAG, write::etag(w.version))], Json(w)))
}

/// Asks for the project's next stage: 202 with the approval request, or 409 listing every
/// unmet precondition.
#[utoipa::path(post, path = "/api/projects/{code}/transitions", tag = "征收项目 relocation",
    request_body = TransitionRequest,
    params(("code" = String, Path, description = "the project code")),
    responses((status = 202, body = Approval),
        (status = 409, description = "out of order, already pending, or preconditions unmet (all listed in `issues`)",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown stage or document", body = Problem, content_type = "application/problem+json")))]
pub async fn request(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let to = write::one_of("to", &body.to, &rules::STAGES).map_err(|_| {
        invalid(issue(
            "unknown_stage",
            format!("未知阶段 {}", body.to),
            format!("{:?} is not a stage ({})", body.to, rules::STAGES.join(", ")),
        ))
    })?;
    let mut tx = begin(&state, &p).await?;
    let project = lock(&mut tx, &p, &code).await?;
    check_order(&project.stage, to)?;
    if approvals::pending_transition(&mut tx, project.id).await?.is_some() {
        return Err(conflict(issue(
            "transition_pending",
            "已有待审批的阶段变更",
            "a stage transition of this project is already waiting for approval",
        )));
    }
    let f = facts(&mut tx, project.id).await?;
    let unmet = rules::unmet(&rules::preconditions(to, &f));
    if !unmet.is_empty() {
        return Err(ApiError::rules(StatusCode::CONFLICT, "preconditions_unmet", unmet));
    }
    let known: Vec<String> =
        sqlx::query_scalar("SELECT archive_no FROM archive_documents WHERE project_id = $1 AND archive_no = ANY ($2)")
            .bind(project.id)
            .bind(&body.documents)
            .fetch_all(&mut *tx)
            .await?;
    if let Some(missing) = body.documents.iter().find(|d| !known.contains(d)) {
        return Err(invalid(issue(
            "unknown_document",
            format!("本项目档案中没有 {missing}"),
            format!("no document {missing} in this project's archive"),
        )));
    }
    let note = body.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.contains('\0')) {
        return Err(crate::base::error::nul_refused());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (kind, project_id, from_stage, to_stage, note, documents, requested_by, requested_role) \
         VALUES ('transition', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(project.id)
    .bind(&project.stage)
    .bind(to)
    .bind(note)
    .bind(&body.documents)
    .bind(p.actor.as_ref())
    .bind(p.role.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let after = json!({"approval": id, "from": project.stage, "to": to, "note": note, "documents": body.documents});
    record(&mut tx, &p, "transition_request", &code, None, Some(after)).await?;
    let approval = approvals::load(&mut tx, id).await?;
    tx.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(approval)))
}

/// 409 `stage_order` unless `to` is the stage after `stage`.
fn check_order(stage: &str, to: &str) -> Result<(), ApiError> {
    match rules::next_stage(stage) {
        Some(next) if next == to => Ok(()),
        next => Err(conflict(issue(
            "stage_order",
            format!("阶段须依次推进：当前为 {stage}，下一阶段为 {}", next.unwrap_or("（无）")),
            format!("stages go in order: the project is in {stage}, the next stage is {}", next.unwrap_or("none")),
        ))),
    }
}

/// Carries out an approved transition (the project is locked): the preconditions are checked
/// again, as they stand now.
pub async fn apply(
    conn: &mut PgConnection,
    project_id: i64,
    from: &str,
    to: &str,
    note: Option<&str>,
) -> Result<(), ApiError> {
    let stage: String = sqlx::query_scalar("SELECT stage FROM relocation_projects WHERE id = $1 FOR UPDATE")
        .bind(project_id)
        .fetch_one(&mut *conn)
        .await?;
    if stage != from {
        return Err(conflict(issue(
            "stage_changed",
            "项目阶段已变化，本申请已失效",
            format!("the project moved from {from} to {stage} since the request"),
        )));
    }
    check_order(&stage, to)?;
    let f = facts(conn, project_id).await?;
    let unmet = rules::unmet(&rules::preconditions(to, &f));
    if !unmet.is_empty() {
        return Err(ApiError::rules(StatusCode::CONFLICT, "preconditions_unmet", unmet));
    }
    sqlx::query(
        "UPDATE relocation_projects SET stage = $2, \
           approved_on = CASE WHEN $2 = 'scope' THEN coalesce(approved_on, current_date) ELSE approved_on END, \
           closed_on = CASE WHEN $2 = 'closed' THEN current_date ELSE closed_on END WHERE id = $1",
    )
    .bind(project_id)
    .bind(to)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO project_stage_events (project_id, stage, happened_on, note) VALUES ($1, $2, current_date, $3)",
    )
    .bind(project_id)
    .bind(to)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

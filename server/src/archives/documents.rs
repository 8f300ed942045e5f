//! 档案上传与检索: one document filed with its archive number (`POST /api/archives`: the file
//! and the fields `project`, `unit` (a unit code or agreement number), `category`, `title`,
//! `document_date`), judged by its content; and the search (`GET /api/archives?q=`) over titles
//! and extracted text, Chinese included, ranked, within the caller's projects.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::{Datelike, NaiveDate};
use onemap_api::archives::{ArchivePage, ArchiveQuery, FiledDocument};
use onemap_intake::{Category, Kind, Scheme, Values};
use serde_json::json;
use sqlx::PgConnection;

use super::numbers::{Numbered, allocate};
use super::store::{Incoming, Staged, sha256};
use super::{Project, begin, page, project, scope, unit_of};
use crate::auth::Principal;
use crate::base::upload::receive_files;
use crate::base::{ApiError, ApiQuery, AppState, AuditEvent};

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// What an archive document may be: PDFs, scans, office and OFD documents.
pub fn accepted(kind: Kind) -> bool {
    !matches!(kind, Kind::Zip)
}

/// A document ready to be filed.
pub struct NewDocument<'a> {
    pub project: &'a Project,
    pub unit: Option<(i64, String)>,
    pub category: &'static Category,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub kind: Kind,
    pub bytes: Vec<u8>,
    pub original_name: Option<String>,
}

/// Numbers, stages and records `doc` in the caller's transaction, with its text for search;
/// the staged file (to move into place after the commit) and the audit event.
pub async fn file(
    conn: &mut PgConnection,
    state: &AppState,
    p: &Principal,
    scheme: &Scheme,
    doc: NewDocument<'_>,
) -> Result<(FiledDocument, Staged, AuditEvent), ApiError> {
    let year = doc.date.map(|d| d.year()).unwrap_or_else(|| chrono::Utc::now().year());
    let values = Values {
        project: &doc.project.code,
        category: doc.category.code,
        unit: doc.unit.as_ref().map(|u| u.1.as_str()),
        year,
    };
    let archive_no = allocate(conn, Numbered::Archive, scheme, &values).await?;
    let dir = format!("archives/{}", doc.project.code);
    let staged = Staged::bytes(&state.config.files_dir(), &dir, doc.kind.extension(), &doc.bytes).await?;
    let sha = sha256(&doc.bytes);
    let text = super::text::extract(staged.path(), doc.kind).await;
    let title_tokens = onemap_intake::index_tokens(&format!("{} {}", doc.title, archive_no));
    let text_tokens = text.as_deref().map(onemap_intake::index_tokens).unwrap_or_default();
    let version: i32 = sqlx::query_scalar(include_str!("sql/insert_document.sql"))
        .bind(&archive_no)
        .bind(doc.project.id)
        .bind(doc.unit.as_ref().map(|u| u.0))
        .bind(doc.category.id)
        .bind(&doc.title)
        .bind(doc.date)
        .bind(&staged.rel)
        .bind(&sha)
        .bind(doc.bytes.len() as i64)
        .bind(doc.kind.mime())
        .bind(text.as_deref())
        .bind(&title_tokens)
        .bind(&text_tokens)
        .bind(doc.original_name.as_deref())
        .bind(p.actor.as_ref())
        .fetch_one(&mut *conn)
        .await?;
    let unit = doc.unit.map(|u| u.1);
    let event = AuditEvent::new(&p.actor, p.role.as_str(), "archive_upload", &archive_no, "success").change(
        None,
        Some(json!({"project": doc.project.code, "unit": unit, "category": doc.category.id, "title": doc.title,
                    "sha256": sha, "file_path": staged.rel})),
    );
    let answer = FiledDocument {
        archive_no,
        version,
        project: doc.project.code.clone(),
        unit,
        category: doc.category.id.into(),
        title: doc.title,
        document_date: doc.date,
        mime_type: doc.kind.mime().into(),
        size_bytes: doc.bytes.len() as i64,
        sha256: sha,
        url: format!("/files/{}", staged.rel),
        rank: None,
        excerpt: None,
    };
    Ok((answer, staged, event))
}

/// A date as a form sends it (YYYY-MM-DD).
fn date(s: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad("invalid_date", format!("document_date {t:?} is not a date (YYYY-MM-DD)"))),
    }
}

/// Files one uploaded document.
#[utoipa::path(post, path = "/api/archives", tag = "照片与档案 archives",
    request_body(content = Vec<u8>, description = "multipart: `file`, `project`, optional `unit`, `category`, `title`, `document_date`", content_type = "multipart/form-data"),
    responses((status = 201, body = FiledDocument),
        (status = 413, description = "too large", body = onemap_api::Problem, content_type = "application/problem+json"),
        (status = 415, description = "not a document (HTML, SVG, scripts and unknown content are refused)", body = onemap_api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "unknown unit or category, bad date", body = onemap_api::Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    req: Request,
) -> Result<(StatusCode, Json<FiledDocument>), ApiError> {
    let files = state.config.files_dir();
    let incoming = Incoming::new(&files).await?;
    let limit = u64::from(state.config.archives.max_file_mb) << 20;
    let got = receive_files(req, incoming.path(), limit, 1).await?;
    let field = |n: &str| got.field(n).map(str::trim).filter(|v| !v.is_empty());
    let code = field("project").ok_or_else(|| bad("project_missing", "the field project is required"))?;
    let project = project(&state.pool, &p, code).await?;
    let category_name = field("category").unwrap_or("other");
    let category = onemap_intake::category(category_name)
        .ok_or_else(|| bad("unknown_category", format!("unknown category {category_name:?}")))?;
    let document_date = date(field("document_date"))?;
    let received = &got.files[0];
    let sniffed = onemap_intake::sniff(&received.path).map_err(|e| {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, e.code(), format!("the file is not accepted: {e}"))
    })?;
    if !accepted(sniffed.kind) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_a_document",
            "a zip is not a document: use /api/archives/batch for many files",
        ));
    }
    let title = field("title")
        .map(str::to_owned)
        .or_else(|| received.file_name.as_deref().map(|n| n.rsplit_once('.').map_or(n, |(s, _)| s).to_owned()))
        .ok_or_else(|| bad("title_missing", "the field title is required"))?;
    let bytes = tokio::fs::read(&received.path).await.map_err(super::store::storage)?;
    let scheme =
        Scheme::parse(&state.config.archives.archive_number_scheme).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut tx = begin(&state, &p).await?;
    let unit = match field("unit") {
        Some(u) => Some(unit_of(&mut tx, project.id, u).await?.ok_or_else(|| {
            bad("unknown_unit", format!("no compensation unit or agreement {u} in project {}", project.code))
        })?),
        None => None,
    };
    let doc = NewDocument {
        project: &project,
        unit,
        category,
        title,
        date: document_date,
        kind: sniffed.kind,
        bytes,
        original_name: received.file_name.clone(),
    };
    let (answer, staged, event) = file(&mut tx, &state, &p, &scheme, doc).await?;
    crate::base::journal::append(&mut tx, &[event]).await?;
    tx.commit().await?;
    staged.put_in_place().await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

type Row = (
    String,
    i32,
    String,
    Option<String>,
    String,
    String,
    Option<NaiveDate>,
    String,
    i64,
    String,
    String,
    Option<f32>,
    Option<String>,
    i64,
);

/// Searches and lists documents.
#[utoipa::path(get, path = "/api/archives", tag = "照片与档案 archives", params(ArchiveQuery),
    responses((status = 200, body = ArchivePage)))]
pub async fn search(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    ApiQuery(q): ApiQuery<ArchiveQuery>,
) -> Result<Json<ArchivePage>, ApiError> {
    let (limit, offset) = page(q.limit, q.offset)?;
    let words = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty());
    let tokens = words.map(onemap_intake::query_tokens).unwrap_or_default();
    // Tokens are letters, digits and ideographs only: quoted, they are lexemes as they are.
    let query = (!tokens.is_empty()).then(|| tokens.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(" & "));
    // An archive number (or its start) is looked up as such too.
    let prefix = words.filter(|w| w.contains('-') && w.is_ascii() && !w.contains(' ')).map(str::to_ascii_uppercase);
    if words.is_some() && query.is_none() && prefix.is_none() {
        return Ok(Json(ArchivePage { total: 0, documents: Vec::new() }));
    }
    // The words as typed, longest first: LIKE patterns for the title's relevance, and the
    // longest word for the excerpt.
    let mut typed: Vec<String> =
        words.map(|w| w.split_whitespace().map(str::to_lowercase).collect()).unwrap_or_default();
    typed.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let patterns =
        (!typed.is_empty()).then(|| typed.iter().map(|w| format!("%{}%", like_escape(w))).collect::<Vec<_>>());
    let first = typed.first().cloned();
    let rows: Vec<Row> = sqlx::query_as(include_str!("sql/search.sql"))
        .bind(scope(&p))
        .bind(&query)
        .bind(&prefix)
        .bind(q.project.as_deref())
        .bind(q.unit.as_deref())
        .bind(q.category.as_deref())
        .bind(q.from)
        .bind(q.to)
        .bind(&patterns)
        .bind(&first)
        .bind(limit)
        .bind(offset)
        // Titles need case folding only for words with cased letters (not for Chinese).
        .bind(typed.iter().any(|w| w.chars().any(|c| c.is_lowercase() || c.is_uppercase())))
        .fetch_all(&state.pool)
        .await?;
    let total = rows.first().map(|r| r.13).unwrap_or(0);
    let documents = rows
        .into_iter()
        .map(|r| FiledDocument {
            archive_no: r.0,
            version: r.1,
            project: r.2,
            unit: r.3,
            category: r.4,
            title: r.5,
            document_date: r.6,
            mime_type: r.7,
            size_bytes: r.8,
            sha256: r.9,
            url: format!("/files/{}", r.10),
            rank: r.11,
            excerpt: r.12,
        })
        .collect();
    Ok(Json(ArchivePage { total, documents }))
}

/// `word` as a literal inside a LIKE pattern (backslash is LIKE's default escape).
fn like_escape(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

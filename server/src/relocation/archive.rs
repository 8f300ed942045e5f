//! 档案: documents the workflow produces (the signed agreement, the compensation decision)
//! filed under the project with an archive number. The file is written under a generated name
//! next to its place and moved there only after the transaction commits; a rolled-back action
//! leaves no file.

use std::path::PathBuf;
use std::sync::OnceLock;

use onemap_print::{Agreement, CjkFont, Resettlement};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::base::{ApiError, AppState};

/// A document to file.
pub struct Document<'a> {
    pub project_id: i64,
    pub project_code: &'a str,
    pub unit_id: Option<i64>,
    /// `agreement`, `decision`, …
    pub category: &'static str,
    pub title: String,
}

/// A filed document whose file waits for the commit.
pub struct Pending {
    pub archive_no: String,
    part: PathBuf,
    target: PathBuf,
    placed: bool,
}

impl Pending {
    /// Moves the file into place (after the commit).
    pub async fn put_in_place(mut self) -> Result<(), ApiError> {
        if let Some(dir) = self.target.parent() {
            tokio::fs::create_dir_all(dir).await.map_err(|e| ApiError::internal(format!("archive directory: {e}")))?;
        }
        tokio::fs::rename(&self.part, &self.target)
            .await
            .map_err(|e| ApiError::internal(format!("filing {}: {e}", self.archive_no)))?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// Files `bytes` as `doc`: allocates the archive number (`<project>-XY-00001`), records the
/// row in the transaction and writes the file under a generated name beside its place.
pub async fn add(
    conn: &mut PgConnection,
    state: &AppState,
    doc: Document<'_>,
    bytes: &[u8],
) -> Result<Pending, ApiError> {
    let cat = match doc.category {
        "agreement" => "XY",
        "decision" => "JD",
        "payment" => "ZF",
        "approval" => "SP",
        _ => "QT",
    };
    let pattern = format!("-{cat}-([0-9]+)$");
    let seq: i64 = sqlx::query_scalar(
        "SELECT coalesce(max(substring(archive_no FROM $2)::bigint), 0) + 1 FROM archive_documents WHERE project_id = $1",
    )
    .bind(doc.project_id)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?;
    let archive_no = format!("{}-{cat}-{seq:05}", doc.project_code);
    let rel = format!("archives/{}/{}.pdf", doc.project_code, Uuid::new_v4());
    let sha = hex::encode(Sha256::digest(bytes));
    sqlx::query(
        "INSERT INTO archive_documents (archive_no, project_id, compensation_unit_id, category, title, document_date, \
           file_path, sha256, size_bytes, mime_type) \
         VALUES ($1, $2, $3, $4, $5, current_date, $6, $7, $8, 'application/pdf')",
    )
    .bind(&archive_no)
    .bind(doc.project_id)
    .bind(doc.unit_id)
    .bind(doc.category)
    .bind(&doc.title)
    .bind(&rel)
    .bind(&sha)
    .bind(bytes.len() as i64)
    .execute(&mut *conn)
    .await?;
    let target = state.config.files_dir().join(&rel);
    let dir = target.parent().map(PathBuf::from).unwrap_or_default();
    tokio::fs::create_dir_all(&dir).await.map_err(|e| ApiError::internal(format!("archive directory: {e}")))?;
    let part = dir.join(format!(".{}.part", Uuid::new_v4()));
    tokio::fs::write(&part, bytes).await.map_err(|e| ApiError::internal(format!("writing {archive_no}: {e}")))?;
    Ok(Pending { archive_no, part, target, placed: false })
}

/// The CJK font of printed documents, loaded on first use.
fn font() -> Result<&'static CjkFont, ApiError> {
    static FONT: OnceLock<Result<CjkFont, String>> = OnceLock::new();
    FONT.get_or_init(|| CjkFont::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ApiError::internal(format!("no Chinese font for printed documents: {e}")))
}

#[derive(sqlx::FromRow)]
struct Row {
    project_name: String,
    project_code: String,
    implementing_agency: String,
    project_decision_no: Option<String>,
    code: String,
    unit_code: Option<String>,
    address: String,
    owner_name: Option<String>,
    owner_id_number: Option<String>,
    surveyed_area_m2: f64,
    legality: String,
    compensation_mode: Option<String>,
    resettlement_flat: Option<String>,
    resettlement_area_m2: Option<f64>,
    resettlement_unit_price: Option<i64>,
    resettlement_value: i64,
    house_value: i64,
    decoration_value: i64,
    moving_fee: i64,
    temp_resettlement_fee: i64,
    temp_resettlement_months: i16,
    business_loss: i64,
    reward: i64,
    subsidy: i64,
    total_amount: i64,
    move_out_deadline: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
}

/// The unit's agreement (or compensation decision) as a PDF set in the CJK font, names and ID
/// numbers in full (the signed document).
pub async fn agreement_pdf(
    conn: &mut PgConnection,
    unit_id: i64,
    number: &str,
    decision: bool,
) -> Result<Vec<u8>, ApiError> {
    let r: Row = sqlx::query_as(include_str!("sql/agreement_doc.sql")).bind(unit_id).fetch_one(conn).await?;
    let legality = match r.legality.as_str() {
        "legal" => "合法",
        "temporary" => "临时建筑",
        _ => "违法建筑",
    };
    let swap = r.compensation_mode.as_deref() == Some("property_swap");
    // Every item is printed, zero or not: the document lists what was considered.
    let items = vec![
        ("被征收房屋价值".to_owned(), r.house_value),
        ("装饰装修及附属物".to_owned(), r.decoration_value),
        ("搬迁费".to_owned(), r.moving_fee),
        (format!("临时安置费（{} 个月）", r.temp_resettlement_months), r.temp_resettlement_fee),
        ("停产停业损失".to_owned(), r.business_loss),
        ("奖励".to_owned(), r.reward),
        ("补助".to_owned(), r.subsidy),
    ];
    let doc = Agreement {
        agreement_no: number.to_owned(),
        project_name: r.project_name,
        project_code: r.project_code,
        implementing_agency: r.implementing_agency,
        decision_no: r.project_decision_no,
        unit_code: r.code,
        real_estate_unit_code: r.unit_code,
        address: r.address,
        owner_name: r.owner_name.unwrap_or_default(),
        owner_id_number: r.owner_id_number,
        surveyed_area_m2: r.surveyed_area_m2,
        legality: if decision { format!("{legality}（补偿决定）") } else { legality.to_owned() },
        mode: if swap { "产权调换" } else { "货币补偿" }.to_owned(),
        // Positive: the owner (乙方) pays the agency the flat's excess value.
        resettlement: swap.then(|| Resettlement {
            flat: r.resettlement_flat,
            area_m2: r.resettlement_area_m2.unwrap_or_default(),
            unit_price_cents: r.resettlement_unit_price.unwrap_or_default(),
            value_cents: r.resettlement_value,
            difference_cents: r.resettlement_value - r.total_amount,
        }),
        items,
        total_cents: r.total_amount,
        move_out_deadline: r.move_out_deadline,
        signed_on: r.today,
    };
    onemap_print::agreement_pdf(&doc, font()?).map_err(|e| match e {
        onemap_print::PrintError::MissingGlyph { .. } => ApiError::rules(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            vec![super::rules::issue(
                "unprintable_text",
                format!("协议中有字体不支持的字符：{e}"),
                format!("the agreement has a character the document font lacks: {e}"),
            )],
        ),
        other => ApiError::internal(format!("rendering {number}: {other}")),
    })
}

//! 档案: documents the workflow produces (the signed agreement, the compensation decision)
//! filed under the project with an archive number. The file is written under a generated name
//! next to its place and moved there only after the transaction commits; a rolled-back action
//! leaves no file.

use std::path::PathBuf;

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

#[derive(sqlx::FromRow)]
struct Row {
    project_name: String,
    project_code: String,
    project_decision_no: Option<String>,
    code: String,
    unit_code: Option<String>,
    owner_id_number: Option<String>,
    surveyed_area_m2: f64,
    legality: String,
    compensation_mode: Option<String>,
    resettlement_area_m2: Option<f64>,
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

/// The unit's agreement (or decision) as a one-page PDF: the title in the document's metadata
/// (Unicode) and the terms as ASCII lines. Chinese text on the page needs an embedded CJK font,
/// which this release does not have yet: names and addresses are not printed on the page.
pub async fn agreement_pdf(
    conn: &mut PgConnection,
    unit_id: i64,
    number: &str,
    decision: bool,
) -> Result<Vec<u8>, ApiError> {
    let r: Row = sqlx::query_as(include_str!("sql/agreement_doc.sql")).bind(unit_id).fetch_one(conn).await?;
    let money = |c: i64| onemap_api::money::format_yuan(c as f64 / 100.0).replace('¥', "CNY ");
    let kind = if decision { "Compensation decision" } else { "Compensation agreement" };
    let mut lines = vec![
        format!("{kind} {number}"),
        format!("Project {} ({} chars of name)", r.project_code, r.project_name.chars().count()),
        format!("Expropriation decision {}", r.project_decision_no.unwrap_or_default()),
        format!("Compensation unit {}", r.code),
        format!("Real-estate unit code {}", r.unit_code.unwrap_or_default()),
        format!("Owner ID number {}", r.owner_id_number.unwrap_or_default()),
        format!("Surveyed area {:.2} m2, legality {}", r.surveyed_area_m2, r.legality),
        format!("Mode {}", r.compensation_mode.unwrap_or_default()),
        format!("House value {}", money(r.house_value)),
        format!("Decoration {}", money(r.decoration_value)),
        format!("Moving fee {}", money(r.moving_fee)),
        format!("Temporary resettlement ({} months) {}", r.temp_resettlement_months, money(r.temp_resettlement_fee)),
        format!("Business loss {}", money(r.business_loss)),
        format!("Reward {}", money(r.reward)),
        format!("Subsidy {}", money(r.subsidy)),
        format!("Total {}", money(r.total_amount)),
    ];
    if let Some(area) = r.resettlement_area_m2 {
        lines.push(format!("Resettlement flat {area:.2} m2, value {}", money(r.resettlement_value)));
        lines.push(format!("Price difference {}", money(r.total_amount - r.resettlement_value)));
    }
    if let Some(d) = r.move_out_deadline {
        lines.push(format!("Move out by {d} (compensation before relocation, art. 27)"));
    }
    lines.push(format!("Signed on {}", r.today));
    let title = format!("{} {number}", if decision { "房屋征收补偿决定" } else { "房屋征收补偿协议" });
    Ok(onemap_demo::media::document_pdf(&title, &lines))
}

//! 档案: documents the workflow produces (the signed agreement, the compensation decision),
//! printed and filed through the archive ([`crate::archives`]): numbered by its scheme, their
//! text searchable, the file moved into place only after the transaction commits (a
//! rolled-back action leaves no file).

use onemap_print::{Agreement, Resettlement};
use sqlx::PgConnection;

use crate::archives;
use crate::archives::documents::{self, NewDocument};
use crate::archives::store::Staged;
use crate::auth::Principal;
use crate::base::{ApiError, AppState};

/// A document to file.
pub struct Document<'a> {
    pub project_id: i64,
    pub project_code: &'a str,
    pub unit: Option<(i64, String)>,
    /// `agreement`, `decision`, …
    pub category: &'static str,
    pub title: String,
}

/// Files the PDF `bytes` as `doc` through the archive (its numbering scheme, its text for
/// search, its audit row) in the caller's transaction: the archive number and the staged file,
/// to move into place after the commit.
pub async fn add(
    conn: &mut PgConnection,
    state: &AppState,
    p: &Principal,
    doc: Document<'_>,
    bytes: Vec<u8>,
) -> Result<(String, Staged), ApiError> {
    let category = onemap_intake::category(doc.category)
        .ok_or_else(|| ApiError::internal(format!("unknown archive category {}", doc.category)))?;
    let today = super::write::today(conn).await?;
    let project = archives::Project { id: doc.project_id, code: doc.project_code.to_owned(), window: (today, today) };
    let scheme = onemap_intake::Scheme::parse(&state.config.archives.archive_number_scheme)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let filed = NewDocument {
        project: &project,
        unit: doc.unit,
        category,
        title: doc.title,
        date: Some(today),
        kind: onemap_intake::Kind::Pdf,
        bytes,
        original_name: None,
    };
    let (answer, staged, event) = documents::file(conn, state, p, &scheme, filed).await?;
    crate::base::journal::append(conn, &[event]).await?;
    Ok((answer.archive_no, staged))
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
    onemap_print::agreement_pdf(&doc, crate::base::print_font()?).map_err(|e| match e {
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

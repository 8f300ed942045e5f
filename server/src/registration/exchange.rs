//! 交换: the outbox of messages to the registration platform. A registration change writes its
//! message in its own transaction ([`record_cancellation`]); receivers read the messages in id
//! order with `GET /api/exchange/messages?after=<id>` and drop a repeated idempotency key. The
//! XML uses the registration database standard's names (YW, H, FDCQ2, QLR, ZS; domain.md §2)
//! and validates against `docs/exchange/onemap-exchange-1.xsd`. The envelope — id, key, kind,
//! time — is added when a message is read; the stored body is the rest.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use onemap_api::Problem;
use onemap_api::registration::{ExchangeMessage, ExchangePage, ExchangeQuery};
use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json as Jsonb;

use super::names;
use crate::base::{ApiError, ApiQuery, AppState, escape_html as attr};

/// The XML namespace of version 1.
pub const NAMESPACE: &str = "urn:onemap:exchange:1";

#[derive(sqlx::FromRow)]
struct CaseRow {
    business_no: String,
    decided_at: DateTime<Utc>,
    decided_by: String,
    reason: String,
    demolished_on: NaiveDate,
    unit_code: String,
    address: String,
    floor: i16,
    unit_no: String,
    #[sqlx(rename = "use")]
    usage: String,
    floor_area_m2: f64,
    rights: Jsonb<Vec<RightRow>>,
}

#[derive(Deserialize)]
struct RightRow {
    business_no: String,
    kind: String,
    status: String,
    registered_on: NaiveDate,
    cancelled_on: Option<NaiveDate>,
    parties: Vec<PartyRow>,
    certificates: Vec<CertificateRow>,
}

#[derive(Deserialize)]
struct PartyRow {
    name: String,
    id_type: String,
    id_number: String,
    role: String,
}

#[derive(Deserialize)]
struct CertificateRow {
    number: String,
    identifier: String,
    status: String,
    cancelled_on: Option<NaiveDate>,
}

/// 登记状态 in the standard's words.
fn state(status: &str) -> &str {
    match status {
        "current" => "现势",
        "historical" => "历史",
        _ => "注销",
    }
}

/// The body of the message of approved case `case_id`.
fn body(c: &CaseRow) -> String {
    let mut xml = format!(
        "<YW YWH=\"{}\" DJLX=\"注销登记\" DJYY=\"{}\" JSSJ=\"{}\" DBR=\"{}\"/>",
        attr(&c.business_no),
        attr(&c.reason),
        c.decided_at.to_rfc3339(),
        attr(&c.decided_by)
    );
    xml.push_str(&format!(
        "<H BDCDYH=\"{}\" ZL=\"{}\" CH=\"{}\" SH=\"{}\" FWYT=\"{}\" SCJZMJ=\"{:.2}\" MSRQ=\"{}\"/>",
        c.unit_code,
        attr(&c.address),
        c.floor,
        attr(&c.unit_no),
        names::house_use(&c.usage),
        c.floor_area_m2,
        c.demolished_on
    ));
    for r in c.rights.iter() {
        let cancelled = r.cancelled_on.map(|d| format!(" ZXSJ=\"{d}\"")).unwrap_or_default();
        xml.push_str(&format!(
            "<FDCQ2 YWH=\"{}\" BDCDYH=\"{}\" QLLX=\"{}\" DJZT=\"{}\" DJSJ=\"{}\"{cancelled}>",
            attr(&r.business_no),
            c.unit_code,
            attr(names::right_type(&r.kind)),
            state(&r.status),
            r.registered_on
        ));
        for p in &r.parties {
            xml.push_str(&format!(
                "<QLR QLRMC=\"{}\" ZJZL=\"{}\" ZJH=\"{}\" QLRLX=\"{}\"/>",
                attr(&p.name),
                attr(names::id_type(&p.id_type)),
                attr(&p.id_number),
                if p.role == "holder" { "权利人" } else { "义务人" }
            ));
        }
        for z in &r.certificates {
            let on = z.cancelled_on.map(|d| format!(" ZXRQ=\"{d}\"")).unwrap_or_default();
            let status = if z.status == "cancelled" { "注销" } else { "有效" };
            xml.push_str(&format!(
                "<ZS BDCQZH=\"{}\" ZZBS=\"{}\" ZSZT=\"{status}\"{on}/>",
                attr(&z.number),
                attr(&z.identifier)
            ));
        }
        xml.push_str("</FDCQ2>");
    }
    xml
}

/// Writes the message of approved cancellation case `case_id`, in the caller's transaction.
pub async fn record_cancellation(conn: &mut PgConnection, case_id: i64) -> Result<(), ApiError> {
    let c: CaseRow = sqlx::query_as(include_str!("sql/exchange_case.sql")).bind(case_id).fetch_one(&mut *conn).await?;
    // Messages commit in id order: an id is taken only under this lock, held to the commit, so
    // no message can appear behind one a receiver (or the push) has already passed.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('onemap.exchange_messages'))").execute(&mut *conn).await?;
    sqlx::query("INSERT INTO exchange_messages (kind, subject, body) VALUES ('cancellation', $1, $2)")
        .bind(&c.business_no)
        .bind(body(&c))
        .execute(conn)
        .await?;
    Ok(())
}

/// The whole message: the envelope around the stored body.
pub(super) fn envelope(id: i64, key: &str, kind: &str, created: DateTime<Utc>, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ExchangeMessage xmlns=\"{NAMESPACE}\" id=\"{id}\" \
         idempotencyKey=\"{key}\" kind=\"{kind}\" created=\"{}\">{body}</ExchangeMessage>\n",
        created.to_rfc3339()
    )
}

/// Messages after `after`, oldest first.
#[utoipa::path(get, path = "/api/exchange/messages", tag = "电子证照 certificates", params(ExchangeQuery),
    responses((status = 200, body = ExchangePage),
        (status = 400, body = Problem, content_type = "application/problem+json")))]
pub async fn messages(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ExchangeQuery>,
) -> Result<Json<ExchangePage>, ApiError> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let rows: Vec<(i64, String, String, uuid::Uuid, DateTime<Utc>, String)> = sqlx::query_as(
        "SELECT id, kind, subject, idempotency_key, created_at, body FROM exchange_messages
         WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(q.after.unwrap_or(0))
    .bind(limit)
    .fetch_all(&state.pool)
    .await?;
    let next_after = rows.last().map(|r| r.0).or(q.after);
    let messages = rows
        .into_iter()
        .map(|(id, kind, subject, key, created, body)| ExchangeMessage {
            xml: envelope(id, &key.to_string(), &kind, created, &body),
            id,
            kind,
            subject,
            idempotency_key: key.to_string(),
            created_at: created.fixed_offset(),
        })
        .collect();
    Ok(Json(ExchangePage { messages, next_after }))
}

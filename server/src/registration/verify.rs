//! 证照核验: `GET /verify/{identifier}` — what the QR code of a certificate opens. Anyone may
//! ask; the answer says whether the certificate is valid, cancelled or unknown, whether its SM2
//! signature verifies with the published key, whether the register still states what was
//! signed (and what changed if not), and whether the QR code's check value belongs to it. The
//! holders' names are masked as for the public. A phone gets a page; `Accept:
//! application/json` gets [`Verification`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use onemap_api::Problem;
use onemap_api::registration::{Verification, VerifyQuery};
use onemap_codes::certificate::IdentifierError;

use super::certificates::{self, CertRow};
use super::signing;
use crate::auth::mask::mask_name;
use crate::base::{ApiError, ApiQuery, AppState, escape_html};

/// The keys of the signed content whose lines differ between `signed` and `now`.
fn changed(signed: &[u8], now: &[u8]) -> Vec<String> {
    let lines = |b: &[u8]| -> Vec<(String, String)> {
        String::from_utf8_lossy(b)
            .lines()
            .map(|l| match l.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (l.to_owned(), String::new()),
            })
            .collect()
    };
    let (a, b) = (lines(signed), lines(now));
    let mut keys: Vec<String> = a
        .iter()
        .filter(|(k, v)| !b.iter().any(|(k2, v2)| k2 == k && v2 == v))
        .chain(b.iter().filter(|(k, v)| !a.iter().any(|(k2, v2)| k2 == k && v2 == v)))
        .map(|(k, _)| k.clone())
        .collect();
    keys.dedup();
    keys.sort();
    keys.dedup();
    keys
}

/// The verification of a signed certificate.
fn check(state: &AppState, row: &CertRow, c: Option<&str>) -> Result<Verification, ApiError> {
    let (Some(key_id), Some(data), Some(sig), Some(pdf)) =
        (&row.key_id, &row.signed_data, &row.signature, &row.pdf_sm3)
    else {
        return Err(ApiError::internal(format!("certificate {} is not signed", row.number)));
    };
    let store = super::keys::store(&state.config)?;
    let signature_valid = match store.verifying_key(key_id) {
        Ok(key) => onemap_seal::verify(&key, data, sig),
        Err(_) => false,
    };
    let now = row.content(Some(pdf)).to_bytes();
    let changed = changed(data, &now);
    let check_matches = c.map(|c| row.check_value.as_deref() == Some(c.trim()));
    let cancelled = row.status == "cancelled";
    let message = if !signature_valid {
        "签名验证未通过：证照内容与签名不符，请勿采信。".to_owned()
    } else if check_matches == Some(false) {
        "二维码校验值与本证照不符：该二维码可能不是本证照的。".to_owned()
    } else if cancelled {
        format!("证照已注销（{}），签名真实。", row.cancelled_on.map(|d| d.to_string()).unwrap_or_default())
    } else if !changed.is_empty() {
        "签名真实，但签发后登记簿已变更，以登记簿记载为准。".to_owned()
    } else {
        "证照有效：签名验证通过，登记簿记载与签发时一致。".to_owned()
    };
    Ok(Verification {
        identifier: row.identifier.clone(),
        state: if cancelled { "cancelled" } else { "valid" }.to_owned(),
        number: Some(row.number.clone()),
        holders: row.holders.iter().map(|h| mask_name(&h.name)).collect(),
        location: Some(row.location.clone()),
        issuer_name: Some(row.issuer_name.clone()),
        issued_on: Some(row.issued_on),
        cancelled_on: row.cancelled_on,
        signature_valid: Some(signature_valid),
        register_matches: Some(changed.is_empty()),
        changed,
        check_matches,
        key_id: Some(key_id.clone()),
        signed_at: row.signed_at.map(|t| t.fixed_offset()),
        message,
    })
}

/// 证照核验.
#[utoipa::path(get, path = "/verify/{identifier}", tag = "电子证照 certificates",
    params(("identifier" = String, Path, description = "证照标识 (or the certificate number)"), VerifyQuery),
    responses((status = 200, description = "valid or cancelled: JSON when asked for, else a page for a phone",
            content((Verification = "application/json"), (String = "text/html"))),
        (status = 404, description = "unknown_certificate: no such certificate (a problem body, or the page)",
            content((Problem = "application/problem+json"), (String = "text/html"))),
        (status = 400, description = "malformed_identifier: not an identifier, or its check character is wrong",
            content((Problem = "application/problem+json"), (String = "text/html")))))]
pub async fn verify(
    State(state): State<AppState>,
    Path(identifier): Path<String>,
    ApiQuery(q): ApiQuery<VerifyQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let json = headers
        .get(ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    // A person answered by a page, a program by a problem body.
    let refuse = |status: StatusCode, code: &'static str, zh: &str, en: &str| {
        if json {
            ApiError::new(status, code, format!("{en} ({zh})")).into_response()
        } else {
            (status, Html(page(&nothing(&identifier, code, zh)))).into_response()
        }
    };
    // A certificate number (…第0001234号) is looked up as it is; anything else must be an
    // identifier of the GB/T 36901 form with its check character right.
    if !identifier.ends_with('号') {
        match onemap_codes::certificate::check_identifier(&identifier) {
            Ok(()) => {}
            Err(IdentifierError::Shape) => {
                return Ok(refuse(
                    StatusCode::BAD_REQUEST,
                    "malformed_identifier",
                    "这不是证照标识：应为 1.2.156.3005.2.类型代码.签发机构代码.序号.版本.校验位。",
                    "not a certificate identifier of the GB/T 36901 form",
                ));
            }
            Err(IdentifierError::Check) => {
                return Ok(refuse(
                    StatusCode::BAD_REQUEST,
                    "malformed_identifier",
                    "证照标识的校验位不符：可能输错了一个字符，请对照证书核对。",
                    "the identifier's check character does not match: a character is mistyped",
                ));
            }
        }
    }
    let mut conn = state.pool.acquire().await?;
    let found = certificates::find(&mut conn, &identifier).await?;
    drop(conn);
    let Some(row) = found else {
        return Ok(refuse(
            StatusCode::NOT_FOUND,
            "unknown_certificate",
            "未查到此证照：登记簿中没有这个证照标识。",
            "no certificate has this identifier",
        ));
    };
    let row = signing::ensure_signed(&state.pool, &state.config, "anonymous", "public", row).await?;
    let v = check(&state, &row, q.c.as_deref())?;
    Ok(if json { Json(v).into_response() } else { Html(page(&v)).into_response() })
}

/// What the page shows for an identifier without a certificate (`state` says why).
fn nothing(identifier: &str, state: &str, message: &str) -> Verification {
    Verification {
        identifier: identifier.to_owned(),
        state: state.to_owned(),
        number: None,
        holders: Vec::new(),
        location: None,
        issuer_name: None,
        issued_on: None,
        cancelled_on: None,
        signature_valid: None,
        register_matches: None,
        changed: Vec::new(),
        check_matches: None,
        key_id: None,
        signed_at: None,
        message: message.to_owned(),
    }
}

/// The page a phone shows.
fn page(v: &Verification) -> String {
    let (colour, head) = match (v.state.as_str(), v.signature_valid, v.register_matches, v.check_matches) {
        ("unknown_certificate", ..) => ("#757575", "未查到"),
        ("malformed_identifier", ..) => ("#757575", "标识有误"),
        (_, Some(false), ..) | (_, _, _, Some(false)) => ("#c62828", "核验未通过"),
        ("cancelled", ..) => ("#c62828", "已注销"),
        (_, _, Some(false), _) => ("#ef6c00", "登记已变更"),
        _ => ("#2e7d32", "有效"),
    };
    let row = |k: &str, v: Option<String>| {
        v.map(|v| format!("<tr><th>{}</th><td>{}</td></tr>", k, escape_html(&v))).unwrap_or_default()
    };
    let yes_no = |b: Option<bool>, yes: &str, no: &str| b.map(|b| if b { yes } else { no }.to_owned());
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>不动产电子证照核验</title>\
         <style>body{{font-family:sans-serif;margin:1em;color:#222}}h1{{font-size:1.2em}}\
         .state{{color:#fff;background:{colour};padding:.6em 1em;border-radius:6px;font-size:1.3em}}\
         table{{border-collapse:collapse;margin-top:1em;width:100%}}th{{text-align:left;color:#555;padding:.3em .6em .3em 0;white-space:nowrap;vertical-align:top}}\
         td{{padding:.3em 0;word-break:break-all}}</style></head><body>\
         <h1>不动产电子证照核验</h1><p class=\"state\" data-state=\"{state}\">{head}</p><p>{message}</p><table>{rows}</table></body></html>",
        state = escape_html(&v.state),
        message = escape_html(&v.message),
        rows = [
            row("证书号", v.number.clone()),
            row("证照标识", Some(v.identifier.clone())),
            row("权利人", (!v.holders.is_empty()).then(|| v.holders.join("、"))),
            row("坐落", v.location.clone()),
            row("发证机关", v.issuer_name.clone()),
            row("发证日期", v.issued_on.map(|d| d.to_string())),
            row("注销日期", v.cancelled_on.map(|d| d.to_string())),
            row("电子签名", yes_no(v.signature_valid, "SM2 签名验证通过", "签名验证未通过")),
            row("登记簿比对", yes_no(v.register_matches, "与签发时一致", "签发后已变更")),
            row("二维码校验", yes_no(v.check_matches, "相符", "不符")),
            row("签名密钥", v.key_id.clone()),
            row("签名时间", v.signed_at.map(|t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string())),
        ]
        .concat(),
    )
}

//! The certificate's face: the register's items as printed, the plan drawn from the unit's
//! geometry in Gauss-Krüger metres (the parcel outlined, the house unit filled), the QR code
//! of the verification link, the seal and the signing time.

use chrono::{DateTime, FixedOffset, Utc};
use onemap_print::{CertificateFace, Plan, QrCode};

use super::certificates::CertRow;
use super::names;
use crate::base::ApiError;

/// Polygons (rings of x east, y north) of a GeoJSON Polygon or MultiPolygon.
fn polygons(geojson: &serde_json::Value) -> Vec<Vec<Vec<(f64, f64)>>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array().into_iter().flatten().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect()
    };
    let polygon =
        |p: &serde_json::Value| -> Vec<Vec<(f64, f64)>> { p.as_array().into_iter().flatten().map(ring).collect() };
    match geojson["type"].as_str() {
        Some("Polygon") => vec![polygon(&geojson["coordinates"])],
        Some("MultiPolygon") => geojson["coordinates"].as_array().into_iter().flatten().map(polygon).collect(),
        _ => Vec::new(),
    }
}

/// The plan: the parcel, and the house unit filled when the certificate is a house's.
fn plan(row: &CertRow) -> Option<Plan> {
    let mut shapes = row.parcel_plan.as_ref().map(polygons).unwrap_or_default();
    let highlight = shapes.len();
    if let Some(unit) = &row.unit_plan {
        shapes.extend(polygons(unit));
    }
    if shapes.is_empty() {
        return None;
    }
    let caption = if row.unit_plan.is_some() { "房产分户图" } else { "宗地图" };
    Some(Plan {
        caption: caption.to_owned(),
        highlight: if row.unit_plan.is_some() { highlight } else { 0 },
        polygons: shapes,
        crs_note: format!("CGCS2000 3度带高斯-克吕格投影 EPSG:{}", row.srid),
    })
}

/// The face of `row`, its QR code pointing at `url`, signed by `key_id` at `signed_at`.
pub fn face(row: &CertRow, url: &str, key_id: &str, signed_at: DateTime<Utc>) -> Result<CertificateFace, ApiError> {
    let qr = onemap_seal::qr_matrix(url).map_err(super::keys::broken)?;
    let beijing = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let holders: Vec<&str> = row.holders.iter().map(|h| h.name.as_str()).collect();
    let ids: Vec<String> =
        row.holders.iter().map(|h| format!("{} {}", names::id_type(&h.id_type), h.id_number)).collect();
    let area = match (row.house, row.parcel_area_m2) {
        (true, Some(land)) => format!("共有宗地面积 {land:.2} m² / 房屋建筑面积 {} m²", row.area_text()),
        (true, None) => format!("房屋建筑面积 {} m²", row.area_text()),
        (false, _) => format!("宗地面积 {} m²", row.area_text()),
    };
    Ok(CertificateFace {
        title: names::certificate_kind(&row.kind).to_owned(),
        number: row.number.clone(),
        identifier: row.identifier.clone(),
        issuer_name: row.issuer_name.clone(),
        issuer_code: row.issuer_code.clone(),
        issued_on: row.issued_on.to_string(),
        holders: holders.join("、"),
        id_numbers: ids.join("；"),
        co_ownership: names::co_ownership(row.co_ownership.as_deref()).to_owned(),
        location: row.location.clone(),
        unit_code: row.unit_code.clone(),
        right_type: names::right_type(&row.right_kind).to_owned(),
        right_nature: names::right_nature(row.right_nature.as_deref()).to_owned(),
        usage: row.usage_name(),
        area,
        term: names::term(row.starts_on, row.ends_on),
        notes: row.notes.clone().unwrap_or_default(),
        plan: plan(row),
        qr: QrCode { size: qr.size, modules: qr.modules },
        verify_url: url.to_owned(),
        seal_name: row.seal(),
        signed_at: signed_at.with_timezone(&beijing).format("%Y-%m-%d %H:%M:%S").to_string(),
        signature_note: format!("SM2 电子签名 密钥 {key_id}"),
    })
}

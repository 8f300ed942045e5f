//! `/items` and `/items/{featureId}`: GeoJSON written by PostgreSQL row by row (geometry and
//! properties as JSON text), put together here; personal data pass through the masking types.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sqlx::{Postgres, QueryBuilder, Row};

use super::collections::Collection;
use super::crs::Crs;
use super::query::{self, ItemsQuery, Scope};
use super::{Format, OgcError, base, format, html, link, readable};
use crate::auth::Principal;
use crate::auth::mask::{IdNumber, PersonName};
use crate::http::AppState;

/// The select list of a feature: id, GeoJSON geometry in `crs`, properties, personal data.
fn push_select(qb: &mut QueryBuilder<'_, Postgres>, c: &Collection, crs: Crs) {
    qb.push("SELECT f.fid, ST_AsGeoJSON(");
    if crs.northing_first() {
        qb.push("ST_FlipCoordinates(");
    }
    if crs.epsg == Some(4490) {
        qb.push("f.geom");
    } else {
        qb.push("ST_Transform(f.geom, ").push_bind(crs.srid()).push(")");
    }
    if crs.northing_first() {
        qb.push(")");
    }
    qb.push(", ").push_bind(crs.decimals()).push(", 0) AS geometry, json_build_object(");
    for (i, q) in c.queryables.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        // Names are the collection's own constants.
        qb.push(format_args!("'{0}', f.{0}", q.name));
    }
    qb.push(")::text AS properties");
    if c.personal {
        qb.push(", f.owner_name, f.owner_id_number");
    }
}

fn source(qb: &mut QueryBuilder<'_, Postgres>, c: &Collection) {
    qb.push("(\n").push(c.source()).push("\n) f");
}

/// One feature as GeoJSON text.
fn feature(row: &sqlx::postgres::PgRow, c: &Collection, out: &mut Vec<u8>) -> Result<(), sqlx::Error> {
    let fid: String = row.try_get("fid")?;
    let geometry: Option<String> = row.try_get("geometry")?;
    let properties: String = row.try_get("properties")?;
    out.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
    serde_json::to_writer(&mut *out, &fid).expect("a string serialises");
    out.extend_from_slice(b",\"geometry\":");
    out.extend_from_slice(geometry.as_deref().unwrap_or("null").as_bytes());
    out.extend_from_slice(b",\"properties\":");
    if c.personal {
        let name: Option<String> = row.try_get("owner_name")?;
        let id_number: Option<String> = row.try_get("owner_id_number")?;
        out.extend_from_slice(properties.trim_end().trim_end_matches('}').as_bytes());
        out.extend_from_slice(b", \"owner_name\" : ");
        serde_json::to_writer(&mut *out, &name.map(PersonName)).expect("serialises");
        out.extend_from_slice(b", \"owner_id_number\" : ");
        serde_json::to_writer(&mut *out, &id_number.map(IdNumber)).expect("serialises");
        out.push(b'}');
    } else {
        out.extend_from_slice(properties.as_bytes());
    }
    out.push(b'}');
    Ok(())
}

fn geojson_response(body: Vec<u8>, crs: Crs) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "application/geo+json")], Body::from(body)).into_response();
    r.headers_mut().insert("content-crs", HeaderValue::from_str(&format!("<{}>", crs.uri())).expect("ascii uri"));
    r
}

/// The URL of these items with `offset` (and nothing else) changed.
fn page_url(b: &str, c: &Collection, pairs: &[(String, String)], offset: u64, f: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if k != "offset" && k != "f" {
            s.append_pair(k, v);
        }
    }
    if offset > 0 {
        s.append_pair("offset", &offset.to_string());
    }
    s.append_pair("f", f);
    format!("{b}/collections/{}/items?{}", c.id, s.finish())
}

pub async fn items(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    let pairs = query::pairs(raw.as_deref());
    let q = ItemsQuery::parse(&pairs, c)?;
    let f = format(&pairs, &headers)?;
    let scope = Scope(p.relocation_scope());

    let mut count = QueryBuilder::new("SELECT count(*) FROM ");
    source(&mut count, c);
    query::push_where(&mut count, c, &scope, &q)?;

    let mut page = QueryBuilder::new("WITH page AS (SELECT f.fid FROM ");
    source(&mut page, c);
    query::push_where(&mut page, c, &scope, &q)?;
    page.push(" ORDER BY f.fid LIMIT ")
        .push_bind(i64::from(q.limit))
        .push(" OFFSET ")
        .push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
    page.push(")\n");
    push_select(&mut page, c, q.crs);
    page.push(" FROM ");
    source(&mut page, c);
    page.push(" JOIN page ON page.fid = f.fid ORDER BY f.fid");

    let (matched, rows) = tokio::try_join!(
        count.build_query_scalar::<i64>().fetch_one(&state.pool),
        page.build().fetch_all(&state.pool)
    )?;
    let returned = rows.len() as u64;

    let b = base(&headers);
    let mut links = vec![
        link(page_url(&b, c, &pairs, q.offset, "json"), "self", "application/geo+json", "本页"),
        link(page_url(&b, c, &pairs, q.offset, "html"), "alternate", "text/html", "本页 (HTML)"),
        link(format!("{b}/collections/{}", c.id), "collection", "application/json", c.title),
    ];
    let fmt = if f == Format::Html { "html" } else { "json" };
    let kind = if f == Format::Html { "text/html" } else { "application/geo+json" };
    if q.offset + returned < matched as u64 {
        links.push(link(page_url(&b, c, &pairs, q.offset + returned, fmt), "next", kind, "下一页"));
    }
    if q.offset > 0 {
        let prev = q.offset.saturating_sub(u64::from(q.limit));
        links.push(link(page_url(&b, c, &pairs, prev, fmt), "prev", kind, "上一页"));
    }

    let mut body = Vec::with_capacity(rows.len() * 800 + 1024);
    body.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        feature(row, c, &mut body)?;
    }
    body.extend_from_slice(b"],");
    let tail = json!({
        "numberMatched": matched,
        "numberReturned": returned,
        "timeStamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "links": links,
    });
    let tail = serde_json::to_vec(&tail).expect("serialises");
    body.extend_from_slice(&tail[1..]);

    Ok(match f {
        Format::Json => geojson_response(body, q.crs),
        Format::Html => {
            let v: Value = serde_json::from_slice(&body).map_err(|e| OgcError::invalid("f", e.to_string()))?;
            html::items(c, &v, q.offset).into_response()
        }
    })
}

pub async fn item(
    State(state): State<AppState>,
    Extension(p): Extension<Principal>,
    headers: HeaderMap,
    Path((id, fid)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, OgcError> {
    let c = readable(&id, &p)?;
    let pairs = query::pairs(raw.as_deref());
    query::check_known(&pairs, &["f", "crs"], None)?;
    let f = format(&pairs, &headers)?;
    let crs = query::parse_crs(&pairs, "crs", super::crs::CRS84)?;
    let mut qb = QueryBuilder::new("");
    push_select(&mut qb, c, crs);
    qb.push(" FROM ");
    source(&mut qb, c);
    qb.push(" WHERE f.fid = ").push_bind(fid.clone());
    if c.relocation
        && let Some(projects) = p.relocation_scope()
    {
        qb.push(" AND f.project_id = ANY(").push_bind(projects).push(")");
    }
    let row = qb.build().fetch_optional(&state.pool).await?;
    let row = row.ok_or_else(|| OgcError::NoFeature { collection: c.id, feature: fid.clone() })?;
    let mut body = Vec::new();
    feature(&row, c, &mut body)?;
    let mut v: Value = serde_json::from_slice(&body).map_err(|e| OgcError::invalid("feature", e.to_string()))?;
    let b = base(&headers);
    let href = format!("{b}/collections/{}/items/{}", c.id, urlencode(&fid));
    v["links"] = json!([
        link(format!("{href}?f=json"), "self", "application/geo+json", "本要素"),
        link(format!("{href}?f=html"), "alternate", "text/html", "本要素 (HTML)"),
        link(format!("{b}/collections/{}", c.id), "collection", "application/json", c.title),
    ]);
    Ok(match f {
        Format::Json => geojson_response(serde_json::to_vec(&v).expect("serialises"), crs),
        Format::Html => html::feature(c, &v).into_response(),
    })
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

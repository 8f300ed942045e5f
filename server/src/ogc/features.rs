//! `/items` and `/items/{featureId}`: PostgreSQL sends each feature's id, WKB geometry and
//! typed property columns; the GeoJSON is written here, row by row, into the response (the
//! geometry by [`super::geojson`]); personal data pass through the masking types.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};
use sqlx::{Postgres, QueryBuilder, Row};

use super::OgcState;
use super::collections::{Collection, Kind};
use super::crs::Crs;
use super::html;
use super::query::{self, ItemsQuery, Scope};
use super::support::{Format, OgcError, base, format, link, readable};
use crate::auth::Principal;
use crate::auth::mask::{IdNumber, PersonName};

/// The select list of a feature: id, WKB geometry in `crs` (x/y order), the queryables,
/// personal data.
pub(super) fn push_select(qb: &mut QueryBuilder<'_, Postgres>, c: &Collection, crs: Crs) {
    // PROJ transforms CGCS2000 to WGS 84 as the identity (null transformation), so CRS84,
    // EPSG:4326 and EPSG:4490 read the stored coordinates as they are.
    if crs.geographic() {
        qb.push("SELECT f.fid, ST_AsBinary(f.geom) AS wkb");
    } else {
        qb.push("SELECT f.fid, ST_AsBinary(ST_Transform(f.geom, ").push_bind(crs.srid()).push(")) AS wkb");
    }
    for q in c.queryables {
        // Names are the collection's own constants.
        qb.push(", f.").push(q.name);
    }
    if c.personal {
        qb.push(", f.owner_name, f.owner_id_number");
    }
}

pub(super) fn source(qb: &mut QueryBuilder<'_, Postgres>, c: &Collection) {
    qb.push("(\n").push(c.source()).push("\n) f");
}

/// Errors of writing a feature: a column of an unexpected type, or unreadable WKB.
#[derive(Debug, thiserror::Error)]
enum WriteError {
    #[error(transparent)]
    Column(#[from] sqlx::Error),
    #[error("geometry: {0}")]
    Geometry(#[from] geozero::error::GeozeroError),
}

impl From<WriteError> for OgcError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Column(e) => OgcError::Db(e),
            WriteError::Geometry(e) => OgcError::Db(sqlx::Error::Decode(Box::new(e))),
        }
    }
}

fn value<T: serde::Serialize>(out: &mut Vec<u8>, v: &T) {
    serde_json::to_writer(&mut *out, v).expect("a plain value serialises");
}

/// One feature as GeoJSON.
fn feature(row: &sqlx::postgres::PgRow, c: &Collection, crs: Crs, out: &mut Vec<u8>) -> Result<(), WriteError> {
    let fid: &str = row.try_get("fid")?;
    out.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
    value(out, &fid);
    out.extend_from_slice(b",\"geometry\":");
    super::geojson::write(out, row.try_get::<Option<&[u8]>, _>("wkb")?, crs.decimals(), crs.northing_first())?;
    out.extend_from_slice(b",\"properties\":{");
    for (i, q) in c.queryables.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        value(out, &q.name);
        out.push(b':');
        match q.kind {
            Kind::Text => value(out, &row.try_get::<Option<&str>, _>(q.name)?),
            Kind::Integer => value(out, &row.try_get::<Option<i32>, _>(q.name)?),
            Kind::Number => value(out, &row.try_get::<Option<f64>, _>(q.name)?),
            Kind::Date => value(out, &row.try_get::<Option<NaiveDate>, _>(q.name)?.map(|d| d.to_string())),
            Kind::DateTime => value(
                out,
                &row.try_get::<Option<DateTime<Utc>>, _>(q.name)?
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            ),
        }
    }
    if c.personal {
        out.extend_from_slice(b",\"owner_name\":");
        value(out, &row.try_get::<Option<String>, _>("owner_name")?.map(PersonName));
        out.extend_from_slice(b",\"owner_id_number\":");
        value(out, &row.try_get::<Option<String>, _>("owner_id_number")?.map(IdNumber));
    }
    out.extend_from_slice(b"}}");
    Ok(())
}

fn geojson_response(body: Vec<u8>, crs: Crs) -> Response {
    let mut r = ([(header::CONTENT_TYPE, "application/geo+json")], Body::from(body)).into_response();
    r.headers_mut().insert("content-crs", HeaderValue::from_str(&format!("<{}>", crs.uri())).expect("ascii uri"));
    r
}

/// The URL of these items with `offset` and `after` (and nothing else) changed.
fn page_url(b: &str, c: &Collection, pairs: &[(String, String)], offset: u64, after: Option<&str>, f: &str) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !matches!(k.as_str(), "offset" | "after" | "f") {
            s.append_pair(k, v);
        }
    }
    if offset > 0 {
        s.append_pair("offset", &offset.to_string());
    }
    if let Some(a) = after {
        s.append_pair("after", a);
    }
    s.append_pair("f", f);
    format!("{b}/collections/{}/items?{}", c.id, s.finish())
}

pub async fn items(
    State(state): State<OgcState>,
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

    let key = super::counts::key(c.id, if c.relocation { &scope.0 } else { &None }, &pairs);
    // Taken before the reads: a count cached under it holds every change it has not seen.
    let generation = state.tiles.cache().generation();
    let mut read = state.reads.pick(&state.bulk).await;
    let (matched, (mut body, returned, last)) = loop {
        match page(&state, read.pool(), c, &scope, &q, &key, generation).await {
            Err(OgcError::Db(e)) if read.fall_back(&e) => continue,
            got => break got?,
        }
    };

    let b = base(&headers);
    let mut links = vec![
        link(page_url(&b, c, &pairs, q.offset, q.after.as_deref(), "json"), "self", "application/geo+json", "本页"),
        link(page_url(&b, c, &pairs, q.offset, q.after.as_deref(), "html"), "alternate", "text/html", "本页 (HTML)"),
        link(format!("{b}/collections/{}", c.id), "collection", "application/json", c.title),
    ];
    let fmt = if f == Format::Html { "html" } else { "json" };
    let kind = if f == Format::Html { "text/html" } else { "application/geo+json" };
    // More after this page: a full page that does not reach the count. The next link goes on
    // from this page's last feature.
    if let Some(last) = last.filter(|_| q.offset.saturating_add(returned) < matched as u64) {
        let next = page_url(&b, c, &pairs, q.offset + returned, Some(&last), fmt);
        links.push(link(next, "next", kind, "下一页"));
    }
    if q.offset > 0 {
        let prev = q.offset.saturating_sub(u64::from(q.limit));
        links.push(link(page_url(&b, c, &pairs, prev, None, fmt), "prev", kind, "上一页"));
    }

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

/// The number of matching features and the page (GeoJSON up to its links, how many, the last
/// id when full), read on `pool`.
async fn page(
    state: &OgcState,
    pool: &sqlx::PgPool,
    c: &'static Collection,
    scope: &Scope,
    q: &ItemsQuery,
    key: &str,
    generation: u64,
) -> Result<(i64, (Vec<u8>, u64, Option<String>)), OgcError> {
    let mut count = QueryBuilder::new("SELECT count(*) FROM ");
    source(&mut count, c);
    query::push_where(&mut count, c, scope, q)?;

    // The page: from the `after` id (keyset) or the first row, one pass that stops at the limit;
    // a bare offset skips ids first (index-only) and builds only the page's features.
    let mut page = QueryBuilder::new("");
    let skip = if q.after.is_some() { 0 } else { i64::try_from(q.offset).unwrap_or(i64::MAX) };
    if skip == 0 {
        push_select(&mut page, c, q.crs);
        page.push(" FROM ");
        source(&mut page, c);
        query::push_where(&mut page, c, scope, q)?;
        if let Some(after) = &q.after {
            page.push(" AND f.fid > ").push_bind(after.clone());
        }
        page.push(" ORDER BY f.fid LIMIT ").push_bind(i64::from(q.limit));
    } else {
        page.push("WITH page AS (SELECT f.fid FROM ");
        source(&mut page, c);
        query::push_where(&mut page, c, scope, q)?;
        page.push(" ORDER BY f.fid LIMIT ").push_bind(i64::from(q.limit)).push(" OFFSET ").push_bind(skip);
        page.push(")\n");
        push_select(&mut page, c, q.crs);
        page.push(" FROM ");
        source(&mut page, c);
        page.push(" JOIN page ON page.fid = f.fid ORDER BY f.fid");
    }

    let counted = async {
        if let Some(n) = state.counts.get(key, generation) {
            return Ok(n);
        }
        let n = count.build_query_scalar::<i64>().fetch_one(pool).await?;
        state.counts.insert(key.to_owned(), generation, n);
        Ok::<i64, sqlx::Error>(n)
    };
    // Features are written as PostgreSQL sends the rows, while it still works on the rest.
    let features = async {
        use futures_util::TryStreamExt;
        let mut body = Vec::with_capacity(usize::try_from(q.limit).unwrap_or(0).min(2_000) * 700 + 1024);
        body.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[");
        let (mut returned, mut last) = (0u64, None::<String>);
        let mut rows = page.build().fetch(pool);
        while let Some(row) = rows.try_next().await? {
            if returned > 0 {
                body.push(b',');
            }
            feature(&row, c, q.crs, &mut body)?;
            returned += 1;
            if returned == u64::from(q.limit) {
                last = Some(row.try_get("fid")?);
            }
        }
        body.extend_from_slice(b"],");
        Ok::<_, OgcError>((body, returned, last))
    };
    tokio::try_join!(async { counted.await.map_err(OgcError::from) }, features)
}

pub async fn item(
    State(state): State<OgcState>,
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
    // The version first: an ETag never newer than the body it comes with (a stale one gets a
    // 412 on writing, a newer one would let an edit of old data through). Both on one pool.
    let kind = onemap_api::survey::ImportKind::parse(c.id);
    let mut read = state.reads.pick(&state.bulk).await;
    let (version, row) = loop {
        match feature_row(read.pool(), c, &p, crs, &fid, kind).await {
            Err(e) if read.fall_back(&e) => continue,
            got => break got?,
        }
    };
    let row = row.ok_or_else(|| OgcError::NoFeature { collection: c.id, feature: fid.clone() })?;
    let mut body = Vec::new();
    feature(&row, c, crs, &mut body)?;
    let mut v: Value = serde_json::from_slice(&body).map_err(|e| OgcError::invalid("feature", e.to_string()))?;
    let b = base(&headers);
    let href = format!("{b}/collections/{}/items/{}", c.id, urlencode(&fid));
    v["links"] = json!([
        link(format!("{href}?f=json"), "self", "application/geo+json", "本要素"),
        link(format!("{href}?f=html"), "alternate", "text/html", "本要素 (HTML)"),
        link(format!("{b}/collections/{}", c.id), "collection", "application/json", c.title),
    ]);
    let mut response = match f {
        Format::Json => geojson_response(serde_json::to_vec(&v).expect("serialises"), crs),
        Format::Html => html::feature(c, &v).into_response(),
    };
    // Editable features carry their version as a strong ETag (Part 4's optimistic locking).
    if let Some(version) = version {
        let tag = crate::survey::edit::etag(version);
        response.headers_mut().insert(header::ETAG, HeaderValue::try_from(tag).expect("ascii"));
    }
    Ok(response)
}

/// An editable feature's version (None for other collections) and the feature's row, read on
/// `pool`.
async fn feature_row(
    pool: &sqlx::PgPool,
    c: &Collection,
    p: &Principal,
    crs: Crs,
    fid: &str,
    kind: Option<onemap_api::survey::ImportKind>,
) -> Result<(Option<i32>, Option<sqlx::postgres::PgRow>), sqlx::Error> {
    let version = match kind {
        Some(kind) => crate::survey::edit::version(pool, kind, fid).await?,
        None => None,
    };
    let mut qb = QueryBuilder::new("");
    push_select(&mut qb, c, crs);
    qb.push(" FROM ");
    source(&mut qb, c);
    qb.push(" WHERE f.fid = ").push_bind(fid.to_owned());
    if c.relocation
        && let Some(projects) = p.relocation_scope()
    {
        qb.push(" AND f.project_id = ANY(").push_bind(projects).push(")");
    }
    Ok((version, qb.build().fetch_optional(pool).await?))
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

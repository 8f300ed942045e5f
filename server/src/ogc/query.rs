//! Query parameters of the items requests (Part 1 core, Part 2 CRS, Part 3 filter) and the
//! SQL conditions they become. Unknown parameters are refused, as Part 1 asks.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, QueryBuilder};

use super::OgcError;
use super::collections::{Collection, Kind, Queryable};
use super::cql::{self, Lang, Translator};
use super::crs::{CRS84, Crs};

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 10_000;
/// Parameters of /items besides the collection's queryables.
pub const ITEMS_PARAMS: &[&str] =
    &["f", "limit", "offset", "after", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs"];

/// The query string as (name, value) pairs, in order.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Refuses parameters outside `allowed` (and the collection's queryables, if given) and
/// repeated ones.
pub fn check_known(pairs: &[(String, String)], allowed: &[&str], coll: Option<&Collection>) -> Result<(), OgcError> {
    for (i, (k, _)) in pairs.iter().enumerate() {
        let known = allowed.contains(&k.as_str()) || coll.is_some_and(|c| c.queryable(k).is_some());
        if !known {
            let mut names: Vec<&str> = allowed.to_vec();
            if let Some(c) = coll {
                names.extend(c.queryables.iter().map(|q| q.name));
            }
            return Err(OgcError::UnknownParameter { name: k.clone(), allowed: names.join(", ") });
        }
        if pairs[..i].iter().any(|(p, _)| p == k) {
            return Err(OgcError::invalid(k, "is given twice"));
        }
    }
    Ok(())
}

pub fn get<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// A time or an interval of the `datetime` parameter; None ends are open.
#[derive(Debug, Clone, PartialEq)]
pub enum Datetime {
    Instant(DateTime<Utc>),
    Interval(Option<DateTime<Utc>>, Option<DateTime<Utc>>),
}

fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        .map_err(|_| format!("{s:?} is neither an RFC 3339 timestamp nor a date (YYYY-MM-DD)"))
}

pub fn parse_datetime(s: &str) -> Result<Datetime, String> {
    match s.split_once('/') {
        None => instant(s).map(Datetime::Instant),
        Some((a, b)) => {
            let end = |v: &str| if v.is_empty() || v == ".." { Ok(None) } else { instant(v).map(Some) };
            let (a, b) = (end(a)?, end(b)?);
            if let (Some(a), Some(b)) = (a, b)
                && a > b
            {
                return Err("the interval ends before it starts".into());
            }
            Ok(Datetime::Interval(a, b))
        }
    }
}

/// Everything an items request asks for.
#[derive(Debug)]
pub struct ItemsQuery {
    pub limit: u32,
    pub offset: u64,
    /// Keyset paging: the features after this feature id (in id order). The next links carry
    /// it, so that each page costs the same however deep it is; `offset` then only labels
    /// the page.
    pub after: Option<String>,
    pub bbox: Option<([f64; 4], Crs)>,
    pub datetime: Option<Datetime>,
    pub crs: Crs,
    pub properties: Vec<(&'static Queryable, String)>,
    pub filter: Option<(cql2::Expr, Crs)>,
}

fn number(name: &str, v: &str) -> Result<f64, OgcError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| OgcError::invalid(name, format!("{v:?} is not a number")))
}

pub fn parse_crs(pairs: &[(String, String)], name: &str, default: Crs) -> Result<Crs, OgcError> {
    get(pairs, name).map_or(Ok(default), |v| Crs::parse(v).map_err(|e| OgcError::invalid(name, e)))
}

impl ItemsQuery {
    pub fn parse(pairs: &[(String, String)], coll: &'static Collection) -> Result<Self, OgcError> {
        check_known(pairs, ITEMS_PARAMS, Some(coll))?;
        let limit = match get(pairs, "limit") {
            None => DEFAULT_LIMIT,
            Some(v) => {
                let v = v.trim();
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(OgcError::invalid("limit", format!("{v:?} is not a positive integer")));
                }
                // Too many digits for u64 is still just a huge limit.
                let n: u64 = v.parse().unwrap_or(u64::MAX);
                if n == 0 {
                    return Err(OgcError::invalid("limit", "must be at least 1"));
                }
                // A larger limit is clamped to the maximum, as Part 1 allows.
                n.min(u64::from(MAX_LIMIT)) as u32
            }
        };
        let offset = match get(pairs, "offset") {
            None => 0,
            Some(v) => v
                .trim()
                .parse()
                .map_err(|_| OgcError::invalid("offset", format!("{v:?} is not a non-negative integer")))?,
        };
        let bbox_crs = parse_crs(pairs, "bbox-crs", CRS84)?;
        if get(pairs, "bbox-crs").is_some() && get(pairs, "bbox").is_none() {
            return Err(OgcError::invalid("bbox-crs", "is given without bbox"));
        }
        let bbox = match get(pairs, "bbox") {
            None => None,
            Some(v) => {
                let n: Vec<f64> = v.split(',').map(|p| number("bbox", p)).collect::<Result<_, _>>()?;
                let corners = match n.as_slice() {
                    [a, b, c, d] | [a, b, _, c, d, _] => [*a, *b, *c, *d],
                    _ => return Err(OgcError::invalid("bbox", format!("takes 4 or 6 numbers, not {}", n.len()))),
                };
                cql::envelope(corners, bbox_crs).map_err(|e| OgcError::invalid("bbox", e))?;
                Some((corners, bbox_crs))
            }
        };
        let datetime =
            get(pairs, "datetime").map(parse_datetime).transpose().map_err(|e| OgcError::invalid("datetime", e))?;
        let crs = parse_crs(pairs, "crs", CRS84)?;
        let mut properties = Vec::new();
        for (k, v) in pairs {
            if let Some(q) = coll.queryable(k) {
                typed_value(q, v)?;
                properties.push((q, v.clone()));
            }
        }
        let filter_crs = parse_crs(pairs, "filter-crs", CRS84)?;
        let lang = match get(pairs, "filter-lang") {
            None => Lang::Text,
            Some(l) => Lang::parse(l)
                .ok_or_else(|| OgcError::invalid("filter-lang", format!("{l:?}: use cql2-text or cql2-json")))?,
        };
        let filter = match get(pairs, "filter") {
            None => None,
            Some(f) => {
                let expr = cql::parse(f, lang)?;
                // Translated once here so that every error is found before any SQL runs.
                Translator { collection: coll, crs: filter_crs }.condition(&mut QueryBuilder::new(""), &expr)?;
                Some((expr, filter_crs))
            }
        };
        let after = get(pairs, "after").map(str::to_owned);
        Ok(ItemsQuery { limit, offset, after, bbox, datetime, crs, properties, filter })
    }
}

/// A property filter's value, typed by its queryable.
enum Typed {
    Text(String),
    Integer(i64),
    Number(f64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

fn typed_value(q: &Queryable, v: &str) -> Result<Typed, OgcError> {
    let bad = |what: &str| OgcError::invalid(q.name, format!("{v:?} is not {what}"));
    Ok(match q.kind {
        Kind::Text => Typed::Text(v.to_owned()),
        Kind::Integer => Typed::Integer(v.trim().parse().map_err(|_| bad("an integer"))?),
        Kind::Number => Typed::Number(number(q.name, v)?),
        Kind::Date => {
            Typed::Date(NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| bad("a date (YYYY-MM-DD)"))?)
        }
        Kind::DateTime => Typed::Time(instant(v.trim()).map_err(|_| bad("a timestamp"))?),
    })
}

/// Who is asking, as far as the rows go: relocation rows only within these projects.
pub struct Scope(pub Option<Vec<i64>>);

/// Pushes ` WHERE …` for the collection, the caller's scope and the request.
pub fn push_where(
    qb: &mut QueryBuilder<'_, Postgres>,
    coll: &'static Collection,
    scope: &Scope,
    q: &ItemsQuery,
) -> Result<(), OgcError> {
    qb.push(" WHERE TRUE");
    if coll.relocation
        && let Some(projects) = &scope.0
    {
        qb.push(" AND f.project_id = ANY(").push_bind(projects.clone()).push(")");
    }
    if let Some((corners, crs)) = q.bbox {
        let polygon = cql::envelope(corners, crs).map_err(|e| OgcError::invalid("bbox", e))?;
        qb.push(" AND ST_Intersects(f.geom, ");
        cql::push_geometry(qb, geo::Geometry::Polygon(polygon), crs).map_err(|e| OgcError::invalid("bbox", e))?;
        qb.push(")");
    }
    match &q.datetime {
        None => {}
        Some(Datetime::Instant(t)) => {
            qb.push(" AND f.datetime = ").push_bind(*t);
        }
        Some(Datetime::Interval(a, b)) => {
            if let Some(a) = a {
                qb.push(" AND f.datetime >= ").push_bind(*a);
            }
            if let Some(b) = b {
                qb.push(" AND f.datetime <= ").push_bind(*b);
            }
            if a.is_none() && b.is_none() {
                qb.push(" AND f.datetime IS NOT NULL");
            }
        }
    }
    for (queryable, value) in &q.properties {
        qb.push(" AND f.").push(queryable.name).push(" = ");
        match typed_value(queryable, value)? {
            Typed::Text(s) => qb.push_bind(s),
            Typed::Integer(i) => qb.push_bind(i),
            Typed::Number(n) => qb.push_bind(n),
            Typed::Date(d) => qb.push_bind(d),
            Typed::Time(t) => qb.push_bind(t),
        };
    }
    if let Some((expr, crs)) = &q.filter {
        qb.push(" AND ");
        Translator { collection: coll, crs: *crs }.condition(qb, expr).map_err(OgcError::from)?;
    }
    Ok(())
}

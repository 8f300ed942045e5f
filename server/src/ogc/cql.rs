//! CQL2 (OGC API Features Part 3) → SQL. The `cql2` crate parses cql2-text and cql2-json; this
//! walks its tree and writes a condition into a `QueryBuilder`: property names are taken from
//! the collection's queryables (never from the request), every literal is a bind parameter.

use chrono::{DateTime, NaiveDate, Utc};
use cql2::Expr;
use geo::{Coord, MapCoords};
use sqlx::{Postgres, QueryBuilder};

use super::collections::{Collection, Kind};
use super::crs::Crs;

/// 过滤条件错误: why a filter was refused (400).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FilterError {
    #[error("the filter is not valid {lang}: {detail}")]
    Syntax { lang: &'static str, detail: String },
    #[error("unknown property {name:?}; queryables of {collection}: {known}")]
    UnknownProperty { name: String, collection: &'static str, known: String },
    #[error(
        "operator {0:?} is not supported; supported: =, <>, <, <=, >, >=, LIKE, IN, BETWEEN, IS NULL, AND, OR, NOT, CASEI, S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT, S_EQUALS, S_TOUCHES, S_OVERLAPS, S_CROSSES"
    )]
    Unsupported(String),
    #[error("{0}")]
    Type(String),
    #[error("invalid geometry: {0}")]
    Geometry(String),
    #[error("the filter is too complex: {0}")]
    TooComplex(String),
}

/// The filter languages of Part 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Text,
    Json,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "cql2-text" => Some(Lang::Text),
            "cql2-json" => Some(Lang::Json),
            _ => None,
        }
    }
}

/// Longest filter accepted.
pub const MAX_FILTER_BYTES: usize = 16 * 1024;
/// Deepest nesting of parentheses, brackets, braces and NOTs: the parsers recurse on it.
pub const MAX_DEPTH: usize = 64;

/// Refuses filters too long or too deeply nested to parse safely (the parsers recurse, and a
/// stack overflow would take the server down, not just the request).
fn check_shape_of_text(filter: &str) -> Result<(), FilterError> {
    if filter.len() > MAX_FILTER_BYTES {
        return Err(FilterError::TooComplex(format!("it is {} bytes; at most {MAX_FILTER_BYTES}", filter.len())));
    }
    let (mut depth, mut deepest, mut in_string, mut nots) = (0usize, 0usize, false, 0usize);
    for (i, ch) in filter.char_indices() {
        match ch {
            '\'' => in_string = !in_string,
            '(' | '[' | '{' if !in_string => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' if !in_string => depth = depth.saturating_sub(1),
            'n' | 'N' if !in_string && filter[i..].len() >= 3 && filter[i..i + 3].eq_ignore_ascii_case("not") => {
                nots += 1
            }
            _ => {}
        }
    }
    if deepest + nots > MAX_DEPTH {
        return Err(FilterError::TooComplex(format!("it nests {} levels deep; at most {MAX_DEPTH}", deepest + nots)));
    }
    Ok(())
}

pub fn parse(filter: &str, lang: Lang) -> Result<Expr, FilterError> {
    check_shape_of_text(filter)?;
    match lang {
        Lang::Text => cql2::parse_text(filter)
            .map_err(|e| FilterError::Syntax { lang: "cql2-text", detail: one_line(&e.to_string()) }),
        Lang::Json => cql2::parse_json(filter)
            .map_err(|e| FilterError::Syntax { lang: "cql2-json", detail: one_line(&e.to_string()) }),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Scalar types as the checker sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Text,
    Number,
    Time,
    Bool,
    Null,
}

impl Ty {
    fn of(kind: Kind) -> Ty {
        match kind {
            Kind::Text => Ty::Text,
            Kind::Integer | Kind::Number => Ty::Number,
            Kind::Date | Kind::DateTime => Ty::Time,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ty::Text => "a string",
            Ty::Number => "a number",
            Ty::Time => "a date or timestamp",
            Ty::Bool => "a boolean",
            Ty::Null => "NULL",
        }
    }
}

/// Writes CQL2 conditions for one collection; geometries in `crs` (the filter-crs).
pub struct Translator {
    pub collection: &'static Collection,
    pub crs: Crs,
}

const GEOMETRY_NAMES: &[&str] = &["geometry", "geom"];

impl Translator {
    /// Pushes `expr` as a boolean SQL condition.
    pub fn condition(&self, qb: &mut QueryBuilder<'_, Postgres>, expr: &Expr) -> Result<(), FilterError> {
        match expr {
            Expr::Bool(b) => {
                qb.push(if *b { "TRUE" } else { "FALSE" });
                Ok(())
            }
            Expr::Operation { op, args } => self.operation(qb, op, args),
            other => Err(FilterError::Type(format!("{} is not a condition", describe(other)))),
        }
    }

    fn operation(&self, qb: &mut QueryBuilder<'_, Postgres>, op: &str, args: &[Box<Expr>]) -> Result<(), FilterError> {
        let arity = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(FilterError::Type(format!("{op} takes {n} arguments, not {}", args.len())))
            }
        };
        match op {
            "and" | "or" => {
                if args.is_empty() {
                    return Err(FilterError::Type(format!("{op} needs arguments")));
                }
                qb.push("(");
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        qb.push(if op == "and" { " AND " } else { " OR " });
                    }
                    self.condition(qb, a)?;
                }
                qb.push(")");
            }
            "not" => {
                arity(1)?;
                qb.push("NOT (");
                self.condition(qb, &args[0])?;
                qb.push(")");
            }
            "=" | "<>" | "<" | ">" | "<=" | ">=" => {
                arity(2)?;
                qb.push("(");
                let left = self.scalar(qb, &args[0])?;
                qb.push(format_args!(" {op} "));
                let right = self.scalar(qb, &args[1])?;
                qb.push(")");
                same_type(op, left, right)?;
                if left == Ty::Null || right == Ty::Null {
                    return Err(FilterError::Type(format!("compare with NULL by IS NULL, not {op}")));
                }
            }
            "like" => {
                arity(2)?;
                if let Expr::Literal(pattern) = args[1].as_ref()
                    && pattern.chars().rev().take_while(|&c| c == '\\').count() % 2 == 1
                {
                    return Err(FilterError::Type("a LIKE pattern cannot end with the escape character \\".into()));
                }
                qb.push("(");
                let left = self.scalar(qb, &args[0])?;
                qb.push(" LIKE ");
                let right = self.scalar(qb, &args[1])?;
                qb.push(")");
                if left != Ty::Text || right != Ty::Text {
                    return Err(FilterError::Type("LIKE compares strings".into()));
                }
            }
            "between" => {
                arity(3)?;
                qb.push("(");
                let v = self.scalar(qb, &args[0])?;
                qb.push(" BETWEEN ");
                let lo = self.scalar(qb, &args[1])?;
                qb.push(" AND ");
                let hi = self.scalar(qb, &args[2])?;
                qb.push(")");
                if v != Ty::Number && v != Ty::Time {
                    return Err(FilterError::Type("BETWEEN needs a number, date or timestamp".into()));
                }
                same_type("BETWEEN", v, lo)?;
                same_type("BETWEEN", v, hi)?;
            }
            "in" => {
                arity(2)?;
                let Expr::Array(items) = args[1].as_ref() else {
                    return Err(FilterError::Type("IN needs a list: x IN ('a', 'b')".into()));
                };
                if items.is_empty() {
                    return Err(FilterError::Type("IN needs at least one value".into()));
                }
                qb.push("(");
                let v = self.scalar(qb, &args[0])?;
                qb.push(" IN (");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        qb.push(", ");
                    }
                    let t = self.scalar(qb, item)?;
                    same_type("IN", v, t)?;
                }
                qb.push("))");
            }
            "isNull" => {
                arity(1)?;
                qb.push("(");
                // CQL2's isNullPredicate takes any property, the geometry included.
                match args[0].as_ref() {
                    Expr::Property { property } if GEOMETRY_NAMES.contains(&property.as_str()) => {
                        self.geometry(qb, &args[0])?;
                    }
                    other => {
                        self.scalar(qb, other)?;
                    }
                }
                qb.push(" IS NULL)");
            }
            "s_intersects" | "s_within" | "s_contains" | "s_disjoint" | "s_equals" | "s_touches" | "s_overlaps"
            | "s_crosses" => {
                arity(2)?;
                let function = match op {
                    "s_intersects" => "ST_Intersects",
                    "s_within" => "ST_Within",
                    "s_contains" => "ST_Contains",
                    "s_disjoint" => "ST_Disjoint",
                    "s_equals" => "ST_Equals",
                    "s_touches" => "ST_Touches",
                    "s_overlaps" => "ST_Overlaps",
                    _ => "ST_Crosses",
                };
                qb.push(function).push("(");
                self.geometry(qb, &args[0])?;
                qb.push(", ");
                self.geometry(qb, &args[1])?;
                qb.push(")");
            }
            other => return Err(FilterError::Unsupported(other.to_uppercase())),
        }
        Ok(())
    }

    fn property(&self, name: &str) -> Result<&'static super::collections::Queryable, FilterError> {
        self.collection.queryable(name).ok_or_else(|| FilterError::UnknownProperty {
            name: name.to_owned(),
            collection: self.collection.id,
            known: self.collection.queryables.iter().map(|q| q.name).collect::<Vec<_>>().join(", "),
        })
    }

    fn scalar(&self, qb: &mut QueryBuilder<'_, Postgres>, e: &Expr) -> Result<Ty, FilterError> {
        Ok(match e {
            Expr::Property { property } => {
                if GEOMETRY_NAMES.contains(&property.as_str()) {
                    return Err(FilterError::Type(format!(
                        "{property} is the geometry: use it in a spatial function such as S_INTERSECTS"
                    )));
                }
                let q = self.property(property)?;
                // The name pushed is the queryable's own (static), not the request's text.
                qb.push("f.").push(q.name);
                Ty::of(q.kind)
            }
            Expr::Literal(s) => {
                qb.push_bind(s.clone());
                Ty::Text
            }
            Expr::Float(v) => {
                qb.push_bind(*v);
                Ty::Number
            }
            Expr::Bool(b) => {
                qb.push_bind(*b);
                Ty::Bool
            }
            Expr::Null => {
                qb.push("NULL");
                Ty::Null
            }
            Expr::Timestamp { timestamp } => {
                let s = literal(timestamp)?;
                let t = DateTime::parse_from_rfc3339(s)
                    .map_err(|e| FilterError::Type(format!("TIMESTAMP({s:?}) is not an RFC 3339 timestamp: {e}")))?;
                qb.push_bind(t.with_timezone(&Utc));
                Ty::Time
            }
            Expr::Date { date } => {
                let s = literal(date)?;
                let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|e| FilterError::Type(format!("DATE({s:?}) is not a date (YYYY-MM-DD): {e}")))?;
                qb.push_bind(d);
                Ty::Time
            }
            Expr::Operation { op, args } if matches!(op.as_str(), "casei" | "lower" | "upper") && args.len() == 1 => {
                qb.push(if op == "upper" { "upper(" } else { "lower(" });
                let t = self.scalar(qb, &args[0])?;
                qb.push(")");
                if t != Ty::Text {
                    return Err(FilterError::Type(format!("{} needs a string", op.to_uppercase())));
                }
                Ty::Text
            }
            other => return Err(FilterError::Type(format!("{} is not a value", describe(other)))),
        })
    }

    fn geometry(&self, qb: &mut QueryBuilder<'_, Postgres>, e: &Expr) -> Result<(), FilterError> {
        match e {
            Expr::Property { property } if GEOMETRY_NAMES.contains(&property.as_str()) => {
                qb.push("f.geom");
                Ok(())
            }
            Expr::Property { property } => {
                Err(FilterError::Type(format!("{property} is not the geometry; the geometry property is \"geometry\"")))
            }
            Expr::Geometry(g) => {
                let text = g.to_wkt().map_err(|e| FilterError::Geometry(e.to_string()))?;
                let wkt: wkt::Wkt<f64> = text.parse().map_err(|e: &str| FilterError::Geometry(e.to_owned()))?;
                let geom: geo::Geometry<f64> =
                    wkt.try_into().map_err(|e: wkt::conversion::Error| FilterError::Geometry(e.to_string()))?;
                let geom = if self.crs.northing_first() { geom.map_coords(|c| Coord { x: c.y, y: c.x }) } else { geom };
                push_geometry(qb, geom, self.crs).map_err(FilterError::Geometry)
            }
            Expr::BBox { bbox } => {
                let v: Vec<f64> = bbox
                    .iter()
                    .map(|b| match b.as_ref() {
                        Expr::Float(v) => Ok(*v),
                        _ => Err(FilterError::Geometry("BBOX takes numbers".into())),
                    })
                    .collect::<Result<_, _>>()?;
                let corners = match v.as_slice() {
                    [a, b, c, d] | [a, b, _, c, d, _] => [*a, *b, *c, *d],
                    _ => return Err(FilterError::Geometry(format!("BBOX takes 4 or 6 numbers, not {}", v.len()))),
                };
                let polygon = envelope(corners, self.crs).map_err(FilterError::Geometry)?;
                push_geometry(qb, geo::Geometry::Polygon(polygon), self.crs).map_err(FilterError::Geometry)
            }
            other => Err(FilterError::Type(format!("{} is not a geometry", describe(other)))),
        }
    }
}

fn literal(e: &Expr) -> Result<&str, FilterError> {
    match e {
        Expr::Literal(s) => Ok(s),
        other => Err(FilterError::Type(format!("{} is not a string", describe(other)))),
    }
}

fn same_type(op: &str, a: Ty, b: Ty) -> Result<(), FilterError> {
    if a == b || a == Ty::Null || b == Ty::Null {
        Ok(())
    } else {
        Err(FilterError::Type(format!("{op} compares {} with {}", a.name(), b.name())))
    }
}

fn describe(e: &Expr) -> String {
    match e {
        Expr::Property { property } => format!("property {property:?}"),
        Expr::Operation { op, .. } => format!("{}(…)", op.to_uppercase()),
        Expr::Literal(s) => format!("'{s}'"),
        Expr::Float(v) => v.to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Null => "NULL".into(),
        Expr::Array(_) => "a list".into(),
        Expr::Geometry(_) | Expr::BBox { .. } => "a geometry".into(),
        Expr::Timestamp { .. } | Expr::Date { .. } | Expr::Interval { .. } => "a time".into(),
    }
}

/// The rectangle of a bbox given in `crs` axis order: (min axis 1, min axis 2, max axis 1,
/// max axis 2), as a polygon in PostGIS x/y order. Checks order and range.
pub fn envelope(b: [f64; 4], crs: Crs) -> Result<geo::Polygon<f64>, String> {
    if b.iter().any(|v| !v.is_finite()) {
        return Err("bbox values must be finite numbers".into());
    }
    let [x1, y1, x2, y2] = if crs.northing_first() { [b[1], b[0], b[3], b[2]] } else { b };
    if y1 > y2 || (x1 > x2 && !crs.geographic()) {
        return Err(format!("the lower corner of the bbox must come first ({crs} axis order: {})", axes(crs)));
    }
    if x1 > x2 {
        return Err("bboxes crossing the antimeridian are not supported".into());
    }
    let r = geo::Rect::new(Coord { x: x1, y: y1 }, Coord { x: x2, y: y2 });
    for c in [r.min(), r.max()] {
        in_range(c, crs)?;
    }
    Ok(r.to_polygon())
}

pub fn axes(crs: Crs) -> &'static str {
    match (crs.geographic(), crs.northing_first()) {
        (true, true) => "latitude, longitude",
        (true, false) => "longitude, latitude",
        (false, true) => "northing, easting",
        (false, false) => "easting, northing",
    }
}

/// Whether x/y (PostGIS order) lie where `crs` is defined, so that PROJ never fails on them.
fn in_range(c: Coord<f64>, crs: Crs) -> Result<(), String> {
    let (x, y) = (c.x, c.y);
    let ok = match crs.epsg {
        None | Some(4490 | 4326) => (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y),
        Some(3857) => x.abs() <= 20_037_508.35 && y.abs() <= 20_048_966.11,
        // 3° zones 25–45 with the zone number in front of the easting.
        Some(e @ 4513..=4533) => {
            let zone = f64::from(e - 4513 + 25) * 1e6;
            (zone..=zone + 1e6).contains(&x) && (0.0..=1e7).contains(&y)
        }
        _ => (0.0..=1e6).contains(&x) && (0.0..=1e7).contains(&y),
    };
    if ok { Ok(()) } else { Err(format!("coordinates ({}) are outside {crs}", axes(crs))) }
}

/// Rings need four positions (closed), lines two; PostGIS refuses less.
fn check_shape(g: &geo::Geometry<f64>) -> Result<(), String> {
    use geo::Geometry as G;
    let polygon = |p: &geo::Polygon<f64>| {
        if std::iter::once(p.exterior()).chain(p.interiors()).all(|r| r.0.len() >= 4) {
            Ok(())
        } else {
            Err("a polygon ring needs at least four positions, the last equal to the first".to_owned())
        }
    };
    let line = |l: &geo::LineString<f64>| {
        if l.0.len() >= 2 { Ok(()) } else { Err("a line needs at least two positions".to_owned()) }
    };
    match g {
        G::Polygon(p) => polygon(p),
        G::MultiPolygon(m) => m.0.iter().try_for_each(polygon),
        G::LineString(l) => line(l),
        G::MultiLineString(m) => m.0.iter().try_for_each(line),
        G::GeometryCollection(c) => c.0.iter().try_for_each(check_shape),
        _ => Ok(()),
    }
}

/// Pushes `g` (PostGIS x/y order, in `crs`) transformed to the storage CRS, bound as WKB.
/// Projected shapes are segmentized first so that their edges follow the transformation.
pub fn push_geometry(qb: &mut QueryBuilder<'_, Postgres>, g: geo::Geometry<f64>, crs: Crs) -> Result<(), String> {
    use geo::BoundingRect;
    use geo::CoordsIter;
    use geozero::{CoordDimensions, ToWkb};
    check_shape(&g)?;
    for c in g.coords_iter() {
        in_range(c, crs)?;
    }
    let wkb = g.to_wkb(CoordDimensions::xy()).map_err(|e| e.to_string())?;
    let segment = g.bounding_rect().map(|r| r.width().max(r.height()) / 32.0).unwrap_or(0.0);
    let segmentize = !crs.geographic() && segment > 0.0;
    qb.push("ST_MakeValid(ST_Transform(");
    if segmentize {
        qb.push("ST_Segmentize(");
    }
    qb.push("ST_SetSRID(ST_GeomFromWKB(").push_bind(wkb).push("), ").push_bind(crs.srid()).push(")");
    if segmentize {
        qb.push(", ").push_bind(segment).push(")");
    }
    qb.push(", 4490))");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_or_long_filters_are_refused_before_parsing() {
        let deep = format!("{}a = 1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(matches!(parse(&deep, Lang::Text), Err(FilterError::TooComplex(_))));
        let nots = format!("{}a = 1", "NOT ".repeat(70));
        assert!(matches!(parse(&nots, Lang::Text), Err(FilterError::TooComplex(_))));
        let json = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(parse(&json, Lang::Json), Err(FilterError::TooComplex(_))));
        assert!(matches!(parse(&"a".repeat(20_000), Lang::Text), Err(FilterError::TooComplex(_))));
        // Parentheses and NOTs inside strings do not count; ordinary filters pass.
        assert!(
            parse("address LIKE '%((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((%'", Lang::Text)
                .is_ok()
        );
        let nested = format!("{}a = 1{}", "(".repeat(40), ")".repeat(40));
        let t = Translator {
            collection: super::super::collections::Collection::find("parcels").unwrap(),
            crs: super::super::crs::CRS84,
        };
        // JSON "a\\" is the pattern a\ : it ends with LIKE's escape character.
        let like = parse(r#"{"op":"like","args":[{"property":"address"},"a\\"]}"#, Lang::Json).unwrap();
        assert!(matches!(t.condition(&mut QueryBuilder::new(""), &like), Err(FilterError::Type(_))));
        assert!(parse(&nested, Lang::Text).is_ok());
    }

    #[test]
    fn the_geometry_may_be_tested_for_null() {
        let t = Translator {
            collection: super::super::collections::Collection::find("parcels").unwrap(),
            crs: super::super::crs::CRS84,
        };
        for (filter, lang) in [
            ("geometry IS NOT NULL", Lang::Text),
            ("geometry IS NULL", Lang::Text),
            (r#"{"op":"isNull","args":[{"property":"geometry"}]}"#, Lang::Json),
        ] {
            let mut qb = QueryBuilder::new("");
            t.condition(&mut qb, &parse(filter, lang).unwrap()).unwrap();
            assert!(qb.sql().contains("(f.geom IS NULL)"), "{filter}: {}", qb.sql());
        }
        // Elsewhere the geometry still needs a spatial function.
        let mut qb = QueryBuilder::new("");
        assert!(t.condition(&mut qb, &parse("geometry = 'x'", Lang::Text).unwrap()).is_err());
    }
}

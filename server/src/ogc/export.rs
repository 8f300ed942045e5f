//! What an export reads (专题导出): the rows, filter, bbox, CRS, scope and masking of `/items`,
//! for the exports module. An export asks with the same parameters an items request takes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};

use super::collections::{Collection, Kind};
use super::crs::Crs;
use super::features::{push_select, source};
use super::query::{self, ItemsQuery, Scope};
use super::support::{OgcError, readable};
use crate::auth::Principal;
use crate::auth::mask::{IdNumber, PersonName};

/// The type of an exported attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Integer,
    Number,
    Date,
    DateTime,
}

/// One attribute value of an exported feature (personal data already masked for the caller).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Text(String),
    Integer(i32),
    Number(f64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

/// An export's query: the collection, and what `/items` would make of the parameters.
pub struct ExportQuery {
    collection: &'static Collection,
    items: ItemsQuery,
    scope: Scope,
}

/// The item parameters an export may carry.
const EXPORT_PARAMS: &[&str] = &["bbox", "bbox-crs", "crs", "filter", "filter-lang", "filter-crs"];

impl ExportQuery {
    /// Checks the collection (and the caller's right to read it) and the parameters, as an
    /// items request would.
    pub fn parse(collection: &str, pairs: &[(String, String)], p: &Principal) -> Result<Self, OgcError> {
        let c = readable(collection, p)?;
        query::check_known(pairs, EXPORT_PARAMS, None)?;
        let items = ItemsQuery::parse(pairs, c)?;
        Ok(Self { collection: c, items, scope: Scope(p.relocation_scope()) })
    }

    /// The collection's id (parcels, house_units …).
    pub fn collection(&self) -> &'static str {
        self.collection.id
    }

    /// The EPSG code the coordinates come in (CRS84 as 4326).
    pub fn srid(&self) -> i32 {
        self.items.crs.srid()
    }

    /// The CRS as asked for.
    pub fn crs(&self) -> Crs {
        self.items.crs
    }

    /// The geometry type of the collection, as OGC names it (MultiPolygon, Point …).
    pub fn geometry(&self) -> &'static str {
        self.collection.geometry
    }

    /// `SELECT count(*)` of the matching rows: `numberMatched` of the same items request.
    pub fn count(&self) -> Result<QueryBuilder<'static, Postgres>, OgcError> {
        let mut qb = QueryBuilder::new("SELECT count(*) FROM ");
        source(&mut qb, self.collection);
        query::push_where(&mut qb, self.collection, &self.scope, &self.items)?;
        Ok(qb)
    }

    /// The matching rows in id order, the geometry as WKB in the asked CRS (x/y order).
    pub fn rows(&self) -> Result<QueryBuilder<'static, Postgres>, OgcError> {
        let mut qb = QueryBuilder::new("");
        push_select(&mut qb, self.collection, self.items.crs);
        qb.push(" FROM ");
        source(&mut qb, self.collection);
        query::push_where(&mut qb, self.collection, &self.scope, &self.items)?;
        qb.push(" ORDER BY f.fid");
        Ok(qb)
    }

    /// The attributes, in order: the collection's queryables, then its personal data.
    pub fn fields(&self) -> Vec<(&'static str, FieldKind)> {
        let mut fields: Vec<(&'static str, FieldKind)> = self
            .collection
            .queryables
            .iter()
            .map(|q| {
                let kind = match q.kind {
                    Kind::Text => FieldKind::Text,
                    Kind::Integer => FieldKind::Integer,
                    Kind::Number => FieldKind::Number,
                    Kind::Date => FieldKind::Date,
                    Kind::DateTime => FieldKind::DateTime,
                };
                (q.name, kind)
            })
            .collect();
        if self.collection.personal {
            fields.push(("owner_name", FieldKind::Text));
            fields.push(("owner_id_number", FieldKind::Text));
        }
        fields
    }

    /// One row: its WKB and its cells in [`fields`](Self::fields) order, masked for the
    /// caller (this runs inside the caller's request context).
    pub fn values(&self, row: &PgRow) -> Result<(Option<Vec<u8>>, Vec<Cell>), sqlx::Error> {
        let wkb: Option<Vec<u8>> = row.try_get("wkb")?;
        let mut cells = Vec::with_capacity(self.collection.queryables.len() + 2);
        for q in self.collection.queryables {
            cells.push(match q.kind {
                Kind::Text => row.try_get::<Option<String>, _>(q.name)?.map_or(Cell::Null, Cell::Text),
                Kind::Integer => row.try_get::<Option<i32>, _>(q.name)?.map_or(Cell::Null, Cell::Integer),
                Kind::Number => row.try_get::<Option<f64>, _>(q.name)?.map_or(Cell::Null, Cell::Number),
                Kind::Date => row.try_get::<Option<NaiveDate>, _>(q.name)?.map_or(Cell::Null, Cell::Date),
                Kind::DateTime => row.try_get::<Option<DateTime<Utc>>, _>(q.name)?.map_or(Cell::Null, Cell::DateTime),
            });
        }
        if self.collection.personal {
            let name = row.try_get::<Option<String>, _>("owner_name")?.map(|n| PersonName(n).shown());
            let id = row.try_get::<Option<String>, _>("owner_id_number")?.map(|n| IdNumber(n).shown());
            cells.push(name.map_or(Cell::Null, Cell::Text));
            cells.push(id.map_or(Cell::Null, Cell::Text));
        }
        Ok((wkb, cells))
    }
}

//! Bulk loading with PostgreSQL COPY (text format), and staging for geometry that arrives in
//! Gauss-Krüger metres and is stored in EPSG:4490.

use std::fmt::Write as _;

use chrono::NaiveDate;
use geo::Geometry;
use geozero::{CoordDimensions, ToWkb};
use sqlx::PgConnection;

use super::DemoError;

/// Rows in COPY text format. Fields are escaped; `\N` is NULL.
#[derive(Default)]
pub struct CopyRows {
    buf: String,
    fields: usize,
}

impl CopyRows {
    pub fn new() -> Self {
        Self::default()
    }

    fn sep(&mut self) {
        if self.fields > 0 {
            self.buf.push('\t');
        }
        self.fields += 1;
    }

    pub fn text(&mut self, v: &str) -> &mut Self {
        self.sep();
        for c in v.chars() {
            match c {
                '\\' => self.buf.push_str("\\\\"),
                '\t' => self.buf.push_str("\\t"),
                '\n' => self.buf.push_str("\\n"),
                '\r' => self.buf.push_str("\\r"),
                c => self.buf.push(c),
            }
        }
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str("\\N");
        self
    }

    pub fn opt_text(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn int(&mut self, v: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{v}");
        self
    }

    pub fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub fn float(&mut self, v: f64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{v}");
        self
    }

    /// A value kept in hundredths (fen, or centi-m²) as a decimal with two places.
    pub fn cents(&mut self, v: i64) -> &mut Self {
        self.sep();
        let sign = if v < 0 { "-" } else { "" };
        let _ = write!(self.buf, "{sign}{}.{:02}", v.abs() / 100, v.abs() % 100);
        self
    }

    pub fn date(&mut self, v: Option<NaiveDate>) -> &mut Self {
        match v {
            Some(d) => {
                self.sep();
                let _ = write!(self.buf, "{d}");
                self
            }
            None => self.null(),
        }
    }

    /// A geometry as hex EWKB with its SRID.
    pub fn geom(&mut self, g: &Geometry, srid: i32) -> Result<&mut Self, DemoError> {
        let wkb = g
            .to_ewkb(CoordDimensions::xy(), Some(srid))
            .map_err(|e| DemoError::Encode { what: "a geometry", message: e.to_string() })?;
        self.sep();
        self.buf.push_str(&hex::encode(wkb));
        Ok(self)
    }

    pub fn end(&mut self) {
        self.buf.push('\n');
        self.fields = 0;
    }
}

/// COPY rows into a table (the table and column names are constants of the generator).
pub async fn copy_into(conn: &mut PgConnection, table: &str, columns: &str, rows: CopyRows) -> Result<(), DemoError> {
    let mut copy = conn.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN")).await?;
    for chunk in rows.buf.as_bytes().chunks(4 << 20) {
        copy.send(chunk).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// COPY rows whose geometry is in another SRID into a staging table, then insert them into
/// `table` with the geometry transformed to EPSG:4490 (identity ids kept as given).
pub async fn copy_staged(
    conn: &mut PgConnection,
    table: &str,
    columns: &[&str],
    rows: CopyRows,
) -> Result<(), DemoError> {
    let stage = format!("stage_{table}");
    let cols = columns.join(", ");
    let geom_cols: Vec<&str> = columns.iter().copied().filter(|c| *c == "geom" || *c == "boundary").collect();
    sqlx::query(&format!("CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"))
        .execute(&mut *conn)
        .await?;
    for g in &geom_cols {
        sqlx::query(&format!("ALTER TABLE {stage} ALTER COLUMN {g} TYPE geometry")).execute(&mut *conn).await?;
    }
    copy_into(conn, &stage, &cols, rows).await?;
    let select: Vec<String> = columns
        .iter()
        .map(|c| if geom_cols.contains(c) { format!("ST_Multi(ST_Transform({c}, 4490))") } else { (*c).to_owned() })
        .collect();
    sqlx::query(&format!(
        "INSERT INTO {table} ({cols}) OVERRIDING SYSTEM VALUE SELECT {} FROM {stage}",
        select.join(", ")
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

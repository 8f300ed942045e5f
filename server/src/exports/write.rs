//! GDAL 写出: an export's features written with GDAL's own drivers — GeoPackage, Shapefile
//! (zipped with its .prj and .cpg; UTF-8 or GBK), GeoJSON, CSV (geometry as WKT, with a BOM
//! for Excel), XLSX (attributes only), DXF (geometry only: the format has no attributes) and
//! KML (GDAL reprojects to WGS 84). Runs on a blocking thread, fed batches from the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, TimeZone};
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{Feature, FieldDefn, Geometry, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DriverManager};
use tokio::sync::mpsc::Receiver;

use crate::ogc::export::{Cell, FieldKind};

/// A format an export is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gpkg,
    Shp,
    GeoJson,
    Csv,
    Xlsx,
    Dxf,
    Kml,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "gpkg" => Self::Gpkg,
            "shp" => Self::Shp,
            "geojson" => Self::GeoJson,
            "csv" => Self::Csv,
            "xlsx" => Self::Xlsx,
            "dxf" => Self::Dxf,
            "kml" => Self::Kml,
            _ => return None,
        })
    }

    /// The extension of the file the caller downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Gpkg => "gpkg",
            Self::Shp => "zip",
            Self::GeoJson => "geojson",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Dxf => "dxf",
            Self::Kml => "kml",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Gpkg => "application/geopackage+sqlite3",
            Self::Shp => "application/zip",
            Self::GeoJson => "application/geo+json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => crate::base::sheet::XLSX,
            Self::Dxf => "image/vnd.dxf",
            Self::Kml => "application/vnd.google-earth.kml+xml",
        }
    }

    fn driver(self) -> &'static str {
        match self {
            Self::Gpkg => "GPKG",
            Self::Shp => "ESRI Shapefile",
            Self::GeoJson => "GeoJSON",
            Self::Csv => "CSV",
            Self::Xlsx => "XLSX",
            Self::Dxf => "DXF",
            Self::Kml => "KML",
        }
    }

    fn has_geometry(self) -> bool {
        self != Self::Xlsx
    }

    fn has_fields(self) -> bool {
        self != Self::Dxf
    }
}

/// What to write.
pub struct Spec {
    pub format: Format,
    /// The layer's (and the file's) name.
    pub layer: String,
    pub srid: i32,
    /// The OGC geometry type of the collection (MultiPolygon, Point …).
    pub geometry: &'static str,
    /// Field names (already in the asked naming) and types.
    pub fields: Vec<(String, FieldKind)>,
    /// Shapefile encoding: `UTF-8` or `GBK`.
    pub encoding: String,
}

/// A batch of features: WKB and cells.
pub type Batch = Vec<(Option<Vec<u8>>, Vec<Cell>)>;

fn gdal(e: gdal::errors::GdalError) -> String {
    e.to_string()
}

/// Writes the batches from `rx` under `dir`; `progress` hears the features written so far.
/// Returns the file to hand out and how many features it holds.
pub fn write(
    dir: &Path,
    spec: &Spec,
    mut rx: Receiver<Batch>,
    mut progress: impl FnMut(u64),
) -> Result<(PathBuf, u64), String> {
    let driver = DriverManager::get_driver_by_name(spec.format.driver()).map_err(gdal)?;
    let path = match spec.format {
        Format::Shp => {
            let d = dir.join("shp");
            std::fs::create_dir_all(&d).map_err(|e| e.to_string())?;
            d.join(format!("{}.shp", spec.layer))
        }
        f => dir.join(format!("{}.{}", spec.layer, f.extension())),
    };
    let mut ds = driver.create_vector_only(&path).map_err(gdal)?;
    let written = if spec.format == Format::Gpkg {
        // One transaction: GeoPackage commits per feature otherwise.
        let mut txn = ds.start_transaction().map_err(gdal)?;
        let n = fill(&mut txn, spec, &mut rx, &mut progress)?;
        txn.commit().map_err(gdal)?;
        n
    } else {
        fill(&mut ds, spec, &mut rx, &mut progress)?
    };
    drop(ds);
    if spec.format != Format::Shp {
        return Ok((path, written));
    }
    let zipped = dir.join(format!("{}.zip", spec.layer));
    zip_dir(&dir.join("shp"), &zipped)?;
    Ok((zipped, written))
}

fn fill(
    ds: &mut Dataset,
    spec: &Spec,
    rx: &mut Receiver<Batch>,
    progress: &mut impl FnMut(u64),
) -> Result<u64, String> {
    let mut srs = SpatialRef::from_epsg(spec.srid as u32).map_err(gdal)?;
    // PostGIS sends x/y (easting, longitude first) whatever the CRS's axis order.
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let ty = match (spec.format.has_geometry(), spec.geometry) {
        (false, _) => OGRwkbGeometryType::wkbNone,
        (true, "MultiPolygon") => OGRwkbGeometryType::wkbMultiPolygon,
        (true, "Polygon") => OGRwkbGeometryType::wkbPolygon,
        (true, "Point") => OGRwkbGeometryType::wkbPoint,
        _ => OGRwkbGeometryType::wkbUnknown,
    };
    let encoding = if spec.encoding == "GBK" { "ENCODING=CP936" } else { "ENCODING=UTF-8" };
    let options: Vec<&str> = match spec.format {
        Format::Shp => vec![encoding],
        Format::Csv => vec!["GEOMETRY=AS_WKT", "WRITE_BOM=YES"],
        Format::GeoJson => vec!["WRITE_NAME=NO"],
        _ => vec![],
    };
    let layer = ds
        .create_layer(LayerOptions {
            name: &spec.layer,
            srs: spec.format.has_geometry().then_some(&srs),
            ty,
            options: (!options.is_empty()).then_some(options.as_slice()),
        })
        .map_err(gdal)?;
    if spec.format.has_fields() {
        for (name, kind) in &spec.fields {
            let ty = match (kind, spec.format) {
                (FieldKind::Text, _) => OGRFieldType::OFTString,
                (FieldKind::Integer, _) => OGRFieldType::OFTInteger,
                (FieldKind::Number, _) => OGRFieldType::OFTReal,
                (FieldKind::Date, _) => OGRFieldType::OFTDate,
                // A Shapefile has no time of day.
                (FieldKind::DateTime, Format::Shp) => OGRFieldType::OFTString,
                (FieldKind::DateTime, _) => OGRFieldType::OFTDateTime,
            };
            let field = FieldDefn::new(name, ty).map_err(gdal)?;
            if spec.format == Format::Shp && ty == OGRFieldType::OFTString {
                field.set_width(254);
            }
            field.add_to_layer(&layer).map_err(gdal)?;
        }
    }
    let shp = spec.format == Format::Shp;
    let mut written = 0u64;
    while let Some(batch) = rx.blocking_recv() {
        for (wkb, cells) in batch {
            let mut f = Feature::new(layer.defn()).map_err(gdal)?;
            if spec.format.has_fields() {
                for (i, cell) in cells.iter().enumerate() {
                    set(&mut f, i, cell, shp).map_err(gdal)?;
                }
            }
            if spec.format.has_geometry()
                && let Some(wkb) = wkb
            {
                f.set_geometry(Geometry::from_wkb(&wkb).map_err(gdal)?).map_err(gdal)?;
            }
            f.create(&layer).map_err(gdal)?;
            written += 1;
        }
        progress(written);
    }
    Ok(written)
}

fn set(f: &mut Feature<'_>, i: usize, cell: &Cell, shp: bool) -> gdal::errors::Result<()> {
    let utc = FixedOffset::east_opt(0).expect("UTC");
    match cell {
        Cell::Null => f.set_field_null(i),
        Cell::Text(s) => f.set_field_string(i, s),
        Cell::Integer(n) => f.set_field_integer(i, *n),
        Cell::Number(x) => f.set_field_double(i, *x),
        Cell::Date(d) => f.set_field_datetime(i, utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))),
        Cell::DateTime(t) if shp => f.set_field_string(i, &t.to_rfc3339()),
        Cell::DateTime(t) => f.set_field_datetime(i, t.fixed_offset()),
    }
}

/// Zips every file of `dir` (the .shp, .shx, .dbf, .prj, .cpg) into `to`.
fn zip_dir(dir: &Path, to: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).map_err(io)?);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(io)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).ok_or("a file name that is not UTF-8")?.to_owned();
        zip.start_file(name, options).map_err(|e| e.to_string())?;
        zip.write_all(&std::fs::read(&path).map_err(io)?).map_err(io)?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}

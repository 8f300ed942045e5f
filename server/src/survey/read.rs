//! 读取: an uploaded dataset read with GDAL (on a blocking thread), its character set and CRS
//! decided, its features sent on in batches as WKB plus their attributes as JSON.

use std::path::{Path, PathBuf};

use gdal::vector::{FieldValue, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde_json::{Map, Value};

use super::crs::{self, Extent};
use super::dxf;
use super::unpack::Format;

/// Features per batch sent to the database.
pub const BATCH: usize = 5_000;

/// What the reader needs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub format: Format,
    pub path: PathBuf,
    pub encoding: Option<String>,
    pub layer: Option<String>,
    pub declared_srid: Option<i32>,
    /// The county's prefixed 3° zone (EPSG:4513–4533).
    pub county_srid: i32,
}

/// What was learnt before the features.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub layer: String,
    pub fields: Vec<String>,
    pub srid: i32,
    pub swapped: bool,
    pub encoding: Option<String>,
    pub notes: Vec<String>,
    pub total: u64,
    pub extent: Option<Extent>,
}

/// One feature as read.
#[derive(Debug, Clone)]
pub struct RawFeature {
    pub n: i32,
    pub wkb: Option<Vec<u8>>,
    pub props: Map<String, Value>,
}

/// Why a file could not be read: a stable code and a message (Chinese, then English).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ReadError {
    pub code: &'static str,
    pub message: String,
}

fn fail(code: &'static str, message: impl Into<String>) -> ReadError {
    ReadError { code, message: message.into() }
}

/// GDAL's name of a character set the uploader may declare.
pub fn gdal_encoding(declared: &str) -> Option<&'static str> {
    match declared.trim().to_ascii_uppercase().replace('_', "-").as_str() {
        "UTF-8" | "UTF8" => Some("UTF-8"),
        "GBK" | "CP936" | "GB2312" | "936" => Some("CP936"),
        "GB18030" => Some("GB18030"),
        "BIG5" | "CP950" => Some("CP950"),
        "LATIN1" | "ISO-8859-1" => Some("ISO-8859-1"),
        _ => None,
    }
}

/// The Shapefile's character set: declared, else the .cpg or the DBF's language id (GDAL
/// applies those itself), else detected (valid UTF-8, else GBK). Returns GDAL's ENCODING
/// open option (None: leave it to GDAL) and how it was chosen.
fn shapefile_encoding(shp: &Path, declared: Option<&str>) -> Result<(Option<&'static str>, String), ReadError> {
    if let Some(d) = declared {
        let e = gdal_encoding(d)
            .ok_or_else(|| fail("unknown_encoding", format!("不支持的字符集 / unknown encoding {d}")))?;
        return Ok((Some(e), format!("{e} (declared)")));
    }
    let sibling = |ext: &str| -> Option<PathBuf> {
        let dir = shp.parent()?;
        let stem = shp.file_stem()?.to_string_lossy().to_string();
        std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
            p.file_stem().is_some_and(|s| s.to_string_lossy() == stem)
                && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
    };
    if let Some(cpg) = sibling("cpg") {
        let name = std::fs::read_to_string(&cpg).unwrap_or_default().trim().to_owned();
        return Ok((None, format!("{name} (.cpg)")));
    }
    let dbf = sibling("dbf")
        .ok_or_else(|| fail("shapefile_incomplete", "Shapefile 缺少 .dbf / the Shapefile has no .dbf"))?;
    let bytes = std::fs::read(&dbf).map_err(|e| fail("unreadable_file", e.to_string()))?;
    let ldid = bytes.get(29).copied().unwrap_or(0);
    let by_ldid = match ldid {
        0x4D | 0x7A => Some("CP936"),
        0x4E => Some("CP949"),
        0x4F | 0x78 => Some("CP950"),
        _ => None,
    };
    if let Some(e) = by_ldid {
        return Ok((None, format!("{e} (DBF language id 0x{ldid:02X})")));
    }
    let header_len = bytes.get(8..10).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize).unwrap_or(0);
    let records = bytes.get(header_len.min(bytes.len())..).unwrap_or_default();
    if std::str::from_utf8(records).is_ok() {
        Ok((Some("UTF-8"), "UTF-8 (detected: valid UTF-8, no .cpg)".into()))
    } else {
        Ok((Some("CP936"), "GBK (detected: not valid UTF-8, no .cpg)".into()))
    }
}

fn json_value(v: FieldValue) -> Value {
    match v {
        FieldValue::IntegerValue(i) => Value::from(i),
        FieldValue::Integer64Value(i) => Value::from(i),
        FieldValue::RealValue(r) => serde_json::Number::from_f64(r).map(Value::Number).unwrap_or(Value::Null),
        FieldValue::StringValue(s) => Value::String(s),
        FieldValue::DateValue(d) => Value::String(d.to_string()),
        FieldValue::DateTimeValue(d) => Value::String(d.to_rfc3339()),
        FieldValue::StringListValue(l) => Value::from(l),
        FieldValue::IntegerListValue(l) => Value::from(l),
        FieldValue::Integer64ListValue(l) => Value::from(l),
        FieldValue::RealListValue(l) => Value::from(l),
    }
}

/// Reads the dataset: `header` is called once the CRS and fields are known, `batch` with
/// every [`BATCH`] features (either may stop the reading with an error).
pub fn read(
    opts: &ReadOptions,
    header: impl FnOnce(&Header) -> Result<(), ReadError>,
    mut batch: impl FnMut(Vec<RawFeature>) -> Result<(), ReadError>,
) -> Result<Header, ReadError> {
    let mut open_options: Vec<String> = Vec::new();
    let mut h = Header::default();
    match opts.format {
        Format::Shapefile => {
            let (option, how) = shapefile_encoding(&opts.path, opts.encoding.as_deref())?;
            if let Some(e) = option {
                open_options.push(format!("ENCODING={e}"));
            }
            h.encoding = Some(how);
        }
        Format::Dxf => {
            let _ = gdal::config::set_thread_local_config_option("DXF_INCLUDE_RAW_CODE_VALUES", "TRUE");
            let declared = opts.encoding.as_deref().map(|d| {
                gdal_encoding(d)
                    .ok_or_else(|| fail("unknown_encoding", format!("不支持的字符集 / unknown encoding {d}")))
            });
            let e = declared.transpose()?;
            // Blocking threads are reused: clear what an earlier import declared.
            let _ = match e {
                Some(e) => gdal::config::set_thread_local_config_option("DXF_ENCODING", e),
                None => gdal::config::clear_thread_local_config_option("DXF_ENCODING"),
            };
            h.encoding = Some(e.map_or("as the DXF's $DWGCODEPAGE says".into(), |e| format!("{e} (declared)")));
        }
        Format::Csv => {
            open_options
                .extend(["GEOM_POSSIBLE_NAMES=WKT,geom,geometry,the_geom,shape".into(), "KEEP_GEOM_COLUMNS=NO".into()]);
            h.encoding = Some("UTF-8".into());
        }
        _ => h.encoding = Some("UTF-8".into()),
    }
    let option_refs: Vec<&str> = open_options.iter().map(String::as_str).collect();
    let drivers = [opts.format.driver()];
    let ds = Dataset::open_ex(
        &opts.path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            allowed_drivers: Some(&drivers),
            open_options: Some(&option_refs),
            sibling_files: None,
        },
    )
    .map_err(|e| {
        fail(
            "unreadable_file",
            format!("GDAL 无法读取该文件 / GDAL cannot read the file as {}: {e}", opts.format.as_str()),
        )
    })?;
    let mut layer = match &opts.layer {
        Some(name) => ds.layer_by_name(name).map_err(|_| {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            fail("unknown_layer", format!("没有图层 {name} / no layer {name}; the file has: {}", names.join(", ")))
        })?,
        None if ds.layer_count() > 1 && opts.format != Format::Kml => {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            return Err(fail(
                "layer_required",
                format!(
                    "文件有多个图层,请选择 / the file has several layers, choose one with layer=: {}",
                    names.join(", ")
                ),
            ));
        }
        None => ds.layer(0).map_err(|_| fail("empty_file", "文件中没有图层 / the file has no layer"))?,
    };
    h.layer = layer.name();
    h.fields = layer.defn().fields().map(|f| f.name()).collect();
    h.total = layer.try_feature_count().unwrap_or(0);
    if h.total == 0 && layer.feature_count() == 0 {
        return Err(fail("empty_layer", format!("图层 {} 没有要素 / layer {} has no features", h.layer, h.layer)));
    }
    h.extent = layer.get_extent().ok().map(|e| Extent { min_x: e.MinX, min_y: e.MinY, max_x: e.MaxX, max_y: e.MaxY });
    decide_crs(opts, &mut h, layer.spatial_ref())?;
    if opts.format == Format::Dxf {
        let features = dxf::features(&mut layer)?;
        h.total = features.len() as u64;
        h.fields = dxf::fields(&features);
        header(&h)?;
        for chunk in features.chunks(BATCH) {
            batch(chunk.to_vec())?;
        }
        return Ok(h);
    }
    header(&h)?;
    let mut buf = Vec::with_capacity(BATCH);
    for (i, f) in layer.features().enumerate() {
        let wkb = f.geometry().and_then(|g| g.wkb().ok());
        let props: Map<String, Value> =
            f.fields().map(|(k, v)| (k, v.map(json_value).unwrap_or(Value::Null))).collect();
        buf.push(RawFeature { n: i as i32 + 1, wkb, props });
        if buf.len() == BATCH {
            batch(std::mem::replace(&mut buf, Vec::with_capacity(BATCH)))?;
        }
    }
    if !buf.is_empty() {
        batch(buf)?;
    }
    Ok(h)
}

/// The CRS: declared, else the file's, else recognised from the coordinates; then whether the
/// axes are swapped.
fn decide_crs(opts: &ReadOptions, h: &mut Header, srs: Option<gdal::spatial_ref::SpatialRef>) -> Result<(), ReadError> {
    let from_file = srs.and_then(|mut s| {
        let name = s.name().unwrap_or_default();
        s.auth_code()
            .ok()
            .or_else(|| s.auto_identify_epsg().ok().and_then(|_| s.auth_code().ok()))
            .or_else(|| crs::from_name(&name))
    });
    let srid = if let Some(d) = opts.declared_srid {
        if from_file.is_some_and(|f| f != d) {
            h.notes.push(format!(
                "按声明的坐标系 EPSG:{d} 读取,文件自带 EPSG:{} / read in the declared EPSG:{d}; the file says EPSG:{}",
                from_file.unwrap_or_default(),
                from_file.unwrap_or_default()
            ));
        }
        d
    } else if let Some(f) = from_file {
        f
    } else if opts.format == Format::Dxf {
        return Err(fail(
            "crs_required",
            "DXF 文件不带坐标系,请在上传时声明 crs / a DXF has no CRS: declare one with crs=",
        ));
    } else {
        let extent = h
            .extent
            .ok_or_else(|| fail("crs_unknown", "无法确定坐标系 / the CRS cannot be determined: declare crs="))?;
        let g = crs::guess(extent, opts.county_srid).ok_or_else(|| {
            fail("crs_unknown", "文件没有坐标系且无法从坐标识别,请声明 crs / no CRS in the file and none recognised from the coordinates: declare crs=")
        })?;
        h.notes.push(g.note);
        h.swapped = g.swapped;
        g.srid
    };
    if !crs::supported(srid) {
        return Err(fail(
            "crs_unsupported",
            format!(
                "不支持的坐标系 EPSG:{srid} / EPSG:{srid} is not supported: use CGCS2000 (4490, Gauss-Krüger 4491–4554) or WGS 84 (4326)"
            ),
        ));
    }
    if !h.swapped && h.extent.is_some_and(|e| crs::swapped(e, srid)) {
        h.swapped = true;
        h.notes.push(
            "X、Y 坐标互换(X 为北坐标),已交换 / northing and easting were swapped (x holds the northing): swapped back"
                .into(),
        );
    }
    h.srid = srid;
    Ok(())
}

//! Photo metadata (照片元数据): where and when a field photo (现场照片) was taken, which way the
//! camera looked, and how to turn it upright — read from EXIF with `kamadak-exif`, with the pixel
//! size taken from the image itself (JPEG SOF, PNG IHDR, TIFF IFD0).
//!
//! A photo without EXIF, or with EXIF that cannot be read, is fine: the EXIF fields are then
//! `None` (and the orientation 1). Only content that is not a JPEG, PNG or TIFF image, or an
//! image whose size cannot be found, is an error.

use std::io::Cursor;

use chrono::{DateTime, FixedOffset, NaiveDate};
use exif::{Exif, In, Tag, Value};
use serde::Serialize;

/// The offset assumed when a photo's time carries none: China Standard Time (Asia/Shanghai).
pub const ASSUMED_OFFSET_SECONDS: i32 = 8 * 3600;

/// What a photo says about itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhotoMeta {
    /// 拍摄位置: `(longitude, latitude)` in degrees (WGS 84 / CGCS2000), from GPSLongitude and
    /// GPSLatitude with their E/W and N/S references. `None` when absent or absurd (out of range,
    /// not finite, minutes or seconds ≥ 60, or exactly 0,0 — what phones write without a fix).
    /// A missing reference counts as N or E.
    pub position: Option<(f64, f64)>,
    /// 拍摄方向: GPSImgDirection in degrees, normalised to `[0, 360)`.
    pub direction_deg: Option<f64>,
    /// 拍摄时间: DateTimeOriginal, else DateTime, with the offset of OffsetTimeOriginal, else
    /// OffsetTime, else +08:00.
    pub taken_at: Option<DateTime<FixedOffset>>,
    /// Whether the +08:00 offset of `taken_at` was assumed (the photo said none). `false` when
    /// `taken_at` is `None`.
    pub offset_assumed: bool,
    /// EXIF orientation (方向) 1..=8; 1 when absent or invalid.
    pub orientation: u16,
    /// 宽度: pixel width as displayed, i.e. after applying the orientation.
    pub width: u32,
    /// 高度: pixel height as displayed, i.e. after applying the orientation.
    pub height: u32,
}

/// Why a photo could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    /// 不是图片: not a JPEG, PNG or TIFF.
    #[error("not a JPEG, PNG or TIFF image")]
    NotAnImage,
    /// 图片损坏: the image's size could not be read.
    #[error("corrupt image: {0}")]
    Corrupt(&'static str),
}

impl PhotoError {
    /// A stable, machine-readable code for API responses.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::NotAnImage => "not_an_image",
            PhotoError::Corrupt(_) => "corrupt_image",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Jpeg,
    Png,
    Tiff,
}

/// Reads a photo's metadata (see [`PhotoMeta`]).
pub fn read_photo(bytes: &[u8]) -> Result<PhotoMeta, PhotoError> {
    let format = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Format::Jpeg
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Format::Png
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Format::Tiff
    } else {
        return Err(PhotoError::NotAnImage);
    };
    let exif = read_exif(bytes);
    let (w, h) = match format {
        Format::Jpeg => jpeg_size(bytes)?,
        Format::Png => png_size(bytes)?,
        Format::Tiff => exif.as_ref().and_then(tiff_size).ok_or(PhotoError::Corrupt("TIFF without image size"))?,
    };
    let Some(exif) = exif else {
        return Ok(PhotoMeta {
            position: None,
            direction_deg: None,
            taken_at: None,
            offset_assumed: false,
            orientation: 1,
            width: w,
            height: h,
        });
    };
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|o| u16::try_from(o).ok())
        .filter(|o| (1..=8).contains(o))
        .unwrap_or(1);
    let (width, height) = if orientation >= 5 { (h, w) } else { (w, h) };
    let (taken_at, offset_assumed) = match taken_at(&exif) {
        Some((t, assumed)) => (Some(t), assumed),
        None => (None, false),
    };
    Ok(PhotoMeta {
        position: position(&exif),
        direction_deg: numbers(&exif, Tag::GPSImgDirection)
            .and_then(|v| v.first().copied())
            .filter(|d| d.is_finite())
            .map(|d| d.rem_euclid(360.0))
            .map(|d| if d >= 360.0 { 0.0 } else { d }),
        taken_at,
        offset_assumed,
        orientation,
        width,
        height,
    })
}

/// The EXIF block, or what could be salvaged from a damaged one.
fn read_exif(bytes: &[u8]) -> Option<Exif> {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    match reader.read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => Some(exif),
        Err(exif::Error::PartialResult(partial)) => Some(partial.into_inner().0),
        Err(_) => None,
    }
}

/// All values of a numeric field as `f64` (rationals with a zero denominator are dropped).
fn numbers(exif: &Exif, tag: Tag) -> Option<Vec<f64>> {
    let field = exif.get_field(tag, In::PRIMARY)?;
    let v: Vec<f64> = match &field.value {
        Value::Rational(r) => r.iter().filter(|r| r.denom != 0).map(|r| r.to_f64()).collect(),
        Value::SRational(r) => r.iter().filter(|r| r.denom != 0).map(|r| r.to_f64()).collect(),
        Value::Double(d) => d.clone(),
        Value::Float(f) => f.iter().map(|&f| f64::from(f)).collect(),
        Value::Short(s) => s.iter().map(|&s| f64::from(s)).collect(),
        Value::Long(l) => l.iter().map(|&l| f64::from(l)).collect(),
        _ => return None,
    };
    (!v.is_empty()).then_some(v)
}

fn ascii(exif: &Exif, tag: Tag) -> Option<&[u8]> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(v) => v.first().map(|s| s.as_slice()),
        _ => None,
    }
}

/// Degrees from a degrees/minutes/seconds triple (or fewer parts), signed by the reference.
fn degrees(exif: &Exif, tag: Tag, ref_tag: Tag, negative: u8, max: f64) -> Option<f64> {
    let parts = numbers(exif, tag)?;
    let (d, m, s) = (parts[0], parts.get(1).copied().unwrap_or(0.0), parts.get(2).copied().unwrap_or(0.0));
    if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) || d < 0.0 {
        return None;
    }
    let value = d + m / 60.0 + s / 3600.0;
    let sign = match ascii(exif, ref_tag).and_then(|r| r.first()) {
        Some(r) if r.eq_ignore_ascii_case(&negative) => -1.0,
        _ => 1.0,
    };
    (value.is_finite() && value <= max).then_some(sign * value)
}

fn position(exif: &Exif) -> Option<(f64, f64)> {
    let lat = degrees(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S', 90.0)?;
    let lon = degrees(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W', 180.0)?;
    (lat != 0.0 || lon != 0.0).then_some((lon, lat))
}

/// The time taken and whether its offset was assumed.
fn taken_at(exif: &Exif) -> Option<(DateTime<FixedOffset>, bool)> {
    let (stamp, subsec) = [(Tag::DateTimeOriginal, Tag::SubSecTimeOriginal), (Tag::DateTime, Tag::SubSecTime)]
        .into_iter()
        .find_map(|(tag, sub)| Some((exif::DateTime::from_ascii(ascii(exif, tag)?).ok()?, sub)))?;
    let mut stamp = stamp;
    if let Some(sub) = ascii(exif, subsec) {
        // A malformed sub-second part is ignored, not fatal.
        let _ = stamp.parse_subsec(sub);
    }
    let offset_minutes = [Tag::OffsetTimeOriginal, Tag::OffsetTime].into_iter().find_map(|tag| {
        let mut probe = exif::DateTime::from_ascii(b"2000:01:01 00:00:00").ok()?;
        probe.parse_offset(ascii(exif, tag)?).ok()?;
        probe.offset
    });
    let offset = match offset_minutes {
        Some(m) => FixedOffset::east_opt(i32::from(m) * 60)?,
        None => FixedOffset::east_opt(ASSUMED_OFFSET_SECONDS)?,
    };
    let naive = NaiveDate::from_ymd_opt(stamp.year.into(), stamp.month.into(), stamp.day.into())?.and_hms_nano_opt(
        stamp.hour.into(),
        stamp.minute.into(),
        stamp.second.into(),
        stamp.nanosecond.unwrap_or(0),
    )?;
    Some((naive.and_local_timezone(offset).single()?, offset_minutes.is_none()))
}

fn tiff_size(exif: &Exif) -> Option<(u32, u32)> {
    let get = |tag| exif.get_field(tag, In::PRIMARY).and_then(|f| f.value.get_uint(0));
    Some((get(Tag::ImageWidth)?, get(Tag::ImageLength)?)).filter(|&(w, h)| w > 0 && h > 0)
}

/// The size from the PNG IHDR chunk (always the first chunk).
fn png_size(bytes: &[u8]) -> Result<(u32, u32), PhotoError> {
    let ihdr = bytes.get(8..24).ok_or(PhotoError::Corrupt("PNG too short"))?;
    if &ihdr[4..8] != b"IHDR" {
        return Err(PhotoError::Corrupt("PNG without IHDR"));
    }
    let w = u32::from_be_bytes([ihdr[8], ihdr[9], ihdr[10], ihdr[11]]);
    let h = u32::from_be_bytes([ihdr[12], ihdr[13], ihdr[14], ihdr[15]]);
    if w == 0 || h == 0 {
        return Err(PhotoError::Corrupt("PNG of zero size"));
    }
    Ok((w, h))
}

/// The size from the JPEG start-of-frame segment, walking the segments before it.
pub(crate) fn jpeg_size(bytes: &[u8]) -> Result<(u32, u32), PhotoError> {
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(PhotoError::Corrupt("JPEG without a frame header"));
        };
        at += 2;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => return Err(PhotoError::Corrupt("JPEG without a frame header")),
            _ => {}
        }
        let len = bytes.get(at..at + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
        let Some(len) = len.filter(|&l| l >= 2) else {
            return Err(PhotoError::Corrupt("JPEG segment truncated"));
        };
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof {
            let sof = bytes.get(at + 2..at + 7).ok_or(PhotoError::Corrupt("JPEG frame header truncated"))?;
            let h = u32::from(u16::from_be_bytes([sof[1], sof[2]]));
            let w = u32::from(u16::from_be_bytes([sof[3], sof[4]]));
            if w == 0 || h == 0 {
                return Err(PhotoError::Corrupt("JPEG of zero size"));
            }
            return Ok((w, h));
        }
        at += len;
    }
}

#[cfg(test)]
mod tests;

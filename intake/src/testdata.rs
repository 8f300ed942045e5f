//! Real test files made on the fly: JPEGs and PNGs with pixels, EXIF written by `little_exif`.

use jpeg_encoder::{ColorType, Encoder};
use little_exif::exif_tag::ExifTag;
use little_exif::filetype::FileExtension;
use little_exif::metadata::Metadata;
use little_exif::rational::uR64;

/// An RGB gradient, `w × h`, 3 bytes a pixel.
pub fn gradient(w: usize, h: usize) -> Vec<u8> {
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&[(x * 255 / w.max(1)) as u8, (y * 255 / h.max(1)) as u8, 128]);
        }
    }
    px
}

/// A plain JPEG (no EXIF) of a gradient.
pub fn jpeg(w: u16, h: u16) -> Vec<u8> {
    let mut out = Vec::new();
    Encoder::new(&mut out, 90).encode(&gradient(w.into(), h.into()), w, h, ColorType::Rgb).expect("encode test jpeg");
    out
}

/// A plain RGB PNG of a gradient.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&gradient(w as usize, h as usize)).expect("png data");
    writer.finish().expect("png finish");
    out
}

/// What EXIF to write into a test image.
#[derive(Default)]
pub struct ExifSpec<'a> {
    /// Signed decimal degrees.
    pub lat: Option<f64>,
    /// Signed decimal degrees.
    pub lon: Option<f64>,
    pub direction: Option<f64>,
    /// `YYYY:MM:DD HH:MM:SS`.
    pub original: Option<&'a str>,
    pub offset_original: Option<&'a str>,
    /// `DateTime` (0x0132), `YYYY:MM:DD HH:MM:SS`.
    pub datetime: Option<&'a str>,
    pub offset: Option<&'a str>,
    pub orientation: Option<u16>,
}

fn dms(v: f64) -> Vec<uR64> {
    let v = v.abs();
    let d = v.trunc();
    let m = ((v - d) * 60.0).trunc();
    let s = ((v - d) * 60.0 - m) * 60.0;
    vec![
        uR64 { nominator: d as u32, denominator: 1 },
        uR64 { nominator: m as u32, denominator: 1 },
        uR64 { nominator: (s * 10_000.0).round() as u32, denominator: 10_000 },
    ]
}

/// Writes `spec` into `image` (a JPEG, or with `png` a PNG, made above).
pub fn with_exif(mut image: Vec<u8>, spec: &ExifSpec, png: bool) -> Vec<u8> {
    let mut meta = Metadata::new();
    meta.set_tag(ExifTag::Make("onemap test".into()));
    if let Some(lat) = spec.lat {
        meta.set_tag(ExifTag::GPSLatitudeRef(if lat >= 0.0 { "N" } else { "S" }.into()));
        meta.set_tag(ExifTag::GPSLatitude(dms(lat)));
    }
    if let Some(lon) = spec.lon {
        meta.set_tag(ExifTag::GPSLongitudeRef(if lon >= 0.0 { "E" } else { "W" }.into()));
        meta.set_tag(ExifTag::GPSLongitude(dms(lon)));
    }
    if let Some(dir) = spec.direction {
        meta.set_tag(ExifTag::GPSImgDirectionRef("T".into()));
        meta.set_tag(ExifTag::GPSImgDirection(vec![uR64 {
            nominator: (dir * 100.0).round() as u32,
            denominator: 100,
        }]));
    }
    if let Some(t) = spec.original {
        meta.set_tag(ExifTag::DateTimeOriginal(t.into()));
    }
    if let Some(o) = spec.offset_original {
        meta.set_tag(ExifTag::OffsetTimeOriginal(o.into()));
    }
    if let Some(t) = spec.datetime {
        meta.set_tag(ExifTag::ModifyDate(t.into()));
    }
    if let Some(o) = spec.offset {
        meta.set_tag(ExifTag::OffsetTime(o.into()));
    }
    if let Some(o) = spec.orientation {
        meta.set_tag(ExifTag::Orientation(vec![o]));
    }
    if !png {
        meta.write_to_vec(&mut image, FileExtension::JPEG).expect("write exif");
        return image;
    }
    // little_exif writes PNG EXIF as an ImageMagick text chunk; cameras and kamadak-exif use the
    // standard `eXIf` chunk (PNG 1.5), so the TIFF block is carried over from a JPEG.
    let mut carrier = jpeg(8, 8);
    meta.write_to_vec(&mut carrier, FileExtension::JPEG).expect("write exif");
    let start = carrier.windows(6).position(|w| w == b"Exif\0\0").expect("APP1") + 6;
    let len = usize::from(u16::from_be_bytes([carrier[start - 8], carrier[start - 7]])) - 8;
    let tiff = &carrier[start..start + len];
    let mut chunk = Vec::with_capacity(len + 12);
    chunk.extend_from_slice(&(len as u32).to_be_bytes());
    chunk.extend_from_slice(b"eXIf");
    chunk.extend_from_slice(tiff);
    chunk.extend_from_slice(&crc32(&chunk[4..]).to_be_bytes());
    // After the signature (8) and IHDR (4 + 4 + 13 + 4).
    image.splice(33..33, chunk);
    image
}

/// CRC-32 (ISO-HDLC), as PNG chunks use.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

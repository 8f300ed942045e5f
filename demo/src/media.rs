//! Real small files for the demo: field photos as JPEGs carrying EXIF GPS position and time,
//! archive documents as one-page PDFs.

use chrono::{DateTime, FixedOffset, Timelike};
use jpeg_encoder::{ColorType, Encoder};
use little_exif::exif_tag::ExifTag;
use little_exif::filetype::FileExtension;
use little_exif::metadata::Metadata;
use little_exif::rational::uR64;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str, TextStr};

pub const PHOTO_WIDTH: u16 = 160;
pub const PHOTO_HEIGHT: u16 = 120;

/// Draws a simple street-view picture (sky, facade with windows, ground) whose colours come
/// from `seed`, encodes it as JPEG and writes EXIF: camera, time taken, GPS position (WGS 84
/// datum; CGCS2000 agrees with it to centimetres), direction.
pub fn photo_jpeg(
    seed: u64,
    lon: f64,
    lat: f64,
    taken_at: DateTime<FixedOffset>,
    direction_deg: f32,
) -> std::io::Result<Vec<u8>> {
    let (w, h) = (usize::from(PHOTO_WIDTH), usize::from(PHOTO_HEIGHT));
    let tone = |shift: u32| 120 + ((seed >> shift) & 0x5f) as u8;
    let wall = [tone(0), tone(8), tone(16)];
    let floors = 2 + (seed >> 24) as usize % 4;
    let mut px = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            let rgb = if y < 30 {
                [150 + (y * 2) as u8, 190 + y as u8, 235]
            } else if y > 100 {
                [110, 105, 95]
            } else if (20..140).contains(&x) {
                let fy = (y - 30) * floors / 70;
                let in_window = (x - 20) % 20 > 6
                    && (x - 20) % 20 < 15
                    && (y - 30) % (70 / floors) > 4
                    && (y - 30) % (70 / floors) < (70 / floors) - 5;
                if in_window { [60, 80 + (fy * 20) as u8, 110] } else { wall }
            } else {
                [170, 200, 225]
            };
            px[(y * w + x) * 3..][..3].copy_from_slice(&rgb);
        }
    }
    let mut jpeg = Vec::new();
    Encoder::new(&mut jpeg, 80)
        .encode(&px, PHOTO_WIDTH, PHOTO_HEIGHT, ColorType::Rgb)
        .map_err(std::io::Error::other)?;

    let dms = |v: f64| {
        let v = v.abs();
        let d = v.trunc();
        let m = ((v - d) * 60.0).trunc();
        let s = ((v - d) * 60.0 - m) * 60.0;
        vec![
            uR64 { nominator: d as u32, denominator: 1 },
            uR64 { nominator: m as u32, denominator: 1 },
            uR64 { nominator: (s * 10_000.0).round() as u32, denominator: 10_000 },
        ]
    };
    let utc = taken_at.naive_utc();
    let mut meta = Metadata::new();
    meta.set_tag(ExifTag::Make("onemap demo".into()));
    meta.set_tag(ExifTag::Model("synthetic field camera".into()));
    meta.set_tag(ExifTag::DateTimeOriginal(taken_at.format("%Y:%m:%d %H:%M:%S").to_string()));
    meta.set_tag(ExifTag::OffsetTimeOriginal(taken_at.format("%:z").to_string()));
    meta.set_tag(ExifTag::GPSVersionID(vec![2, 3, 0, 0]));
    meta.set_tag(ExifTag::GPSLatitudeRef(if lat >= 0.0 { "N" } else { "S" }.into()));
    meta.set_tag(ExifTag::GPSLatitude(dms(lat)));
    meta.set_tag(ExifTag::GPSLongitudeRef(if lon >= 0.0 { "E" } else { "W" }.into()));
    meta.set_tag(ExifTag::GPSLongitude(dms(lon)));
    meta.set_tag(ExifTag::GPSMapDatum("WGS-84".into()));
    meta.set_tag(ExifTag::GPSImgDirectionRef("T".into()));
    meta.set_tag(ExifTag::GPSImgDirection(vec![uR64 { nominator: (direction_deg * 100.0) as u32, denominator: 100 }]));
    meta.set_tag(ExifTag::GPSDateStamp(utc.format("%Y:%m:%d").to_string()));
    meta.set_tag(ExifTag::GPSTimeStamp(vec![
        uR64 { nominator: utc.hour(), denominator: 1 },
        uR64 { nominator: utc.minute(), denominator: 1 },
        uR64 { nominator: utc.second(), denominator: 1 },
    ]));
    meta.write_to_vec(&mut jpeg, FileExtension::JPEG)?;
    Ok(jpeg)
}

/// A one-page A4 PDF: the document title in the metadata (Unicode) and ASCII lines on the page
/// (the standard PDF fonts carry no Chinese glyphs).
pub fn document_pdf(title: &str, lines: &[String]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, page_id, font, content_id, info) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    page.parent(tree);
    page.contents(content_id);
    page.resources().fonts().pair(Name(b"F1"), font);
    drop(page);
    pdf.type1_font(font).base_font(Name(b"Helvetica"));
    pdf.document_info(info).title(TextStr(title)).creator(TextStr("onemap demo generator"));
    let mut content = Content::new();
    content.begin_text();
    content.set_font(Name(b"F1"), 12.0);
    content.next_line(72.0, 770.0);
    for line in lines {
        let ascii: String = line.chars().map(|c| if c.is_ascii() { c } else { '?' }).collect();
        content.show(Str(ascii.as_bytes()));
        content.next_line(0.0, -18.0);
    }
    content.end_text();
    pdf.stream(content_id, &content.finish());
    pdf.finish()
}

use chrono::{TimeZone, Timelike};

use super::*;
use crate::testdata::{self, ExifSpec};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn gps_direction_time_and_offset() {
    let spec = ExifSpec {
        lat: Some(34.940_123),
        lon: Some(113.080_456),
        direction: Some(275.5),
        original: Some("2025:06:01 09:30:15"),
        offset_original: Some("+08:00"),
        datetime: Some("2025:06:02 10:00:00"),
        offset: Some("+09:00"),
        ..Default::default()
    };
    let photo = testdata::with_exif(testdata::jpeg(64, 48), &spec, false);
    let meta = read_photo(&photo).unwrap();
    let (lon, lat) = meta.position.unwrap();
    assert!(close(lon, 113.080_456) && close(lat, 34.940_123), "{lon} {lat}");
    assert_eq!(meta.direction_deg, Some(275.5));
    let expected = FixedOffset::east_opt(8 * 3600).unwrap().with_ymd_and_hms(2025, 6, 1, 9, 30, 15).unwrap();
    assert_eq!(meta.taken_at, Some(expected));
    assert!(!meta.offset_assumed);
    assert_eq!((meta.orientation, meta.width, meta.height), (1, 64, 48));
}

#[test]
fn offset_from_original_wins_and_other_zones_are_kept() {
    let spec = ExifSpec {
        original: Some("2025:01:31 23:59:59"),
        offset_original: Some("-05:30"),
        offset: Some("+08:00"),
        ..Default::default()
    };
    let meta = read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &spec, false)).unwrap();
    let t = meta.taken_at.unwrap();
    assert_eq!(t.offset().local_minus_utc(), -(5 * 3600 + 30 * 60));
    assert_eq!((t.hour(), t.minute()), (23, 59));
    assert!(!meta.offset_assumed);
}

#[test]
fn missing_offset_assumes_china_time() {
    let spec = ExifSpec { original: Some("2024:12:31 18:05:00"), ..Default::default() };
    let meta = read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &spec, false)).unwrap();
    let t = meta.taken_at.unwrap();
    assert_eq!(t.offset().local_minus_utc(), 8 * 3600);
    assert_eq!(t.to_rfc3339(), "2024-12-31T18:05:00+08:00");
    assert!(meta.offset_assumed);
    assert_eq!(meta.position, None);
}

#[test]
fn falls_back_to_datetime_with_offset_time() {
    let spec = ExifSpec { datetime: Some("2023:03:04 05:06:07"), offset: Some("+00:00"), ..Default::default() };
    let meta = read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &spec, false)).unwrap();
    assert_eq!(meta.taken_at.unwrap().to_rfc3339(), "2023-03-04T05:06:07+00:00");
    assert!(!meta.offset_assumed);
}

#[test]
fn southern_and_western_references() {
    let spec = ExifSpec { lat: Some(-33.8568), lon: Some(-70.6483), direction: Some(0.0), ..Default::default() };
    let meta = read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &spec, false)).unwrap();
    let (lon, lat) = meta.position.unwrap();
    assert!(close(lon, -70.6483) && close(lat, -33.8568), "{lon} {lat}");
    assert_eq!(meta.direction_deg, Some(0.0));
    assert_eq!(meta.taken_at, None);
    assert!(!meta.offset_assumed);
}

#[test]
fn absurd_positions_are_dropped() {
    // 0,0: what phones write without a fix.
    let zero = ExifSpec { lat: Some(0.0), lon: Some(0.0), ..Default::default() };
    assert_eq!(read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &zero, false)).unwrap().position, None);
    // A latitude over 90°.
    let over = ExifSpec { lat: Some(95.0), lon: Some(113.0), ..Default::default() };
    assert_eq!(read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &over, false)).unwrap().position, None);
    // A longitude without a latitude.
    let half = ExifSpec { lon: Some(113.0), ..Default::default() };
    assert_eq!(read_photo(&testdata::with_exif(testdata::jpeg(8, 8), &half, false)).unwrap().position, None);
}

#[test]
fn photo_without_exif_is_fine() {
    let meta = read_photo(&testdata::jpeg(40, 30)).unwrap();
    assert_eq!(
        meta,
        PhotoMeta {
            position: None,
            direction_deg: None,
            taken_at: None,
            offset_assumed: false,
            orientation: 1,
            width: 40,
            height: 30
        }
    );
}

#[test]
fn orientation_swaps_displayed_size() {
    for (orientation, size) in [(1, (40, 30)), (3, (40, 30)), (5, (30, 40)), (6, (30, 40)), (8, (30, 40))] {
        let spec = ExifSpec { orientation: Some(orientation), ..Default::default() };
        let meta = read_photo(&testdata::with_exif(testdata::jpeg(40, 30), &spec, false)).unwrap();
        assert_eq!((meta.orientation, (meta.width, meta.height)), (orientation, size));
    }
    let bad = ExifSpec { orientation: Some(9), ..Default::default() };
    let meta = read_photo(&testdata::with_exif(testdata::jpeg(40, 30), &bad, false)).unwrap();
    assert_eq!((meta.orientation, meta.width, meta.height), (1, 40, 30));
}

#[test]
fn png_with_and_without_exif() {
    let plain = read_photo(&testdata::png(7, 5)).unwrap();
    assert_eq!((plain.width, plain.height, plain.position), (7, 5, None));
    let spec = ExifSpec {
        lat: Some(35.0),
        lon: Some(113.5),
        original: Some("2025:05:05 12:00:00"),
        orientation: Some(6),
        ..Default::default()
    };
    let meta = read_photo(&testdata::with_exif(testdata::png(7, 5), &spec, true)).unwrap();
    let (lon, lat) = meta.position.unwrap();
    assert!(close(lon, 113.5) && close(lat, 35.0));
    assert_eq!((meta.width, meta.height, meta.orientation), (5, 7, 6));
    assert!(meta.offset_assumed);
}

#[test]
fn corrupt_exif_gives_empty_fields() {
    let spec =
        ExifSpec { lat: Some(34.9), lon: Some(113.1), original: Some("2025:06:01 09:30:15"), ..Default::default() };
    let mut photo = testdata::with_exif(testdata::jpeg(24, 16), &spec, false);
    // Smash the TIFF header inside the APP1 "Exif\0\0" segment.
    let at = photo.windows(6).position(|w| w == b"Exif\0\0").unwrap() + 6;
    photo[at..at + 8].copy_from_slice(b"XXXXXXXX");
    let meta = read_photo(&photo).unwrap();
    assert_eq!((meta.position, meta.taken_at, meta.width, meta.height), (None, None, 24, 16));
}

#[test]
fn tiff_size_from_its_directory() {
    // A minimal little-endian TIFF: IFD0 with ImageWidth 5, ImageLength 3 (1-bit, no strips).
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, value) in [(0x0100u16, 5u32), (0x0101, 3)] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&4u16.to_le_bytes()); // LONG
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let meta = read_photo(&tiff).unwrap();
    assert_eq!((meta.width, meta.height, meta.orientation), (5, 3, 1));
}

#[test]
fn non_images_are_errors() {
    assert_eq!(read_photo(b"%PDF-1.7\n").unwrap_err(), PhotoError::NotAnImage);
    assert_eq!(read_photo(b"").unwrap_err().code(), "not_an_image");
    // SOI and the JFIF APP0 segment, then the end: no frame header.
    let mut headless = testdata::jpeg(8, 8)[..20].to_vec();
    headless.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(read_photo(&headless).unwrap_err(), PhotoError::Corrupt("JPEG without a frame header"));
    let truncated = &testdata::jpeg(8, 8)[..22];
    assert_eq!(read_photo(truncated).unwrap_err().code(), "corrupt_image");
    assert_eq!(read_photo(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().code(), "corrupt_image");
}

use super::*;
use crate::testdata;

// A 2×3 image (width 2, height 3), one byte a pixel:
//   a b        1 2
//   c d   =    3 4
//   e f        5 6
const A2X3: [u8; 6] = [1, 2, 3, 4, 5, 6];

fn turn(orientation: u16) -> (Vec<u8>, usize, usize) {
    upright(&A2X3, 2, 3, 1, orientation)
}

#[test]
fn identity_and_mirrors() {
    assert_eq!(turn(1), (vec![1, 2, 3, 4, 5, 6], 2, 3));
    // 2: mirror left–right → b a / d c / f e
    assert_eq!(turn(2), (vec![2, 1, 4, 3, 6, 5], 2, 3));
    // 3: rotate 180° → f e / d c / b a
    assert_eq!(turn(3), (vec![6, 5, 4, 3, 2, 1], 2, 3));
    // 4: mirror top–bottom → e f / c d / a b
    assert_eq!(turn(4), (vec![5, 6, 3, 4, 1, 2], 2, 3));
}

#[test]
fn transposes_and_rotations() {
    // 5: transpose (main diagonal) → a c e / b d f
    assert_eq!(turn(5), (vec![1, 3, 5, 2, 4, 6], 3, 2));
    // 6: rotate 90° clockwise → e c a / f d b
    assert_eq!(turn(6), (vec![5, 3, 1, 6, 4, 2], 3, 2));
    // 7: transverse (anti-diagonal) → f d b / e c a
    assert_eq!(turn(7), (vec![6, 4, 2, 5, 3, 1], 3, 2));
    // 8: rotate 90° counter-clockwise → b d f / a c e
    assert_eq!(turn(8), (vec![2, 4, 6, 1, 3, 5], 3, 2));
}

#[test]
fn invalid_orientation_is_identity_and_channels_move_together() {
    assert_eq!(turn(0), turn(1));
    assert_eq!(turn(9), turn(1));
    // RGB: the three bytes of a pixel travel as one.
    let rgb: Vec<u8> = A2X3.iter().flat_map(|&v| [v, v + 10, v + 20]).collect();
    let (out, w, h) = upright(&rgb, 2, 3, 3, 6);
    assert_eq!((w, h), (3, 2));
    assert_eq!(&out[..6], &[5, 15, 25, 3, 13, 23]);
    assert_eq!(&out[15..], &[2, 12, 22]);
}

#[test]
fn box_filter_averages_blocks() {
    // 4×2 grey → longer side 2 → 2×1, each the mean of a 2×2 block.
    let px = [0, 10, 100, 200, 20, 30, 50, 50];
    assert_eq!(box_downscale(&px, 4, 2, 1, 2), (vec![15, 100], 2, 1));
    // Never enlarges.
    assert_eq!(box_downscale(&px, 4, 2, 1, 100), (px.to_vec(), 4, 2));
}

fn decode(jpeg: &[u8]) -> (Vec<u8>, usize, usize) {
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(jpeg));
    let px = d.decode().unwrap();
    let info = d.info().unwrap();
    assert_eq!(info.pixel_format, PixelFormat::RGB24);
    (px, info.width.into(), info.height.into())
}

#[test]
fn thumbnail_of_rotated_jpeg_is_upright() {
    // Left half red, right half blue, 80×40; orientation 6 turns it clockwise: red on top.
    let (w, h) = (80usize, 40usize);
    let mut px = Vec::with_capacity(w * h * 3);
    for _ in 0..h {
        for x in 0..w {
            px.extend_from_slice(if x < w / 2 { &[220, 20, 20] } else { &[20, 20, 220] });
        }
    }
    let mut jpeg = Vec::new();
    Encoder::new(&mut jpeg, 95).encode(&px, w as u16, h as u16, ColorType::Rgb).unwrap();
    let thumb = thumbnail_jpeg(&jpeg, 6, 20).unwrap();
    let (out, tw, th) = decode(&thumb);
    assert_eq!((tw, th), (10, 20));
    let at = |x: usize, y: usize| &out[(y * tw + x) * 3..][..3];
    assert!(at(5, 2)[0] > 150 && at(5, 2)[2] < 100, "top should be red: {:?}", at(5, 2));
    assert!(at(5, 17)[2] > 150 && at(5, 17)[0] < 100, "bottom should be blue: {:?}", at(5, 17));
}

#[test]
fn thumbnail_of_png_and_small_images() {
    let thumb = thumbnail_jpeg(&testdata::png(30, 12), 1, 10).unwrap();
    assert_eq!(crate::exif::jpeg_size(&thumb).unwrap(), (10, 4));
    // Smaller than max_side: kept at its size, turned.
    let thumb = thumbnail_jpeg(&testdata::jpeg(16, 8), 8, 320).unwrap();
    assert_eq!(crate::exif::jpeg_size(&thumb).unwrap(), (8, 16));
    // Grey JPEG stays grey.
    let mut grey = Vec::new();
    Encoder::new(&mut grey, 90).encode(&[128u8; 64 * 32], 64, 32, ColorType::Luma).unwrap();
    let thumb = thumbnail_jpeg(&grey, 1, 16).unwrap();
    let mut d = jpeg_decoder::Decoder::new(Cursor::new(&thumb));
    d.decode().unwrap();
    let info = d.info().unwrap();
    assert_eq!((info.pixel_format, info.width, info.height), (PixelFormat::L8, 16, 8));
}

#[test]
fn rgba_png_is_composed_onto_white() {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, 2, 2);
    enc.set_color(png::ColorType::Rgba);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[0, 0, 0, 0].repeat(4)).unwrap();
    w.finish().unwrap();
    let (px, _, _) = decode(&thumbnail_jpeg(&out, 1, 8).unwrap());
    assert!(px.iter().all(|&v| v > 245), "transparent should be white: {px:?}");
}

#[test]
fn refuses_non_images_and_bad_sizes() {
    assert!(thumbnail_jpeg(b"%PDF-1.4", 1, 100).unwrap_err().contains("not a JPEG"));
    assert!(thumbnail_jpeg(&testdata::jpeg(8, 8), 1, 0).is_err());
    assert!(thumbnail_jpeg(&testdata::jpeg(8, 8)[..100], 1, 8).unwrap_err().contains("JPEG"));
}

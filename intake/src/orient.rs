//! Upright thumbnails (缩略图): EXIF orientation applied to pixels, box-filter downscaling, JPEG
//! out. Decodes JPEG (8-bit grey, RGB; 16-bit grey narrowed) and PNG (any colour type, expanded
//! to 8 bits; alpha composed onto white).

use std::io::Cursor;

use jpeg_decoder::PixelFormat;
use jpeg_encoder::{ColorType, Encoder};

/// The largest image (in pixels) a thumbnail is made of; bigger ones are refused rather than
/// decoded (a 65535×65535 JPEG would need 12 GiB).
pub const MAX_PIXELS: u64 = 120_000_000;

/// JPEG quality of thumbnails.
pub const THUMBNAIL_QUALITY: u8 = 82;

/// Turns `pixels` (row-major, `channels` bytes a pixel) upright for EXIF `orientation`:
/// 1 as is, 2 mirrored left–right, 3 rotated 180°, 4 mirrored top–bottom, 5 transposed,
/// 6 rotated 90° clockwise, 7 transversed, 8 rotated 90° counter-clockwise. Other values are
/// treated as 1. Returns the pixels with their new width and height (swapped for 5–8).
///
/// # Panics
/// If `pixels` is shorter than `width × height × channels`.
pub fn upright(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    orientation: u16,
) -> (Vec<u8>, usize, usize) {
    let (w, h, c) = (width, height, channels);
    assert!(pixels.len() >= w * h * c, "upright: {} bytes for {w}×{h}×{c}", pixels.len());
    let (out_w, out_h) = if (5..=8).contains(&orientation) { (h, w) } else { (w, h) };
    // Source (x, y) of the output pixel (ox, oy).
    let source = |ox: usize, oy: usize| -> (usize, usize) {
        match orientation {
            2 => (w - 1 - ox, oy),
            3 => (w - 1 - ox, h - 1 - oy),
            4 => (ox, h - 1 - oy),
            5 => (oy, ox),
            6 => (oy, h - 1 - ox),
            7 => (w - 1 - oy, h - 1 - ox),
            8 => (w - 1 - oy, ox),
            _ => (ox, oy),
        }
    };
    let mut out = Vec::with_capacity(out_w * out_h * c);
    for oy in 0..out_h {
        for ox in 0..out_w {
            let (sx, sy) = source(ox, oy);
            let at = (sy * w + sx) * c;
            out.extend_from_slice(&pixels[at..at + c]);
        }
    }
    (out, out_w, out_h)
}

/// Shrinks an image so that its longer side is at most `max_side`, averaging each output
/// pixel over the block of source pixels it covers (box filter). Never enlarges.
pub fn box_downscale(
    pixels: &[u8],
    width: usize,
    height: usize,
    channels: usize,
    max_side: usize,
) -> (Vec<u8>, usize, usize) {
    let longer = width.max(height);
    if longer <= max_side || max_side == 0 {
        return (pixels[..width * height * channels].to_vec(), width, height);
    }
    let out_w = (width * max_side).div_ceil(longer).clamp(1, max_side);
    let out_h = (height * max_side).div_ceil(longer).clamp(1, max_side);
    let mut out = Vec::with_capacity(out_w * out_h * channels);
    let mut sums = vec![0u64; channels];
    for oy in 0..out_h {
        let (y0, y1) = (oy * height / out_h, ((oy + 1) * height / out_h).max(oy * height / out_h + 1));
        for ox in 0..out_w {
            let (x0, x1) = (ox * width / out_w, ((ox + 1) * width / out_w).max(ox * width / out_w + 1));
            sums.iter_mut().for_each(|s| *s = 0);
            for y in y0..y1 {
                let row = &pixels[(y * width + x0) * channels..(y * width + x1) * channels];
                for px in row.chunks_exact(channels) {
                    sums.iter_mut().zip(px).for_each(|(s, &v)| *s += u64::from(v));
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            out.extend(sums.iter().map(|&s| ((s + n / 2) / n) as u8));
        }
    }
    (out, out_w, out_h)
}

/// Decoded pixels: 1 (grey) or 3 (RGB) channels of 8 bits.
struct Decoded {
    pixels: Vec<u8>,
    width: usize,
    height: usize,
    channels: usize,
}

/// Makes an upright JPEG thumbnail, longer side at most `max_side`, of a JPEG or PNG photo
/// whose EXIF orientation is `orientation` (see [`crate::read_photo`]).
pub fn thumbnail_jpeg(bytes: &[u8], orientation: u16, max_side: usize) -> Result<Vec<u8>, String> {
    if max_side == 0 || max_side > usize::from(u16::MAX) {
        return Err(format!("thumbnail size {max_side} out of range"));
    }
    let image = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        decode_jpeg(bytes, max_side)?
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(bytes)?
    } else {
        return Err("not a JPEG or PNG image".into());
    };
    let (small, w, h) = box_downscale(&image.pixels, image.width, image.height, image.channels, max_side);
    let (upright, w, h) = upright(&small, w, h, image.channels, orientation);
    let colour = if image.channels == 1 { ColorType::Luma } else { ColorType::Rgb };
    let mut out = Vec::new();
    // Both sides are ≤ max_side ≤ u16::MAX here.
    Encoder::new(&mut out, THUMBNAIL_QUALITY)
        .encode(&upright, w as u16, h as u16, colour)
        .map_err(|e| format!("encoding thumbnail: {e}"))?;
    Ok(out)
}

fn check_size(width: u64, height: u64) -> Result<(), String> {
    if width == 0 || height == 0 || width * height > MAX_PIXELS {
        return Err(format!("image of {width}×{height} pixels is out of range"));
    }
    Ok(())
}

fn decode_jpeg(bytes: &[u8], max_side: usize) -> Result<Decoded, String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(|e| format!("decoding JPEG: {e}"))?;
    let info = decoder.info().ok_or("JPEG without a frame header")?;
    check_size(info.width.into(), info.height.into())?;
    // Let the decoder drop DCT detail it would average away anyway (1/2, 1/4, 1/8 scaling); it
    // keeps at least the requested size, so the box filter still does the final step.
    let side = max_side as u16;
    decoder.scale(side, side).map_err(|e| format!("scaling JPEG: {e}"))?;
    let pixels = decoder.decode().map_err(|e| format!("decoding JPEG: {e}"))?;
    let info = decoder.info().ok_or("JPEG without a frame header")?;
    let (pixels, channels) = match info.pixel_format {
        PixelFormat::L8 => (pixels, 1),
        PixelFormat::RGB24 => (pixels, 3),
        // Big-endian 16-bit grey: keep the high byte.
        PixelFormat::L16 => (pixels.chunks_exact(2).map(|p| p[0]).collect(), 1),
        PixelFormat::CMYK32 => return Err("CMYK JPEG is not supported".into()),
    };
    Ok(Decoded { pixels, width: info.width.into(), height: info.height.into(), channels })
}

fn decode_png(bytes: &[u8]) -> Result<Decoded, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Palette → RGB, low bit depths → 8 bits, 16 bits → 8 bits.
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| format!("decoding PNG: {e}"))?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_size(w.into(), h.into())?;
    let size = reader.output_buffer_size().ok_or("PNG too large")?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(|e| format!("decoding PNG: {e}"))?;
    buf.truncate(frame.buffer_size());
    let (width, height) = (frame.width as usize, frame.height as usize);
    let onto_white = |v: u8, a: u8| ((u16::from(v) * u16::from(a) + 255 * (255 - u16::from(a)) + 127) / 255) as u8;
    let (pixels, channels) = match frame.color_type {
        png::ColorType::Grayscale => (buf, 1),
        png::ColorType::Rgb => (buf, 3),
        png::ColorType::GrayscaleAlpha => (buf.chunks_exact(2).map(|p| onto_white(p[0], p[1])).collect(), 1),
        png::ColorType::Rgba => {
            (buf.chunks_exact(4).flat_map(|p| [0, 1, 2].map(|i| onto_white(p[i], p[3]))).collect(), 3)
        }
        png::ColorType::Indexed => return Err("PNG palette was not expanded".into()),
    };
    Ok(Decoded { pixels, width, height, channels })
}

#[cfg(test)]
mod tests;

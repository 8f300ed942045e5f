//! Photo thumbnails: made once on first request, kept under `files/thumbnails/`, recorded in
//! `photos.thumbnail_path`.

use jpeg_decoder::{Decoder, PixelFormat};
use jpeg_encoder::{ColorType, Encoder};

/// Longest side of a thumbnail, pixels.
pub const THUMBNAIL_SIZE: usize = 96;

/// Decodes a JPEG and returns a smaller JPEG (box filter), or the reason it could not.
pub fn make(jpeg: &[u8]) -> Result<Vec<u8>, String> {
    let mut decoder = Decoder::new(jpeg);
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    let info = decoder.info().ok_or("no image information")?;
    let channels = match info.pixel_format {
        PixelFormat::RGB24 => 3,
        PixelFormat::L8 => 1,
        other => return Err(format!("unsupported pixel format {other:?}")),
    };
    let (w, h) = (usize::from(info.width), usize::from(info.height));
    let scale = (w.max(h) as f64 / THUMBNAIL_SIZE as f64).max(1.0);
    let (tw, th) = (((w as f64 / scale).round() as usize).max(1), ((h as f64 / scale).round() as usize).max(1));
    let mut out = vec![0u8; tw * th * 3];
    for ty in 0..th {
        for tx in 0..tw {
            let (x0, x1) = (tx * w / tw, ((tx + 1) * w / tw).max(tx * w / tw + 1));
            let (y0, y1) = (ty * h / th, ((ty + 1) * h / th).max(ty * h / th + 1));
            let mut sum = [0u32; 3];
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = (y * w + x) * channels;
                    for (c, s) in sum.iter_mut().enumerate() {
                        *s += u32::from(pixels[i + if channels == 3 { c } else { 0 }]);
                    }
                }
            }
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            for c in 0..3 {
                out[(ty * tw + tx) * 3 + c] = (sum[c] / n) as u8;
            }
        }
    }
    let mut jpeg_out = Vec::new();
    Encoder::new(&mut jpeg_out, 80).encode(&out, tw as u16, th as u16, ColorType::Rgb).map_err(|e| e.to_string())?;
    Ok(jpeg_out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn thumbnails_are_smaller_jpegs() {
        let mut big = Vec::new();
        let px: Vec<u8> = (0..320 * 240).flat_map(|i| [(i % 256) as u8, 100, 200]).collect();
        jpeg_encoder::Encoder::new(&mut big, 90).encode(&px, 320, 240, jpeg_encoder::ColorType::Rgb).unwrap();
        let small = super::make(&big).unwrap();
        let mut d = jpeg_decoder::Decoder::new(&small[..]);
        d.decode().unwrap();
        let info = d.info().unwrap();
        assert_eq!((info.width, info.height), (96, 72));
        assert!(super::make(b"not a jpeg").is_err());
    }
}

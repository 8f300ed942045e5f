//! Writes the field photos of `make bench-photos`: one 4000 × 3000 camera-sized JPEG (3–4 MB:
//! a gradient with sensor-like noise), copied once per position read from standard input
//! (`lon lat` per line) with its own EXIF — GPS position, direction, time taken with its offset —
//! so every file has its own content. Usage: `bench_photos OUT_DIR < positions`.

use std::io::BufRead;

use little_exif::exif_tag::ExifTag;
use little_exif::filetype::FileExtension;
use little_exif::metadata::Metadata;
use little_exif::rational::uR64;

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: bench_photos OUT_DIR < positions"));
    std::fs::create_dir_all(&out).expect("output directory");
    let (w, h) = (4000usize, 3000usize);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut px = vec![0u8; w * h * 3];
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let base = (x * 255 / w + y * 255 / h + c * 60) / 2;
                let noise = (state % 20) as usize;
                px[(y * w + x) * 3 + c] = (base + noise).min(255) as u8;
            }
        }
    }
    let mut base = Vec::new();
    jpeg_encoder::Encoder::new(&mut base, 90)
        .encode(&px, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encoding the base photo");
    eprintln!("bench_photos: base photo {} bytes", base.len());
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
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.expect("a line");
        let mut it = line.split_whitespace().map(|v| v.parse::<f64>().expect("a number"));
        let (Some(lon), Some(lat)) = (it.next(), it.next()) else { continue };
        let mut meta = Metadata::new();
        meta.set_tag(ExifTag::Make("onemap bench".into()));
        meta.set_tag(ExifTag::DateTimeOriginal(format!(
            "2025:06:{:02} {:02}:{:02}:{:02}",
            1 + i % 28,
            8 + i % 10,
            i % 60,
            (i / 60) % 60
        )));
        meta.set_tag(ExifTag::OffsetTimeOriginal("+08:00".into()));
        meta.set_tag(ExifTag::GPSLatitudeRef("N".into()));
        meta.set_tag(ExifTag::GPSLatitude(dms(lat)));
        meta.set_tag(ExifTag::GPSLongitudeRef("E".into()));
        meta.set_tag(ExifTag::GPSLongitude(dms(lon)));
        meta.set_tag(ExifTag::GPSImgDirectionRef("T".into()));
        meta.set_tag(ExifTag::GPSImgDirection(vec![uR64 { nominator: (i % 360) as u32, denominator: 1 }]));
        let mut jpeg = base.clone();
        meta.write_to_vec(&mut jpeg, FileExtension::JPEG).expect("writing EXIF");
        std::fs::write(out.join(format!("IMG_{i:05}.jpg")), jpeg).expect("writing a photo");
    }
}

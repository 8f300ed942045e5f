use super::*;
use std::process::Command;

/// Byte-mode capacities at level M: version 4 holds 62 bytes, version 5 holds 84.
#[test]
fn size_follows_the_version() {
    let v4 = qr_matrix(&"a".repeat(62)).expect("62 bytes");
    assert_eq!((v4.size, v4.version()), (33, 4));
    assert_eq!(v4.modules.len(), 33 * 33);
    let v5 = qr_matrix(&"a".repeat(63)).expect("63 bytes");
    assert_eq!((v5.size, v5.version()), (37, 5));

    let url = crate::verify_url("https://bdc.example.cn", "1101052024000123", "M3D7B5DC");
    let m = qr_matrix(&url).expect("url");
    assert_eq!(m.size, 17 + 4 * m.version());
    assert!((3..=4).contains(&m.version()), "{} bytes gave version {}", url.len(), m.version());
}

#[test]
fn finder_patterns_sit_in_three_corners() {
    let m = qr_matrix("https://bdc.example.cn/verify/1?c=AAAAAAAA").expect("qr");
    let n = m.size;
    for (ox, oy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        for i in 0..7 {
            // The outer ring of each finder pattern is dark, the ring inside it light.
            assert!(m.is_dark(ox + i, oy) && m.is_dark(ox + i, oy + 6), "corner ({ox},{oy})");
            assert!(m.is_dark(ox, oy + i) && m.is_dark(ox + 6, oy + i), "corner ({ox},{oy})");
        }
        assert!(!m.is_dark(ox + 1, oy + 1) && m.is_dark(ox + 3, oy + 3), "corner ({ox},{oy})");
    }
    assert!(!m.is_dark(n, 0) && !m.is_dark(0, n), "outside the symbol is light");
}

#[test]
fn too_long_text_and_bad_scales_are_errors() {
    assert!(matches!(qr_matrix(&"a".repeat(3000)), Err(SealError::Qr(_))));
    assert!(matches!(qr_png("x", 0), Err(SealError::Png(_))));
    assert!(matches!(qr_png("x", MAX_PNG_SCALE + 1), Err(SealError::Png(_))));
}

#[test]
fn png_has_the_quiet_zone_and_decodes_with_zbar() {
    let url = "https://bdc.example.cn/verify/1101052024000123?c=M3D7B5DC";
    let png_bytes = qr_png(url, 4).expect("png");
    let m = qr_matrix(url).expect("qr");
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes.as_slice()));
    let reader = decoder.read_info().expect("png header");
    let info = reader.info();
    let side = (m.size + 2 * QUIET_ZONE) as u32 * 4;
    assert_eq!((info.width, info.height), (side, side));
    assert_eq!(info.color_type, png::ColorType::Grayscale);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("qr.png");
    std::fs::write(&path, &png_bytes).expect("write png");
    let output = match Command::new("zbarimg").arg("--quiet").arg("--raw").arg(&path).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED the zbarimg read-back: zbarimg is not installed (apt-get install zbar-tools)");
            return;
        }
        Err(e) => panic!("cannot run zbarimg: {e}"),
    };
    assert!(output.status.success(), "zbarimg failed: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim_end(), url);
}

//! The QR code (二维码) as a module matrix, and optionally as a PNG.
//!
//! Error-correction level M (about 15 % recoverable). The matrix has no quiet zone: whoever
//! draws it must leave 4 light modules on every side ([`QUIET_ZONE`]); [`qr_png`] does.

use crate::error::SealError;
use qrcode::{Color, EcLevel, QrCode, Version};

/// The light border, in modules, a reader needs around the symbol.
pub const QUIET_ZONE: usize = 4;

/// Largest accepted PNG scale (pixels per module).
pub const MAX_PNG_SCALE: u32 = 64;

/// A QR symbol as a square of modules (二维码矩阵).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side (21 for version 1, 4 more per version).
    pub size: usize,
    /// `size * size` modules, row by row from the top left; `true` is dark.
    pub modules: Vec<bool>,
}

impl QrMatrix {
    /// Whether the module in column `x`, row `y` is dark (outside the symbol: light).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.modules.get(y * self.size + x).copied().unwrap_or(false)
    }

    /// The QR version (1–40) implied by the size.
    pub fn version(&self) -> usize {
        self.size.saturating_sub(17) / 4
    }
}

/// Encodes `text` (as UTF-8 bytes, or a denser mode when the text allows) at level M.
pub fn qr_matrix(text: &str) -> Result<QrMatrix, SealError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| SealError::Qr(format!("{e} ({} bytes of text)", text.len())))?;
    if !matches!(code.version(), Version::Normal(_)) {
        return Err(SealError::Qr("unexpected Micro QR symbol".into()));
    }
    let size = code.width();
    let modules: Vec<bool> = code.into_colors().into_iter().map(|c| c == Color::Dark).collect();
    if modules.len() != size * size {
        return Err(SealError::Qr(format!("{} modules for a {size}×{size} symbol", modules.len())));
    }
    Ok(QrMatrix { size, modules })
}

/// The QR code of `text` as an 8-bit grey PNG, `scale` pixels per module, with the quiet zone.
pub fn qr_png(text: &str, scale: u32) -> Result<Vec<u8>, SealError> {
    if scale == 0 || scale > MAX_PNG_SCALE {
        return Err(SealError::Png(format!("scale {scale} is outside 1..={MAX_PNG_SCALE}")));
    }
    let matrix = qr_matrix(text)?;
    let scale = scale as usize;
    let side_modules = matrix.size + 2 * QUIET_ZONE;
    let side = side_modules * scale;
    let mut pixels = Vec::with_capacity(side * side);
    for row in 0..side {
        let y = (row / scale).wrapping_sub(QUIET_ZONE);
        for col in 0..side {
            let x = (col / scale).wrapping_sub(QUIET_ZONE);
            pixels.push(if matrix.is_dark(x, y) { 0u8 } else { 255u8 });
        }
    }
    let side32 = u32::try_from(side).map_err(|_| SealError::Png(format!("{side} pixels per side")))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side32, side32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let png_err = |e: png::EncodingError| SealError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(&pixels).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}

#[cfg(test)]
#[path = "qr_tests.rs"]
mod tests;

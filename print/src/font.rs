//! The CJK font (中文字体) that documents are printed with: found, read once, shared.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, GlyphId};

use crate::PrintError;

/// The environment variable naming the font file, optionally with `:index` for a collection.
pub const FONT_ENV: &str = "ONEMAP_CJK_FONT";

/// Where Debian's `fonts-noto-cjk` puts its collections, in order of preference.
pub const DEBIAN_FONTS: [&str; 2] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
];

/// Family names preferred, in order, when a collection is given without an index: the
/// Simplified Chinese (简体中文) faces of Noto CJK.
const PREFERRED_FAMILIES: [&str; 2] = ["Noto Sans CJK SC", "Noto Serif CJK SC"];

/// The CJK font documents are printed with (中文字体), e.g. the Simplified Chinese face of
/// Noto Sans CJK. Load it once at start-up and clone it freely: clones share the font data, and
/// the type is `Send + Sync`. Only the glyphs a document uses are embedded in its PDF (subset).
#[derive(Clone)]
pub struct CjkFont {
    inner: Arc<Inner>,
}

struct Inner {
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
    family: String,
    pdf: krilla::text::Font,
}

impl std::fmt::Debug for CjkFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CjkFont")
            .field("path", &self.inner.path)
            .field("index", &self.inner.index)
            .field("family", &self.inner.family)
            .finish()
    }
}

impl CjkFont {
    /// Finds and reads the font: the file named by `ONEMAP_CJK_FONT` (`/path/font.ttc` or
    /// `/path/font.ttc:2` for the third face of a collection) when set, else Debian's
    /// `fonts-noto-cjk` (Noto Sans CJK, then Noto Serif CJK). Without an index the Simplified
    /// Chinese face ("Noto Sans CJK SC") of a collection is taken.
    pub fn load() -> Result<Self, PrintError> {
        if let Some(value) = std::env::var_os(FONT_ENV).filter(|v| !v.is_empty()) {
            let value = value.to_string_lossy().into_owned();
            let (path, index) = split_index(&value);
            return Self::from_path(path, index);
        }
        for candidate in DEBIAN_FONTS {
            if Path::new(candidate).is_file() {
                return Self::from_path(candidate, None);
            }
        }
        Err(PrintError::FontNotFound { looked: format!("${FONT_ENV} (unset), {}", DEBIAN_FONTS.join(", ")) })
    }

    /// Reads a font file (TrueType, OpenType/CFF, or a collection). `index` picks the face of a
    /// collection; `None` picks the Simplified Chinese face (or the first face).
    pub fn from_path(path: impl AsRef<Path>, index: Option<u32>) -> Result<Self, PrintError> {
        let path = path.as_ref().to_path_buf();
        let data = std::fs::read(&path).map_err(|source| PrintError::FontRead { path: path.clone(), source })?;
        Self::from_data(data, index, path)
    }

    fn from_data(data: Vec<u8>, index: Option<u32>, path: PathBuf) -> Result<Self, PrintError> {
        let invalid = |reason: String| PrintError::FontInvalid { path: path.clone(), reason };
        let file = FileRef::new(&data).map_err(|e| invalid(format!("not a font file ({e})")))?;
        let faces: Vec<(u32, String)> = match &file {
            FileRef::Font(font) => vec![(0, family_name(font))],
            FileRef::Collection(c) => {
                (0..c.len()).filter_map(|i| c.get(i).ok().map(|f| (i, family_name(&f)))).collect()
            }
        };
        let index = match index {
            Some(i) => i,
            None => pick_face(&faces),
        };
        let family = faces
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, family)| family.clone())
            .ok_or_else(|| invalid(format!("it has no face {index} (it has {})", faces.len())))?;
        let face = FontRef::from_index(&data, index).map_err(|e| invalid(format!("face {index}: {e}")))?;
        // A font that cannot print 中文 is the wrong font, not a font with a few missing glyphs.
        if "中文补偿协议".chars().any(|c| face.charmap().map(c).is_none()) {
            return Err(invalid(format!("face {index} ({family}) has no Chinese characters")));
        }
        let data = Arc::new(data);
        let pdf = krilla::text::Font::new(data.clone().into(), index)
            .ok_or_else(|| invalid(format!("the PDF writer cannot use face {index} ({family})")))?;
        Ok(Self { inner: Arc::new(Inner { data, index, path, family, pdf }) })
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The face of the collection (0 for a single font).
    pub fn index(&self) -> u32 {
        self.inner.index
    }

    /// The family name, e.g. "Noto Sans CJK SC".
    pub fn family(&self) -> &str {
        &self.inner.family
    }

    /// Whether every character of `text` can be printed (whitespace aside).
    pub fn covers(&self, text: &str) -> bool {
        let metrics = self.metrics();
        text.chars().all(|c| c.is_whitespace() || metrics.glyph(c).is_some())
    }

    pub(crate) fn pdf_font(&self) -> krilla::text::Font {
        self.inner.pdf.clone()
    }

    /// The glyph metrics used both to lay text out and to draw it.
    pub(crate) fn metrics(&self) -> Metrics<'_> {
        // `from_data` checked that this face parses.
        let face = FontRef::from_index(&self.inner.data, self.inner.index).expect("face checked at load");
        let m = face.metrics(Size::unscaled(), LocationRef::default());
        let upem = f32::from(m.units_per_em.max(1));
        Metrics {
            charmap: face.charmap(),
            advances: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem,
            ascent: m.ascent / upem,
            descent: -m.descent / upem,
            family: &self.inner.family,
        }
    }
}

/// Glyph lookup and advances of the font, in ems.
pub(crate) struct Metrics<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    advances: GlyphMetrics<'a>,
    upem: f32,
    /// Above the baseline, in ems.
    pub ascent: f32,
    /// Below the baseline, in ems (positive).
    pub descent: f32,
    family: &'a str,
}

impl Metrics<'_> {
    /// The glyph of `ch` and its advance in ems; `None` when the font has no glyph.
    pub fn glyph(&self, ch: char) -> Option<(GlyphId, f32)> {
        let ch = normalize(ch);
        let gid = self.charmap.map(ch)?;
        let advance = self.advances.advance_width(gid).unwrap_or(self.upem) / self.upem;
        Some((gid, advance))
    }

    /// The advance of `ch` in ems (that of an em square for a character without a glyph).
    pub fn advance(&self, ch: char) -> f32 {
        self.glyph(ch).map_or(1.0, |(_, a)| a)
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }

    /// The error for a character without a glyph.
    pub fn missing(&self, ch: char, text: &str) -> PrintError {
        PrintError::MissingGlyph { ch, family: self.family.to_owned(), text: text.to_owned() }
    }
}

/// Characters drawn as another one: tabs and other spaces as a plain space.
fn normalize(ch: char) -> char {
    if ch.is_whitespace() { ' ' } else { ch }
}

fn family_name(font: &FontRef<'_>) -> String {
    font.localized_strings(StringId::TYPOGRAPHIC_FAMILY_NAME)
        .english_or_first()
        .or_else(|| font.localized_strings(StringId::FAMILY_NAME).english_or_first())
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// The face to use from a collection when no index is given.
fn pick_face(faces: &[(u32, String)]) -> u32 {
    PREFERRED_FAMILIES
        .iter()
        .find_map(|want| faces.iter().find(|(_, f)| f == want))
        .or_else(|| faces.iter().find(|(_, f)| f.ends_with(" SC") && !f.contains("Mono")))
        .or_else(|| faces.iter().find(|(_, f)| f.contains("SC") || f.contains("GB") || f.contains("CN")))
        .map_or(0, |(i, _)| *i)
}

/// `/path/font.ttc:2` → (`/path/font.ttc`, Some(2)); anything else is a path.
fn split_index(value: &str) -> (&str, Option<u32>) {
    match value.rsplit_once(':') {
        Some((path, index)) if !path.is_empty() => match index.parse() {
            Ok(i) => (path, Some(i)),
            Err(_) => (value, None),
        },
        _ => (value, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_value_with_and_without_index() {
        assert_eq!(split_index("/f/a.ttc:2"), ("/f/a.ttc", Some(2)));
        assert_eq!(split_index("/f/a.ttc"), ("/f/a.ttc", None));
        assert_eq!(split_index("/f/a:b.otf"), ("/f/a:b.otf", None));
        assert_eq!(split_index(":3"), (":3", None));
    }

    #[test]
    fn the_simplified_chinese_face_is_preferred() {
        let faces: Vec<(u32, String)> =
            ["Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK SC", "Noto Sans Mono CJK SC"]
                .iter()
                .enumerate()
                .map(|(i, f)| (i as u32, f.to_string()))
                .collect();
        assert_eq!(pick_face(&faces), 2);
        assert_eq!(pick_face(&faces[3..]), 3);
        assert_eq!(pick_face(&[(0, "Some Font".into())]), 0);
    }

    #[test]
    fn the_font_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<CjkFont>();
    }

    #[test]
    fn a_missing_file_is_a_read_error_naming_it() {
        let err = CjkFont::from_path("/nonexistent/font.ttc", None).unwrap_err();
        assert!(matches!(err, PrintError::FontRead { .. }));
        assert!(err.to_string().contains("/nonexistent/font.ttc"), "{err}");
    }

    #[test]
    fn a_file_that_is_no_font_is_invalid() {
        let file = std::env::temp_dir().join(format!("onemap-print-not-a-font-{}", std::process::id()));
        std::fs::write(&file, b"this is not a font").unwrap();
        let err = CjkFont::from_path(&file, None).unwrap_err();
        std::fs::remove_file(&file).ok();
        assert!(matches!(err, PrintError::FontInvalid { .. }), "{err}");
    }
}

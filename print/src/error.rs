//! What can go wrong while loading the font or printing a document.

use std::path::PathBuf;

/// An error of onemap-print (打印错误).
#[derive(thiserror::Error, Debug)]
pub enum PrintError {
    /// No CJK font at any of the places looked at.
    #[error(
        "no CJK font found (looked at {looked}): install the Debian package fonts-noto-cjk \
         (scripts/install-deps.sh run does) or set ONEMAP_CJK_FONT=/path/to/font.ttc[:index]"
    )]
    FontNotFound {
        /// The paths tried, comma-separated.
        looked: String,
    },
    /// The font file exists (or was named) but cannot be read.
    #[error("cannot read the font file {path}: {source}")]
    FontRead {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a font that can print Chinese.
    #[error("{path} cannot be used as the CJK font: {reason}")]
    FontInvalid {
        /// The file.
        path: PathBuf,
        /// Why, in words.
        reason: String,
    },
    /// A character of the document has no glyph in the font (e.g. a rare character of a name):
    /// a signed document is never printed with a blank in it.
    #[error("the font {family} has no glyph for {ch:?} (U+{code:04X}) in {text:?}", code = u32::from(*ch))]
    MissingGlyph {
        /// The character.
        ch: char,
        /// The font's family name.
        family: String,
        /// The piece of text it appears in.
        text: String,
    },
    /// The data cannot be printed as it is (e.g. an area that is not a finite number).
    #[error("cannot print the document: {0}")]
    Invalid(String),
    /// The PDF writer failed.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

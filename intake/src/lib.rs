//! onemap intake (上传处理): the pure, server-independent logic behind field-photo (现场照片) and
//! archive (档案) uploads. Nothing here touches the network, the database or the clock.
//!
//! | module | what it does |
//! |---|---|
//! | [`mod@sniff`] | 内容识别 — tells what an upload is by its bytes (JPEG, PNG, TIFF, PDF, OFD, docx/xlsx/pptx, OLE, zip), with MIME type, extension and inline/attachment; refuses HTML, SVG, script-carrying XML, JavaScript, scripts and executables (`refused_content`) |
//! | [`mod@exif`] | 照片元数据 — position, direction, time taken (with its offset, +08:00 assumed when absent), orientation and displayed pixel size of a photo |
//! | [`mod@orient`] | 缩略图 — applies EXIF orientation to pixels; makes upright, box-filtered JPEG thumbnails of JPEG and PNG photos |
//! | [`mod@scheme`] | 编号规则 — archive-number (档案号) and photo-number (照片编号) templates such as `{project}-{category}-{seq:04}`, with counter keys |
//! | [`mod@category`] | 档案类别 — the archive category catalogue (id, two-letter code, Chinese and English names) |
//! | [`mod@manifest`] | 清单 — the `manifest.csv` of a bulk upload: UTF-8/GBK/UTF-16, English or Chinese headers, per-row problems |
//! | [`mod@tokens`] | 检索词 — words and CJK unigrams/bigrams for PostgreSQL `simple` full-text search |
//!
//! Every error type has a `code()` giving a stable, machine-readable code for API responses.

#![warn(missing_docs)]

pub mod category;
pub mod exif;
pub mod manifest;
pub mod orient;
pub mod scheme;
pub mod sniff;
pub mod tokens;

#[cfg(test)]
mod testdata;

pub use crate::category::{CATEGORIES, Category, category};
pub use crate::exif::{PhotoError, PhotoMeta, read_photo};
pub use crate::manifest::{Manifest, ManifestError, ManifestRow, RowProblem, parse_manifest};
pub use crate::orient::{thumbnail_jpeg, upright};
pub use crate::scheme::{Scheme, SchemeError, Values};
pub use crate::sniff::{Kind, SniffError, Sniffed, sniff, sniff_bytes};
pub use crate::tokens::{index_tokens, query_tokens};

//! Errors of the seal crate (签章错误).

use std::path::PathBuf;

/// Everything that can go wrong while keeping keys, signing or drawing the QR code (签章错误).
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// A file or directory of the key store could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "cannot read".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A private key file is readable or writable by group or others (like ssh, we refuse it).
    #[error(
        "private key file {path} has mode {mode:04o}, which lets group or others access it; \
         refusing to use it (run: chmod 600 {path})"
    )]
    InsecureKeyFile {
        /// The private key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A key id does not have the form `sm2-YYYYMMDD-xxxxxxxx`.
    #[error("invalid key id {0:?}: expected sm2-YYYYMMDD-<8 lowercase hex digits>")]
    InvalidKeyId(String),
    /// The key id is not recorded in the key store.
    #[error("no key {id:?} in the key store {dir}")]
    UnknownKey {
        /// The id asked for.
        id: String,
        /// The key store directory.
        dir: PathBuf,
    },
    /// The key store has no active key yet.
    #[error("the key store {0} has no active signing key; initialise it first")]
    NoActiveKey(PathBuf),
    /// The key store's index or a key file does not hold what it should.
    #[error("key store file {path} is damaged: {reason}")]
    CorruptStore {
        /// The damaged file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A PEM or DER key could not be parsed or encoded.
    #[error("invalid SM2 key: {0}")]
    InvalidKey(String),
    /// The signature could not be produced.
    #[error("SM2 signing failed: {0}")]
    Signing(String),
    /// An area is not a non-negative decimal with at most two decimals.
    #[error("invalid area {0:?}: expected square metres as a decimal with at most 2 decimals, e.g. 86.50")]
    InvalidArea(String),
    /// The text does not fit in a QR code (at error-correction level M).
    #[error("cannot encode the QR code: {0}")]
    Qr(String),
    /// The QR PNG could not be written (or the scale is unreasonable).
    #[error("cannot write the QR PNG: {0}")]
    Png(String),
}

impl SealError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SealError::Io { action, path: path.into(), source }
    }
}

//! 存储: files of photos and documents under generated names in the files directory (outside
//! any served directory: `/files/…` serves only what the database records, within the caller's
//! scope). A file is written beside its place as `*.part` and moved there only after the
//! transaction that records it commits; dropped unplaced, it is removed.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::base::ApiError;

/// A file waiting for its transaction.
pub struct Staged {
    /// Path relative to the files directory, as recorded.
    pub rel: String,
    part: PathBuf,
    target: PathBuf,
    placed: bool,
}

impl Staged {
    /// Stages `bytes` as `<dir>/<generated name>.<ext>` under `files`.
    pub async fn bytes(files: &Path, dir: &str, ext: &str, bytes: &[u8]) -> Result<Self, ApiError> {
        let staged = Self::named(files, dir, ext).await?;
        tokio::fs::write(&staged.part, bytes).await.map_err(storage)?;
        Ok(staged)
    }

    /// Stages the received file `src` by moving it (the incoming directory is on the same
    /// file system; copied when it is not): a photo of 4 MB is not written twice.
    pub async fn moved(files: &Path, dir: &str, ext: &str, src: &Path) -> Result<Self, ApiError> {
        let staged = Self::named(files, dir, ext).await?;
        if tokio::fs::rename(src, &staged.part).await.is_err() {
            tokio::fs::copy(src, &staged.part).await.map_err(storage)?;
        }
        Ok(staged)
    }

    /// A generated name under `<files>/<dir>`, its directory made.
    async fn named(files: &Path, dir: &str, ext: &str) -> Result<Self, ApiError> {
        let rel = format!("{dir}/{}.{ext}", Uuid::new_v4());
        let target = files.join(&rel);
        let part = target.with_extension(format!("{ext}.part"));
        if let Some(parent) = part.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(storage)?;
        }
        Ok(Self { rel, part, target, placed: false })
    }

    /// Where the staged file is until it is placed.
    pub fn path(&self) -> &Path {
        &self.part
    }

    /// Moves the file into place (after the commit).
    pub async fn put_in_place(mut self) -> Result<(), ApiError> {
        tokio::fs::rename(&self.part, &self.target).await.map_err(storage)?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// Moves every staged file into place (after the commit); the first failure is reported, the
/// rest still moved.
pub async fn place_all(staged: Vec<Staged>) -> Result<(), ApiError> {
    let mut first = Ok(());
    for s in staged {
        if let Err(e) = s.put_in_place().await {
            tracing::error!(error = %e.message, "a committed file could not be moved into place");
            if first.is_ok() {
                first = Err(e);
            }
        }
    }
    first
}

/// A directory for one upload under the files directory's `.incoming` (same file system as
/// the files' places), removed with everything in it when dropped.
pub struct Incoming(PathBuf);

impl Incoming {
    pub async fn new(files: &Path) -> Result<Self, ApiError> {
        let dir = files.join(".incoming").join(Uuid::new_v4().to_string());
        tokio::fs::create_dir_all(&dir).await.map_err(storage)?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The SHA-256 of `bytes`, hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file-system failure while storing (507 when the disk is full).
pub fn storage(e: std::io::Error) -> ApiError {
    crate::base::upload::io_error(e)
}

//! 文件库: the files of every backup, stored once by their SHA-256 under
//! `<backup root>/objects/ab/cdef…`: a daily backup adds only the files that changed.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::BackupError;
use super::manifest::FileEntry;

pub struct Objects {
    root: PathBuf,
}

impl Objects {
    pub fn new(backup_root: &Path) -> Self {
        Self { root: backup_root.join("objects") }
    }

    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(&sha256[2..])
    }

    pub fn has(&self, sha256: &str) -> bool {
        self.path(sha256).exists()
    }

    /// Stores a copy of `src` (whose hash is `sha256`) unless the store has it; returns the
    /// bytes added. The copy is hashed as it is written and must match.
    pub fn put(&self, src: &Path, sha256: &str) -> Result<u64, BackupError> {
        let target = self.path(sha256);
        if target.exists() {
            return Ok(0);
        }
        let parent = target.parent().expect("objects have a parent");
        fs::create_dir_all(parent).map_err(|e| BackupError::io(parent, e))?;
        let tmp = parent.join(format!(".{}.part", uuid::Uuid::new_v4()));
        let copied = copy_hashing(src, &tmp);
        let (bytes, got) = match copied {
            Ok(v) => v,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if got != sha256 {
            let _ = fs::remove_file(&tmp);
            return Err(BackupError::Changed(src.display().to_string()));
        }
        fs::rename(&tmp, &target).map_err(|e| BackupError::io(&target, e))?;
        Ok(bytes)
    }

    /// Copies an object to `dest` (through a temporary name), checking its hash on the way.
    pub fn restore(&self, sha256: &str, dest: &Path) -> Result<(), BackupError> {
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| BackupError::io(parent, e))?;
        }
        let tmp = dest.with_extension("restore.part");
        let (_, got) = copy_hashing(&self.path(sha256), &tmp)?;
        if got != sha256 {
            let _ = fs::remove_file(&tmp);
            return Err(BackupError::Damaged(format!("object {sha256} no longer has that hash")));
        }
        fs::rename(&tmp, dest).map_err(|e| BackupError::io(dest, e))
    }

    /// Removes every object no manifest in `keep` names; returns (files, bytes) removed.
    pub fn collect_garbage(&self, keep: &HashSet<&str>) -> Result<(u64, u64), BackupError> {
        let (mut files, mut bytes) = (0, 0);
        let Ok(dirs) = fs::read_dir(&self.root) else { return Ok((0, 0)) };
        for d in dirs.filter_map(|d| d.ok()) {
            let prefix = d.file_name().to_string_lossy().into_owned();
            for f in fs::read_dir(d.path()).map_err(|e| BackupError::io(&d.path(), e))?.filter_map(|f| f.ok()) {
                let name = f.file_name().to_string_lossy().into_owned();
                if !keep.contains(format!("{prefix}{name}").as_str()) {
                    bytes += f.metadata().map(|m| m.len()).unwrap_or(0);
                    fs::remove_file(f.path()).map_err(|e| BackupError::io(&f.path(), e))?;
                    files += 1;
                }
            }
        }
        Ok((files, bytes))
    }
}

/// The files under `data_dir/<area>` (dot-directories and `*.part` files — uploads in flight —
/// left out), hashed; a file whose path, size and time equal `previous`'s entry keeps its hash
/// without being read when the store has it.
pub fn scan(
    data_dir: &Path,
    area: &str,
    previous: &HashMap<String, FileEntry>,
    objects: &Objects,
) -> Result<Vec<FileEntry>, BackupError> {
    let mut out = Vec::new();
    let base = data_dir.join(area);
    if !base.exists() {
        return Ok(out);
    }
    let mut stack = vec![base];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).map_err(|e| BackupError::io(&dir, e))?.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            let meta = fs::symlink_metadata(&path).map_err(|err| BackupError::io(&path, err))?;
            if name.starts_with('.') || name.ends_with(".part") {
                continue;
            }
            if meta.is_dir() {
                stack.push(path);
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            let rel = path.strip_prefix(data_dir).expect("under the data directory");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let mtime_ns = i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec());
            let sha256 = match previous.get(&rel) {
                Some(p) if p.bytes == meta.len() && p.mtime_ns == mtime_ns && objects.has(&p.sha256) => {
                    p.sha256.clone()
                }
                _ => hash_file(&path)?,
            };
            out.push(FileEntry { path: rel, sha256, bytes: meta.len(), mtime_ns });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

pub fn hash_file(path: &Path) -> Result<String, BackupError> {
    let mut f = File::open(path).map_err(|e| BackupError::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| BackupError::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Copies `src` to `dst` (synced), returning its length and SHA-256.
fn copy_hashing(src: &Path, dst: &Path) -> Result<(u64, String), BackupError> {
    let mut from = File::open(src).map_err(|e| BackupError::io(src, e))?;
    let mut to = File::create(dst).map_err(|e| BackupError::io(dst, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = from.read(&mut buf).map_err(|e| BackupError::io(src, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        to.write_all(&buf[..n]).map_err(|e| BackupError::io(dst, e))?;
        total += n as u64;
    }
    to.sync_all().map_err(|e| BackupError::io(dst, e))?;
    Ok((total, hex::encode(h.finalize())))
}

/// Writes `bytes` to `path` and syncs it.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let mut f = File::create(path).map_err(|e| BackupError::io(path, e))?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(|e| BackupError::io(path, e))
}

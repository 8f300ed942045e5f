//! The signing-key store (签名密钥库): a directory of SM2 key pairs, one of them active.
//!
//! Layout of the directory (created with mode 0700):
//!
//! - `<id>.key` — the private key, PKCS#8 PEM, mode 0600. A key file that group or others
//!   may access is refused, as ssh does.
//! - `<id>.pub.pem` — the public key, SubjectPublicKeyInfo PEM (`openssl pkey -pubin` reads it).
//! - `keys.json` — `{"active": "<id>", "keys": [{"id": "<id>", "created_at": "<RFC 3339>"}]}`,
//!   in creation order.
//! - `keys.lock` — an empty file locked while the index is changed.
//!
//! Key ids are `sm2-<UTC creation date YYYYMMDD>-<first 8 hex digits of SM3(DER SPKI)>`.
//! Every file is written under a temporary name and renamed into place. Rotated-out keys stay
//! in the store so that old signatures keep verifying.

use crate::error::SealError;
use crate::keypair::{SigningKey, VerifyingKey, validate_key_id};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sm2::elliptic_curve::zeroize::Zeroizing;
use std::fs::{self, File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

const INDEX: &str = "keys.json";
const LOCK: &str = "keys.lock";

/// A directory of signing keys (签名密钥库).
#[derive(Clone, Debug)]
pub struct KeyStore {
    dir: PathBuf,
}

/// What [`KeyStore::list`] tells about one key (密钥信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// Key id (密钥标识).
    pub id: String,
    /// Creation time (创建时间).
    pub created_at: DateTime<Utc>,
    /// Whether new signatures use this key (当前密钥).
    pub active: bool,
    /// SubjectPublicKeyInfo PEM (公钥).
    pub public_pem: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    active: Option<String>,
    keys: Vec<IndexEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexEntry {
    id: String,
    created_at: DateTime<Utc>,
}

impl KeyStore {
    /// Opens the store in `dir`, creating the directory (mode 0700) if it does not exist.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, SealError> {
        let dir = dir.as_ref().to_path_buf();
        if !dir.is_dir() {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(&dir).map_err(|e| SealError::io("cannot create the key directory", &dir, e))?;
        }
        Ok(KeyStore { dir })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Creates the first key pair if there is no active key; otherwise returns the active key
    /// (初始化密钥).
    pub fn init(&self) -> Result<SigningKey, SealError> {
        let _lock = self.lock()?;
        let mut index = self.read_index()?;
        if index.active.is_some() {
            return self.active_in(&index);
        }
        self.add_key(&mut index)
    }

    /// Creates a new key pair and makes it the active one (轮换密钥). Older keys stay available
    /// for verification.
    pub fn rotate(&self) -> Result<SigningKey, SealError> {
        let _lock = self.lock()?;
        let mut index = self.read_index()?;
        self.add_key(&mut index)
    }

    /// All keys in creation order (密钥列表).
    pub fn list(&self) -> Result<Vec<KeyInfo>, SealError> {
        let index = self.read_index()?;
        index
            .keys
            .iter()
            .map(|entry| {
                let public_pem = self.read_public_pem(&entry.id)?;
                let active = index.active.as_deref() == Some(entry.id.as_str());
                Ok(KeyInfo { id: entry.id.clone(), created_at: entry.created_at, active, public_pem })
            })
            .collect()
    }

    /// The active signing key (当前签名密钥).
    pub fn active(&self) -> Result<SigningKey, SealError> {
        self.active_in(&self.read_index()?)
    }

    /// The public key with this id, active or not (验签公钥).
    pub fn verifying_key(&self, id: &str) -> Result<VerifyingKey, SealError> {
        validate_key_id(id)?;
        let index = self.read_index()?;
        if !index.keys.iter().any(|entry| entry.id == id) {
            return Err(SealError::UnknownKey { id: id.to_owned(), dir: self.dir.clone() });
        }
        let path = self.dir.join(format!("{id}.pub.pem"));
        let key = VerifyingKey::from_public_pem(&self.read_public_pem(id)?)
            .map_err(|e| SealError::CorruptStore { path: path.clone(), reason: e.to_string() })?;
        check_id_matches(id, &key, &path)?;
        Ok(key)
    }

    fn active_in(&self, index: &Index) -> Result<SigningKey, SealError> {
        let id = index.active.as_deref().ok_or_else(|| SealError::NoActiveKey(self.dir.clone()))?;
        let entry = index.keys.iter().find(|entry| entry.id == id).ok_or_else(|| SealError::CorruptStore {
            path: self.dir.join(INDEX),
            reason: format!("the active key {id} is not listed"),
        })?;
        self.load_private(id, entry.created_at)
    }

    fn add_key(&self, index: &mut Index) -> Result<SigningKey, SealError> {
        let mut key = SigningKey::generate(Utc::now())?;
        // Two keys of one day share an id only if 32 bits of SM3 collide; just draw again.
        while index.keys.iter().any(|entry| entry.id == key.id()) {
            key = SigningKey::generate(Utc::now())?;
        }
        let id = key.id().to_owned();
        let public_pem = key.verifying_key().to_public_pem()?;
        write_atomic(&self.dir.join(format!("{id}.key")), key.to_pkcs8_pem()?.as_bytes(), 0o600)?;
        write_atomic(&self.dir.join(format!("{id}.pub.pem")), public_pem.as_bytes(), 0o644)?;
        index.keys.push(IndexEntry { id: id.clone(), created_at: key.created_at() });
        index.active = Some(id);
        let json = serde_json::to_vec_pretty(index)
            .map_err(|e| SealError::CorruptStore { path: self.dir.join(INDEX), reason: e.to_string() })?;
        write_atomic(&self.dir.join(INDEX), &json, 0o644)?;
        Ok(key)
    }

    fn read_index(&self) -> Result<Index, SealError> {
        let path = self.dir.join(INDEX);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Index::default()),
            Err(e) => return Err(SealError::io("cannot read", path, e)),
        };
        let index: Index = serde_json::from_slice(&bytes)
            .map_err(|e| SealError::CorruptStore { path: path.clone(), reason: e.to_string() })?;
        for entry in &index.keys {
            validate_key_id(&entry.id)
                .map_err(|e| SealError::CorruptStore { path: path.clone(), reason: e.to_string() })?;
        }
        Ok(index)
    }

    fn read_public_pem(&self, id: &str) -> Result<String, SealError> {
        let path = self.dir.join(format!("{id}.pub.pem"));
        fs::read_to_string(&path).map_err(|e| SealError::io("cannot read", path, e))
    }

    fn load_private(&self, id: &str, created_at: DateTime<Utc>) -> Result<SigningKey, SealError> {
        validate_key_id(id)?;
        let path = self.dir.join(format!("{id}.key"));
        let mut file = File::open(&path).map_err(|e| SealError::io("cannot open", &path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // fstat of the open file: the file checked is the file read.
            let meta = file.metadata().map_err(|e| SealError::io("cannot stat", &path, e))?;
            let mode = meta.permissions().mode() & 0o7777;
            if mode & 0o077 != 0 {
                return Err(SealError::InsecureKeyFile { path, mode });
            }
        }
        let mut pem = Zeroizing::new(String::new());
        file.read_to_string(&mut pem).map_err(|e| SealError::io("cannot read", &path, e))?;
        let key = SigningKey::from_pkcs8_pem(id, created_at, &pem)
            .map_err(|e| SealError::CorruptStore { path: path.clone(), reason: e.to_string() })?;
        check_id_matches(id, &key.verifying_key(), &path)?;
        Ok(key)
    }

    fn lock(&self) -> Result<File, SealError> {
        let path = self.dir.join(LOCK);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| SealError::io("cannot open", &path, e))?;
        file.lock().map_err(|e| SealError::io("cannot lock", &path, e))?;
        Ok(file) // unlocked when dropped
    }
}

/// The id's hash part must be the key's fingerprint, so a swapped key file is noticed.
fn check_id_matches(id: &str, key: &VerifyingKey, path: &Path) -> Result<(), SealError> {
    let fingerprint = key.fingerprint()?;
    if id.ends_with(&fingerprint[..8]) {
        Ok(())
    } else {
        Err(SealError::CorruptStore {
            path: path.to_path_buf(),
            reason: format!("the key's SM3 fingerprint {fingerprint} does not match its id {id}"),
        })
    }
}

/// Writes `bytes` to a fresh temporary file created with `mode`, then renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), SealError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(SealError::io("cannot remove", &tmp, e)),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(&tmp).map_err(|e| SealError::io("cannot create", &tmp, e))?;
    file.write_all(bytes).map_err(|e| SealError::io("cannot write", &tmp, e))?;
    file.sync_all().map_err(|e| SealError::io("cannot sync", &tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| SealError::io("cannot rename into place", path, e))?;
    if let Ok(dir_handle) = File::open(dir) {
        let _ = dir_handle.sync_all(); // best effort: make the rename durable
    }
    Ok(())
}

#[cfg(test)]
#[path = "keys_tests.rs"]
mod tests;

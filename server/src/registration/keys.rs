//! 签名密钥: the SM2 key pairs certificates are signed with, under `<data-dir>/keys` (private
//! keys mode 0600), managed by `onemap keys init|list|rotate`; the public keys are published at
//! `GET /api/signing-keys` so that anyone can check a signature (OpenSSL 3 reads them).

use axum::Json;
use axum::extract::State;
use onemap_api::registration::SigningKey;
use onemap_seal::{KeyStore, SealError};

use crate::base::{ApiError, AppState};
use crate::config::Config;

/// The key store of this data directory.
pub fn store(config: &Config) -> Result<KeyStore, ApiError> {
    KeyStore::open(config.keys_dir()).map_err(broken)
}

/// A key-store or signing failure: the server's, not the caller's.
pub fn broken(e: SealError) -> ApiError {
    ApiError::internal(format!("certificate signing: {e}"))
}

/// The published keys, newest first.
pub fn published(config: &Config) -> Result<Vec<SigningKey>, ApiError> {
    let mut keys: Vec<SigningKey> = store(config)?
        .list()
        .map_err(broken)?
        .into_iter()
        .map(|k| SigningKey {
            id: k.id,
            algorithm: onemap_seal::ALGORITHM.to_owned(),
            created_at: k.created_at.fixed_offset(),
            active: k.active,
            public_key_pem: k.public_pem,
        })
        .collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
    Ok(keys)
}

/// The public keys certificates are (and were) signed with.
#[utoipa::path(get, path = "/api/signing-keys", tag = "电子证照 certificates",
    responses((status = 200, body = Vec<SigningKey>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<SigningKey>>, ApiError> {
    Ok(Json(published(&state.config)?))
}

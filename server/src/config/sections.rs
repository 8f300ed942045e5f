//! The sections of onemap.toml that belong to one domain: `[archives]`, `[exchange]`,
//! `[exports]`.

use serde::Deserialize;

use super::ConfigError;

/// `[exports]` of onemap.toml: limits of `POST /api/exports`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportsConfig {
    /// Most features one export may hold [default: 2000000]
    pub max_rows: i64,
    /// A lower limit for some roles, e.g. `{ appraiser = 50000 }` [default: none]
    pub max_rows_by_role: std::collections::BTreeMap<String, i64>,
}

impl Default for ExportsConfig {
    fn default() -> Self {
        Self { max_rows: 2_000_000, max_rows_by_role: Default::default() }
    }
}

impl ExportsConfig {
    /// The limit of `role`.
    pub fn max_rows(&self, role: onemap_api::Role) -> i64 {
        self.max_rows_by_role.get(role.as_str()).copied().unwrap_or(self.max_rows).min(self.max_rows)
    }
}

/// `[exchange]` of onemap.toml: pushing the outbox to the registration platform.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeConfig {
    /// POST each message here, in order, until it answers 2xx [default: none — receivers poll]
    pub push_url: Option<String>,
    /// Sent as `Authorization: Bearer <token>` when set
    pub push_token: Option<String>,
    /// How often to look for new messages, ms [default: 500]
    pub poll_ms: u64,
    /// The first retry's delay, ms; each failure doubles it [default: 1000]
    pub backoff_ms: u64,
    /// The longest delay between retries, s [default: 300]
    pub max_backoff_secs: u64,
    /// A push that has not answered in this many seconds failed [default: 10]
    pub timeout_secs: u64,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            push_url: None,
            push_token: None,
            poll_ms: 500,
            backoff_ms: 1000,
            max_backoff_secs: 300,
            timeout_secs: 10,
        }
    }
}

/// `[exchange]` checked, the command line's push URL first.
pub(super) fn checked_exchange(mut e: ExchangeConfig, url: Option<String>) -> Result<ExchangeConfig, ConfigError> {
    e.push_url = url.or(e.push_url).filter(|u| !u.trim().is_empty()).map(|u| u.trim().to_owned());
    if let Some(u) = &e.push_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(ConfigError::Invalid(format!("[exchange] push_url {u:?} is not an http:// or https:// URL")));
    }
    if e.poll_ms == 0 || e.backoff_ms == 0 || e.max_backoff_secs == 0 || e.timeout_secs == 0 {
        return Err(ConfigError::Invalid(
            "[exchange] poll_ms, backoff_ms, max_backoff_secs and timeout_secs are positive".into(),
        ));
    }
    Ok(e)
}

/// `[archives]` of onemap.toml: field photos and archive documents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchivesConfig {
    /// 档案号 scheme: `{project}`, `{category}` (two letters, e.g. PG), `{unit}`, `{year}`,
    /// `{seq:N}` [default: `{project}-{category}-{seq:04}`]
    pub archive_number_scheme: String,
    /// 照片编号 scheme [default: `{project}-ZP-{seq:05}`]
    pub photo_number_scheme: String,
    /// A photo outside every unit goes to the nearest one within this many metres [default: 30]
    pub photo_link_metres: f64,
    /// Largest photo or document, MiB [default: 50]; a zip of photos or a batch may hold up
    /// to `max_upload_mb`.
    pub max_file_mb: u32,
    /// Most files in one photo upload or batch [default: 2000]
    pub max_files: usize,
}

impl Default for ArchivesConfig {
    fn default() -> Self {
        Self {
            archive_number_scheme: onemap_intake::Scheme::DEFAULT_ARCHIVE.into(),
            photo_number_scheme: onemap_intake::Scheme::DEFAULT_PHOTO.into(),
            photo_link_metres: 30.0,
            max_file_mb: 50,
            max_files: 2000,
        }
    }
}

/// `[archives]` with its numbering schemes parsed (a bad scheme stops the server at start).
pub(super) fn checked_archives(a: ArchivesConfig) -> Result<ArchivesConfig, ConfigError> {
    for (key, scheme) in
        [("archive_number_scheme", &a.archive_number_scheme), ("photo_number_scheme", &a.photo_number_scheme)]
    {
        onemap_intake::Scheme::parse(scheme)
            .map_err(|e| ConfigError::Invalid(format!("[archives] {key} = {scheme:?}: {e}")))?;
    }
    if !(a.photo_link_metres.is_finite() && (0.0..=1000.0).contains(&a.photo_link_metres)) {
        return Err(ConfigError::Invalid("[archives] photo_link_metres is between 0 and 1000".into()));
    }
    if a.max_file_mb == 0 || a.max_files == 0 {
        return Err(ConfigError::Invalid("[archives] max_file_mb and max_files are positive".into()));
    }
    Ok(a)
}

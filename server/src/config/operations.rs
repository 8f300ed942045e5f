//! The operations sections of onemap.toml: `[backup]`, `[metrics]`, `[tls]`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;

/// `[backup]`: where `onemap backup` writes, and the server's daily backup.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// The backup directory [default: `<data-dir>-backups`, beside the data directory, so that
    /// losing the data directory does not lose its backups]. Put it on another disk.
    pub dir: Option<PathBuf>,
    /// `serve` makes a backup every day at this local time, `HH:MM` [default: none]
    pub at: Option<String>,
    /// Retention after each scheduled backup: the newest backup of each of the last
    /// `keep_daily` days, `keep_weekly` ISO weeks and `keep_monthly` months is kept
    /// [default: 7, 4, 12]
    pub keep_daily: usize,
    pub keep_weekly: usize,
    pub keep_monthly: usize,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { dir: None, at: None, keep_daily: 7, keep_weekly: 4, keep_monthly: 12 }
    }
}

impl BackupConfig {
    /// The daily time as (hour, minute), when configured.
    pub fn daily_at(&self) -> Option<(u32, u32)> {
        let (h, m) = self.at.as_deref()?.split_once(':')?;
        Some((h.parse().ok()?, m.parse().ok()?)).filter(|&(h, m)| h < 24 && m < 60)
    }
}

/// `[backup]` checked, its directory resolved.
pub(super) fn checked_backup(mut b: BackupConfig, data_dir: &Path) -> Result<BackupConfig, ConfigError> {
    if b.at.is_some() && b.daily_at().is_none() {
        return Err(ConfigError::Invalid(format!("[backup] at = {:?} is not a time of day HH:MM", b.at)));
    }
    if b.keep_daily == 0 {
        return Err(ConfigError::Invalid("[backup] keep_daily is at least 1 (the newest backup is kept)".into()));
    }
    let dir = match b.dir.take() {
        Some(d) => d,
        None => {
            let abs = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
            let name = abs.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "onemap".into());
            abs.with_file_name(format!("{name}-backups"))
        }
    };
    b.dir = Some(dir);
    Ok(b)
}

/// `[metrics]`: who may read `GET /metrics` besides administrators.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// A scraper sends `Authorization: Bearer <token>` [default: none — administrators only]
    pub token: Option<String>,
}

/// `[tls]`: HTTPS with these PEM files (rustls); HSTS is sent under TLS.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// Certificate chain, PEM
    pub cert: Option<PathBuf>,
    /// Private key, PEM (PKCS#8, PKCS#1 or SEC1)
    pub key: Option<PathBuf>,
}

impl TlsConfig {
    /// Both files, when TLS is on.
    pub fn files(&self) -> Option<(&Path, &Path)> {
        Some((self.cert.as_deref()?, self.key.as_deref()?))
    }
}

pub(super) fn checked_tls(t: TlsConfig) -> Result<TlsConfig, ConfigError> {
    if t.cert.is_some() != t.key.is_some() {
        return Err(ConfigError::Invalid("[tls] needs both cert and key".into()));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_go_beside_the_data_directory_and_times_are_checked() {
        let b = checked_backup(BackupConfig::default(), Path::new("/srv/onemap/data")).unwrap();
        assert_eq!(b.dir.as_deref(), Some(Path::new("/srv/onemap/data-backups")));
        let at = BackupConfig { at: Some("02:30".into()), ..Default::default() };
        assert_eq!(at.daily_at(), Some((2, 30)));
        for bad in ["24:00", "2.30", "x"] {
            let b = BackupConfig { at: Some(bad.into()), ..Default::default() };
            assert!(checked_backup(b, Path::new("d")).is_err(), "{bad}");
        }
        let half = TlsConfig { cert: Some("c.pem".into()), key: None };
        assert!(checked_tls(half).is_err());
    }
}

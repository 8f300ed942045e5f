//! `onemap backup restore` and `onemap backup verify`: the dump restored by `pg_restore` (into
//! the data directory's database, or into a scratch cluster to verify), every file copied back
//! and hash-checked, then the row counts and the audit chain compared with the manifest.

use std::collections::BTreeMap;
use std::path::Path;

use super::manifest::{self, Manifest};
use super::objects::{self, Objects};
use super::{BackupError, blocking, database};
use crate::config::Config;

/// What a restore or a verification found.
pub struct Checked {
    pub manifest: Manifest,
    pub tables: usize,
    pub rows: i64,
    pub files: usize,
    pub audit_rows: u64,
    pub seconds: f64,
}

/// Restores backup `id` from `root` into the configured data directory (or DATABASE_URL),
/// which must hold no onemap tables and no files.
pub async fn restore(config: &Config, root: &Path, id: &str) -> Result<Checked, BackupError> {
    let started = std::time::Instant::now();
    let m = manifest::read(root, id)?;
    let files_dir = config.files_dir();
    if std::fs::read_dir(&files_dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(BackupError::NotEmpty(format!(
            "{} is not empty: a backup is restored into an empty data directory",
            files_dir.display()
        )));
    }
    check_dump(root, &m).await?;
    let url = crate::db::resolve_url(config).await?;
    database::restore(&url, &config.pg_bin, &manifest::dir(root, id).join(manifest::DUMP)).await?;
    let (root_owned, data_dir, entries) = (root.to_path_buf(), config.data_dir.clone(), m.files.clone());
    blocking(move || {
        let objects = Objects::new(&root_owned);
        for f in &entries {
            let dest = data_dir.join(&f.path);
            objects.restore(&f.sha256, &dest)?;
            if f.path.starts_with("keys/") {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(0o600));
                if let Some(p) = dest.parent() {
                    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700));
                }
            }
        }
        Ok(())
    })
    .await?;
    // The audit head recorded outside the database is the manifest's.
    if let Some(h) = &m.audit_head {
        let head = crate::base::head::Head { id: h.id, hash: h.hash.clone(), recorded_at: m.created_at };
        let path = crate::base::head::path(&config.data_dir);
        objects::write_synced(&path, &serde_json::to_vec_pretty(&head).expect("serializes"))?;
    }
    let checked = compare(&url, &m).await?;
    Ok(Checked { seconds: started.elapsed().as_secs_f64(), files: m.files.len(), ..checked })
}

/// Verifies backup `id`: the dump's hash, every file's hash in the store, then the dump
/// restored into a scratch cluster (a temporary directory, a free port) with its row counts
/// and audit chain compared with the manifest. The scratch cluster is removed afterwards.
pub async fn verify(config: &Config, root: &Path, id: &str) -> Result<Checked, BackupError> {
    let started = std::time::Instant::now();
    let m = manifest::read(root, id)?;
    check_dump(root, &m).await?;
    let (root_owned, entries) = (root.to_path_buf(), m.files.clone());
    blocking(move || {
        let objects = Objects::new(&root_owned);
        for f in &entries {
            let got = objects::hash_file(&objects.path(&f.sha256))
                .map_err(|_| BackupError::Damaged(format!("{} is missing from the store", f.path)))?;
            if got != f.sha256 {
                return Err(BackupError::Damaged(format!("{} no longer has its hash", f.path)));
            }
        }
        Ok(())
    })
    .await?;
    let scratch = tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| BackupError::io(&scratch, e))?
        .port();
    let cluster = crate::db::embedded::EmbeddedCluster::new(&scratch, &config.pg_bin, port, false);
    let result = async {
        let c = cluster.clone();
        let running = tokio::task::spawn_blocking(move || c.ensure_running())
            .await
            .map_err(|e| BackupError::Tool(e.to_string()))?
            .map_err(crate::db::DbError::from)?;
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&running.url("postgres")).await?;
        sqlx::query("CREATE DATABASE onemap").execute(&mut admin).await?;
        let url = running.url("onemap");
        database::restore(&url, &config.pg_bin, &manifest::dir(root, id).join(manifest::DUMP)).await?;
        compare(&url, &m).await
    }
    .await;
    // Why the scratch cluster failed, when it did (a full disk, most often).
    let result = result.map_err(|e| match e {
        BackupError::Tool(m) => BackupError::Tool(match server_complaint(&cluster.pgdata().join("server.log")) {
            Some(why) => format!("{m} (the scratch cluster in {}: {why})", scratch.display()),
            None => m,
        }),
        other => other,
    });
    let _ = cluster.stop();
    let _ = std::fs::remove_dir_all(&scratch);
    let checked = result?;
    Ok(Checked { seconds: started.elapsed().as_secs_f64(), files: m.files.len(), ..checked })
}

/// The scratch server's last FATAL, PANIC or "No space left" line.
fn server_complaint(log: &Path) -> Option<String> {
    let text = std::fs::read_to_string(log).ok()?;
    let line =
        text.lines().rev().find(|l| l.contains("FATAL") || l.contains("PANIC") || l.contains("No space left"))?;
    Some(line.split_once(": ").map_or(line, |(_, rest)| rest).trim().to_owned())
}

/// A private directory for the scratch cluster (under TMPDIR: it needs room for the restored
/// database), enterable by the postgres OS user.
fn tempdir() -> Result<std::path::PathBuf, BackupError> {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("onemap-verify-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|e| BackupError::io(&dir, e))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).map_err(|e| BackupError::io(&dir, e))?;
    Ok(dir)
}

async fn check_dump(root: &Path, m: &Manifest) -> Result<(), BackupError> {
    let path = manifest::dir(root, &m.id).join(manifest::DUMP);
    let want = m.database.sha256.clone();
    blocking(move || {
        if objects::hash_file(&path)? == want {
            Ok(())
        } else {
            Err(BackupError::Damaged(format!("{} does not have the manifest's SHA-256", path.display())))
        }
    })
    .await
}

/// The restored database against the manifest: every table's rows, and the audit chain intact
/// up to the manifest's head.
async fn compare(url: &str, m: &Manifest) -> Result<Checked, BackupError> {
    let counts = database::table_counts(url).await?;
    let differ: Vec<String> = m
        .tables
        .iter()
        .filter(|(t, n)| counts.get(*t) != Some(n))
        .map(|(t, n)| format!("{t}: {n} in the manifest, {} restored", counts.get(t).map_or(-1, |c| *c)))
        .chain(counts.keys().filter(|t| !m.tables.contains_key(*t)).map(|t| format!("{t}: not in the manifest")))
        .collect();
    if !differ.is_empty() {
        return Err(BackupError::Damaged(format!("row counts differ — {}", differ.join("; "))));
    }
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(url).await?;
    let head = m.audit_head.as_ref().map(|h| crate::base::head::Head {
        id: h.id,
        hash: h.hash.clone(),
        recorded_at: m.created_at,
    });
    let verdict = crate::audit::verify_with_head(&pool, head.as_ref()).await?;
    pool.close().await;
    let audit_rows = match verdict {
        crate::audit::Verdict::Intact { rows, .. } => rows,
        crate::audit::Verdict::Broken { problem, .. } => {
            return Err(BackupError::Damaged(format!("the restored audit chain is broken: {problem}")));
        }
    };
    let rows = m.tables.values().sum();
    Ok(Checked { manifest: m.clone(), tables: m.tables.len(), rows, files: 0, audit_rows, seconds: 0.0 })
}

/// Row counts by table, for printing.
pub fn summary(tables: &BTreeMap<String, i64>) -> String {
    let top: Vec<String> = ["parcels", "buildings", "house_units", "certificates", "audit_log"]
        .iter()
        .filter_map(|t| tables.get(*t).map(|n| format!("{t} {n}")))
        .collect();
    top.join(", ")
}

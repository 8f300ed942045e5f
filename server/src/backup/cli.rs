//! `onemap backup …`: the command line of backups, printing what it did.

use std::path::PathBuf;

use clap::Subcommand;

use super::{BackupError, CreateOptions, human, manifest, restore};
use crate::config::Config;

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Back up the database (pg_dump, one snapshot) and the files directory, with a manifest
    Create {
        /// The backup directory [default: [backup] dir, else <data-dir>-backups]
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Also the certificate signing keys (whoever holds the backup can then sign)
        #[arg(long)]
        with_keys: bool,
    },
    /// List the backups: id, time, schema version, size, files
    List {
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Check a backup: hashes of the dump and every file, then restore the dump into a scratch
    /// cluster and compare row counts and the audit chain with the manifest
    Verify {
        id: String,
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Restore a backup into an empty data directory (or an empty DATABASE_URL database)
    Restore {
        id: String,
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
    /// Remove backups past the retention ([backup] keep_daily, keep_weekly, keep_monthly)
    Prune {
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
    },
}

pub async fn run(cmd: BackupCommand, config: &Config) -> Result<(), BackupError> {
    match cmd {
        BackupCommand::Create { to, with_keys } => {
            let m = super::create(config, &CreateOptions { to: to.clone(), with_keys }).await?;
            let root = super::root(config, to.as_deref());
            println!(
                "backup {} in {}: database {} ({:.1} s), {} files of {} ({} new, {:.1} s); schema {}, audit head {}",
                m.id,
                manifest::dir(&root, &m.id).display(),
                human(m.database.bytes),
                m.seconds.database,
                m.files.len(),
                human(m.files_bytes()),
                human(m.added_bytes),
                m.seconds.files,
                m.schema_version.unwrap_or(0),
                m.audit_head.as_ref().map_or("none".to_owned(), |h| format!("{} {}", h.id, &h.hash[..12])),
            );
        }
        BackupCommand::List { from } => {
            let root = super::root(config, from.as_deref());
            let all = manifest::list(&root)?;
            if all.is_empty() {
                println!("no backups in {}", root.display());
            }
            for m in all {
                println!(
                    "{}\t{}\tschema {}\t{}\t{} files{}",
                    m.id,
                    m.created_at.to_rfc3339(),
                    m.schema_version.unwrap_or(0),
                    human(m.size()),
                    m.files.len(),
                    if m.with_keys { "\twith keys" } else { "" }
                );
            }
        }
        BackupCommand::Verify { id, from } => {
            let root = super::root(config, from.as_deref());
            let c = restore::verify(config, &root, &id).await?;
            println!(
                "backup {id} verified in {:.1} s: {} files' hashes, the dump restored into a scratch cluster with the manifest's rows in all {} tables ({}), audit chain intact ({} rows)",
                c.seconds,
                c.files,
                c.tables,
                restore::summary(&c.manifest.tables),
                c.audit_rows
            );
        }
        BackupCommand::Restore { id, from } => {
            let root = super::root(config, from.as_deref());
            let c = restore::restore(config, &root, &id).await?;
            println!(
                "backup {id} restored in {:.1} s into {}: {} tables with the manifest's rows ({}), {} files, audit chain intact ({} rows)",
                c.seconds,
                config.data_dir.display(),
                c.tables,
                restore::summary(&c.manifest.tables),
                c.files,
                c.audit_rows
            );
        }
        BackupCommand::Prune { from } => {
            let root = super::root(config, from.as_deref());
            let b = &config.backup;
            let p = super::prune(&root, b.keep_daily, b.keep_weekly, b.keep_monthly)?;
            println!("{} backups removed ({}), {} freed", p.removed.len(), p.removed.join(", "), human(p.freed_bytes));
        }
    }
    Ok(())
}

/// Before migrations change a database that holds data: a backup, unless skipped; says where.
pub async fn before_migrating(config: &Config, pool: &sqlx::PgPool) -> Result<(), BackupError> {
    let applied = crate::db::schema_version(pool).await?;
    let newest = crate::db::MIGRATOR.iter().map(|m| m.version).max();
    let Some(applied) = applied else { return Ok(()) };
    if newest.is_none_or(|n| n <= applied) {
        return Ok(());
    }
    eprintln!("migrations are pending on a database that holds data: backing it up first (--no-backup skips this)");
    let m = super::create(config, &CreateOptions::default()).await?;
    eprintln!("backup {} in {}", m.id, manifest::dir(config.backup_dir(), &m.id).display());
    Ok(())
}

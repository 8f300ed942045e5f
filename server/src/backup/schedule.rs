//! 定时备份: the server's daily backup at `[backup] at`, and the retention that follows it
//! (the newest backup of each of the last N days, ISO weeks and months).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Local, TimeZone, Utc};

use crate::config::Config;

/// Which backups (indexes into `times`, any order) the retention keeps.
pub fn retained(times: &[DateTime<Utc>], daily: usize, weekly: usize, monthly: usize) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(times[i]));
    let mut keep = BTreeSet::new();
    let local = |i: usize| times[i].with_timezone(&Local);
    let mut pick = |n: usize, period: &dyn Fn(usize) -> (i32, u32)| {
        let mut seen = BTreeSet::new();
        for &i in &order {
            if seen.len() == n && !seen.contains(&period(i)) {
                break;
            }
            if seen.insert(period(i)) {
                keep.insert(i);
            }
        }
    };
    pick(daily, &|i| (local(i).year(), local(i).ordinal()));
    pick(weekly, &|i| (local(i).iso_week().year(), local(i).iso_week().week()));
    pick(monthly, &|i| (local(i).year(), local(i).month()));
    keep
}

/// The next local time `hour:minute` after `now`.
fn next_at(now: DateTime<Local>, hour: u32, minute: u32) -> DateTime<Local> {
    let today = now.date_naive().and_hms_opt(hour, minute, 0).expect("a valid time");
    let mut at = Local.from_local_datetime(&today).earliest().unwrap_or(now);
    if at <= now {
        let tomorrow = today + chrono::Duration::days(1);
        at = Local.from_local_datetime(&tomorrow).earliest().unwrap_or(now + chrono::Duration::days(1));
    }
    at
}

/// The server's daily backup (nothing when `[backup] at` is not set): back up, then prune, log
/// both, and record them in the audit log.
pub async fn run_daily(config: Config, pool: sqlx::PgPool) {
    let Some((hour, minute)) = config.backup.daily_at() else { return };
    loop {
        let now = Local::now();
        let at = next_at(now, hour, minute);
        tracing::info!(at = %at, "next scheduled backup");
        let wait = (at - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let outcome = super::create(&config, &super::CreateOptions::default()).await;
        let (result, details) = match &outcome {
            Ok(m) => {
                tracing::info!(id = %m.id, bytes = m.size(), "scheduled backup made");
                ("success", serde_json::json!({ "id": m.id, "bytes": m.size(), "files": m.files.len() }))
            }
            Err(e) => {
                tracing::error!(error = %e, "scheduled backup failed");
                ("failure", serde_json::json!({ "error": e.to_string() }))
            }
        };
        let event = crate::base::AuditEvent::new("system:backup", "admin", "backup_create", "database", result)
            .details(details);
        if let Err(e) = crate::base::journal::append_now(&pool, &[event]).await {
            tracing::warn!(error = %e, "backup not recorded in the audit log");
        }
        if outcome.is_ok() {
            let b = &config.backup;
            match super::prune(config.backup_dir(), b.keep_daily, b.keep_weekly, b.keep_monthly) {
                Ok(p) if !p.removed.is_empty() => {
                    tracing::info!(removed = ?p.removed, freed = p.freed_bytes, "old backups pruned")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "pruning old backups failed"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_keeps_the_newest_of_each_day_week_and_month() {
        // A backup every day at noon for 400 days, and a second one on the last day.
        let start = Utc.with_ymd_and_hms(2025, 11, 1, 12, 0, 0).unwrap();
        let mut times: Vec<_> = (0..400).map(|d| start + chrono::Duration::days(d)).collect();
        times.push(*times.last().unwrap() + chrono::Duration::hours(1));
        let kept = retained(&times, 7, 4, 12);
        let newest = times.len() - 1;
        assert!(kept.contains(&newest), "the newest is kept");
        assert!(!kept.contains(&(newest - 1)), "the earlier backup of the same day is not");
        // 7 days + up to 4 weeks + up to 12 months, overlapping: between 12 and 23.
        assert!((12..=23).contains(&kept.len()), "{}", kept.len());
        let oldest_kept = kept.iter().map(|&i| times[i]).min().unwrap();
        assert!(times[newest] - oldest_kept <= chrono::Duration::days(366), "no backup older than 12 months");
        assert!(times[newest] - oldest_kept >= chrono::Duration::days(300), "the monthly ones reach back");
        assert_eq!(retained(&times[..1], 7, 4, 12).len(), 1);
    }

    #[test]
    fn the_next_run_is_later_today_or_tomorrow() {
        let now = Local.with_ymd_and_hms(2026, 12, 6, 3, 0, 0).unwrap();
        assert_eq!(next_at(now, 2, 30).date_naive(), now.date_naive() + chrono::Duration::days(1));
        assert_eq!(next_at(now, 4, 0).date_naive(), now.date_naive());
    }
}

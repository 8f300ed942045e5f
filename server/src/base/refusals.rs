//! 拒绝记录: every refused request (401, 403) goes into the audit log with the caller, its role
//! and the reason — but a flood of refusals cannot flood the append-only log. Per client
//! address and reason, the first refusal of a window (a minute by default) is written at once;
//! the ones after it in the same window are counted and written as one
//! `access_denied_repeated` row with the count when the window closes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::journal::{AuditEvent, AuditLog};

/// Most (address, reason) windows kept at once; past it, refusals of new keys are counted
/// under one shared key so that memory stays bounded whatever arrives.
const MAX_WINDOWS: usize = 50_000;

#[derive(Clone)]
pub struct Refusals {
    windows: Arc<Mutex<HashMap<(String, String), Window>>>,
    log: AuditLog,
    length: Duration,
}

struct Window {
    opened: Instant,
    repeats: u64,
    /// The first refusal of the window, for the summary row.
    first: AuditEvent,
    /// Up to [`MAX_TARGETS`] distinct targets of the repeats.
    targets: Vec<String>,
}

/// Distinct targets a summary row lists.
const MAX_TARGETS: usize = 10;

impl Refusals {
    /// Aggregates per window of `length`; a task closes the windows.
    pub fn start(log: AuditLog, length: Duration) -> Self {
        let refusals = Self { windows: Arc::default(), log, length };
        let closer = refusals.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(length.max(Duration::from_millis(100)) / 2);
            loop {
                tick.tick().await;
                closer.close_windows(false).await;
            }
        });
        refusals
    }

    /// Records a refusal of `client` for `reason` (the problem code).
    pub async fn record(&self, client: &str, reason: &str, event: AuditEvent) {
        let write_now = {
            let mut windows = self.windows.lock().expect("refusal windows");
            let mut key = (client.to_owned(), reason.to_owned());
            if !windows.contains_key(&key) && windows.len() >= MAX_WINDOWS {
                key = ("*".to_owned(), "*".to_owned());
            }
            match windows.get_mut(&key) {
                Some(w) => {
                    w.repeats += 1;
                    if w.targets.len() < MAX_TARGETS && !w.targets.contains(&event.target) {
                        w.targets.push(event.target.clone());
                    }
                    false
                }
                None => {
                    let w = Window { opened: Instant::now(), repeats: 0, first: event.clone(), targets: Vec::new() };
                    windows.insert(key, w);
                    true
                }
            }
        };
        if write_now {
            self.log.record(event).await;
        }
    }

    /// Writes the summaries of the windows that are over (all of them when `all`).
    pub async fn close_windows(&self, all: bool) {
        let closed: Vec<((String, String), Window)> = {
            let mut windows = self.windows.lock().expect("refusal windows");
            let over: Vec<(String, String)> = windows
                .iter()
                .filter(|(_, w)| all || w.opened.elapsed() >= self.length)
                .map(|(k, _)| k.clone())
                .collect();
            over.into_iter().filter_map(|k| windows.remove(&k).map(|w| (k, w))).collect()
        };
        for ((client, reason), w) in closed.into_iter().filter(|(_, w)| w.repeats > 0) {
            let first = &w.first;
            let event = AuditEvent::new(&first.actor, &first.role, "access_denied_repeated", &first.target, "failure")
                .client(&client)
                .details(serde_json::json!({
                    "reason": reason,
                    "count": w.repeats,
                    "window_seconds": self.length.as_secs_f64(),
                    "first_at": first.at,
                    "targets": w.targets,
                }));
            self.log.record(event).await;
        }
    }
}

//! Login throttling: at most so many attempts per minute for one username and from one client
//! address, counted in fixed one-minute windows in the server's memory (429 with Retry-After
//! past them). On top of the account lockout, which counts in the database.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Keys kept at most; when full, expired windows are dropped, then the oldest.
const MAX_KEYS: usize = 100_000;

pub struct Throttle {
    per_key: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    pub fn new() -> Self {
        Self { per_key: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt under `key`; `Err(seconds to wait)` past `limit` in the window.
    pub fn attempt(&self, key: String, limit: u32) -> Result<(), u64> {
        let mut map = self.per_key.lock().expect("throttle lock");
        let now = Instant::now();
        if map.len() >= MAX_KEYS && !map.contains_key(&key) {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            let oldest = map.iter().min_by_key(|(_, (s, _))| *s).map(|(k, _)| k.clone());
            if let Some(oldest) = oldest.filter(|_| map.len() >= MAX_KEYS) {
                map.remove(&oldest);
            }
        }
        let entry = map.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > limit {
            let left = WINDOW.saturating_sub(now.duration_since(entry.0));
            return Err(left.as_secs().max(1));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attempts_past_the_limit_wait() {
        let t = super::Throttle::new();
        for _ in 0..3 {
            assert!(t.attempt("user:a".into(), 3).is_ok());
        }
        let wait = t.attempt("user:a".into(), 3).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(t.attempt("user:b".into(), 3).is_ok(), "other keys are not affected");
    }
}

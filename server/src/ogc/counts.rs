//! numberMatched of recent items queries, so that paging through a large collection counts it
//! once rather than on every page. An entry holds while the data are unchanged: the tile
//! cache's generation moves on with every change PostgreSQL notifies (and on reconnects).

use std::time::Duration;

use moka::sync::Cache;

#[derive(Clone)]
pub struct Counts {
    cache: Cache<String, (u64, i64)>,
}

impl Default for Counts {
    fn default() -> Self {
        Self { cache: Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(600)).build() }
    }
}

impl Counts {
    /// The count of `key` if it was taken at data generation `generation`.
    pub fn get(&self, key: &str, generation: u64) -> Option<i64> {
        self.cache.get(key).filter(|(g, _)| *g == generation).map(|(_, n)| n)
    }

    /// Records a count whose query started at `generation`.
    pub fn insert(&self, key: String, generation: u64, n: i64) {
        self.cache.insert(key, (generation, n));
    }
}

/// The part of an items request that decides its count: collection, caller's scope and every
/// parameter but paging, format and output CRS.
pub fn key(collection: &str, scope: &Option<Vec<i64>>, pairs: &[(String, String)]) -> String {
    let mut k = format!("{collection}\u{1}{scope:?}");
    for (name, value) in pairs {
        if !matches!(name.as_str(), "limit" | "offset" | "after" | "f" | "crs") {
            k.push('\u{1}');
            k.push_str(name);
            k.push('\u{2}');
            k.push_str(value);
        }
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_shares_a_count_and_data_changes_drop_it() {
        let p = |s: &[(&str, &str)]| s.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>();
        let a = key("parcels", &None, &p(&[("limit", "10"), ("bbox", "1,2,3,4"), ("after", "x")]));
        assert_eq!(a, key("parcels", &None, &p(&[("bbox", "1,2,3,4"), ("offset", "10"), ("f", "json")])));
        assert_ne!(a, key("parcels", &Some(vec![1]), &p(&[("bbox", "1,2,3,4")])));
        assert_ne!(a, key("parcels", &None, &p(&[("bbox", "1,2,3,5")])));
        let c = Counts::default();
        c.insert(a.clone(), 7, 42);
        assert_eq!(c.get(&a, 7), Some(42));
        assert_eq!(c.get(&a, 8), None);
    }
}

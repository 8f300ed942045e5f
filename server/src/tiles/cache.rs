//! The tile cache: encoded tiles in memory, bounded by bytes, keyed by the tile, its layers
//! and who asked (role and project scope), and dropped exactly when the data under them
//! changes: PostgreSQL triggers (migration 7) NOTIFY `onemap_tiles` with the changed
//! extent of every statement on a tiled table, whatever wrote it; [`listen`] drops every
//! cached tile of an affected layer, at every zoom, whose extent touches a changed box.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderValue;
use bytes::Bytes;
use moka::sync::Cache;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::OnceCell;

use onemap_tiles::web_mercator::intersects;

use crate::base::replica::Reads;

use super::layers::Layer;

/// Who a tile was made for: the same tile differs by role and project scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Audience {
    pub role: &'static str,
    /// Sorted project ids the caller may see; None: all.
    pub projects: Option<Vec<i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TileKey {
    pub layers: Arc<[Layer]>,
    pub z: u8,
    pub x: u32,
    pub y: u32,
    pub audience: Audience,
}

/// An encoded tile and its entity tag.
#[derive(Clone)]
pub struct Tile {
    pub data: Bytes,
    pub etag: HeaderValue,
}

impl Tile {
    /// A tile with its entity tag: the first 96 bits of its SHA-256, quoted.
    pub fn new(data: Vec<u8>) -> Self {
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&data)[..12]));
        Self { data: Bytes::from(data), etag: HeaderValue::try_from(etag).expect("a quoted hex string") }
    }
}

/// Tiles being made right now, each with the cell its waiters share.
type InFlight = Arc<Mutex<HashMap<TileKey, Arc<OnceCell<Tile>>>>>;

#[derive(Clone)]
pub struct TileCache {
    tiles: Cache<TileKey, Tile>,
    /// Counts invalidations. A tile is cached only if none came in while it was being made:
    /// its query may have read the data from before the change (the NOTIFY can arrive while
    /// the query runs), and an invalidation does not touch entries inserted after it.
    generation: Arc<Mutex<u64>>,
    in_flight: InFlight,
    /// Requests answered from the cache, and those that made their tile (`GET /metrics`).
    hits: Arc<std::sync::atomic::AtomicU64>,
    misses: Arc<std::sync::atomic::AtomicU64>,
}

/// What the cache holds and how it did, for `GET /metrics`.
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub bytes: u64,
    pub entries: u64,
}

impl TileCache {
    pub fn new(max_bytes: u64) -> Self {
        let tiles = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|k: &TileKey, t: &Tile| (t.data.len() + 64 + 8 * k.layers.len()).try_into().unwrap_or(u32::MAX))
            .support_invalidation_closures()
            .build();
        Self {
            tiles,
            generation: Arc::new(Mutex::new(0)),
            in_flight: InFlight::default(),
            hits: Default::default(),
            misses: Default::default(),
        }
    }

    pub fn stats(&self) -> CacheStats {
        self.tiles.run_pending_tasks();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            bytes: self.tiles.weighted_size(),
            entries: self.tiles.entry_count(),
        }
    }

    /// The invalidation count, taken before a tile's query runs.
    pub fn generation(&self) -> u64 {
        *self.generation.lock().expect("tile cache lock")
    }

    pub fn get(&self, key: &TileKey) -> Option<Tile> {
        self.tiles.get(key)
    }

    /// The tile for `key` and whether it was already there: from the cache, or made by `make`
    /// — once, however many requests ask for the same missing tile at the same time (they wait
    /// for the first one's query). Kept in the cache when `keep` and no data changed meanwhile.
    pub async fn get_or_make<E, F, Fut>(&self, key: TileKey, keep: bool, make: F) -> Result<(Tile, bool), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Tile, E>>,
    {
        if let Some(t) = self.tiles.get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok((t, true));
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let cell = self.in_flight.lock().expect("in-flight lock").entry(key.clone()).or_default().clone();
        let made_here = AtomicBool::new(false);
        let result = cell
            .get_or_try_init(|| async {
                made_here.store(true, Ordering::Relaxed);
                let since = self.generation();
                let tile = make().await?;
                if keep {
                    self.insert(key.clone(), tile.clone(), since);
                }
                Ok(tile)
            })
            .await
            .cloned();
        let mut in_flight = self.in_flight.lock().expect("in-flight lock");
        if in_flight.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            in_flight.remove(&key);
        }
        drop(in_flight);
        result.map(|t| (t, !made_here.load(Ordering::Relaxed)))
    }

    /// Caches a tile whose query started at generation `since`, unless data changed since.
    pub fn insert(&self, key: TileKey, tile: Tile, since: u64) -> bool {
        let generation = self.generation.lock().expect("tile cache lock");
        let unchanged = *generation == since;
        if unchanged {
            self.tiles.insert(key, tile);
        }
        unchanged
    }

    /// Runs an invalidation under the lock that [`insert`](Self::insert) takes.
    fn invalidating(&self, drop_entries: impl FnOnce(&Cache<TileKey, Tile>)) {
        let mut generation = self.generation.lock().expect("tile cache lock");
        *generation += 1;
        drop_entries(&self.tiles);
        self.tiles.run_pending_tasks();
    }

    /// Drops the tiles of layers fed by `table` that touch one of `boxes` (lon/lat, EPSG:4490).
    pub fn invalidate(&self, table: &str, boxes: &[[f64; 4]]) {
        let table = table.to_owned();
        let boxes = boxes.to_vec();
        self.invalidating(|tiles| {
            let _ = tiles.invalidate_entries_if(move |k, _| {
                k.layers.iter().any(|l| l.tables(k.z).contains(&table.as_str()))
                    && boxes.iter().any(|b| intersects(tile_bounds(k.z, k.x, k.y), *b))
            });
        });
    }

    /// Drops every tile of layers fed by `table` (after TRUNCATE).
    pub fn invalidate_table(&self, table: &str) {
        let table = table.to_owned();
        self.invalidating(|tiles| {
            let _ = tiles
                .invalidate_entries_if(move |k, _| k.layers.iter().any(|l| l.tables(k.z).contains(&table.as_str())));
        });
    }

    pub fn clear(&self) {
        self.invalidating(|tiles| tiles.invalidate_all());
    }
}

/// A tile's extent in lon/lat, widened by the 64/4096 buffer its features are clipped with.
pub fn tile_bounds(z: u8, x: u32, y: u32) -> [f64; 4] {
    onemap_tiles::web_mercator::buffered_lonlat_bounds(z, x, y, 64.0 / 4096.0)
}

#[derive(Deserialize)]
struct Change {
    table: String,
    #[serde(default)]
    boxes: Vec<[f64; 4]>,
    #[serde(default)]
    all: bool,
}

/// Listens for changes and invalidates. If the connection drops, notifications may have been
/// missed: the whole cache is cleared when it comes back.
///
/// With a read replica, the fence of `reads` is raised to the primary's WAL position (on the
/// listener's own connection) before each invalidation and before the clear: a tile made again
/// after it reads only on a replica that has replayed the change. Should that position not be
/// readable, the tiles are dropped all the same, reads go to the primary, and the listener
/// reconnects.
pub async fn listen(pool: PgPool, cache: TileCache, reads: Reads) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "tile cache: cannot listen for changes; retrying");
                tokio::time::sleep(Duration::from_secs(2)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen("onemap_tiles").await {
            tracing::warn!(error = %e, "tile cache: LISTEN failed; retrying");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        let fenced = reads.raise_fence(&mut listener).await;
        cache.clear();
        if let Err(e) = fenced {
            tracing::warn!(error = %e, "tile cache: the WAL position could not be read; reconnecting");
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        loop {
            let n = match listener.try_recv().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "tile cache: listener failed; reconnecting");
                    break;
                }
            };
            let fenced = reads.raise_fence(&mut listener).await;
            match n {
                Some(n) => match serde_json::from_str::<Change>(n.payload()) {
                    Ok(c) if c.all => cache.invalidate_table(&c.table),
                    Ok(c) => cache.invalidate(&c.table, &c.boxes),
                    Err(e) => {
                        tracing::warn!(error = %e, payload = n.payload(), "tile cache: unreadable change; clearing");
                        cache.clear();
                    }
                },
                // The connection was lost (it reconnects): changes may have been missed.
                None => cache.clear(),
            }
            if let Err(e) = fenced {
                tracing::warn!(error = %e, "tile cache: the WAL position could not be read; reconnecting");
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_to_its_size() {
        let cache = TileCache::new(100_000);
        let audience = Audience { role: "public", projects: Some(vec![]) };
        for x in 0..100 {
            let key = TileKey { layers: [Layer::Parcels].into(), z: 16, x, y: 0, audience: audience.clone() };
            cache.insert(
                key,
                Tile { data: Bytes::from(vec![0u8; 10_000]), etag: HeaderValue::from_static("\"e\"") },
                0,
            );
        }
        cache.tiles.run_pending_tasks();
        assert!(cache.tiles.weighted_size() <= 100_000, "{}", cache.tiles.weighted_size());
        assert!(cache.tiles.entry_count() >= 5, "the cache keeps what fits");
    }

    #[test]
    fn tile_bounds_match_the_web_mercator_grid() {
        let [w, s, e, n] = tile_bounds(0, 0, 0);
        assert!(w < -180.0 && e > 180.0 && n > 85.05 && s < -85.05);
        // z14 tile over 温县: contains 113.08 E, 34.94 N.
        let b = tile_bounds(14, 13338, 6492);
        assert!(b[0] < 113.08 && 113.08 < b[2] && b[1] < 34.94 && 34.94 < b[3], "{b:?}");
    }

    #[test]
    fn only_touched_tiles_of_affected_layers_are_dropped() {
        let cache = TileCache::new(1 << 20);
        let audience = Audience { role: "public", projects: Some(vec![]) };
        let key = |layers: &[Layer], z, x, y| TileKey { layers: layers.into(), z, x, y, audience: audience.clone() };
        let tile = Tile { data: Bytes::from_static(b"x"), etag: HeaderValue::from_static("\"e\"") };
        let here = key(&[Layer::Parcels], 14, 13338, 6492);
        let next_door = key(&[Layer::Parcels], 14, 13340, 6492);
        let other_layer = key(&[Layer::Buildings], 14, 13338, 6492);
        let low_zoom = key(&[Layer::County, Layer::Parcels], 8, 208, 101);
        for k in [&here, &next_door, &other_layer, &low_zoom] {
            assert!(cache.insert(k.clone(), tile.clone(), cache.generation()));
        }
        let b = tile_bounds(14, 13338, 6492);
        let centre = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
        let changed = [[centre[0], centre[1], centre[0] + 1e-5, centre[1] + 1e-5]];
        cache.invalidate("parcels", &changed);
        assert!(cache.get(&here).is_none());
        assert!(cache.get(&next_door).is_some() && cache.get(&other_layer).is_some());
        // Below z14 the parcels layer shows sub-district aggregates, which parcels change
        // through the sub-district's count.
        assert!(cache.get(&low_zoom).is_some());
        cache.invalidate("cadastral_subdistricts", &changed);
        assert!(cache.get(&low_zoom).is_none());
        // A tile made while a change came in is not kept: it may show the old data.
        let since = cache.generation();
        cache.invalidate("buildings", &changed);
        assert!(!cache.insert(here.clone(), tile.clone(), since));
        assert!(cache.get(&here).is_none());
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_tile_run_one_query() {
        let cache = TileCache::new(1 << 20);
        let audience = Audience { role: "public", projects: Some(vec![]) };
        let key = TileKey { layers: [Layer::Parcels].into(), z: 15, x: 1, y: 2, audience };
        let queries = std::sync::atomic::AtomicUsize::new(0);
        let make = || async {
            queries.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, ()>(Tile::new(b"tile".to_vec()))
        };
        let calls = (0..20).map(|_| cache.get_or_make(key.clone(), true, make));
        let results = futures_util::future::join_all(calls).await;
        assert_eq!(queries.load(Ordering::SeqCst), 1, "one query for 20 concurrent misses");
        assert_eq!(results.iter().filter(|r| matches!(r, Ok((_, false)))).count(), 1, "one of them made it");
        assert!(cache.in_flight.lock().unwrap().is_empty());
        let (again, hit) = cache.get_or_make(key, true, make).await.unwrap();
        assert!(hit && again.data.as_ref() == b"tile" && queries.load(Ordering::SeqCst) == 1);
    }

    #[tokio::test]
    async fn a_failed_query_is_not_shared_or_kept() {
        let cache = TileCache::new(1 << 20);
        let audience = Audience { role: "public", projects: Some(vec![]) };
        let key = TileKey { layers: [Layer::Parcels].into(), z: 15, x: 1, y: 2, audience };
        let failed = cache.get_or_make(key.clone(), true, || async { Err::<Tile, _>("down") }).await;
        assert!(matches!(failed, Err("down")));
        let ok = cache.get_or_make(key, true, || async { Ok::<_, &str>(Tile::new(b"t".to_vec())) }).await;
        assert!(matches!(ok, Ok((_, false))));
    }
}

//! The demo county's land: settlements, blocks, parcels, buildings, house units, roads and
//! cadastral zones, laid out in metres in the county's Gauss-Krüger zone.
//!
//! The county is covered by a grid of 100 m cells. Town seats and villages claim compact
//! groups of cells (blocks); each block is subdivided into parcels by its kind (homesteads,
//! old low-rise housing, residential compounds, shops, public institutions, farmland strips,
//! forest). Roads run on the grid lines between blocks, so parcels never overlap roads or each
//! other. Every cell belongs to one cadastral sub-district (the nearest settlement) and its
//! district (the township of that settlement), so each code's prefix matches the zone the
//! parcel lies in.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use geo::{Centroid, Contains, Coord, LineString, MultiLineString, Point, Polygon, Rect};
use onemap_codes::{BuildingNumber, ParcelCode, UnitCode};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::{self, ROAD_NAMES};

/// Side of a grid cell (one block), metres.
pub const CELL: f64 = 100.0;
/// Homestead parcels in a full village block.
const HOMESTEADS_PER_BLOCK: usize = 28;
/// Blocks of old low-rise housing in the county seat, where the relocation projects lie.
const OLD_TOWN_BLOCKS: usize = 34;

/// What a block of the grid holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Homestead,
    OldTown,
    Compound,
    Commercial,
    Public,
    Farm,
    Forest,
}

/// A township (乡镇/街道) and its cadastral district (地籍区).
#[derive(Debug, Clone)]
pub struct District {
    /// 9-digit township code; its last 3 digits are the cadastral district number.
    pub town_code: String,
    pub name: String,
    pub seat: Coord,
}

impl District {
    pub fn number(&self) -> u16 {
        self.town_code[6..9].parse().unwrap_or(0)
    }
}

/// A village or a town neighbourhood; each is one cadastral sub-district (地籍子区).
#[derive(Debug, Clone)]
pub struct Settlement {
    pub name: String,
    pub district: usize,
    pub centre: Coord,
    pub is_town: bool,
    /// 地籍子区 number inside its district, assigned north to south.
    pub number: u16,
    /// Parcels numbered so far (宗地顺序号).
    next_seq: u32,
}

#[derive(Debug, Clone)]
pub struct Parcel {
    pub id: i64,
    pub code: ParcelCode,
    pub settlement: usize,
    pub kind: BlockKind,
    pub address: String,
    pub land_use: &'static str,
    pub right_type: &'static str,
    pub right_nature: &'static str,
    pub poly: Polygon,
}

#[derive(Debug, Clone)]
pub struct Building {
    pub id: i64,
    pub parcel: usize,
    pub number: BuildingNumber,
    pub floors: i16,
    pub structure: &'static str,
    pub planned_use: &'static str,
    pub completion_year: i16,
    pub poly: Polygon,
}

#[derive(Debug, Clone)]
pub struct HouseUnit {
    pub id: i64,
    pub building: usize,
    pub code: UnitCode,
    pub floor: i16,
    pub unit_no: String,
    pub room_label: String,
    pub use_: &'static str,
    /// 建筑面积 (with shared area), 套内面积, 分摊面积 — in centi-m².
    pub floor_area_cm2: i64,
    pub inner_area_cm2: i64,
    pub poly: Polygon,
}

#[derive(Debug, Clone)]
pub struct Road {
    pub name: Option<String>,
    pub class: &'static str,
    pub width: f32,
    pub lines: MultiLineString,
}

/// The whole generated land.
pub struct Layout {
    pub districts: Vec<District>,
    pub settlements: Vec<Settlement>,
    pub parcels: Vec<Parcel>,
    pub buildings: Vec<Building>,
    pub units: Vec<HouseUnit>,
    pub roads: Vec<Road>,
    /// Rectangles (runs of cells in a row) with the settlement (sub-district) they belong to.
    pub zone_rects: Vec<(usize, Rect)>,
    /// Old-town blocks of the county seat: cell rectangle and the parcels in it.
    pub old_town: Vec<(Rect, Vec<usize>)>,
}

struct Grid {
    x0: f64,
    y0: f64,
    nx: usize,
    ny: usize,
    inside: Vec<bool>,
    touches: Vec<bool>,
}

impl Grid {
    fn new(county: &geo::MultiPolygon) -> Self {
        let bbox = geo::BoundingRect::bounding_rect(county).expect("county has a bounding box");
        let x0 = (bbox.min().x / CELL).floor() * CELL;
        let y0 = (bbox.min().y / CELL).floor() * CELL;
        let nx = ((bbox.max().x - x0) / CELL).ceil() as usize;
        let ny = ((bbox.max().y - y0) / CELL).ceil() as usize;
        let corner_in: Vec<bool> = (0..=ny)
            .flat_map(|j| (0..=nx).map(move |i| (i, j)))
            .map(|(i, j)| county.contains(&Point::new(x0 + i as f64 * CELL, y0 + j as f64 * CELL)))
            .collect();
        let mut has_vertex = vec![false; nx * ny];
        for c in county.iter().flat_map(|p| p.exterior().coords().chain(p.interiors().iter().flat_map(|r| r.coords())))
        {
            let i = ((c.x - x0) / CELL) as usize;
            let j = ((c.y - y0) / CELL) as usize;
            if i < nx && j < ny {
                has_vertex[j * nx + i] = true;
            }
        }
        let mut inside = vec![false; nx * ny];
        let mut touches = vec![false; nx * ny];
        for j in 0..ny {
            for i in 0..nx {
                let corners =
                    [(i, j), (i + 1, j), (i, j + 1), (i + 1, j + 1)].map(|(a, b)| corner_in[b * (nx + 1) + a]);
                let k = j * nx + i;
                inside[k] = corners.iter().all(|&c| c) && !has_vertex[k];
                touches[k] = corners.iter().any(|&c| c) || has_vertex[k];
            }
        }
        Self { x0, y0, nx, ny, inside, touches }
    }

    fn origin(&self, cell: usize) -> Coord {
        Coord { x: self.x0 + (cell % self.nx) as f64 * CELL, y: self.y0 + (cell / self.nx) as f64 * CELL }
    }

    fn centre(&self, cell: usize) -> Coord {
        let o = self.origin(cell);
        Coord { x: o.x + CELL / 2.0, y: o.y + CELL / 2.0 }
    }

    fn rect(&self, cell: usize) -> Rect {
        let o = self.origin(cell);
        Rect::new(o, Coord { x: o.x + CELL, y: o.y + CELL })
    }

    fn cell_at(&self, c: Coord) -> Option<usize> {
        let i = ((c.x - self.x0) / CELL).floor();
        let j = ((c.y - self.y0) / CELL).floor();
        (i >= 0.0 && j >= 0.0 && (i as usize) < self.nx && (j as usize) < self.ny)
            .then(|| j as usize * self.nx + i as usize)
    }

    fn neighbours(&self, cell: usize) -> impl Iterator<Item = usize> + '_ {
        let (i, j) = ((cell % self.nx) as isize, (cell / self.nx) as isize);
        [(1, 0), (-1, 0), (0, 1), (0, -1)].into_iter().filter_map(move |(di, dj)| {
            let (a, b) = (i + di, j + dj);
            (a >= 0 && b >= 0 && (a as usize) < self.nx && (b as usize) < self.ny)
                .then(|| b as usize * self.nx + a as usize)
        })
    }
}

fn dist(a: Coord, b: Coord) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon {
    Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }).to_polygon()
}

/// Splits `total` metres into random pieces between `min` and `max` metres: a feasible count of
/// pieces, each the mean plus a zero-sum jitter that keeps it inside the range.
fn split(rng: &mut ChaCha8Rng, total: f64, min: f64, max: f64) -> Vec<f64> {
    let lo = (total / max).ceil().max(1.0) as usize;
    let hi = ((total / min).floor() as usize).max(lo);
    let n = rng.random_range(lo..=hi);
    let mean = total / n as f64;
    let room = (mean - min).min(max - mean).max(0.0);
    let raw: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
    let avg = raw.iter().sum::<f64>() / n as f64;
    let spread = raw.iter().map(|r| (r - avg).abs()).fold(0.0, f64::max).max(1e-9);
    raw.iter().map(|r| mean + (r - avg) / spread * room).collect()
}

/// Builds the layout for about `target_parcels` parcels.
pub struct Generator<'a> {
    rng: &'a mut ChaCha8Rng,
    county_name: String,
    grid: Grid,
    owner: Vec<Option<usize>>,
    kind: Vec<Option<BlockKind>>,
    districts: Vec<District>,
    settlements: Vec<Settlement>,
    parcels: Vec<Parcel>,
    buildings: Vec<Building>,
    units: Vec<HouseUnit>,
    noise: Vec<f32>,
    used_names: HashSet<String>,
}

impl<'a> Generator<'a> {
    pub fn new(
        rng: &'a mut ChaCha8Rng,
        county: &geo::MultiPolygon,
        county_name: &str,
        towns: &[(String, String)],
    ) -> Self {
        let grid = Grid::new(county);
        let n = grid.nx * grid.ny;
        let noise = (0..n).map(|_| rng.random::<f32>()).collect();
        let districts = towns
            .iter()
            .map(|(code, name)| District {
                town_code: code.clone(),
                name: name.clone(),
                seat: Coord { x: 0.0, y: 0.0 },
            })
            .collect();
        let centroid = county.centroid().map(|p| p.0).unwrap_or(Coord { x: 0.0, y: 0.0 });
        let mut g = Self {
            rng,
            county_name: county_name.to_owned(),
            grid,
            owner: vec![None; n],
            kind: vec![None; n],
            districts,
            settlements: Vec::new(),
            parcels: Vec::new(),
            buildings: Vec::new(),
            units: Vec::new(),
            noise,
            used_names: HashSet::new(),
        };
        g.place_seats(centroid);
        g
    }

    fn inside_cells(&self) -> Vec<usize> {
        (0..self.grid.inside.len()).filter(|&c| self.grid.inside[c]).collect()
    }

    fn nearest_inside(&self, at: Coord) -> usize {
        self.inside_cells()
            .into_iter()
            .min_by(|&a, &b| dist(self.grid.centre(a), at).total_cmp(&dist(self.grid.centre(b), at)))
            .expect("the county has inside cells")
    }

    /// The county seat (first township, a 街道) near the centroid, the other 街道 around it,
    /// the towns spread out by farthest-point sampling.
    fn place_seats(&mut self, centroid: Coord) {
        let inside = self.inside_cells();
        let seat0 = self.grid.centre(self.nearest_inside(centroid));
        self.districts[0].seat = seat0;
        let turn: f64 = self.rng.random_range(0.0..std::f64::consts::TAU);
        let mut placed = vec![seat0];
        for d in 1..self.districts.len() {
            let seat = if self.districts[d].name.ends_with("街道") {
                let a = turn + d as f64 * 2.1;
                let r = self.rng.random_range(2600.0..3400.0);
                self.grid.centre(self.nearest_inside(Coord { x: seat0.x + r * a.cos(), y: seat0.y + r * a.sin() }))
            } else {
                let mut best = (f64::MIN, seat0);
                for _ in 0..300 {
                    let c = self.grid.centre(inside[self.rng.random_range(0..inside.len())]);
                    let d = placed.iter().map(|p| dist(*p, c)).fold(f64::MAX, f64::min);
                    if d > best.0 {
                        best = (d, c);
                    }
                }
                best.1
            };
            self.districts[d].seat = seat;
            placed.push(seat);
        }
    }

    /// Grows a compact group of free inside cells from `centre`, calling `take` for each; stops
    /// when `take` returns false or no free cell is reachable.
    fn grow(&mut self, centre: Coord, settlement: usize, mut take: impl FnMut(&mut Self, usize) -> Option<BlockKind>) {
        let start = self.grid.cell_at(centre).filter(|&c| self.grid.inside[c] && self.owner[c].is_none());
        let start = match start {
            Some(c) => c,
            None => {
                let free: Vec<usize> = self.inside_cells().into_iter().filter(|&c| self.owner[c].is_none()).collect();
                match free
                    .into_iter()
                    .min_by(|&a, &b| dist(self.grid.centre(a), centre).total_cmp(&dist(self.grid.centre(b), centre)))
                {
                    Some(c) => c,
                    None => return,
                }
            }
        };
        let mut heap = BinaryHeap::new();
        let mut seen = HashSet::new();
        heap.push(Reverse((0i64, start)));
        seen.insert(start);
        while let Some(Reverse((_, cell))) = heap.pop() {
            let Some(kind) = take(self, cell) else { return };
            self.owner[cell] = Some(settlement);
            self.kind[cell] = Some(kind);
            let nbrs: Vec<usize> = self.grid.neighbours(cell).collect();
            for n in nbrs {
                if self.grid.inside[n] && self.owner[n].is_none() && seen.insert(n) {
                    let key = dist(self.grid.centre(n), centre) + f64::from(self.noise[n]) * 60.0;
                    heap.push(Reverse(((key * 1000.0) as i64, n)));
                }
            }
        }
    }

    fn add_settlement(&mut self, name: String, district: usize, centre: Coord, is_town: bool) -> usize {
        self.settlements.push(Settlement { name, district, centre, is_town, number: 0, next_seq: 0 });
        self.settlements.len() - 1
    }

    /// Generates everything for about `target` parcels.
    pub fn run(mut self, target: usize) -> Layout {
        let town_budget = (target as f64 * 0.10) as usize;
        let homestead_budget = (target as f64 * 0.66) as usize;

        // Towns: one provisional settlement per seat, split into neighbourhoods afterwards.
        let shares: Vec<f64> = self
            .districts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                if i == 0 {
                    0.40
                } else if d.name.ends_with("街道") {
                    0.10
                } else {
                    0.30 / 8.0
                }
            })
            .collect();
        let mut town_cells: Vec<Vec<usize>> = Vec::new();
        for (d, share) in shares.iter().enumerate() {
            let budget = (town_budget as f64 * share) as usize;
            let seat = self.districts[d].seat;
            let tmp = self.add_settlement(String::new(), d, seat, true);
            let mut parcels = 0usize;
            let mut cells = Vec::new();
            self.grow(seat, tmp, |g, cell| {
                let n = cells.len();
                let kind = if d == 0 {
                    match n {
                        0 | 1 => BlockKind::Public,
                        n if n < 2 + OLD_TOWN_BLOCKS => BlockKind::OldTown,
                        _ if parcels >= budget => return None,
                        _ => g.town_kind(0.15, 0.25, 0.25),
                    }
                } else {
                    if n > 0 && parcels >= budget {
                        return None;
                    }
                    if n == 0 { BlockKind::Public } else { g.town_kind(0.25, 0.35, 0.5) }
                };
                parcels += match kind {
                    BlockKind::OldTown => 6,
                    BlockKind::Compound => 2,
                    BlockKind::Commercial => 8,
                    _ => 1,
                };
                cells.push(cell);
                Some(kind)
            });
            town_cells.push(cells);
        }

        // Villages, spread over the county with a minimum distance between centres.
        let free: Vec<usize> = self.inside_cells().into_iter().filter(|&c| self.owner[c].is_none()).collect();
        let villages = (homestead_budget / 120).clamp(6, 300);
        let mut min_d = (free.len() as f64 * CELL * CELL / villages as f64).sqrt() * 0.6;
        let mut centres: Vec<Coord> = Vec::new();
        let mut tries = 0;
        while centres.len() < villages && !free.is_empty() {
            let c = self.grid.centre(free[self.rng.random_range(0..free.len())]);
            let far_from_towns = self.districts.iter().all(|d| dist(d.seat, c) > min_d * 1.5);
            if self.owner[self.grid.cell_at(c).unwrap_or(0)].is_none()
                && far_from_towns
                && centres.iter().all(|p| dist(*p, c) >= min_d)
            {
                centres.push(c);
            }
            tries += 1;
            if tries % (villages * 20) == 0 {
                min_d *= 0.85;
            }
        }
        let mut village_cells = Vec::new();
        let weights: Vec<f64> = centres.iter().map(|_| 0.4 + self.rng.random::<f64>().powi(2) * 2.0).collect();
        let wsum: f64 = weights.iter().sum();
        for (c, w) in centres.iter().zip(&weights) {
            let homesteads = ((homestead_budget as f64 * w / wsum).round() as usize).max(4);
            let district = self.nearest_district(*c);
            let name = names::village_name(self.rng, &mut self.used_names);
            let s = self.add_settlement(name, district, *c, false);
            let mut left = homesteads;
            let mut cells = Vec::new();
            self.grow(*c, s, |_, cell| {
                if left == 0 {
                    return None;
                }
                left = left.saturating_sub(HOMESTEADS_PER_BLOCK);
                cells.push(cell);
                Some(BlockKind::Homestead)
            });
            village_cells.push((s, homesteads, cells));
        }

        // Town neighbourhoods (社区): about 25 blocks each.
        for (d, cells) in town_cells.iter().enumerate() {
            let k = cells.len().div_ceil(25).max(1);
            let mut centres = vec![self.districts[d].seat];
            while centres.len() < k {
                let far = cells
                    .iter()
                    .map(|&c| self.grid.centre(c))
                    .max_by(|a, b| {
                        let da = centres.iter().map(|p| dist(*p, *a)).fold(f64::MAX, f64::min);
                        let db = centres.iter().map(|p| dist(*p, *b)).fold(f64::MAX, f64::min);
                        da.total_cmp(&db)
                    })
                    .unwrap_or(self.districts[d].seat);
                centres.push(far);
            }
            let ids: Vec<usize> = centres
                .iter()
                .map(|c| {
                    let name = names::community_name(self.rng, &mut self.used_names);
                    self.add_settlement(name, d, *c, true)
                })
                .collect();
            for &cell in cells {
                let at = self.grid.centre(cell);
                let nearest = (0..centres.len())
                    .min_by(|&a, &b| dist(centres[a], at).total_cmp(&dist(centres[b], at)))
                    .unwrap_or(0);
                self.owner[cell] = Some(ids[nearest]);
            }
        }
        self.number_settlements();

        // Homesteads, now that sub-districts have their numbers.
        for (s, homesteads, cells) in village_cells {
            let last = cells.len().saturating_sub(1);
            for (k, cell) in cells.into_iter().enumerate() {
                let count = if k == last { homesteads - HOMESTEADS_PER_BLOCK * last } else { HOMESTEADS_PER_BLOCK };
                self.homestead_block(s, cell, count.min(HOMESTEADS_PER_BLOCK));
            }
        }

        // Town blocks, in growth order (the county seat's old town first).
        let mut old_town = Vec::new();
        for cells in &town_cells {
            for &cell in cells {
                let s = self.owner[cell].unwrap_or(0);
                let first = self.parcels.len();
                match self.kind[cell] {
                    Some(BlockKind::OldTown) => self.old_town_block(s, cell),
                    Some(BlockKind::Compound) => self.compound_block(s, cell),
                    Some(BlockKind::Commercial) => self.commercial_block(s, cell),
                    _ => self.public_block(s, cell),
                }
                if self.kind[cell] == Some(BlockKind::OldTown) && self.settlements[s].district == 0 {
                    old_town.push((self.grid.rect(cell), (first..self.parcels.len()).collect()));
                }
            }
        }

        // Farmland strips and forest fill the rest of the parcel budget, near the villages.
        let remaining = target.saturating_sub(self.parcels.len());
        let mut free: Vec<usize> = self.inside_cells().into_iter().filter(|&c| self.owner[c].is_none()).collect();
        let forest_cells = remaining / 10;
        free.sort_by(|&a, &b| self.grid.centre(a).y.total_cmp(&self.grid.centre(b).y));
        let forest: Vec<usize> = free.drain(..forest_cells.min(free.len())).collect();
        for cell in forest {
            let s = self.nearest_settlement(self.grid.centre(cell));
            self.owner[cell] = Some(s);
            self.farm_block(s, cell, 1, BlockKind::Forest);
        }
        let farm_parcels = target.saturating_sub(self.parcels.len());
        let near: Vec<f64> = free.iter().map(|&c| self.settlement_distance(self.grid.centre(c))).collect();
        let mut order: Vec<usize> = (0..free.len()).collect();
        order.sort_by(|&a, &b| near[a].total_cmp(&near[b]));
        let cells = farm_parcels.div_ceil(4).min(free.len());
        for (k, &o) in order.iter().take(cells).enumerate() {
            let strips = farm_parcels / cells.max(1) + usize::from(k < farm_parcels % cells.max(1));
            let cell = free[o];
            let s = self.nearest_settlement(self.grid.centre(cell));
            self.owner[cell] = Some(s);
            self.farm_block(s, cell, strips.clamp(1, 24), BlockKind::Farm);
        }

        let zone_rects = self.zone_rects();
        let roads = self.roads(&town_cells);
        Layout {
            districts: self.districts,
            settlements: self.settlements,
            parcels: self.parcels,
            buildings: self.buildings,
            units: self.units,
            roads,
            zone_rects,
            old_town,
        }
    }

    fn town_kind(&mut self, commercial: f64, public: f64, old: f64) -> BlockKind {
        let r: f64 = self.rng.random();
        if r < commercial {
            BlockKind::Commercial
        } else if r < public {
            BlockKind::Public
        } else if r < old {
            BlockKind::OldTown
        } else {
            BlockKind::Compound
        }
    }

    fn nearest_district(&self, c: Coord) -> usize {
        (0..self.districts.len())
            .min_by(|&a, &b| dist(self.districts[a].seat, c).total_cmp(&dist(self.districts[b].seat, c)))
            .unwrap_or(0)
    }

    /// Real settlements (villages and neighbourhoods; not the provisional town entries).
    fn real_settlements(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.settlements.len()).filter(|&s| !self.settlements[s].name.is_empty())
    }

    fn nearest_settlement(&self, c: Coord) -> usize {
        self.real_settlements()
            .min_by(|&a, &b| dist(self.settlements[a].centre, c).total_cmp(&dist(self.settlements[b].centre, c)))
            .unwrap_or(0)
    }

    fn settlement_distance(&self, c: Coord) -> f64 {
        self.real_settlements().map(|s| dist(self.settlements[s].centre, c)).fold(f64::MAX, f64::min)
    }

    /// Sub-district numbers inside each district, north to south then west to east.
    fn number_settlements(&mut self) {
        let mut per_district: HashMap<usize, Vec<usize>> = HashMap::new();
        for s in self.real_settlements() {
            per_district.entry(self.settlements[s].district).or_default().push(s);
        }
        for list in per_district.values_mut() {
            list.sort_by(|&a, &b| {
                let (ca, cb) = (self.settlements[a].centre, self.settlements[b].centre);
                cb.y.total_cmp(&ca.y).then(ca.x.total_cmp(&cb.x))
            });
            for (k, &s) in list.iter().enumerate() {
                self.settlements[s].number = k as u16 + 1;
            }
        }
    }

    fn next_parcel(&mut self, s: usize, kind: BlockKind, feature: &str, poly: Polygon, address: String) -> usize {
        let st = &mut self.settlements[s];
        st.next_seq += 1;
        let code = ParcelCode::new("410825", self.districts[st.district].number(), st.number, feature, st.next_seq)
            .expect("generated parcel codes are well formed");
        let (land_use, right_type, right_nature) = match kind {
            BlockKind::Homestead => ("0702", "homestead_use", "approved"),
            BlockKind::OldTown => ("0701", "state_construction_land_use", "allocated"),
            BlockKind::Compound => ("0701", "state_construction_land_use", "granted"),
            BlockKind::Commercial => ("0501", "state_construction_land_use", "granted"),
            BlockKind::Public => {
                (["0801", "0803", "0806"][self.rng.random_range(0..3)], "state_construction_land_use", "allocated")
            }
            BlockKind::Farm => ("0103", "land_contract", "household_contract"),
            BlockKind::Forest => ("0301", "forest_land_use", "allocated"),
        };
        self.parcels.push(Parcel {
            id: self.parcels.len() as i64 + 1,
            code,
            settlement: s,
            kind,
            address,
            land_use,
            right_type,
            right_nature,
            poly,
        });
        self.parcels.len() - 1
    }

    fn add_building(
        &mut self,
        parcel: usize,
        floors: i16,
        structure: &'static str,
        planned_use: &'static str,
        year: i16,
        poly: Polygon,
    ) -> usize {
        let number = self.parcels[parcel]
            .code
            .building(self.buildings.iter().rev().take_while(|b| b.parcel == parcel).count() as u16 + 1);
        self.buildings.push(Building {
            id: self.buildings.len() as i64 + 1,
            parcel,
            number: number.expect("building numbers are well formed"),
            floors,
            structure,
            planned_use,
            completion_year: year,
            poly,
        });
        self.buildings.len() - 1
    }

    /// House units of a building: `per_floor` side-by-side units on each floor (户号 = floor·100
    /// + position), or one unit for the whole building when `per_floor` is 0.
    fn add_units(&mut self, building: usize, per_floor: usize, use_: &'static str, stair_size: usize) {
        let b = &self.buildings[building];
        let (floors, poly) = (b.floors, b.poly.clone());
        let r = geo::BoundingRect::bounding_rect(&poly).expect("building has a box");
        let share = 1.0 + self.rng.random_range(0.08..0.16);
        if per_floor == 0 {
            let inner = r.width() * r.height() * f64::from(floors) * 0.88;
            self.push_unit(building, 1, 1, "1".into(), use_, inner, share, poly);
            return;
        }
        let w = r.width() / per_floor as f64;
        let xs: Vec<f64> =
            (0..=per_floor).map(|p| if p == per_floor { r.max().x } else { r.min().x + w * p as f64 }).collect();
        // The outline carries every split point, so building and units share their vertices and
        // stay exactly nested after the transformation to lon/lat.
        let mut ring: Vec<Coord> = xs.iter().map(|&x| Coord { x, y: r.min().y }).collect();
        ring.extend(xs.iter().rev().map(|&x| Coord { x, y: r.max().y }));
        self.buildings[building].poly = Polygon::new(LineString::from(ring), vec![]);
        for floor in 1..=floors {
            for p in 0..per_floor {
                let cell = rect(xs[p], r.min().y, xs[p + 1], r.max().y);
                let stair = p / stair_size.max(1) + 1;
                let label = format!("{stair}单元{floor}{:02}", p % stair_size.max(1) + 1);
                let number = floor as u16 * 100 + p as u16 + 1;
                self.push_unit(building, number, floor, label, use_, w * r.height() * 0.86, share, cell);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_unit(
        &mut self,
        building: usize,
        number: u16,
        floor: i16,
        label: String,
        use_: &'static str,
        inner_m2: f64,
        share: f64,
        poly: Polygon,
    ) {
        let code = self.buildings[building].number.unit(number).expect("unit numbers are well formed");
        let inner = (inner_m2 * 100.0).round() as i64;
        self.units.push(HouseUnit {
            id: self.units.len() as i64 + 1,
            building,
            unit_no: code.fixture_number()[4..].to_owned(),
            code,
            floor,
            room_label: label,
            use_,
            floor_area_cm2: (inner as f64 * share).round() as i64,
            inner_area_cm2: inner,
            poly,
        });
    }

    fn street_name(&self, cell: usize) -> &'static str {
        ROAD_NAMES[(cell / self.grid.nx) % ROAD_NAMES.len()]
    }

    fn place(&self, s: usize) -> String {
        let st = &self.settlements[s];
        format!("{}{}{}", self.county_name, self.districts[st.district].name, st.name)
    }

    /// Rows of homesteads facing south, 20 m deep, 11–15 m wide, a lane in the middle.
    fn homestead_block(&mut self, s: usize, cell: usize, count: usize) {
        let o = self.grid.origin(cell);
        let rows = [(4.0, 24.0), (24.0, 44.0), (56.0, 76.0), (76.0, 96.0)];
        let mut made = 0;
        'rows: for (y0, y1) in rows {
            let mut x = o.x + 4.0;
            for w in split(self.rng, 92.0, 11.0, 15.0) {
                if made == count {
                    break 'rows;
                }
                made += 1;
                let poly = rect(x, o.y + y0, x + w, o.y + y1);
                let n = self.settlements[s].next_seq + 1;
                let address = format!("{}{}号", self.place(s), n);
                let p = self.next_parcel(s, BlockKind::Homestead, "JC", poly, address);
                // Main house along the north side; some have a side house in the yard.
                let depth = self.rng.random_range(8.0..10.0);
                let year = self.rng.random_range(1985..=2022);
                let floors = [1, 2, 2, 2, 3][self.rng.random_range(0..5)];
                let house = rect(x + 0.8, o.y + y1 - 0.8 - depth, x + w - 0.8, o.y + y1 - 0.8);
                let b = self.add_building(
                    p,
                    floors,
                    if year < 2000 { "brick_wood" } else { "mixed" },
                    "residential",
                    year,
                    house,
                );
                self.add_units(b, 0, "residential", 1);
                if self.rng.random_bool(0.3) {
                    let side = rect(x + w - 4.6, o.y + y0 + 1.0, x + w - 0.8, o.y + y0 + 7.0);
                    let b = self.add_building(p, 1, "brick_wood", "residential", year, side);
                    self.add_units(b, 0, "residential", 1);
                }
                x += w;
            }
        }
    }

    /// Old low-rise housing (老旧小区): six parcels, one 3–6 floor walk-up each.
    fn old_town_block(&mut self, s: usize, cell: usize) {
        let o = self.grid.origin(cell);
        let street = self.street_name(cell);
        for r in 0..2 {
            for c in 0..3 {
                let (x0, y0) = (o.x + 4.0 + c as f64 * 92.0 / 3.0, o.y + 4.0 + r as f64 * 46.0);
                let poly = rect(x0, y0, x0 + 92.0 / 3.0, y0 + 46.0);
                let address = format!("{}{}{}号院", self.place(s), street, self.settlements[s].next_seq + 1);
                let p = self.next_parcel(s, BlockKind::OldTown, "GB", poly, address);
                let stairs = self.rng.random_range(1..=2);
                let floors = self.rng.random_range(3..=6);
                let year = self.rng.random_range(1982..=2002);
                let len = 11.0 * stairs as f64;
                let house = rect(x0 + 3.0, y0 + 20.0, x0 + 3.0 + len.min(24.0), y0 + 32.0);
                let b = self.add_building(
                    p,
                    floors,
                    if year < 1992 { "brick_wood" } else { "mixed" },
                    "residential",
                    year,
                    house,
                );
                self.add_units(b, stairs * 2, "residential", 2);
            }
        }
    }

    /// Residential compound (住宅小区): two parcels with two slab buildings each.
    fn compound_block(&mut self, s: usize, cell: usize) {
        let o = self.grid.origin(cell);
        for half in 0..2 {
            let x0 = o.x + 4.0 + half as f64 * 46.0;
            let poly = rect(x0, o.y + 4.0, x0 + 46.0, o.y + 96.0);
            let address = format!("{}{}{}号", self.place(s), self.street_name(cell), self.settlements[s].next_seq + 1);
            let p = self.next_parcel(s, BlockKind::Compound, "GB", poly, address);
            let year = self.rng.random_range(2004..=2024);
            let floors = [6, 6, 11, 11, 18][self.rng.random_range(0..5)];
            for y in [14.0, 56.0] {
                let house = rect(x0 + 5.0, o.y + y, x0 + 41.0, o.y + y + 13.0);
                let b = self.add_building(p, floors, "reinforced_concrete", "residential", year, house);
                self.add_units(b, 4, "residential", 2);
            }
        }
    }

    /// Street shops (商铺): eight narrow parcels with 2–4 floor buildings at the street front.
    fn commercial_block(&mut self, s: usize, cell: usize) {
        let o = self.grid.origin(cell);
        for r in 0..2 {
            for c in 0..4 {
                let (x0, y0) = (o.x + 4.0 + c as f64 * 23.0, o.y + 4.0 + r as f64 * 46.0);
                let poly = rect(x0, y0, x0 + 23.0, y0 + 46.0);
                let address =
                    format!("{}{}{}号", self.place(s), self.street_name(cell), self.settlements[s].next_seq + 1);
                let p = self.next_parcel(s, BlockKind::Commercial, "GB", poly, address);
                let front = if r == 0 { y0 + 1.5 } else { y0 + 46.0 - 15.5 };
                let house = rect(x0 + 2.0, front, x0 + 21.0, front + 14.0);
                let floors = self.rng.random_range(2..=4);
                let year = self.rng.random_range(1998..=2023);
                let b = self.add_building(p, floors, "reinforced_concrete", "commercial", year, house);
                self.add_units(b, 2, "commercial", 2);
            }
        }
    }

    /// A school, clinic or office compound: one parcel, two or three buildings.
    fn public_block(&mut self, s: usize, cell: usize) {
        let o = self.grid.origin(cell);
        let poly = rect(o.x + 4.0, o.y + 4.0, o.x + 96.0, o.y + 96.0);
        let address = format!("{}{}{}号", self.place(s), self.street_name(cell), self.settlements[s].next_seq + 1);
        let p = self.next_parcel(s, BlockKind::Public, "GB", poly, address);
        let n = self.rng.random_range(2..=3);
        for k in 0..n {
            let y = o.y + 12.0 + k as f64 * 27.0;
            let house = rect(o.x + 15.0, y, o.x + 75.0, y + 15.0);
            let (floors, year) = (self.rng.random_range(3..=5), self.rng.random_range(1990..=2020));
            let b = self.add_building(p, floors, "reinforced_concrete", "public", year, house);
            self.add_units(b, 0, "public", 1);
        }
    }

    /// Contracted farmland strips (承包地) or one forest parcel.
    fn farm_block(&mut self, s: usize, cell: usize, strips: usize, kind: BlockKind) {
        let o = self.grid.origin(cell);
        let (feature, what) = if kind == BlockKind::Forest { ("GL", "林地") } else { ("JD", "耕地") };
        let w = 96.0 / strips as f64;
        let vertical = self.rng.random_bool(0.5);
        for k in 0..strips {
            let a = 2.0 + w * k as f64;
            let poly = if vertical {
                rect(o.x + a, o.y + 2.0, o.x + a + w, o.y + 98.0)
            } else {
                rect(o.x + 2.0, o.y + a, o.x + 98.0, o.y + a + w)
            };
            let address = format!("{}{}", self.place(s), what);
            self.next_parcel(s, kind, feature, poly, address);
        }
    }

    /// Each sub-district's cells as row runs, clipped to the county later in SQL.
    fn zone_rects(&self) -> Vec<(usize, Rect)> {
        let mut out = Vec::new();
        for j in 0..self.grid.ny {
            let mut run: Option<(usize, usize, usize)> = None;
            for i in 0..=self.grid.nx {
                let zone =
                    (i < self.grid.nx).then(|| j * self.grid.nx + i).filter(|&c| self.grid.touches[c]).map(|c| {
                        self.owner[c]
                            .filter(|&s| !self.settlements[s].name.is_empty())
                            .unwrap_or_else(|| self.nearest_settlement(self.grid.centre(c)))
                    });
                match (run, zone) {
                    (Some((z, start, _)), Some(nz)) if z == nz => run = Some((z, start, i)),
                    _ => {
                        if let Some((z, start, end)) = run {
                            let a = self.grid.origin(j * self.grid.nx + start);
                            let b = self.grid.origin(j * self.grid.nx + end);
                            out.push((z, Rect::new(a, Coord { x: b.x + CELL, y: b.y + CELL })));
                        }
                        run = zone.map(|z| (z, i, i));
                    }
                }
            }
        }
        out
    }

    /// Arterial roads joining the township seats (a minimum spanning tree, along grid lines),
    /// local roads joining each village to its nearest neighbour, and named streets on the grid
    /// lines of every town.
    fn roads(&self, town_cells: &[Vec<usize>]) -> Vec<Road> {
        let mut roads = Vec::new();
        let snap = |c: Coord| Coord {
            x: self.grid.x0 + ((c.x - self.grid.x0) / CELL).round() * CELL,
            y: self.grid.y0 + ((c.y - self.grid.y0) / CELL).round() * CELL,
        };
        let l_path = |a: Coord, b: Coord| {
            let (a, b) = (snap(a), snap(b));
            MultiLineString::new(vec![LineString::from(vec![a, Coord { x: b.x, y: a.y }, b])])
        };
        let seats: Vec<Coord> = self.districts.iter().map(|d| d.seat).collect();
        for (k, (a, b)) in minimum_spanning_tree(&seats).into_iter().enumerate() {
            roads.push(Road {
                name: Some(format!("县道X{:03}", k + 1)),
                class: "arterial",
                width: 16.0,
                lines: l_path(seats[a], seats[b]),
            });
        }
        let villages: Vec<Coord> = self
            .real_settlements()
            .filter(|&s| !self.settlements[s].is_town)
            .map(|s| self.settlements[s].centre)
            .collect();
        let mut points = seats.clone();
        points.extend(villages.iter().copied());
        for (a, b) in minimum_spanning_tree(&points) {
            if a >= seats.len() || b >= seats.len() {
                roads.push(Road { name: None, class: "local", width: 6.0, lines: l_path(points[a], points[b]) });
            }
        }
        for cells in town_cells {
            let set: HashSet<usize> = cells.iter().copied().collect();
            let mut rows: HashMap<usize, Vec<usize>> = HashMap::new();
            let mut cols: HashMap<usize, Vec<usize>> = HashMap::new();
            for &c in cells {
                rows.entry(c / self.grid.nx).or_default().push(c % self.grid.nx);
                cols.entry(c % self.grid.nx).or_default().push(c / self.grid.nx);
            }
            // A street on the south edge of every town row and the west edge of every column.
            for (&j, is) in &rows {
                let (lo, hi) = (is.iter().min().copied().unwrap_or(0), is.iter().max().copied().unwrap_or(0));
                let y = self.grid.y0 + j as f64 * CELL;
                let line = LineString::from(vec![
                    Coord { x: self.grid.x0 + lo as f64 * CELL, y },
                    Coord { x: self.grid.x0 + (hi + 1) as f64 * CELL, y },
                ]);
                roads.push(Road {
                    name: Some(ROAD_NAMES[j % ROAD_NAMES.len()].to_owned()),
                    class: "collector",
                    width: 12.0,
                    lines: MultiLineString::new(vec![line]),
                });
            }
            for (&i, js) in &cols {
                if !js.iter().any(|&j| set.contains(&(j * self.grid.nx + i))) {
                    continue;
                }
                let (lo, hi) = (js.iter().min().copied().unwrap_or(0), js.iter().max().copied().unwrap_or(0));
                let x = self.grid.x0 + i as f64 * CELL;
                let line = LineString::from(vec![
                    Coord { x, y: self.grid.y0 + lo as f64 * CELL },
                    Coord { x, y: self.grid.y0 + (hi + 1) as f64 * CELL },
                ]);
                let name = ROAD_NAMES[(i + 13) % ROAD_NAMES.len()].replace('路', "街");
                roads.push(Road {
                    name: Some(name),
                    class: "collector",
                    width: 10.0,
                    lines: MultiLineString::new(vec![line]),
                });
            }
        }
        roads
    }
}

/// Prim's algorithm on Manhattan distance; returns the tree's edges.
fn minimum_spanning_tree(points: &[Coord]) -> Vec<(usize, usize)> {
    let n = points.len();
    if n < 2 {
        return Vec::new();
    }
    let manhattan = |a: Coord, b: Coord| (a.x - b.x).abs() + (a.y - b.y).abs();
    let mut in_tree = vec![false; n];
    let mut best = vec![(f64::MAX, 0usize); n];
    in_tree[0] = true;
    for v in 1..n {
        best[v] = (manhattan(points[0], points[v]), 0);
    }
    let mut edges = Vec::with_capacity(n - 1);
    for _ in 1..n {
        let Some(v) = (0..n).filter(|&v| !in_tree[v]).min_by(|&a, &b| best[a].0.total_cmp(&best[b].0)) else { break };
        in_tree[v] = true;
        edges.push((best[v].1, v));
        for w in 0..n {
            if !in_tree[w] {
                let d = manhattan(points[v], points[w]);
                if d < best[w].0 {
                    best[w] = (d, v);
                }
            }
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn split_keeps_every_piece_in_range_and_the_sum() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..2000 {
            let parts = split(&mut rng, 92.0, 11.0, 15.0);
            assert!((parts.iter().sum::<f64>() - 92.0).abs() < 1e-9);
            assert!(parts.iter().all(|&w| (11.0 - 1e-9..=15.0 + 1e-9).contains(&w)), "{parts:?}");
        }
    }
}

//! onemap — the one-map (一张图) server for real-estate registration (不动产登记) and house
//! expropriation (房屋征收与补偿), as a library; `main.rs` is its command line.
//!
//! Floors, each importing only from those below it (checked by `tests/layers.rs`):
//! - ground: [`config`], [`db`], [`base`] (shared state, who is calling, problem bodies, the
//!   audit log's writer);
//! - [`auth`]: sessions, API keys, masking, the access policy and [`auth::Routes`], through
//!   which every module registers its handlers with their access rule;
//! - [`access`]: users' requests for a role or a project, their decision, the access review;
//! - domain modules: [`health`], [`unit_codes`], [`units`], [`identify`], [`search`],
//!   [`survey`], [`archives`], [`registration`], [`relocation`], [`audit`], [`files`],
//!   [`tiles`], [`styles`], [`basemaps`], [`ogc`], then [`exports`] and [`reports`] (which
//!   read through the others) — each keeps its routes, queries (`.sql` files) and types
//!   together; [`backup`] (above the audit log, whose chain it verifies) and [`metrics`]
//!   (which reads the tile cache and the newest backup);
//! - top: [`app`] assembles every module's routes and the middleware stack, and serves.
//!
//! Where a request is handled: `app::modules` lists each module's `routes()`; the handler is
//! named there next to its path and access rule.

pub mod access;
pub mod app;
pub mod archives;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod base;
pub mod basemaps;
pub mod config;
pub mod db;
pub mod exports;
pub mod files;
pub mod health;
pub mod identify;
pub mod metrics;
pub mod ogc;
pub mod registration;
pub mod relocation;
pub mod reports;
pub mod search;
pub mod styles;
pub mod survey;
pub mod tiles;
pub mod unit_codes;
pub mod units;

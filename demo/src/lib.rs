//! `onemap demo load`: a realistic synthetic county on the real boundary of 温县 (410825),
//! deterministic for a seed, loaded in one transaction.
//!
//! The land is laid out in metres in the county's CGCS2000 Gauss-Krüger zone (EPSG:4526) and
//! transformed to EPSG:4490 by PostGIS on the way in. Photos and documents are written to a
//! side directory and moved into `<data-dir>/files` only after the transaction commits.

mod copy;
mod layout;
pub mod media;
mod names;
mod registration;
mod relocation;

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use geo::{Geometry, MultiPolygon};
use geozero::ToGeo;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection, PgPool};

use copy::{CopyRows, copy_into, copy_staged};
use layout::Layout;
use registration::Registry;
use relocation::Relocation;

/// The demo county.
pub const COUNTY_CODE: &str = "410825";
const COUNTY_NAME: &str = "温县";
/// CGCS2000 / 3-degree Gauss-Krüger zone 38 (central meridian 114°E), with zone prefix.
pub const GK_SRID: i32 = 4526;
const BOUNDARY: &str = include_str!("../../data/reference/county-410825.geojson");
const TOWNS: &str = include_str!("../../data/reference/towns-410825.csv");
/// Bumped whenever the generator's output changes for the same seed.
const GENERATOR_VERSION: i32 = 1;

#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Number of parcels to generate (about); 500000 builds the benchmark county
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(2_000..=2_000_000))]
    pub parcels: u32,
    /// Random seed; the same seed gives the same county
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Do nothing when the database already holds parcels
    #[arg(long, conflicts_with = "replace")]
    pub if_empty: bool,
    /// Replace the data already in the database
    #[arg(long)]
    pub replace: bool,
    /// Leave the certificates unsigned (each is signed when it is first needed)
    #[arg(long)]
    pub no_sign: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds {0} parcels: use --replace to replace them or --if-empty to keep them")]
    NotEmpty(i64),
    #[error("database error while loading the demo: {0}")]
    Db(#[from] sqlx::Error),
    #[error("cannot write demo files under {path}: {source}")]
    Files { path: PathBuf, source: std::io::Error },
    #[error("cannot read the county boundary: {0}")]
    Boundary(String),
    #[error("cannot encode {what}: {message}")]
    Encode { what: &'static str, message: String },
    #[error("cannot finish the demo load: {0}")]
    Finish(String),
}

fn step(started: &Instant, what: &str) {
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo: {what}");
}

/// What the caller adds inside the load's transaction before it commits (the server adds the
/// demo users and the audit row): the ids of the appraisal firms of the first two projects,
/// and what was loaded.
pub struct Loaded<'a> {
    pub tx: &'a mut PgConnection,
    pub firms: [i64; 2],
    pub info: serde_json::Value,
}

/// Loads the demo county in one transaction; photos and documents go to `files_dir` once it
/// has committed. `finish` runs last inside the transaction. Returns whether it loaded (not
/// with `--if-empty` on a database that holds parcels).
pub async fn load<F>(pool: &PgPool, files_dir: &Path, args: &LoadArgs, finish: F) -> Result<bool, DemoError>
where
    F: AsyncFnOnce(Loaded<'_>) -> Result<(), String>,
{
    let started = Instant::now();
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM parcels").fetch_one(pool).await?;
    if existing > 0 && args.if_empty {
        println!("the database already holds {existing} parcels; demo not loaded (--if-empty)");
        return Ok(false);
    }
    if existing > 0 && !args.replace {
        return Err(DemoError::NotEmpty(existing));
    }
    let incoming = files_dir.join(format!(".incoming-{}", std::process::id()));
    let result = load_inner(pool, args, &incoming, &started, finish).await;
    match result {
        Ok(summary) => {
            for sub in ["photos", "archives", "thumbnails", "certificates"] {
                let target = files_dir.join(sub);
                if target.exists() {
                    std::fs::remove_dir_all(&target)
                        .map_err(|source| DemoError::Files { path: target.clone(), source })?;
                }
                let from = incoming.join(sub);
                if from.exists() {
                    std::fs::rename(&from, &target)
                        .map_err(|source| DemoError::Files { path: target.clone(), source })?;
                }
            }
            let _ = std::fs::remove_dir_all(&incoming);
            sqlx::query("ANALYZE").execute(pool).await?;
            step(&started, "done");
            println!("{summary} in {:.1} s", started.elapsed().as_secs_f64());
            Ok(true)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&incoming);
            Err(e)
        }
    }
}

async fn load_inner<F>(
    pool: &PgPool,
    args: &LoadArgs,
    incoming: &Path,
    started: &Instant,
    finish: F,
) -> Result<String, DemoError>
where
    F: AsyncFnOnce(Loaded<'_>) -> Result<(), String>,
{
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    // The history of parcels, buildings and house units names the demo generator as the writer.
    sqlx::query("SELECT set_config('onemap.actor', 'demo', true)").execute(&mut *tx).await?;
    if args.replace {
        sqlx::query(include_str!("truncate.sql")).execute(&mut *tx).await?;
    }

    // The county, and its outline in Gauss-Krüger metres for the layout.
    let towns = read_towns()?;
    sqlx::query(include_str!("insert_county.sql"))
        .bind(COUNTY_CODE)
        .bind(COUNTY_NAME)
        .bind(GK_SRID)
        .bind(BOUNDARY)
        .execute(&mut *tx)
        .await?;
    let wkb: Vec<u8> =
        sqlx::query_scalar("SELECT ST_AsBinary(ST_Transform(geom, $2)) FROM admin_areas WHERE code = $1")
            .bind(COUNTY_CODE)
            .bind(GK_SRID)
            .fetch_one(&mut *tx)
            .await?;
    let county = match geozero::wkb::Wkb(wkb).to_geo().map_err(|e| DemoError::Boundary(e.to_string()))? {
        Geometry::MultiPolygon(m) => m,
        Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        other => return Err(DemoError::Boundary(format!("unexpected geometry {other:?}"))),
    };
    step(started, "county boundary loaded");

    let seed = args.seed;
    let target = args.parcels as usize;
    let (layout, registry, relocation) = tokio::task::spawn_blocking(move || {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let layout = layout::Generator::new(&mut rng, &county, COUNTY_NAME, &towns).run(target);
        let mut people = names::PeopleFactory::new(COUNTY_CODE);
        let mut registry = registration::generate(&mut rng, &mut people, &layout);
        let relocation = relocation::generate(&mut rng, &mut people, &layout, &mut registry);
        (layout, registry, relocation)
    })
    .await
    .map_err(|e| DemoError::Encode { what: "the layout", message: e.to_string() })?;
    step(
        started,
        &format!(
            "generated {} parcels, {} buildings, {} house units",
            layout.parcels.len(),
            layout.buildings.len(),
            layout.units.len()
        ),
    );

    load_zones(&mut tx, &layout).await?;
    step(started, "cadastral zones and towns loaded");
    load_land(&mut tx, &layout).await?;
    step(started, "parcels, buildings, house units and roads loaded");
    load_registry(&mut tx, &layout, &registry).await?;
    step(started, "right holders, rights and certificates loaded");
    load_relocation(&mut tx, &layout, &registry, &relocation).await?;
    step(started, "relocation projects and compensation units loaded");
    load_media(&mut tx, &relocation, incoming, seed).await?;
    step(started, "photos and archive documents written");

    let info = serde_json::json!({
        "seed": seed, "parcels_requested": target, "generator_version": GENERATOR_VERSION,
        "county": COUNTY_CODE, "gk_srid": GK_SRID,
    });
    sqlx::query("INSERT INTO dataset_info (key, value) VALUES ('demo', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()")
        .bind(&info)
        .execute(&mut *tx)
        .await?;
    sqlx::query(include_str!("reset_identities.sql")).execute(&mut *tx).await?;
    let firm_of = |k: usize| relocation.firms[relocation.projects[k].firm].id;
    finish(Loaded { tx: &mut tx, firms: [firm_of(0), firm_of(1)], info }).await.map_err(DemoError::Finish)?;
    step(started, "demo users created");
    tx.commit().await?;
    Ok(format!(
        "loaded the demo county {COUNTY_NAME} (seed {seed}): {} parcels, {} buildings, {} house units, {} compensation units, {} photos",
        layout.parcels.len(),
        layout.buildings.len(),
        layout.units.len(),
        relocation.units.len(),
        relocation.photos.len()
    ))
}

fn read_towns() -> Result<Vec<(String, String)>, DemoError> {
    let mut out = Vec::new();
    for row in csv::Reader::from_reader(TOWNS.as_bytes()).records() {
        let row = row.map_err(|e| DemoError::Boundary(e.to_string()))?;
        out.push((row[0].to_owned(), row[1].to_owned()));
    }
    Ok(out)
}

async fn load_zones(tx: &mut PgConnection, layout: &Layout) -> Result<(), DemoError> {
    let mut names = CopyRows::new();
    for (s, st) in layout.settlements.iter().enumerate().filter(|(_, s)| !s.name.is_empty()) {
        let d = &layout.districts[st.district];
        names
            .int(s as i64)
            .text(&d.town_code)
            .text(&d.name)
            .text(&format!("{}{:03}", d.town_code, st.number))
            .text(&st.name)
            .end();
    }
    let mut cells = CopyRows::new();
    for (s, r) in &layout.zone_rects {
        cells.int(*s as i64).geom(&Geometry::Rect(*r), GK_SRID)?.end();
    }
    sqlx::query("CREATE TEMP TABLE zone_names (settlement int, district_code text, district_name text, code text, name text) ON COMMIT DROP")
        .execute(&mut *tx)
        .await?;
    sqlx::query("CREATE TEMP TABLE zone_cells (settlement int, geom geometry) ON COMMIT DROP")
        .execute(&mut *tx)
        .await?;
    copy_into(tx, "zone_names", "settlement, district_code, district_name, code, name", names).await?;
    copy_into(tx, "zone_cells", "settlement, geom", cells).await?;
    sqlx::raw_sql(include_str!("zones.sql")).execute(&mut *tx).await?;
    Ok(())
}

async fn load_land(tx: &mut PgConnection, layout: &Layout) -> Result<(), DemoError> {
    let mut rows = CopyRows::new();
    for p in &layout.parcels {
        rows.int(p.id).text(p.code.as_str()).text(&p.address).text(p.land_use).text(p.right_type).text(p.right_nature);
        rows.geom(&Geometry::Polygon(p.poly.clone()), GK_SRID)?.end();
    }
    copy_staged(
        tx,
        "parcels",
        &["id", "parcel_code", "address", "land_use", "right_type", "right_nature", "geom"],
        rows,
    )
    .await?;
    sqlx::query("UPDATE parcels SET registered_area_m2 = round(area_m2::numeric, 2)").execute(&mut *tx).await?;

    let mut rows = CopyRows::new();
    for b in &layout.buildings {
        let p = &layout.parcels[b.parcel];
        rows.int(b.id)
            .int(p.id)
            .text(b.number.as_str())
            .int(i64::from(b.floors))
            .text(b.structure)
            .text(b.planned_use)
            .int(i64::from(b.completion_year));
        rows.geom(&Geometry::Polygon(b.poly.clone()), GK_SRID)?.end();
    }
    copy_staged(
        tx,
        "buildings",
        &["id", "parcel_id", "building_no", "floors", "structure", "planned_use", "completion_year", "geom"],
        rows,
    )
    .await?;

    let mut rows = CopyRows::new();
    for u in &layout.units {
        let b = &layout.buildings[u.building];
        rows.int(u.id)
            .int(b.id)
            .text(u.code.as_str())
            .int(i64::from(u.floor))
            .text(&u.unit_no)
            .text(&u.room_label)
            .text(u.use_);
        rows.cents(u.floor_area_cm2).cents(u.inner_area_cm2).cents(u.floor_area_cm2 - u.inner_area_cm2);
        rows.geom(&Geometry::Polygon(u.poly.clone()), GK_SRID)?.end();
    }
    copy_staged(
        tx,
        "house_units",
        &[
            "id",
            "building_id",
            "unit_code",
            "floor",
            "unit_no",
            "room_label",
            "use",
            "floor_area_m2",
            "inner_area_m2",
            "shared_area_m2",
            "geom",
        ],
        rows,
    )
    .await?;

    let mut rows = CopyRows::new();
    for (i, r) in layout.roads.iter().enumerate() {
        rows.int(i as i64 + 1).opt_text(r.name.as_deref()).text(r.class).float(f64::from(r.width));
        rows.geom(&Geometry::MultiLineString(r.lines.clone()), GK_SRID)?.end();
    }
    copy_staged(tx, "roads", &["id", "name", "class", "width_m", "geom"], rows).await?;
    Ok(())
}

async fn load_registry(tx: &mut PgConnection, layout: &Layout, reg: &Registry) -> Result<(), DemoError> {
    let _ = layout;
    let mut rows = CopyRows::new();
    for h in &reg.holders {
        rows.int(h.id).text(&h.name).text(if h.person { "person" } else { "organization" }).text(if h.person {
            "resident_id"
        } else {
            "credit_code"
        });
        rows.text(&h.id_number).opt_text(h.phone.as_deref()).opt_text(h.address.as_deref()).end();
    }
    copy_into(tx, "right_holders", "id, name, holder_type, id_type, id_number, phone, address", rows).await?;

    let mut rows = CopyRows::new();
    for r in &reg.rights {
        rows.int(r.id)
            .text(r.kind)
            .text(r.status)
            .text(&r.business_no)
            .text(&r.unit_code)
            .opt_int(r.house_unit_id)
            .opt_int(r.parcel_id);
        rows.opt_text(r.right_nature)
            .opt_text(r.co_ownership)
            .date(Some(r.registered_on))
            .date(r.starts_on)
            .date(r.ends_on)
            .date(r.cancelled_on);
        match r.secured_amount_cents {
            Some(c) => rows.cents(c),
            None => rows.null(),
        };
        rows.opt_text(r.authority.as_deref()).opt_text(r.document_no.as_deref()).end();
    }
    copy_into(
        tx,
        "rights",
        "id, kind, status, business_no, unit_code, house_unit_id, parcel_id, right_nature, co_ownership, registered_on, starts_on, ends_on, cancelled_on, secured_amount, authority, document_no",
        rows,
    )
    .await?;

    let mut rows = CopyRows::new();
    for p in &reg.parties {
        rows.int(p.right_id).int(p.holder_id).text(p.role).opt_text(p.share).end();
    }
    copy_into(tx, "right_parties", "right_id, holder_id, role, share", rows).await?;

    let (issuer, seal) = reg.issuer_signature();
    let mut rows = CopyRows::new();
    for c in &reg.certificates {
        let signed_at = format!("{} 10:00:00+08", c.issued_on);
        rows.int(c.id)
            .text(&c.identifier)
            .text(&c.number)
            .text(c.kind)
            .int(c.right_id)
            .int(c.holder_id)
            .text(issuer)
            .text(&reg.issuer_code);
        rows.date(Some(c.issued_on)).text(c.status).date(c.cancelled_on).text(issuer).text(&signed_at).text(seal);
        rows.text(&format!("{}|{}", c.identifier, c.number)).end();
    }
    copy_into(
        tx,
        "certificates",
        "id, identifier, number, kind, right_id, holder_id, issuer_name, issuer_code, issued_on, status, cancelled_on, signer, signed_at, seal_name, qr_content",
        rows,
    )
    .await?;
    Ok(())
}

async fn load_relocation(
    tx: &mut PgConnection,
    layout: &Layout,
    reg: &Registry,
    rel: &Relocation,
) -> Result<(), DemoError> {
    let mut rows = CopyRows::new();
    for f in &rel.firms {
        rows.int(f.id).text(f.name).text(&f.credit_code).text("一级").text(&f.phone).end();
    }
    copy_into(tx, "appraisal_firms", "id, name, credit_code, qualification, phone", rows).await?;

    let mut rows = CopyRows::new();
    for p in &rel.projects {
        rows.int(p.id).text(&p.code).text(&p.name).text(COUNTY_CODE).text(p.stage).text("温县房屋征收与补偿中心");
        rows.geom(&Geometry::MultiPolygon(p.boundary.clone()), GK_SRID)?;
        rows.date(Some(p.approved_on))
            .text(&p.decision_no)
            .date(Some(p.decision_on))
            .date(Some(p.signing_starts_on))
            .date(Some(p.signing_ends_on));
        rows.cents(p.budget_cents).cents(p.budget_cents).end();
    }
    copy_staged(
        tx,
        "relocation_projects",
        &[
            "id",
            "code",
            "name",
            "county_code",
            "stage",
            "implementing_agency",
            "boundary",
            "approved_on",
            "decision_no",
            "decision_announced_on",
            "signing_starts_on",
            "signing_ends_on",
            "budget",
            "funds_deposited",
        ],
        rows,
    )
    .await?;

    let (mut events, mut appointments) = (CopyRows::new(), CopyRows::new());
    for p in &rel.projects {
        for (stage, on, note) in &p.events {
            events.int(p.id).text(stage).date(Some(*on)).text(note).end();
        }
        appointments.int(p.id).int(rel.firms[p.firm].id).date(Some(p.appointed_on)).text(p.selection_method).end();
    }
    copy_into(tx, "project_stage_events", "project_id, stage, happened_on, note", events).await?;
    copy_into(tx, "project_appraisal_firms", "project_id, firm_id, appointed_on, selection_method", appointments)
        .await?;

    let mut rows = CopyRows::new();
    for u in &rel.units {
        let p = &rel.projects[u.project];
        rows.int(u.id)
            .int(p.id)
            .text(&u.code)
            .opt_int(u.house_unit.map(|h| layout.units[h].id))
            .int(layout.parcels[u.parcel].id);
        rows.opt_text(u.unit_code.as_deref()).opt_text(u.certificate_no.as_deref()).text(&u.address);
        rows.geom(&Geometry::Polygon(u.poly.clone()), GK_SRID)?;
        rows.opt_int(u.owner.map(|o| reg.holders[o].id)).opt_int(u.tenant.map(|t| reg.holders[t].id));
        match u.registered_area_cm2 {
            Some(a) => rows.cents(a),
            None => rows.null(),
        };
        rows.cents(u.surveyed_area_cm2)
            .text(u.approved_use)
            .text(u.actual_use)
            .text(u.structure)
            .int(i64::from(u.year_built))
            .text(u.legality);
        rows.opt_text(u.business_name.as_deref());
        let appraised = u.appraised_on.is_some();
        rows.opt_int(appraised.then(|| rel.firms[p.firm].id))
            .opt_text(u.appraiser.as_deref())
            .date(appraised.then_some(p.decision_on));
        rows.opt_text(u.report_no.as_deref());
        match u.unit_price_yuan {
            Some(v) => rows.cents(v * 100),
            None => rows.null(),
        };
        rows.opt_text(u.review).opt_text(u.mode);
        match (u.resettlement_area_cm2, u.resettlement_price_yuan) {
            (Some(a), Some(pr)) => rows.cents(a).cents(pr * 100),
            _ => rows.null().null(),
        };
        let it = &u.items;
        rows.cents(u.resettlement_value)
            .cents(it.house_value)
            .cents(it.decoration)
            .cents(it.moving_fee)
            .int(i64::from(it.temp_months));
        rows.cents(it.temp_rate)
            .cents(it.temp_fee)
            .cents(it.business_loss)
            .cents(it.reward)
            .cents(it.subsidy)
            .cents(it.total());
        rows.opt_text(u.agreement_no.as_deref())
            .date(u.signed_on)
            .date(u.move_out_deadline)
            .opt_text(u.decision_no.as_deref())
            .date(u.decision_on);
        rows.text(u.status)
            .date(Some(u.surveyed_on))
            .date(u.appraised_on)
            .date(u.moved_out_on)
            .date(u.demolished_on)
            .end();
    }
    copy_staged(
        tx,
        "compensation_units",
        &[
            "id",
            "project_id",
            "code",
            "house_unit_id",
            "parcel_id",
            "unit_code",
            "certificate_no",
            "address",
            "geom",
            "owner_id",
            "tenant_id",
            "registered_area_m2",
            "surveyed_area_m2",
            "approved_use",
            "actual_use",
            "structure",
            "year_built",
            "legality",
            "business_name",
            "appraisal_firm_id",
            "appraiser_name",
            "valuation_date",
            "appraisal_report_no",
            "unit_price",
            "appraisal_review",
            "compensation_mode",
            "resettlement_area_m2",
            "resettlement_unit_price",
            "resettlement_value",
            "house_value",
            "decoration_value",
            "moving_fee",
            "temp_resettlement_months",
            "temp_resettlement_rate",
            "temp_resettlement_fee",
            "business_loss",
            "reward",
            "subsidy",
            "total_amount",
            "agreement_no",
            "agreement_signed_on",
            "move_out_deadline",
            "decision_no",
            "decision_on",
            "status",
            "surveyed_on",
            "appraised_on",
            "moved_out_on",
            "demolished_on",
        ],
        rows,
    )
    .await?;

    let mut rows = CopyRows::new();
    for pay in &rel.payments {
        let unit = &rel.units[pay.unit];
        rows.int(pay.id)
            .int(unit.id)
            .int(rel.projects[unit.project].id)
            .text(&pay.voucher_no)
            .text(pay.purpose)
            .cents(pay.amount)
            .date(Some(pay.paid_on));
        rows.text(&pay.payee).text(pay.bank).text(&pay.account).end();
    }
    copy_into(
        tx,
        "payments",
        "id, compensation_unit_id, project_id, voucher_no, purpose, amount, paid_on, payee_name, payee_bank, payee_account",
        rows,
    )
    .await?;
    // What each project's dedicated account received is its opening deposit (期初余额).
    sqlx::query(include_str!("opening_deposits.sql")).execute(&mut *tx).await?;
    Ok(())
}

fn write_file(root: &Path, rel: &str, bytes: &[u8]) -> Result<String, DemoError> {
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| DemoError::Files { path: dir.into(), source })?;
    }
    std::fs::write(&path, bytes).map_err(|source| DemoError::Files { path: path.clone(), source })?;
    Ok(hex::encode(Sha256::digest(bytes)))
}

async fn load_media(tx: &mut PgConnection, rel: &Relocation, incoming: &Path, seed: u64) -> Result<(), DemoError> {
    // Shooting positions to lon/lat (EXIF needs them) in one round trip.
    let xs: Vec<f64> = rel.photos.iter().map(|p| p.at.x).collect();
    let ys: Vec<f64> = rel.photos.iter().map(|p| p.at.y).collect();
    let lonlat: Vec<(f64, f64)> =
        sqlx::query_as(include_str!("to_lonlat.sql")).bind(&xs).bind(&ys).bind(GK_SRID).fetch_all(&mut *tx).await?;

    let mut rows = CopyRows::new();
    for (p, (lon, lat)) in rel.photos.iter().zip(lonlat) {
        let jpeg = media::photo_jpeg(
            seed ^ (p.id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            lon,
            lat,
            p.taken_at,
            p.direction,
        )
        .map_err(|e| DemoError::Encode { what: "a photo", message: e.to_string() })?;
        let sha = write_file(incoming, &p.file_path, &jpeg)?;
        let unit = &rel.units[p.unit];
        rows.int(p.id).int(unit.id).int(rel.projects[unit.project].id).text(&p.photo_no).text(&p.taken_at.to_rfc3339());
        rows.text(&format!("SRID=4490;POINT({lon} {lat})"))
            .float(f64::from(p.direction))
            .text(&p.taken_by)
            .text(&p.caption);
        rows.text(&p.file_path)
            .text(&sha)
            .int(jpeg.len() as i64)
            .text("image/jpeg")
            .int(i64::from(media::PHOTO_WIDTH))
            .int(i64::from(media::PHOTO_HEIGHT))
            .end();
    }
    copy_into(
        tx,
        "photos",
        "id, compensation_unit_id, project_id, photo_no, taken_at, geom, direction_deg, taken_by, caption, file_path, sha256, size_bytes, mime_type, width, height",
        rows,
    )
    .await?;

    let mut rows = CopyRows::new();
    for d in &rel.documents {
        let pdf = media::document_pdf(&d.title, &d.lines);
        let sha = write_file(incoming, &d.file_path, &pdf)?;
        rows.int(d.id)
            .text(&d.archive_no)
            .int(rel.projects[d.project].id)
            .opt_int(d.unit.map(|u| rel.units[u].id))
            .text(d.category);
        rows.text(&d.title)
            .date(Some(d.date))
            .text(&d.file_path)
            .text(&sha)
            .int(pdf.len() as i64)
            .text("application/pdf")
            .end();
    }
    copy_into(
        tx,
        "archive_documents",
        "id, archive_no, project_id, compensation_unit_id, category, title, document_date, file_path, sha256, size_bytes, mime_type",
        rows,
    )
    .await?;
    Ok(())
}

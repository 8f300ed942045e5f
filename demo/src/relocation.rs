//! Two house-expropriation projects over the county seat's old town: appraisal firms,
//! compensation units in every state with amounts that add up, payments, field photos and
//! archive documents.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use geo::{Area, BooleanOps, BoundingRect, Centroid, Coord, MultiPolygon, Polygon};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;

use super::layout::Layout;
use super::names::{self, PeopleFactory};
use super::registration::{BANKS, Registry, date, day_between};

/// Last day the demo's history reaches.
const DEMO_TODAY: (i32, u32, u32) = (2026, 11, 15);
const AGENCY: &str = "温县房屋征收与补偿中心";

#[derive(Debug, Clone)]
pub struct Firm {
    pub id: i64,
    pub name: &'static str,
    pub short: &'static str,
    pub credit_code: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub stage: &'static str,
    pub boundary: MultiPolygon,
    pub approved_on: NaiveDate,
    pub decision_no: String,
    pub decision_on: NaiveDate,
    pub signing_starts_on: NaiveDate,
    pub signing_ends_on: NaiveDate,
    pub budget_cents: i64,
    pub firm: usize,
    pub appointed_on: NaiveDate,
    pub selection_method: &'static str,
    pub events: Vec<(&'static str, NaiveDate, &'static str)>,
}

/// Compensation items, in fen (cents of a yuan).
#[derive(Debug, Clone, Default)]
pub struct Items {
    pub house_value: i64,
    pub decoration: i64,
    pub moving_fee: i64,
    pub temp_months: i16,
    pub temp_rate: i64,
    pub temp_fee: i64,
    pub business_loss: i64,
    pub reward: i64,
    pub subsidy: i64,
}

impl Items {
    pub fn total(&self) -> i64 {
        self.house_value
            + self.decoration
            + self.moving_fee
            + self.temp_fee
            + self.business_loss
            + self.reward
            + self.subsidy
    }
}

#[derive(Debug, Clone)]
pub struct CompUnit {
    pub id: i64,
    pub project: usize,
    pub code: String,
    pub house_unit: Option<usize>,
    pub parcel: usize,
    pub unit_code: Option<String>,
    pub certificate_no: Option<String>,
    pub address: String,
    pub poly: Polygon,
    pub owner: Option<usize>,
    pub tenant: Option<usize>,
    pub registered_area_cm2: Option<i64>,
    pub surveyed_area_cm2: i64,
    pub approved_use: &'static str,
    pub actual_use: &'static str,
    pub structure: &'static str,
    pub year_built: i16,
    pub legality: &'static str,
    pub business_name: Option<String>,
    pub appraiser: Option<String>,
    pub report_no: Option<String>,
    pub unit_price_yuan: Option<i64>,
    pub review: Option<&'static str>,
    pub mode: Option<&'static str>,
    pub resettlement_area_cm2: Option<i64>,
    pub resettlement_price_yuan: Option<i64>,
    pub resettlement_value: i64,
    pub items: Items,
    pub agreement_no: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub move_out_deadline: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub decision_on: Option<NaiveDate>,
    pub status: &'static str,
    pub surveyed_on: NaiveDate,
    pub appraised_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub moved_out_on: Option<NaiveDate>,
    pub demolished_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub id: i64,
    pub unit: usize,
    pub voucher_no: String,
    pub purpose: &'static str,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub payee: String,
    pub bank: &'static str,
    pub account: String,
}

#[derive(Debug, Clone)]
pub struct Photo {
    pub id: i64,
    pub unit: usize,
    pub photo_no: String,
    pub taken_at: DateTime<FixedOffset>,
    /// Shooting position in the Gauss-Krüger zone; turned into lon/lat by the loader.
    pub at: Coord,
    pub direction: f32,
    pub taken_by: String,
    pub caption: String,
    pub file_path: String,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub id: i64,
    pub archive_no: String,
    pub project: usize,
    pub unit: Option<usize>,
    pub category: &'static str,
    pub title: String,
    pub date: NaiveDate,
    pub file_path: String,
    pub lines: Vec<String>,
}

pub struct Relocation {
    pub firms: Vec<Firm>,
    pub projects: Vec<Project>,
    pub units: Vec<CompUnit>,
    pub payments: Vec<Payment>,
    pub photos: Vec<Photo>,
    pub documents: Vec<Document>,
}

struct Plan {
    code: &'static str,
    name: &'static str,
    stage: &'static str,
    target_units: usize,
    approved_on: NaiveDate,
    survey: (NaiveDate, NaiveDate),
    decision_on: NaiveDate,
    decision_no: &'static str,
    signing: (NaiveDate, NaiveDate),
    compensation_decision_on: NaiveDate,
    price: (i64, i64),
    resettlement_price: i64,
    reward_yuan: i64,
    selection_method: &'static str,
    /// Shares of units by status: demolished, paid, signed, appraised (rest: surveyed).
    shares: [f64; 4],
}

fn plans() -> [Plan; 2] {
    [
        Plan {
            code: "WX-ZS-2023-01",
            name: "温县温泉街道老城区（东片）房屋征收项目",
            stage: "demolition",
            target_units: 300,
            approved_on: date(2023, 2, 15),
            survey: (date(2023, 3, 10), date(2023, 4, 28)),
            decision_on: date(2023, 8, 18),
            decision_no: "温政征决〔2023〕3号",
            signing: (date(2023, 9, 20), date(2023, 12, 31)),
            compensation_decision_on: date(2024, 3, 15),
            price: (4300, 5300),
            resettlement_price: 3600,
            reward_yuan: 30_000,
            selection_method: "vote",
            shares: [0.45, 0.25, 0.15, 0.10],
        },
        Plan {
            code: "WX-ZS-2025-02",
            name: "温县温泉街道老城区（西片）棚户区改造房屋征收项目",
            stage: "agreement",
            target_units: 1500,
            approved_on: date(2025, 3, 1),
            survey: (date(2025, 4, 1), date(2025, 5, 30)),
            decision_on: date(2025, 8, 20),
            decision_no: "温政征决〔2025〕7号",
            signing: (date(2025, 12, 1), date(2026, 11, 30)),
            compensation_decision_on: date(2026, 12, 31),
            price: (4700, 5900),
            resettlement_price: 3900,
            reward_yuan: 50_000,
            selection_method: "lottery",
            shares: [0.02, 0.08, 0.20, 0.40],
        },
    ]
}

fn add_days(d: NaiveDate, from: u64, to: u64, rng: &mut ChaCha8Rng) -> NaiveDate {
    d + chrono::Days::new(rng.random_range(from..=to))
}

pub fn generate(rng: &mut ChaCha8Rng, people: &mut PeopleFactory, layout: &Layout, reg: &mut Registry) -> Relocation {
    let today = date(DEMO_TODAY.0, DEMO_TODAY.1, DEMO_TODAY.2);
    let firms = vec![
        Firm {
            id: 1,
            name: "焦作同信房地产估价有限公司",
            short: "同信",
            credit_code: names::credit_code(rng, "91", "410800"),
            phone: people.phone(rng),
        },
        Firm {
            id: 2,
            name: "河南德衡土地房地产评估有限公司",
            short: "德衡",
            credit_code: names::credit_code(rng, "91", "410100"),
            phone: people.phone(rng),
        },
    ];

    // House units per old-town block; the large project takes blocks from the west, the small
    // one from the east.
    let mut units_in_parcel: Vec<Vec<usize>> = vec![Vec::new(); layout.parcels.len()];
    for (u, unit) in layout.units.iter().enumerate() {
        units_in_parcel[layout.buildings[unit.building].parcel].push(u);
    }
    let mut blocks: Vec<usize> = (0..layout.old_town.len()).collect();
    blocks.sort_by(|&a, &b| layout.old_town[a].0.min().x.total_cmp(&layout.old_town[b].0.min().x));
    let block_units = |b: usize| layout.old_town[b].1.iter().map(|&p| units_in_parcel[p].len()).sum::<usize>();
    let mut taken = HashSet::new();
    let plans = plans();
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); 2];
    for (k, order) in [(1usize, blocks.clone()), (0usize, blocks.iter().rev().copied().collect::<Vec<_>>())] {
        let mut count = 0;
        for b in order {
            if count >= plans[k].target_units || taken.contains(&b) {
                continue;
            }
            if count > 0 && count + block_units(b) / 2 > plans[k].target_units {
                break;
            }
            taken.insert(b);
            count += block_units(b);
            chosen[k].push(b);
        }
    }

    let mut out = Relocation {
        firms,
        projects: Vec::new(),
        units: Vec::new(),
        payments: Vec::new(),
        photos: Vec::new(),
        documents: Vec::new(),
    };
    let mut doc_seq = [0usize; 2];
    for (k, plan) in plans.iter().enumerate() {
        let cells: Vec<Polygon> = chosen[k].iter().map(|&b| layout.old_town[b].0.to_polygon()).collect();
        let boundary =
            cells.iter().fold(MultiPolygon::new(vec![]), |acc, p| acc.union(&MultiPolygon::new(vec![p.clone()])));
        let appointed_on = plan.decision_on + chrono::Days::new(10);
        let project = Project {
            id: k as i64 + 1,
            code: plan.code.into(),
            name: plan.name.into(),
            stage: plan.stage,
            boundary,
            approved_on: plan.approved_on,
            decision_no: plan.decision_no.into(),
            decision_on: plan.decision_on,
            signing_starts_on: plan.signing.0,
            signing_ends_on: plan.signing.1,
            budget_cents: 0,
            firm: k,
            appointed_on,
            selection_method: plan.selection_method,
            events: vec![
                ("setup", plan.approved_on, "项目立项批准"),
                ("scope", plan.approved_on + chrono::Days::new(14), "征收范围论证"),
                ("survey", plan.survey.0, "入户调查登记"),
                ("plan", plan.survey.1 + chrono::Days::new(10), "补偿方案论证并公开征求意见（30日）"),
                ("risk_assessment", plan.survey.1 + chrono::Days::new(50), "社会稳定风险评估"),
                ("decision", plan.decision_on, "征收决定公告"),
                ("appraisal", appointed_on, "选定评估机构，分户评估"),
                ("agreement", plan.signing.0, "签约期开始"),
            ],
        };
        out.projects.push(project);
        if k == 0 {
            let p = &mut out.projects[0].events;
            p.push(("payment", plan.signing.0 + chrono::Days::new(20), "补偿款拨付"));
            p.push(("demolition", plan.signing.1 + chrono::Days::new(30), "搬迁拆除"));
        }

        // Compensation units: every house unit of the chosen blocks, plus one unregistered
        // shed per block found in the survey.
        let mut members: Vec<(Option<usize>, usize)> = Vec::new();
        for &b in &chosen[k] {
            for &p in &layout.old_town[b].1 {
                members.extend(units_in_parcel[p].iter().map(|&u| (Some(u), p)));
            }
            if let Some(&p) = layout.old_town[b].1.first() {
                members.push((None, p));
            }
        }
        let mut statuses: Vec<&'static str> = Vec::with_capacity(members.len());
        let n = members.iter().filter(|m| m.0.is_some()).count() as f64;
        for (s, share) in ["demolished", "paid", "signed", "appraised"].iter().zip(plan.shares) {
            statuses.extend(std::iter::repeat_n(*s, (n * share).round() as usize));
        }
        statuses.resize(n as usize, "surveyed");
        statuses.shuffle(rng);
        let mut statuses = statuses.into_iter();

        for (seq, (house_unit, parcel)) in members.into_iter().enumerate() {
            let id = out.units.len() as i64 + 1;
            let surveyed_on = day_between(rng, plan.survey.0, plan.survey.1);
            let pb = layout.parcels[parcel].poly.bounding_rect().map(|r| r.min()).unwrap_or(Coord { x: 0.0, y: 0.0 });
            let mut cu = CompUnit {
                id,
                project: k,
                code: format!("{}-{:04}", plan.code, seq + 1),
                house_unit,
                parcel,
                unit_code: None,
                certificate_no: None,
                address: layout.parcels[parcel].address.clone(),
                poly: geo::Rect::new(Coord { x: pb.x + 1.0, y: pb.y + 1.0 }, Coord { x: pb.x + 5.0, y: pb.y + 4.0 })
                    .to_polygon(),
                owner: None,
                tenant: None,
                registered_area_cm2: None,
                surveyed_area_cm2: 1200,
                approved_use: "residential",
                actual_use: "residential",
                structure: "brick_wood",
                year_built: 2010,
                legality: "illegal",
                business_name: None,
                appraiser: None,
                report_no: None,
                unit_price_yuan: None,
                review: None,
                mode: None,
                resettlement_area_cm2: None,
                resettlement_price_yuan: None,
                resettlement_value: 0,
                items: Items::default(),
                agreement_no: None,
                signed_on: None,
                move_out_deadline: None,
                decision_no: None,
                decision_on: None,
                status: "surveyed",
                surveyed_on,
                appraised_on: None,
                paid_on: None,
                moved_out_on: None,
                demolished_on: None,
            };
            if let Some(u) = house_unit {
                let unit = &layout.units[u];
                let building = &layout.buildings[unit.building];
                let r = reg.by_unit.get(&u).cloned().unwrap_or_default();
                cu.unit_code = Some(unit.code.to_string());
                cu.certificate_no = r.certificate.map(|c| reg.certificates[c].number.clone());
                cu.address =
                    format!("{}{}号楼{}", layout.parcels[parcel].address, building.number.number(), unit.room_label);
                cu.poly = unit.poly.clone();
                cu.owner = Some(r.owner);
                cu.registered_area_cm2 = Some(unit.floor_area_cm2);
                cu.surveyed_area_cm2 = unit.floor_area_cm2 + unit.floor_area_cm2 * rng.random_range(-3..=3) / 100;
                cu.structure = building.structure;
                cu.year_built = building.completion_year;
                cu.legality = if rng.random_bool(0.03) { "temporary" } else { "legal" };
                if rng.random_bool(0.08) {
                    cu.actual_use = "commercial";
                    cu.business_name =
                        Some(format!("{}便民超市", reg.holders[r.owner].name.chars().next().unwrap_or('王')));
                }
                if rng.random_bool(0.1) {
                    let t = people.person(rng, None, 1960, 2003);
                    cu.tenant = Some(reg.holders.len());
                    reg.holders.push(super::registration::Holder {
                        id: reg.holders.len() as i64 + 1,
                        name: t.name,
                        person: true,
                        id_number: t.id_number,
                        phone: Some(t.phone),
                        address: Some(cu.address.clone()),
                    });
                }
                cu.status = statuses.next().unwrap_or("surveyed");
                settle(rng, plan, &out.firms[k], &mut cu, today, people);
                if cu.status == "demolished" {
                    // Registration of the demolished house is cancelled (注销登记).
                    let on = cu.demolished_on.map(|d| add_days(d, 20, 60, rng)).filter(|d| *d <= today);
                    if let Some(on) = on {
                        reg.cancel(r.ownership, on);
                        for e in r.encumbrances {
                            reg.cancel(e, on);
                        }
                    }
                }
            }
            let owner_name = cu.owner.map(|o| reg.holders[o].name.clone()).unwrap_or_else(|| "（未登记）".into());
            documents_for_unit(&mut out, &mut doc_seq[k], k, &cu, plan, &owner_name);
            photos_for_unit(rng, &mut out, &cu, plan, &owner_name);
            payments_for_unit(rng, &mut out, &cu, &owner_name);
            out.units.push(cu);
        }
        let total: i64 = out.units.iter().filter(|u| u.project == k).map(|u| u.items.total()).sum();
        out.projects[k].budget_cents = (total * 108 / 100 / 1_000_000 + 1) * 1_000_000;
        project_documents(&mut out, &mut doc_seq[k], k, plan);
    }
    out
}

/// Appraisal, compensation items, agreement or decision, payment and demolition dates for a
/// registered unit in the given status.
fn settle(
    rng: &mut ChaCha8Rng,
    plan: &Plan,
    firm: &Firm,
    cu: &mut CompUnit,
    today: NaiveDate,
    people: &mut PeopleFactory,
) {
    if cu.status == "surveyed" {
        return;
    }
    let area = cu.surveyed_area_cm2;
    let appraised_on = add_days(plan.decision_on, 15, 70, rng).min(today);
    let price = rng.random_range(plan.price.0..=plan.price.1);
    cu.appraised_on = Some(appraised_on);
    cu.appraiser = Some(people.person(rng, None, 1970, 1995).name);
    cu.report_no = Some(format!("{}估字〔{}〕第{:04}号", firm.short, plan.decision_on.format("%Y"), cu.id));
    cu.unit_price_yuan = Some(price);
    cu.review = Some(if rng.random_bool(0.05) { "expert_reviewed" } else { "accepted" });
    // area in 1/100 m² × yuan/m² = fen.
    cu.items.house_value = area * price;
    cu.items.decoration = area * rng.random_range(200..=500);
    if cu.status == "appraised" {
        // No agreement in the signing period: a compensation decision, where its date has come.
        if plan.compensation_decision_on <= today {
            cu.decision_no = Some(format!("温政征补决〔{}〕{}号", plan.compensation_decision_on.format("%Y"), cu.id));
            cu.decision_on = Some(plan.compensation_decision_on);
            fill_items(rng, plan, cu, false);
        }
        return;
    }
    fill_items(rng, plan, cu, true);
    // Signed within the signing period, after this household's appraisal.
    let earliest = plan.signing.0.max(appraised_on + chrono::Days::new(3));
    let signed_on = day_between(rng, earliest, plan.signing.1.min(today).max(earliest));
    cu.agreement_no = Some(format!("温征协字〔{}〕第{:05}号", signed_on.format("%Y"), cu.id));
    cu.signed_on = Some(signed_on);
    cu.move_out_deadline = Some(signed_on + chrono::Days::new(60));
    if cu.status == "signed" {
        return;
    }
    let paid_on = add_days(signed_on, 7, 30, rng).min(today);
    cu.paid_on = Some(paid_on);
    cu.moved_out_on = Some(add_days(paid_on, 3, 30, rng).min(today));
    if cu.status == "demolished" {
        cu.demolished_on = cu.moved_out_on.map(|d| add_days(d, 10, 60, rng).min(today));
    }
}

fn fill_items(rng: &mut ChaCha8Rng, plan: &Plan, cu: &mut CompUnit, agreed: bool) {
    let area = cu.surveyed_area_cm2;
    let swap = rng.random_bool(0.35);
    let months: i16 = if swap { 24 } else { 6 };
    let rate_yuan = (area * 15 + 99) / 100;
    cu.mode = Some(if swap { "property_swap" } else { "monetary" });
    cu.items.moving_fee = if swap { 300_000 } else { 150_000 };
    cu.items.temp_months = months;
    cu.items.temp_rate = rate_yuan * 100;
    cu.items.temp_fee = i64::from(months) * rate_yuan * 100;
    if cu.actual_use == "commercial" {
        cu.items.business_loss = cu.items.house_value / 20;
    }
    cu.items.reward = if agreed { plan.reward_yuan * 100 } else { 0 };
    cu.items.subsidy = 500_000;
    if swap {
        // A resettlement flat in 15 m² steps, never larger than the surveyed area.
        let flat = ((area / 100) / 15 * 15).max(45) * 100;
        let flat = flat.min(area);
        cu.resettlement_area_cm2 = Some(flat);
        cu.resettlement_price_yuan = Some(plan.resettlement_price);
        cu.resettlement_value = flat * plan.resettlement_price;
    }
}

fn payments_for_unit(rng: &mut ChaCha8Rng, out: &mut Relocation, cu: &CompUnit, owner: &str) {
    let (Some(paid_on), true) = (cu.paid_on, matches!(cu.status, "paid" | "demolished")) else {
        return;
    };
    let payable = cu.items.total() - cu.resettlement_value;
    let parts = [
        ("compensation", payable - cu.items.temp_fee - cu.items.reward),
        ("temp_resettlement", cu.items.temp_fee),
        ("reward", cu.items.reward),
    ];
    let bank = *BANKS.choose(rng).unwrap_or(&BANKS[0]);
    let account = names::bank_account(rng);
    for (purpose, amount) in parts {
        if amount <= 0 {
            continue;
        }
        let id = out.payments.len() as i64 + 1;
        out.payments.push(Payment {
            id,
            unit: out.units.len(),
            voucher_no: format!("ZF{}{:06}", paid_on.format("%Y"), id),
            purpose,
            amount,
            paid_on,
            payee: owner.to_owned(),
            bank,
            account: account.clone(),
        });
    }
}

fn photos_for_unit(rng: &mut ChaCha8Rng, out: &mut Relocation, cu: &CompUnit, plan: &Plan, owner: &str) {
    let centre = cu.poly.centroid().map(|p| p.0).unwrap_or(Coord { x: 0.0, y: 0.0 });
    let tz = FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset");
    let mut shots = vec![(cu.surveyed_on, "现场调查", AGENCY.to_owned())];
    if let Some(d) = cu.appraised_on {
        shots.push((d, "入户评估", out.firms[cu.project].name.to_owned()));
    }
    if let Some(d) = cu.demolished_on {
        shots.push((d, "拆除后", AGENCY.to_owned()));
    }
    for (day, what, by) in shots {
        let id = out.photos.len() as i64 + 1;
        let r = rng.random_range(3.0..20.0);
        let a: f64 = rng.random_range(0.0..std::f64::consts::TAU);
        let secs = rng.random_range(9 * 3600..17 * 3600);
        let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default() + chrono::Duration::seconds(secs);
        let taken_at = tz.from_local_datetime(&naive).single().unwrap_or_else(|| tz.from_utc_datetime(&naive));
        let photo_no = format!("{}-P{:05}", plan.code, id);
        out.photos.push(Photo {
            id,
            unit: out.units.len(),
            file_path: format!("photos/{}/{photo_no}.jpg", plan.code),
            photo_no,
            taken_at,
            at: Coord { x: centre.x + r * a.cos(), y: centre.y + r * a.sin() },
            direction: (a.to_degrees() as f32 + 180.0).rem_euclid(360.0),
            taken_by: by,
            caption: format!("{what}：{}（{owner}）", cu.address),
        });
    }
}

/// What an archive document says, before it gets its archive number.
struct DocSpec {
    category: &'static str,
    title: String,
    date: NaiveDate,
    lines: Vec<String>,
}

fn doc(out: &mut Relocation, seq: &mut usize, project: usize, unit: Option<usize>, spec: DocSpec) {
    let DocSpec { category, title, date: on, lines } = spec;
    *seq += 1;
    let code = &out.projects[project].code;
    let cat = match category {
        "higher_level" => "SJ",
        "approval" => "SP",
        "agreement" => "XY",
        "appraisal_report" => "PG",
        "decision" => "JD",
        "payment" => "ZF",
        _ => "QT",
    };
    let archive_no = format!("{code}-{cat}-{:05}", *seq);
    let id = out.documents.len() as i64 + 1;
    let mut all = vec![format!("Archive no. {archive_no}"), format!("Project {code}"), format!("Date {on}")];
    all.extend(lines);
    out.documents.push(Document {
        id,
        file_path: format!("archives/{code}/{archive_no}.pdf"),
        archive_no,
        project,
        unit,
        category,
        title,
        date: on,
        lines: all,
    });
}

fn documents_for_unit(out: &mut Relocation, seq: &mut usize, k: usize, cu: &CompUnit, plan: &Plan, owner: &str) {
    let unit = Some(out.units.len());
    let ident = vec![
        format!("Compensation unit {}", cu.code),
        format!("Unit code {}", cu.unit_code.as_deref().unwrap_or("(unregistered)")),
    ];
    let money = |v: i64| format!("{}.{:02} CNY", v / 100, v % 100);
    if let (Some(d), Some(no)) = (cu.appraised_on, &cu.report_no) {
        let mut lines = ident.clone();
        lines.push(format!(
            "Appraisal report: unit price {} CNY/m2, value {}",
            cu.unit_price_yuan.unwrap_or(0),
            money(cu.items.house_value)
        ));
        doc(
            out,
            seq,
            k,
            unit,
            DocSpec {
                category: "appraisal_report", title: format!("分户评估报告 {no}（{owner}）"), date: d, lines
            },
        );
    }
    if let (Some(d), Some(no)) = (cu.signed_on, &cu.agreement_no) {
        let mut lines = ident.clone();
        lines.push(format!("Compensation agreement, total {}", money(cu.items.total())));
        doc(
            out,
            seq,
            k,
            unit,
            DocSpec {
                category: "agreement", title: format!("房屋征收补偿协议 {no}（{owner}）"), date: d, lines
            },
        );
    }
    if let (Some(d), Some(no)) = (cu.decision_on, &cu.decision_no) {
        let mut lines = ident.clone();
        lines.push(format!(
            "Compensation decision under {}",
            plan.decision_no.chars().filter(char::is_ascii).collect::<String>()
        ));
        doc(
            out,
            seq,
            k,
            unit,
            DocSpec {
                category: "decision", title: format!("房屋征收补偿决定 {no}（{owner}）"), date: d, lines
            },
        );
    }
    if let (Some(d), true) = (cu.paid_on, matches!(cu.status, "paid" | "demolished")) {
        let mut lines = ident;
        lines.push(format!("Payment voucher, payable {}", money(cu.items.total() - cu.resettlement_value)));
        doc(
            out,
            seq,
            k,
            unit,
            DocSpec { category: "payment", title: format!("补偿款支付凭证（{owner}）"), date: d, lines },
        );
    }
}

fn project_documents(out: &mut Relocation, seq: &mut usize, k: usize, plan: &Plan) {
    let area_m2 = out.projects[k].boundary.unsigned_area().round();
    let items = [
        ("higher_level", format!("关于{}的立项批复", plan.name), plan.approved_on),
        ("approval", format!("{}征收范围论证意见", plan.name), plan.approved_on + chrono::Days::new(14)),
        ("other", format!("{}补偿方案（征求意见稿）", plan.name), plan.survey.1 + chrono::Days::new(10)),
        ("approval", format!("{}社会稳定风险评估报告", plan.name), plan.survey.1 + chrono::Days::new(50)),
        ("decision", format!("房屋征收决定公告 {}", plan.decision_no), plan.decision_on),
        ("other", format!("评估机构选定结果公告（{}）", out.firms[k].name), out.projects[k].appointed_on),
    ];
    for (cat, title, on) in items {
        doc(
            out,
            seq,
            k,
            None,
            DocSpec { category: cat, title, date: on, lines: vec![format!("Area within the boundary: {area_m2} m2")] },
        );
    }
}

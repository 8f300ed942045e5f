//! Right holders, registered rights and certificates for the generated land.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use onemap_codes::certificate::{self, CertificateKind};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::layout::{BlockKind, Layout};
use super::names::{self, PeopleFactory};

pub const ISSUER_NAME: &str = "温县自然资源局";
const SEAL_NAME: &str = "温县自然资源局不动产登记专用章";
const COURT: &str = "温县人民法院";
pub const BANKS: &[&str] = &[
    "中国农业银行股份有限公司温县支行",
    "中国工商银行股份有限公司温县支行",
    "中国建设银行股份有限公司温县支行",
    "中国邮政储蓄银行股份有限公司温县支行",
    "温县农村商业银行股份有限公司",
];

#[derive(Debug, Clone)]
pub struct Holder {
    pub id: i64,
    pub name: String,
    pub person: bool,
    pub id_number: String,
    pub phone: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Right {
    pub id: i64,
    pub kind: &'static str,
    pub status: &'static str,
    pub business_no: String,
    pub unit_code: String,
    pub house_unit_id: Option<i64>,
    pub parcel_id: Option<i64>,
    pub right_nature: Option<&'static str>,
    pub co_ownership: Option<&'static str>,
    pub registered_on: NaiveDate,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub cancelled_on: Option<NaiveDate>,
    pub secured_amount_cents: Option<i64>,
    pub authority: Option<String>,
    pub document_no: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Party {
    pub right_id: i64,
    pub holder_id: i64,
    pub role: &'static str,
    pub share: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: i64,
    pub identifier: String,
    pub number: String,
    pub kind: &'static str,
    pub right_id: i64,
    pub holder_id: i64,
    pub issued_on: NaiveDate,
    pub status: &'static str,
    pub cancelled_on: Option<NaiveDate>,
}

/// What the relocation generator needs to know about a house unit's registration.
#[derive(Debug, Clone, Default)]
pub struct UnitRegistration {
    pub owner: usize,
    pub ownership: usize,
    pub certificate: Option<usize>,
    /// Mortgages, advance notices and seizures on the unit.
    pub encumbrances: Vec<usize>,
}

pub struct Registry {
    pub holders: Vec<Holder>,
    pub rights: Vec<Right>,
    pub parties: Vec<Party>,
    pub certificates: Vec<Certificate>,
    pub issuer_code: String,
    /// Index: house unit (index in layout.units) → its registration.
    pub by_unit: HashMap<usize, UnitRegistration>,
    pub bank_holders: Vec<usize>,
    cert_seq: HashMap<(CertificateKind, i32), u32>,
    business_seq: u32,
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A random day between `from` and `to` inclusive.
pub fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + chrono::Days::new(rng.random_range(0..=span) as u64)
}

impl Registry {
    fn holder(
        &mut self,
        name: String,
        person: bool,
        id_number: String,
        phone: Option<String>,
        address: Option<String>,
    ) -> usize {
        self.holders.push(Holder { id: self.holders.len() as i64 + 1, name, person, id_number, phone, address });
        self.holders.len() - 1
    }

    fn person(
        &mut self,
        rng: &mut ChaCha8Rng,
        people: &mut PeopleFactory,
        surname: Option<&str>,
        address: &str,
    ) -> usize {
        let p = people.person(rng, surname, 1940, 2002);
        self.holder(p.name, true, p.id_number, Some(p.phone), Some(address.to_owned()))
    }

    fn organization(&mut self, rng: &mut ChaCha8Rng, people: &mut PeopleFactory, name: String, kind2: &str) -> usize {
        let code = names::credit_code(rng, kind2, "410825");
        let phone = people.phone(rng);
        self.holder(name, false, code, Some(phone), None)
    }

    #[allow(clippy::too_many_arguments)]
    fn right(
        &mut self,
        kind: &'static str,
        unit_code: String,
        house_unit_id: Option<i64>,
        parcel_id: Option<i64>,
        right_nature: Option<&'static str>,
        registered_on: NaiveDate,
        holders: &[(usize, &'static str)],
    ) -> usize {
        self.business_seq += 1;
        let id = self.rights.len() as i64 + 1;
        let co = holders.iter().filter(|(_, r)| *r == "holder").count();
        self.rights.push(Right {
            id,
            kind,
            status: "current",
            business_no: format!("{}{:08}", registered_on.year(), self.business_seq),
            unit_code,
            house_unit_id,
            parcel_id,
            right_nature,
            co_ownership: match (kind, co) {
                ("mortgage" | "seizure" | "advance_notice", _) => None,
                (_, 1) => Some("sole"),
                _ => Some("joint"),
            },
            registered_on,
            starts_on: None,
            ends_on: None,
            cancelled_on: None,
            secured_amount_cents: None,
            authority: None,
            document_no: None,
        });
        for &(h, role) in holders {
            self.parties.push(Party { right_id: id, holder_id: self.holders[h].id, role, share: None });
        }
        self.rights.len() - 1
    }

    fn certify(&mut self, right: usize, holder: usize, kind: CertificateKind) -> usize {
        let issued_on = self.rights[right].registered_on;
        let year = issued_on.year();
        let seq = self.cert_seq.entry((kind, year)).or_insert(0);
        *seq += 1;
        let (type_code, kind_name) = match kind {
            CertificateKind::Title => (certificate::TYPE_TITLE_CERTIFICATE, "title_certificate"),
            CertificateKind::Proof => (certificate::TYPE_REGISTRATION_PROOF, "registration_proof"),
        };
        let serial = format!("{year}{:07}", *seq);
        self.certificates.push(Certificate {
            id: self.certificates.len() as i64 + 1,
            identifier: certificate::certificate_identifier(type_code, &self.issuer_code, &serial, 1),
            number: certificate::certificate_number(kind, "豫", year, "温县", *seq),
            kind: kind_name,
            right_id: self.rights[right].id,
            holder_id: self.holders[holder].id,
            issued_on,
            status: "valid",
            cancelled_on: None,
        });
        self.certificates.len() - 1
    }

    /// Cancels (注销) a right and its certificate, e.g. after demolition.
    pub fn cancel(&mut self, right: usize, on: NaiveDate) {
        let r = &mut self.rights[right];
        r.status = "cancelled";
        r.cancelled_on = Some(on);
        let id = r.id;
        for c in self.certificates.iter_mut().filter(|c| c.right_id == id) {
            c.status = "cancelled";
            c.cancelled_on = Some(on);
        }
    }

    pub fn issuer_signature(&self) -> (&'static str, &'static str) {
        (ISSUER_NAME, SEAL_NAME)
    }
}

/// Registers every parcel and house unit of the layout.
pub fn generate(rng: &mut ChaCha8Rng, people: &mut PeopleFactory, layout: &Layout) -> Registry {
    let mut reg = Registry {
        holders: Vec::new(),
        rights: Vec::new(),
        parties: Vec::new(),
        certificates: Vec::new(),
        issuer_code: names::credit_code(rng, "11", "410825"),
        by_unit: HashMap::new(),
        bank_holders: Vec::new(),
        cert_seq: HashMap::new(),
        business_seq: 0,
    };
    reg.bank_holders = BANKS.iter().map(|b| reg.organization(rng, people, (*b).to_owned(), "91")).collect();
    let developer = reg.organization(rng, people, "温县鼎盛置业有限公司".into(), "91");
    let forest_farm = reg.organization(rng, people, "温县国有黄河滩区林场".into(), "12");
    let today = date(2026, 10, 31);

    // Units per parcel, in layout order.
    let mut units_of_parcel: Vec<Vec<usize>> = vec![Vec::new(); layout.parcels.len()];
    for (u, unit) in layout.units.iter().enumerate() {
        units_of_parcel[layout.buildings[unit.building].parcel].push(u);
    }
    let mut village_households: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut org_seq = 0;

    for (p, parcel) in layout.parcels.iter().enumerate() {
        let parcel_unit = parcel.code.land_unit().to_string();
        match parcel.kind {
            BlockKind::Farm => {
                let households = village_households.get(&parcel.settlement).filter(|h| !h.is_empty());
                let holder = match households {
                    Some(h) => *h.choose(rng).unwrap_or(&h[0]),
                    None => reg.person(rng, people, None, &parcel.address),
                };
                let on = day_between(rng, date(2016, 3, 1), date(2019, 12, 31));
                let r = reg.right(
                    "land_contract",
                    parcel_unit,
                    None,
                    Some(parcel.id),
                    Some("household_contract"),
                    on,
                    &[(holder, "holder")],
                );
                reg.rights[r].starts_on = Some(date(2018, 1, 1));
                reg.rights[r].ends_on = Some(date(2057, 12, 31));
            }
            BlockKind::Forest => {
                let on = day_between(rng, date(2017, 1, 1), date(2021, 12, 31));
                let r = reg.right(
                    "forest_land_use",
                    parcel_unit,
                    None,
                    Some(parcel.id),
                    Some("allocated"),
                    on,
                    &[(forest_farm, "holder")],
                );
                reg.certify(r, forest_farm, CertificateKind::Title);
            }
            kind => {
                // One owner (and perhaps a spouse) per house unit; organisations own public buildings.
                let org = match kind {
                    BlockKind::Public => {
                        org_seq += 1;
                        let what = ["中心学校", "卫生院", "便民服务中心", "实验小学", "社区服务站"][org_seq % 5];
                        let name = format!(
                            "{}{}{what}{}",
                            "温县",
                            layout.districts[layout.settlements[parcel.settlement].district].name,
                            if org_seq > 5 { format!("（{org_seq}）") } else { String::new() }
                        );
                        Some(reg.organization(rng, people, name, "12"))
                    }
                    BlockKind::Commercial if rng.random_bool(0.3) => {
                        org_seq += 1;
                        let name = format!(
                            "温县{}{}有限公司",
                            PeopleFactory::given_name(rng),
                            ["商贸", "实业", "电器", "餐饮", "医药"][org_seq % 5]
                        );
                        Some(reg.organization(rng, people, format!("{name}{org_seq}"), "91"))
                    }
                    _ => None,
                };
                let household = if kind == BlockKind::Homestead {
                    let head = reg.person(rng, people, None, &parcel.address);
                    village_households.entry(parcel.settlement).or_default().push(head);
                    Some(head)
                } else {
                    None
                };
                for &u in &units_of_parcel[p] {
                    let unit = &layout.units[u];
                    let building = &layout.buildings[unit.building];
                    let owner = org.or(household).unwrap_or_else(|| reg.person(rng, people, None, &parcel.address));
                    let mut holders = vec![(owner, "holder")];
                    if reg.holders[owner].person && rng.random_bool(0.3) {
                        let spouse = reg.person(rng, people, None, &parcel.address);
                        holders.push((spouse, "holder"));
                    }
                    let from = date(i32::from(building.completion_year).max(2016), 1, 1);
                    let on = day_between(rng, from, date(2025, 12, 31).max(from));
                    let r = reg.right(
                        "house_ownership",
                        unit.code.to_string(),
                        Some(unit.id),
                        Some(parcel.id),
                        Some(parcel.right_nature),
                        on,
                        &holders,
                    );
                    if parcel.right_nature == "granted" {
                        let start = date(i32::from(building.completion_year) - 2, 7, 1);
                        let years = if kind == BlockKind::Commercial { 40 } else { 70 };
                        reg.rights[r].starts_on = Some(start);
                        reg.rights[r].ends_on = Some(date(start.year() + years, 6, 30));
                    }
                    let cert = reg.certify(r, owner, CertificateKind::Title);
                    let mut encumbrances = Vec::new();
                    if kind != BlockKind::Homestead && kind != BlockKind::Public && rng.random_bool(0.14) {
                        let bank = *reg.bank_holders.choose(rng).unwrap_or(&reg.bank_holders[0]);
                        let mon = day_between(rng, on, today);
                        let m = reg.right(
                            "mortgage",
                            unit.code.to_string(),
                            Some(unit.id),
                            None,
                            None,
                            mon,
                            &[(bank, "holder"), (owner, "obligor")],
                        );
                        reg.rights[m].secured_amount_cents = Some(rng.random_range(100_000..600_000) * 100);
                        reg.rights[m].starts_on = Some(mon);
                        reg.rights[m].ends_on = Some(date(mon.year() + rng.random_range(10..=25), mon.month(), 1));
                        reg.certify(m, bank, CertificateKind::Proof);
                        encumbrances.push(m);
                    }
                    if kind == BlockKind::Compound && building.completion_year >= 2023 && rng.random_bool(0.2) {
                        let aon = day_between(rng, date(2023, 1, 1), on);
                        let a = reg.right(
                            "advance_notice",
                            unit.code.to_string(),
                            Some(unit.id),
                            None,
                            None,
                            aon,
                            &[(owner, "holder"), (developer, "obligor")],
                        );
                        reg.rights[a].status = "historical";
                        reg.certify(a, owner, CertificateKind::Proof);
                        encumbrances.push(a);
                    }
                    if kind != BlockKind::Public && rng.random_bool(0.01) {
                        let son = day_between(rng, on, today);
                        let s = reg.right(
                            "seizure",
                            unit.code.to_string(),
                            Some(unit.id),
                            None,
                            None,
                            son,
                            &[(owner, "obligor")],
                        );
                        reg.rights[s].authority = Some(COURT.into());
                        reg.rights[s].document_no =
                            Some(format!("({})豫0825执保{}号", son.year(), reg.rights.len() % 900 + 1));
                        reg.rights[s].starts_on = Some(son);
                        reg.rights[s].ends_on = Some(date(son.year() + 3, son.month(), 1));
                        encumbrances.push(s);
                    }
                    reg.by_unit
                        .insert(u, UnitRegistration { owner, ownership: r, certificate: Some(cert), encumbrances });
                }
            }
        }
    }
    reg
}

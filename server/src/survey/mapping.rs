//! 字段映射: the file's fields → onemap's attributes. Fields are recognised by the
//! registration database standard's names (ZDDM, ZL, ZDMJ …), their Chinese names (宗地代码,
//! 坐落 …) and onemap's own; values by the standard's codes, Chinese names or onemap's.
//! This is the only place the standard's names appear on the way in.

use std::collections::BTreeMap;

use onemap_api::survey::ImportKind;
use serde_json::{Map, Value};

use super::rules::Finding;

/// An attribute of a kind: onemap name, the names it is recognised by, whether required.
struct Target {
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

const fn t(name: &'static str, aliases: &'static [&'static str], required: bool) -> Target {
    Target { name, aliases, required }
}

static PARCEL: &[Target] = &[
    t("parcel_code", &["ZDDM", "宗地代码", "宗地编码"], false),
    t("unit_code", &["BDCDYH", "不动产单元号", "不动产单元代码"], false),
    t("address", &["ZL", "坐落", "宗地坐落"], true),
    t("registered_area_m2", &["ZDMJ", "宗地面积", "登记面积"], false),
    t("land_use", &["YT", "土地用途", "用途", "TDYT"], true),
    t("right_type", &["QLLX", "权利类型"], true),
    t("right_nature", &["QLXZ", "权利性质"], false),
];

static BUILDING: &[Target] = &[
    t("building_no", &["ZRZH", "自然幢号", "幢号"], false),
    t("parcel_code", &["ZDDM", "宗地代码"], false),
    t("name", &["JZWMC", "建筑物名称", "名称"], false),
    t("floors", &["ZCS", "总层数", "地上层数"], true),
    t("floors_below", &["DXCS", "地下层数"], false),
    t("structure", &["FWJG", "房屋结构", "结构"], true),
    t("planned_use", &["GHYT", "规划用途"], true),
    t("completion_year", &["JGRQ", "竣工日期", "竣工年份"], false),
];

static HOUSE_UNIT: &[Target] = &[
    t("unit_code", &["BDCDYH", "不动产单元号", "不动产单元代码"], false),
    t("building_no", &["ZRZH", "自然幢号"], false),
    t("house_code", &["FWBM", "房屋编码"], false),
    t("floor", &["CH", "所在层", "层号"], true),
    t("unit_no", &["HH", "户号"], true),
    t("room_label", &["SHBW", "室号部位", "房号"], false),
    t("use", &["FWYT1", "FWYT", "房屋用途"], true),
    t("floor_area_m2", &["SCJZMJ", "实测建筑面积", "建筑面积"], true),
    t("inner_area_m2", &["SCTNJZMJ", "套内建筑面积"], false),
    t("shared_area_m2", &["SCFTJZMJ", "分摊建筑面积"], false),
];

fn targets(kind: ImportKind) -> &'static [Target] {
    match kind {
        ImportKind::Parcels => PARCEL,
        ImportKind::Buildings => BUILDING,
        ImportKind::HouseUnits => HOUSE_UNIT,
    }
}

/// The attributes a kind maps, for the UI.
pub fn attributes(kind: ImportKind) -> Vec<&'static str> {
    targets(kind).iter().map(|t| t.name).collect()
}

/// Detects the mapping from the file's field names, then applies the uploader's overrides
/// (`{"address": "ZL"}`; an empty field drops a detected mapping). Unknown attribute or field
/// names in an override are an error message.
pub fn detect(
    kind: ImportKind,
    fields: &[String],
    overrides: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut mapping = BTreeMap::new();
    for target in targets(kind) {
        let found = fields.iter().find(|f| {
            let f = f.trim();
            f.eq_ignore_ascii_case(target.name) || target.aliases.iter().any(|a| f.eq_ignore_ascii_case(a))
        });
        if let Some(f) = found {
            mapping.insert(target.name.to_owned(), f.clone());
        }
    }
    for (name, field) in overrides {
        if !targets(kind).iter().any(|t| t.name == name) {
            return Err(format!("mapping: {} has no attribute {name}", kind.as_str()));
        }
        if field.is_empty() {
            mapping.remove(name);
        } else if fields.iter().any(|f| f == field) {
            mapping.insert(name.clone(), field.clone());
        } else {
            return Err(format!("mapping: the file has no field {field}"));
        }
    }
    Ok(mapping)
}

/// One feature's attributes, mapped.
#[derive(Debug, Default)]
pub struct Mapped {
    pub props: Map<String, Value>,
    /// The feature's own code (ZDDM / ZRZH / BDCDYH), trimmed and upper-cased.
    pub code: Option<String>,
    /// Its parent's code (a building's ZDDM, a house unit's ZRZH).
    pub parent_code: Option<String>,
    pub findings: Vec<Finding>,
}

fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    };
    (!s.is_empty()).then_some(s)
}

fn number(s: &str) -> Option<f64> {
    s.replace(',', "").trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Maps a value of an enumerated attribute: onemap's value, a standard code or a Chinese name.
fn enumerated(name: &str, s: &str) -> Option<&'static str> {
    let table: &[(&str, &[&str])] = match name {
        "right_type" => &[
            ("collective_land_ownership", &["1", "集体土地所有权"]),
            ("state_construction_land_use", &["3", "4", "国有建设用地使用权", "国有建设用地使用权/房屋所有权"]),
            ("homestead_use", &["5", "6", "宅基地使用权", "宅基地使用权/房屋所有权"]),
            ("collective_construction_land_use", &["7", "8", "集体建设用地使用权", "集体建设用地使用权/房屋所有权"]),
            ("land_contract", &["9", "土地承包经营权"]),
            ("forest_land_use", &["11", "林地使用权"]),
        ],
        "right_nature" => &[
            ("allocated", &["101", "划拨"]),
            ("granted", &["102", "出让"]),
            ("leased", &["104", "租赁", "国有土地租赁"]),
            ("collective", &["200", "集体土地"]),
            ("household_contract", &["201", "家庭承包"]),
            ("approved", &["203", "批准拨用"]),
            ("other", &["99", "其它", "其他"]),
        ],
        "structure" => &[
            ("steel", &["1", "钢结构"]),
            ("steel_concrete", &["2", "钢和钢筋混凝土结构", "钢-钢筋混凝土"]),
            ("reinforced_concrete", &["3", "钢筋混凝土结构", "钢筋混凝土"]),
            ("mixed", &["4", "混合结构", "砖混", "混合"]),
            ("brick_wood", &["5", "砖木结构", "砖木"]),
            ("other", &["6", "其它结构", "其它", "其他"]),
        ],
        "planned_use" | "use" => &[
            ("residential", &["10", "11", "12", "住宅", "成套住宅"]),
            ("industrial", &["20", "21", "22", "23", "工业", "仓储", "工业、交通、仓储"]),
            ("commercial", &["30", "31", "32", "商业", "商业服务", "商业、金融、信息"]),
            ("public", &["40", "41", "50", "公共", "公共设施", "教育", "医疗卫生"]),
            ("office", &["60", "办公"]),
            ("other", &["80", "90", "其它", "其他"]),
        ],
        _ => return None,
    };
    table.iter().find(|(value, aliases)| s == *value || aliases.contains(&s)).map(|(value, _)| *value)
}

/// Maps one feature's source attributes.
pub fn map(kind: ImportKind, mapping: &BTreeMap<String, String>, source: &Map<String, Value>) -> Mapped {
    let mut out = Mapped::default();
    for target in targets(kind) {
        let raw = mapping.get(target.name).and_then(|f| source.get(f)).and_then(text);
        let Some(raw) = raw else {
            continue;
        };
        let invalid = |out: &mut Mapped| {
            out.findings.push(Finding::new(
                "attribute_invalid",
                format!("{}「{raw}」无法识别", target.aliases[0]),
                format!("{} ({}) value '{raw}' not recognised", target.name, target.aliases[0]),
            ))
        };
        let value = match target.name {
            "parcel_code" | "unit_code" | "building_no" => Value::String(raw.to_ascii_uppercase()),
            "registered_area_m2" | "floor_area_m2" | "inner_area_m2" | "shared_area_m2" => match number(&raw) {
                Some(n) if n >= 0.0 => Value::from(n),
                _ => {
                    invalid(&mut out);
                    continue;
                }
            },
            "floors" | "floors_below" | "floor" => match number(&raw).filter(|n| n.fract() == 0.0) {
                Some(n) => Value::from(n as i64),
                None => {
                    invalid(&mut out);
                    continue;
                }
            },
            // A date (2005-06-01, 20050601, 2005/6/1) or a year: the year.
            "completion_year" => {
                match raw.get(..4).and_then(|y| y.parse::<i64>().ok()).filter(|y| (1900..=2100).contains(y)) {
                    Some(y) => Value::from(y),
                    None => {
                        invalid(&mut out);
                        continue;
                    }
                }
            }
            "right_type" | "right_nature" | "structure" | "planned_use" | "use" => {
                match enumerated(target.name, &raw) {
                    Some(v) => Value::from(v),
                    None => {
                        invalid(&mut out);
                        continue;
                    }
                }
            }
            // Land use: checked against the GB/T 21010 table in SQL (code or Chinese name).
            _ => Value::String(raw),
        };
        out.props.insert(target.name.to_owned(), value);
    }
    // The feature's own code and its parent's, by kind; a unit code gives its parcel's code.
    let prop = |k: &str| out.props.get(k).and_then(Value::as_str).map(str::to_owned);
    match kind {
        ImportKind::Parcels => {
            out.code = prop("parcel_code").or_else(|| {
                prop("unit_code").filter(|u| u.len() == 28 && u.ends_with("W00000000")).map(|u| u[..19].to_owned())
            });
        }
        ImportKind::Buildings => {
            out.code = prop("building_no");
            out.parent_code =
                prop("parcel_code").or_else(|| out.code.as_ref().and_then(|c| c.get(..19)).map(str::to_owned));
        }
        ImportKind::HouseUnits => {
            out.code = prop("unit_code");
            out.parent_code =
                prop("building_no").or_else(|| out.code.as_ref().and_then(|c| c.get(..24)).map(str::to_owned));
        }
    }
    for target in targets(kind).iter().filter(|t| t.required) {
        if !out.props.contains_key(target.name) && !out.findings.iter().any(|f| f.message_en.starts_with(target.name)) {
            out.findings.push(Finding::new(
                "attribute_missing",
                format!("缺少{}({})", target.aliases[1], target.aliases[0]),
                format!("missing {} ({})", target.name, target.aliases[0]),
            ));
        }
    }
    if kind == ImportKind::Parcels && !out.props.contains_key("right_nature") {
        out.props.insert("right_nature".into(), Value::from("other"));
        out.findings.push(Finding::new(
            "attribute_defaulted",
            "未给出权利性质(QLXZ),取「其它」",
            "no right nature (QLXZ): set to 'other'",
        ));
    }
    out.findings.extend(code_findings(kind, out.code.as_deref()));
    out
}

/// GB/T 37346 checks of a feature's own code (the `codes` crate).
fn code_findings(kind: ImportKind, code: Option<&str>) -> Option<Finding> {
    let code = code?;
    let (want, parsed) = match kind {
        ImportKind::Parcels => (19, code.parse::<onemap_codes::ParcelCode>().err()),
        ImportKind::Buildings => (24, code.parse::<onemap_codes::BuildingNumber>().err()),
        ImportKind::HouseUnits => (28, code.parse::<onemap_codes::UnitCode>().err()),
    };
    if code.len() != want {
        return Some(Finding::new(
            "code_kind",
            format!("代码 {code} 不是{}代码({want} 位)", kind.name_zh()),
            format!("code {code} is not a {} code ({want} characters)", kind.as_str()),
        ));
    }
    parsed.map(|e| {
        Finding::new(
            "code_invalid",
            format!("代码 {code} 不符合 GB/T 37346:{e}"),
            format!("code {code} is invalid per GB/T 37346: {e} ({})", e.rule()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn detects_standard_and_chinese_names() {
        let m =
            detect(ImportKind::Parcels, &fields(&["ZDDM", "坐落", "zdmj", "YT", "QLLX", "OTHER"]), &BTreeMap::new())
                .unwrap();
        assert_eq!(m["parcel_code"], "ZDDM");
        assert_eq!(m["address"], "坐落");
        assert_eq!(m["registered_area_m2"], "zdmj");
        assert!(!m.contains_key("right_nature"));
        let over = BTreeMap::from([("address".to_string(), "OTHER".to_string())]);
        assert_eq!(detect(ImportKind::Parcels, &fields(&["ZL", "OTHER"]), &over).unwrap()["address"], "OTHER");
        let bad = BTreeMap::from([("nope".to_string(), "ZL".to_string())]);
        assert!(detect(ImportKind::Parcels, &fields(&["ZL"]), &bad).is_err());
    }

    #[test]
    fn maps_values_and_finds_problems() {
        let m =
            detect(ImportKind::Buildings, &fields(&["ZRZH", "ZCS", "FWJG", "GHYT", "JGRQ"]), &BTreeMap::new()).unwrap();
        let src = json!({"ZRZH": "410825001001GB00001F0001", "ZCS": "6", "FWJG": "钢筋混凝土结构", "GHYT": "10", "JGRQ": "2005-06-01"});
        let out = map(ImportKind::Buildings, &m, src.as_object().unwrap());
        assert_eq!(out.props["structure"], "reinforced_concrete");
        assert_eq!(out.props["planned_use"], "residential");
        assert_eq!(out.props["completion_year"], 2005);
        assert_eq!(out.parent_code.as_deref(), Some("410825001001GB00001"));
        assert!(out.findings.is_empty(), "{:?}", out.findings);

        let src = json!({"ZRZH": "410825001001GB00001X0001", "ZCS": "six", "FWJG": "3"});
        let out = map(ImportKind::Buildings, &m, src.as_object().unwrap());
        let codes: Vec<_> = out.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"attribute_invalid"), "{codes:?}");
        assert!(codes.contains(&"attribute_missing"), "{codes:?}");
        assert!(codes.contains(&"code_invalid"), "{codes:?}");
    }
}

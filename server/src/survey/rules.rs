//! 校验规则: every rule an upload or a single edit is checked against, with its stable code,
//! severity and title. The checks themselves are in `mapping.rs` (attributes and codes, per
//! feature, while reading) and `validate/*.sql` (geometry and the register, set-based).

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    /// An error blocks the commit; a warning is shown.
    pub error: bool,
    pub title_zh: &'static str,
    pub title_en: &'static str,
}

const fn e(code: &'static str, title_zh: &'static str, title_en: &'static str) -> Rule {
    Rule { code, error: true, title_zh, title_en }
}

const fn w(code: &'static str, title_zh: &'static str, title_en: &'static str) -> Rule {
    Rule { code, error: false, title_zh, title_en }
}

/// The catalogue (the README lists it).
pub static RULES: &[Rule] = &[
    e("geometry_missing", "缺少图形", "feature without geometry"),
    e("geometry_type", "图形类型错误", "wrong geometry type"),
    e("geometry_invalid", "图形无效", "invalid geometry"),
    e("outside_county", "超出本县范围", "outside the county"),
    e("overlap_existing", "与现有要素重叠", "overlaps an existing feature"),
    e("overlap_in_file", "文件内要素重叠", "overlaps another feature of the file"),
    w("sliver", "与相邻要素存在细小重叠", "sliver overlap with a neighbour"),
    w("gap", "与相邻要素存在细小缝隙", "narrow gap to a neighbour"),
    w("area_mismatch_minor", "面积差异超过 1%", "declared area differs by more than 1 %"),
    e("area_mismatch", "面积差异超过 5%", "declared area differs by more than 5 %"),
    e("code_invalid", "代码不符合 GB/T 37346", "code invalid per GB/T 37346"),
    e("code_subdistrict", "代码的地籍子区与位置不符", "code's sub-district is not where the feature lies"),
    e("code_duplicate", "文件内代码重复", "duplicate code in the file"),
    e("code_kind", "代码类别不符", "code of another kind of unit"),
    e("parent_missing", "找不到所属宗地或自然幢", "no parcel or building to belong to"),
    e("building_outside_parcel", "自然幢超出宗地", "building outside its parcel"),
    e("house_unit_outside_building", "户超出自然幢", "house unit outside its building"),
    e("attribute_missing", "缺少必填属性", "missing required attribute"),
    e("attribute_invalid", "属性值无法识别", "attribute value not recognised"),
    w("attribute_defaulted", "属性取默认值", "attribute defaulted"),
];

pub fn rule(code: &str) -> &'static Rule {
    RULES.iter().find(|r| r.code == code).unwrap_or_else(|| panic!("unknown rule {code}"))
}

/// A finding on one feature, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

impl Finding {
    pub fn new(code: &'static str, message_zh: impl Into<String>, message_en: impl Into<String>) -> Self {
        let _ = rule(code);
        Self { code, message_zh: message_zh.into(), message_en: message_en.into() }
    }

    pub fn severity(&self) -> &'static str {
        if rule(self.code).error { "error" } else { "warning" }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_every_sql_rule_is_catalogued() {
        let mut codes: Vec<_> = super::RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), super::RULES.len());
        for sql in [
            include_str!("validate/geometry.sql"),
            include_str!("validate/parcels.sql"),
            include_str!("validate/children.sql"),
            include_str!("validate/attributes.sql"),
        ] {
            let mut found = 0;
            for part in
                sql.split("' AS code").map(|p| p.rsplit('\'').next().unwrap()).take(sql.matches("' AS code").count())
            {
                assert!(codes.contains(&part), "rule {part} used in SQL is not catalogued");
                found += 1;
            }
            assert!(found > 0);
        }
    }
}

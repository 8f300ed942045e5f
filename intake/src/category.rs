//! The archive category catalogue (档案类别): the ids the database allows, the two-letter codes
//! used in archive numbers (档案号), and the names shown to people.

use serde::Serialize;

/// 档案类别: one archive category.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Category {
    /// The id stored in the database (`archive.category`), e.g. `agreement`.
    pub id: &'static str,
    /// 类别代码: two capital letters used in numbers, e.g. `XY`.
    pub code: &'static str,
    /// 中文名称, e.g. 补偿协议.
    pub name_zh: &'static str,
    /// English name, e.g. “Compensation agreement”.
    pub name_en: &'static str,
}

/// All categories, in the order they are offered to users.
pub const CATEGORIES: &[Category] = &[
    Category { id: "higher_level", code: "SJ", name_zh: "上级文件", name_en: "Higher-level document" },
    Category { id: "approval", code: "SP", name_zh: "审批文件", name_en: "Approval document" },
    Category { id: "agreement", code: "XY", name_zh: "补偿协议", name_en: "Compensation agreement" },
    Category { id: "appraisal_report", code: "PG", name_zh: "评估报告", name_en: "Appraisal report" },
    Category { id: "decision", code: "JD", name_zh: "补偿决定", name_en: "Compensation decision" },
    Category { id: "payment", code: "ZF", name_zh: "支付凭证", name_en: "Payment voucher" },
    Category { id: "photo", code: "ZP", name_zh: "现场照片", name_en: "Site photo" },
    Category { id: "other", code: "QT", name_zh: "其他", name_en: "Other" },
];

/// Finds a category by its id (`agreement`, any case), its Chinese name (`补偿协议`), its code (`XY`,
/// any case) or its English name (any case). Surrounding whitespace is ignored.
pub fn category(name: &str) -> Option<&'static Category> {
    let name = name.trim();
    CATEGORIES.iter().find(|c| {
        c.id.eq_ignore_ascii_case(name)
            || c.name_zh == name
            || c.code.eq_ignore_ascii_case(name)
            || c.name_en.eq_ignore_ascii_case(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_id_chinese_name_code_and_english_name() {
        assert_eq!(category("agreement").unwrap().code, "XY");
        assert_eq!(category(" 补偿协议 ").unwrap().id, "agreement");
        assert_eq!(category("xy").unwrap().name_zh, "补偿协议");
        assert_eq!(category("Appraisal report").unwrap().code, "PG");
        assert_eq!(category("APPRAISAL_REPORT").unwrap().code, "PG");
        assert_eq!(category("现场照片").unwrap().id, "photo");
        assert_eq!(category("其他").unwrap().code, "QT");
        assert_eq!(category("合同"), None);
        assert_eq!(category(""), None);
    }

    #[test]
    fn ids_codes_and_names_are_unique_and_well_formed() {
        assert_eq!(CATEGORIES.len(), 8);
        for (i, a) in CATEGORIES.iter().enumerate() {
            assert!(a.code.len() == 2 && a.code.bytes().all(|b| b.is_ascii_uppercase()), "{}", a.code);
            for b in &CATEGORIES[i + 1..] {
                assert!(a.id != b.id && a.code != b.code && a.name_zh != b.name_zh, "{} / {}", a.id, b.id);
            }
            assert_eq!(category(a.id), Some(a));
            assert_eq!(category(a.name_zh), Some(a));
        }
    }
}

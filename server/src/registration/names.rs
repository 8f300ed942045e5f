//! The words a certificate prints for the register's codes (权利类型, 权利性质, 用途, 共有情况,
//! 证件种类): the face and the signed content use them, so they are part of what is signed.

/// 权利类型 of a right's kind.
pub fn right_type(kind: &str) -> &str {
    match kind {
        "house_ownership" => "国有建设用地使用权/房屋所有权",
        "state_construction_land_use" => "国有建设用地使用权",
        "homestead_use" => "宅基地使用权",
        "land_contract" => "土地承包经营权",
        "forest_land_use" => "林地使用权",
        "mortgage" => "抵押权",
        "seizure" => "查封登记",
        "advance_notice" => "预告登记",
        "objection" => "异议登记",
        other => other,
    }
}

/// 权利性质.
pub fn right_nature(nature: Option<&str>) -> &str {
    match nature {
        Some("granted") => "出让",
        Some("allocated") => "划拨",
        Some("leased") => "租赁",
        Some("approved") => "批准拨用",
        Some("household_contract") => "家庭承包",
        Some("collective") => "集体土地所有",
        Some("other") => "其他",
        Some(other) => other,
        None => "—",
    }
}

/// 用途 of a house unit (a parcel's land use arrives already named).
pub fn house_use(usage: &str) -> &str {
    match usage {
        "residential" => "住宅",
        "commercial" => "商业服务",
        "office" => "办公",
        "industrial" => "工业",
        "public" => "公共设施",
        "other" => "其他",
        other => other,
    }
}

/// 共有情况.
pub fn co_ownership(mode: Option<&str>) -> &str {
    match mode {
        Some("joint") => "共同共有",
        Some("shares") => "按份共有",
        Some("sole") | None => "单独所有",
        Some(other) => other,
    }
}

/// 证件种类.
pub fn id_type(kind: &str) -> &str {
    match kind {
        "resident_id" => "居民身份证",
        "passport" => "护照",
        "hk_macao_pass" => "港澳居民来往内地通行证",
        "credit_code" => "统一社会信用代码",
        "other" => "其他",
        other => other,
    }
}

/// 证书种类.
pub fn certificate_kind(kind: &str) -> &str {
    match kind {
        "registration_proof" => "不动产登记证明",
        _ => "不动产权证书",
    }
}

/// 使用期限: from–to as dates in Chinese, or 长期 / — .
pub fn term(starts: Option<chrono::NaiveDate>, ends: Option<chrono::NaiveDate>) -> String {
    let day = |d: chrono::NaiveDate| d.format("%Y年%m月%d日").to_string();
    match (starts, ends) {
        (Some(s), Some(e)) => format!("{}起{}止", day(s), day(e)),
        (Some(s), None) => format!("{}起长期", day(s)),
        (None, Some(e)) => format!("至{}止", day(e)),
        (None, None) => "—".to_owned(),
    }
}

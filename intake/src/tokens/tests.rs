use super::*;

fn strs(tokens: &[String]) -> Vec<&str> {
    tokens.iter().map(String::as_str).collect()
}

#[test]
fn mixed_text_index() {
    let tokens = index_tokens("2025年温县XY-0003号补偿协议（张三丰）");
    assert_eq!(
        strs(&tokens),
        vec![
            "2025", "年", "年温", "温", "温县", "县", "xy", "0003", "号", "号补", "补", "补偿", "偿", "偿协", "协",
            "协议", "议", "张", "张三", "三", "三丰", "丰",
        ]
    );
}

#[test]
fn queries() {
    assert_eq!(strs(&query_tokens("评估报告")), vec!["评估", "估报", "报告"]);
    assert_eq!(strs(&query_tokens("张三丰")), vec!["张三", "三丰"]);
    assert_eq!(strs(&query_tokens("张")), vec!["张"]);
    assert_eq!(strs(&query_tokens("  XY-0003 or 张 ")), vec!["xy", "0003", "张"]);
    assert!(query_tokens("\"\" -- | & ! : * ' ()").is_empty());
}

#[test]
fn every_query_token_is_in_the_index_of_its_text() {
    let text = "温县二〇二五年征收补偿：张三丰（房屋评估报告）WX-001-0007";
    let index: HashSet<String> = index_tokens(text).into_iter().collect();
    for q in ["张", "张三丰", "评估报告", "二〇二五", "wx-001", "房屋评估", "ＷＸ"] {
        let tokens = query_tokens(q);
        assert!(!tokens.is_empty(), "{q}");
        assert!(tokens.iter().all(|t| index.contains(t)), "{q}: {tokens:?}");
    }
    assert!(!query_tokens("李四").iter().all(|t| index.contains(t)));
}

#[test]
fn folding_lowercasing_and_safety() {
    assert_eq!(strs(&index_tokens("ＸＹ－２０２５　Straße ÉCOLE")), vec!["xy", "2025", "straße", "école"]);
    // İ lowercases to i + a combining dot, which is dropped.
    assert_eq!(strs(&index_tokens("İstanbul")), vec!["istanbul"]);
    // Extension A and compatibility ideographs count as ideographs.
    assert_eq!(strs(&index_tokens("㐀豈")), vec!["㐀", "㐀豈", "豈"]);
    let nasty = "a'b\"c:*d&e|f!g<->h (i) \\j 'k' --l 🙂m";
    for t in index_tokens(nasty).iter().chain(&query_tokens(nasty)) {
        assert!(t.chars().all(|c| c.is_alphanumeric() || is_ideograph(c)), "{t:?}");
    }
    assert_eq!(index_tokens(nasty).len(), 13);
}

#[test]
fn caps_and_dedup() {
    let long_word = "a".repeat(200);
    assert_eq!(index_tokens(&long_word), vec!["a".repeat(MAX_WORD_CHARS)]);
    assert_eq!(query_tokens(&long_word), index_tokens(&long_word));
    assert_eq!(strs(&index_tokens("协议 协议 协议")), vec!["协", "协议", "议"]);
    let many: String = (0..30_000).map(|i| format!("w{i} ")).collect();
    assert_eq!(index_tokens(&many).len(), MAX_INDEX_TOKENS);
    assert_eq!(query_tokens(&many).len(), MAX_QUERY_TOKENS);
    assert!(index_tokens("").is_empty() && query_tokens("  ").is_empty());
}

//! HTML representations (`f=html`): plain pages a clerk can read in a browser, with the links
//! of the JSON document and its content as tables.

use axum::response::Html;
use serde_json::Value;

use super::collections::Collection;
use crate::base::escape_html as escape;

fn text(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const STYLE: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f3f5f8}a{color:#1a5fb4}pre{background:#f6f6f6;padding:1em;overflow:auto}nav a{margin-right:1em}";

fn shell(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t} — onemap OGC API</title>\
         <style>{STYLE}</style></head><body><nav><a href=\"/ogc?f=html\">首页</a><a href=\"/ogc/collections?f=html\">要素集合</a>\
         <a href=\"/ogc/api?f=html\">接口文档</a><a href=\"/ogc/conformance?f=html\">符合性</a></nav><h1>{t}</h1>{body}</body></html>",
        t = escape(title)
    ))
}

fn links(v: &Value) -> String {
    let mut s = String::new();
    if let Some(list) = v.get("links").and_then(Value::as_array) {
        s.push_str("<ul>");
        for l in list {
            let href = l.get("href").map(text).unwrap_or_default();
            let title = l.get("title").map(text).unwrap_or_else(|| href.clone());
            let rel = l.get("rel").map(text).unwrap_or_default();
            s.push_str(&format!(
                "<li><a href=\"{}\">{}</a> <small>({})</small></li>",
                escape(&href),
                escape(&title),
                escape(&rel)
            ));
        }
        s.push_str("</ul>");
    }
    s
}

/// Any JSON document: its description, links, collections and the rest as JSON.
pub fn page(title: &str, v: &Value) -> Html<String> {
    let mut body = String::new();
    if let Some(d) = v.get("description").and_then(Value::as_str) {
        body.push_str(&format!("<p>{}</p>", escape(d)));
    }
    body.push_str(&links(v));
    if let Some(list) = v.get("collections").and_then(Value::as_array) {
        body.push_str("<table><tr><th>集合</th><th>名称</th><th>说明</th></tr>");
        for c in list {
            let id = c.get("id").map(text).unwrap_or_default();
            body.push_str(&format!(
                "<tr><td><a href=\"/ogc/collections/{0}/items?f=html\">{0}</a></td><td>{1}</td><td>{2}</td></tr>",
                escape(&id),
                escape(&c.get("title").map(text).unwrap_or_default()),
                escape(&c.get("description").map(text).unwrap_or_default())
            ));
        }
        body.push_str("</table>");
    } else {
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        body.push_str(&format!("<pre>{}</pre>", escape(&pretty)));
    }
    shell(title, &body)
}

fn properties_table(c: &Collection, props: &Value) -> String {
    let mut s = String::from("<table>");
    for q in c.queryables {
        s.push_str(&format!(
            "<tr><th>{} <small>{}</small></th><td>{}</td></tr>",
            escape(q.title),
            q.name,
            escape(&text(props.get(q.name).unwrap_or(&Value::Null)))
        ));
    }
    for extra in ["owner_name", "owner_id_number"] {
        if let Some(v) = props.get(extra) {
            s.push_str(&format!("<tr><th>{extra}</th><td>{}</td></tr>", escape(&text(v))));
        }
    }
    s.push_str("</table>");
    s
}

/// A page of features: counts, paging links, one row per feature.
pub fn items(c: &Collection, v: &Value, offset: u64) -> Html<String> {
    let matched = v.get("numberMatched").map(text).unwrap_or_default();
    let returned = v.get("numberReturned").and_then(Value::as_u64).unwrap_or(0);
    let mut body = format!(
        "<p>{}</p><p>共 {} 个要素，本页第 {}–{} 个。</p>",
        escape(c.description),
        escape(&matched),
        offset + u64::from(returned > 0),
        offset + returned
    );
    body.push_str(&links(v));
    body.push_str("<table><tr><th>要素</th>");
    let shown: Vec<_> = c.queryables.iter().take(6).collect();
    for q in &shown {
        body.push_str(&format!("<th>{}</th>", escape(q.title)));
    }
    body.push_str("</tr>");
    for f in v.get("features").and_then(Value::as_array).into_iter().flatten() {
        let id = f.get("id").map(text).unwrap_or_default();
        let href: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        body.push_str(&format!(
            "<tr><td><a href=\"/ogc/collections/{}/items/{}?f=html\">{}</a></td>",
            c.id,
            escape(&href),
            escape(&id)
        ));
        for q in &shown {
            let p = f.get("properties").and_then(|p| p.get(q.name)).unwrap_or(&Value::Null);
            body.push_str(&format!("<td>{}</td>", escape(&text(p))));
        }
        body.push_str("</tr>");
    }
    body.push_str("</table>");
    shell(&format!("{} ({})", c.title, c.id), &body)
}

/// One feature: its properties and geometry.
pub fn feature(c: &Collection, v: &Value) -> Html<String> {
    let id = v.get("id").map(text).unwrap_or_default();
    let mut body = links(v);
    body.push_str(&properties_table(c, v.get("properties").unwrap_or(&Value::Null)));
    let geometry = serde_json::to_string(v.get("geometry").unwrap_or(&Value::Null)).unwrap_or_default();
    body.push_str(&format!("<h2>几何 (GeoJSON)</h2><pre>{}</pre>", escape(&geometry)));
    shell(&format!("{} {}", c.title, id), &body)
}

//! The server library's floors: every module imports only modules below it, so there is no
//! import circle. The order below is the one `src/lib.rs` documents; a `crate::x` reference to
//! a module listed later (or to itself through `crate::`) fails this test, naming the file.
//!
//! Run alone: `cargo test -p onemap --test layers`.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom to top. Ground floor: config, db, base; then auth; then the domain modules; app on top.
const FLOORS: &[&str] = &[
    "config",
    "db",
    "base",
    "auth",
    "access",
    "audit",
    "backup",
    "health",
    "unit_codes",
    "units",
    "survey",
    "identify",
    "search",
    "archives",
    "registration",
    "relocation",
    "files",
    "tiles",
    "styles",
    "basemaps",
    "ogc",
    "exports",
    "reports",
    "metrics",
    "app",
];

/// Every `crate::name` in a source text, including `use crate::{a, b::c}` groups.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push(name);
            }
        } else {
            out.push(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_import_only_downward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let floor: BTreeMap<&str, usize> = FLOORS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if first == "main" || first == "lib" {
            continue;
        }
        let Some(&own) = floor.get(first.as_str()) else {
            panic!("module {first} ({}) is not placed on a floor in tests/layers.rs", rel.display());
        };
        seen += 1;
        let text = std::fs::read_to_string(&file).unwrap();
        for name in crate_refs(&text) {
            match floor.get(name.as_str()) {
                Some(&other) if other > own => wrong
                    .push(format!("{} (floor {own}, {first}) imports crate::{name} (floor {other})", rel.display())),
                _ => {}
            }
        }
    }
    assert!(seen > 40, "read only {seen} files");
    assert!(wrong.is_empty(), "imports that go up a floor:\n{}", wrong.join("\n"));
}

#[test]
fn the_reference_finder_sees_groups() {
    assert_eq!(
        crate_refs("use crate::{auth::Principal, base};\nlet x = crate::tiles::origin(h);"),
        ["auth", "base", "tiles"]
    );
}

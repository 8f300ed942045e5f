//! 文本提取: the text of an uploaded document for full-text search — PDFs with poppler's
//! `pdftotext` (Debian's poppler-utils; CJK text through the fonts' ToUnicode maps), Word
//! documents (.docx) from their `word/document.xml`. Scans have no text (their title is
//! searched). At most [`MAX_TEXT`] bytes are kept.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use onemap_intake::Kind;

/// Most text kept per document, bytes.
pub const MAX_TEXT: usize = 1 << 20;

/// The document's text, or None when it has none (or it cannot be read: the upload still
/// counts, searchable by title).
pub async fn extract(path: &Path, kind: Kind) -> Option<String> {
    let text = match kind {
        Kind::Pdf => pdf(path).await,
        Kind::Docx => {
            let path = path.to_owned();
            tokio::task::spawn_blocking(move || docx(&path)).await.ok().flatten()
        }
        _ => None,
    }?;
    let mut t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
    }
    (!t.is_empty()).then_some(t)
}

async fn pdf(path: &Path) -> Option<String> {
    let run = tokio::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-q"])
        .arg(path)
        .arg("-")
        .kill_on_drop(true)
        .output();
    match tokio::time::timeout(Duration::from_secs(30), run).await {
        Ok(Ok(out)) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(Ok(out)) => {
            tracing::warn!(status = %out.status, "pdftotext could not read an uploaded PDF");
            None
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "pdftotext is not available (poppler-utils): PDFs are searched by title");
            None
        }
        Err(_) => {
            tracing::warn!("pdftotext took longer than 30 s: the PDF is searched by title");
            None
        }
    }
}

/// The paragraphs of a .docx, one per line.
fn docx(path: &Path) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).ok()?).ok()?;
    let entry = zip.by_name("word/document.xml").ok()?;
    let mut xml = String::new();
    entry.take(16 << 20).read_to_string(&mut xml).ok()?;
    Some(xml_text(&xml))
}

/// The character data of an XML text, a newline at each paragraph's end, entities decoded.
fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else { break };
        let tag = &rest[lt..lt + gt];
        if tag.starts_with("</w:p") {
            out.push('\n');
        } else if tag.starts_with("<w:tab") {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Gives every document without a search vector (filed before search existed, like the
/// demo's) its text and tokens, a hundred at a time; runs once in the background at start.
pub async fn index_unindexed(state: crate::base::AppState) {
    let files = state.config.files_dir();
    loop {
        #[allow(clippy::type_complexity)]
        let batch: Result<Vec<(i64, String, String, String, String)>, _> = sqlx::query_as(
            "SELECT id, archive_no, title, file_path, mime_type FROM archive_documents WHERE search IS NULL ORDER BY id LIMIT 100",
        )
        .fetch_all(&state.pool)
        .await;
        let batch = match batch {
            Ok(b) if b.is_empty() => return,
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "indexing archive documents stopped");
                return;
            }
        };
        for (id, number, title, path, mime) in batch {
            let kind = match mime.as_str() {
                "application/pdf" => Some(Kind::Pdf),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some(Kind::Docx),
                _ => None,
            };
            let text = match kind {
                Some(k) => extract(&files.join(&path), k).await,
                None => None,
            };
            let title_tokens = onemap_intake::index_tokens(&format!("{title} {number}"));
            let text_tokens = text.as_deref().map(onemap_intake::index_tokens).unwrap_or_default();
            let done = sqlx::query(
                "UPDATE archive_documents SET content_text = $2,
                    search = setweight(array_to_tsvector($3::text[]), 'A') || setweight(array_to_tsvector($4::text[]), 'B')
                 WHERE id = $1",
            )
            .bind(id)
            .bind(text.as_deref())
            .bind(&title_tokens)
            .bind(&text_tokens)
            .execute(&state.pool)
            .await;
            if let Err(e) = done {
                tracing::warn!(error = %e, "indexing archive documents stopped");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_xml_text() {
        let xml = r#"<w:document><w:body><w:p><w:r><w:t>评估报告</w:t></w:r><w:r><w:tab/><w:t>张&amp;三</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:body></w:document>"#;
        assert_eq!(super::xml_text(xml), "评估报告 张&三\n第二段\n");
    }
}

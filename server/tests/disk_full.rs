//! The disk fills up during an upload: the files directory on a small tmpfs (mounted by the
//! test, which needs root — as `make test` in CI runs), an upload larger than what is left —
//! a 507 problem body, no row, no file, nothing staged left behind.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Demo, token};

/// A tmpfs mounted at a path for the test's duration.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Self {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(at).status();
        assert!(ok.unwrap().success(), "mount tmpfs at {}", at.display());
        Self(at.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().map(Result::unwrap) {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_full_disk_refuses_the_upload_and_leaves_nothing() {
    if !nix::unistd::Uid::effective().is_root() {
        panic!("this test mounts a tmpfs and needs root (CI runs make test as root)");
    }
    let d = Demo::start().await;
    let officer = token(&d.client, &d.base, "officer").await;
    // The files directory becomes a 4 MiB tmpfs, 3.5 MiB of it taken.
    let files = d.env.data_dir().join("files");
    let _ = std::fs::remove_dir_all(&files);
    let _mount = Tmpfs::mount(&files, "4m");
    std::fs::write(files.join("filler"), vec![0u8; 3584 * 1024]).unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();

    // A 2 MB PDF: more than is left.
    let mut pdf = b"%PDF-1.4\n%".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
    pdf.extend(b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    let form = reqwest::multipart::Form::new()
        .text("project", "WX-ZS-2025-02")
        .text("category", "其他")
        .text("title", "磁盘已满")
        .part("file", reqwest::multipart::Part::bytes(pdf).file_name("full.pdf"));
    let r =
        d.client.post(format!("{}/api/archives", d.base)).bearer_auth(&officer).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 507);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "disk_full", "{body}");
    assert!(body["detail"].as_str().unwrap_or(body["message"].as_str().unwrap_or("")).contains("磁盘已满"), "{body}");

    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM archive_documents").fetch_one(&d.pool).await.unwrap();
    assert_eq!(after, before, "no row");
    assert_eq!(entries(&files), ["filler"], "nothing but the filler on the full disk");

    // With room again, the same kind of upload goes through.
    std::fs::remove_file(files.join("filler")).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("project", "WX-ZS-2025-02")
        .text("category", "其他")
        .text("title", "空间恢复")
        .part("file", reqwest::multipart::Part::bytes(common::docx("空间恢复后。")).file_name("ok.docx"));
    let r =
        d.client.post(format!("{}/api/archives", d.base)).bearer_auth(&officer).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
}

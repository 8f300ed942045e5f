use std::io::Write;

use zip::write::SimpleFileOptions;

use super::*;
use crate::testdata;

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        zip.start_file(*name, SimpleFileOptions::default()).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn kind(bytes: &[u8]) -> Kind {
    sniff_bytes(bytes).unwrap_or_else(|e| panic!("expected a kind, got {e}")).kind
}

fn refused(bytes: &[u8]) -> &'static str {
    match sniff_bytes(bytes) {
        Err(SniffError::Refused { code, what }) => {
            assert_eq!(code, "refused_content");
            what
        }
        other => panic!("expected refusal, got {other:?}"),
    }
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

#[test]
fn images_by_magic() {
    let jpeg = kind(&testdata::jpeg(8, 8));
    assert_eq!(jpeg, Kind::Jpeg);
    assert_eq!(kind(&testdata::png(4, 3)), Kind::Png);
    assert_eq!(kind(b"II*\0\x08\0\0\0rest"), Kind::Tiff);
    assert_eq!(kind(b"MM\0*\0\0\0\x08rest"), Kind::Tiff);
    let s = sniff_bytes(&testdata::jpeg(8, 8)).unwrap();
    assert_eq!((s.mime, s.extension, s.is_image, s.inline), ("image/jpeg", "jpg", true, true));
    let t = Sniffed::from(Kind::Tiff);
    assert!(t.is_image && !t.inline);
}

#[test]
fn pdf_header_anywhere_in_first_kilobyte() {
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    let s = sniff_bytes(pdf).unwrap();
    assert_eq!((s.kind, s.mime, s.inline, s.is_image), (Kind::Pdf, "application/pdf", true, false));
    let mut junk = vec![b'x'; 600];
    junk.extend_from_slice(pdf);
    assert_eq!(kind(&junk), Kind::Pdf);
    let mut far = vec![b'x'; 1100];
    far.extend_from_slice(pdf);
    assert!(matches!(sniff_bytes(&far), Err(SniffError::Unknown)));
    let mut html_first = b"<html><body>".to_vec();
    html_first.extend_from_slice(pdf);
    assert_eq!(refused(&html_first), "html");
    let mut sneaky = b"xx <script>alert(1)</script>".to_vec();
    sneaky.extend_from_slice(pdf);
    assert_eq!(refused(&sneaky), "html");
}

#[test]
fn office_and_ofd_containers() {
    let docx = zip_with(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    ]);
    let s = sniff_bytes(&docx).unwrap();
    assert_eq!((s.kind, s.extension, s.inline), (Kind::Docx, "docx", false));
    assert!(s.mime.ends_with("wordprocessingml.document"));
    let xlsx = zip_with(&[("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", b"<workbook/>")]);
    assert_eq!(kind(&xlsx), Kind::Xlsx);
    let pptx = zip_with(&[("[Content_Types].xml", CONTENT_TYPES), ("ppt/presentation.xml", b"<p/>")]);
    assert_eq!(kind(&pptx), Kind::Pptx);
    let ofd = zip_with(&[("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<ofd:Document/>")]);
    let s = sniff_bytes(&ofd).unwrap();
    assert_eq!((s.kind, s.mime, s.extension), (Kind::Ofd, "application/ofd", "ofd"));
    // Word parts without a content-types part are just a zip.
    let bulk = zip_with(&[("manifest.csv", b"file,title\n"), ("word/a.xml", b"x"), ("a.jpg", &testdata::jpeg(4, 4))]);
    assert_eq!(kind(&bulk), Kind::Zip);
    assert_eq!(kind(&zip_with(&[])), Kind::Zip);
}

#[test]
fn corrupt_zip_and_ole() {
    let mut docx = zip_with(&[("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", b"<w:document/>")]);
    docx.truncate(docx.len() - 30);
    let err = sniff_bytes(&docx).unwrap_err();
    assert_eq!(err.code(), "corrupt_zip");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    let s = sniff_bytes(&ole).unwrap();
    assert_eq!((s.kind, s.extension, s.inline), (Kind::Ole, "ole", false));
}

#[test]
fn extension_for_keeps_fitting_names() {
    assert_eq!(Kind::Ole.extension_for("征收补偿台账.XLS"), "xls");
    assert_eq!(Kind::Ole.extension_for("协议.doc"), "doc");
    assert_eq!(Kind::Ole.extension_for("no_extension"), "ole");
    assert_eq!(Kind::Jpeg.extension_for("IMG_0001.JPEG"), "jpeg");
    assert_eq!(Kind::Jpeg.extension_for("report.pdf"), "jpg");
    assert_eq!(Kind::Pdf.extension_for("evil.pdf.html"), "pdf");
    for kind in [
        Kind::Jpeg,
        Kind::Png,
        Kind::Tiff,
        Kind::Pdf,
        Kind::Ofd,
        Kind::Docx,
        Kind::Xlsx,
        Kind::Pptx,
        Kind::Ole,
        Kind::Zip,
    ] {
        assert_eq!(kind.extensions()[0], kind.extension());
    }
}

#[test]
fn refuses_markup_scripts_and_executables() {
    assert_eq!(refused(b"<!DOCTYPE html><html><body>x</body></html>"), "html");
    assert_eq!(refused(b"\xEF\xBB\xBF  \r\n\t<HTML lang=zh>"), "html");
    assert_eq!(refused(b"<!-- hi --><p>x"), "html");
    assert_eq!(refused(b"<Script>alert(1)</script>"), "html");
    assert_eq!(refused(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "svg");
    assert_eq!(
        refused(b"<?xml version=\"1.0\"?>\n<!-- x -->\n<SVG xmlns=\"http://www.w3.org/2000/svg\"/>"),
        "xml_markup"
    );
    assert_eq!(refused(b"<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\"/>"), "xml_markup");
    assert_eq!(refused(b"  function f() { return 1 }"), "javascript");
    assert_eq!(refused(b"'use strict';\nconst a = 1;"), "javascript");
    assert_eq!(refused(b"#!/bin/sh\nrm -rf /\n"), "shell_script");
    assert_eq!(refused(b"<?php echo 1; ?>"), "server_script");
    assert_eq!(refused(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"), "pe_executable");
    assert_eq!(refused(b"\x7fELF\x02\x01\x01\0"), "elf_executable");
    assert_eq!(refused(b"\xCF\xFA\xED\xFE\x07\0\0\x01"), "macho_executable");
    // UTF-16 (as Windows Notepad saves it) is seen through.
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("<html>".bytes().flat_map(|b| [b, 0])).collect();
    assert_eq!(refused(&utf16), "html");
    for what in ["html", "svg"] {
        let err = sniff_bytes(format!("<{what}>").as_bytes()).unwrap_err();
        assert_eq!(err.code(), "refused_content");
    }
}

#[test]
fn harmless_text_is_unknown_not_refused() {
    assert!(matches!(sniff_bytes(b"<?xml version=\"1.0\"?><root><a>1</a></root>"), Err(SniffError::Unknown)));
    assert!(matches!(sniff_bytes(b"<abbr>not a tag we sniff</abbr>"), Err(SniffError::Unknown)));
    assert!(matches!(sniff_bytes("file,title\n照片.jpg,现场\n".as_bytes()), Err(SniffError::Unknown)));
    assert!(matches!(sniff_bytes(b""), Err(SniffError::Empty)));
    assert_eq!(SniffError::Unknown.code(), "unknown_content");
}

#[test]
fn judges_files_by_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let fake_pdf = dir.path().join("report.pdf");
    std::fs::write(&fake_pdf, testdata::jpeg(16, 8)).unwrap();
    assert_eq!(sniff(&fake_pdf).unwrap().kind, Kind::Jpeg);

    let svg_photo = dir.path().join("photo.jpg");
    std::fs::write(&svg_photo, b"\xEF\xBB\xBF<svg onload=\"alert(1)\"></svg>").unwrap();
    assert!(matches!(sniff(&svg_photo), Err(SniffError::Refused { what: "svg", .. })));

    // A docx bigger than the head: the directory at its end is still found.
    let big = vec![b'x'; HEAD_LEN * 3];
    let docx = zip_with(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/media/big.bin", &big),
        ("word/document.xml", b"<w/>"),
    ]);
    let docx_path = dir.path().join("upload.bin");
    std::fs::write(&docx_path, &docx).unwrap();
    assert_eq!(sniff(&docx_path).unwrap().kind, Kind::Docx);

    let missing = dir.path().join("missing");
    assert_eq!(sniff(&missing).unwrap_err().code(), "io_error");
}

//! Interoperability with OpenSSL 3's SM2 (`openssl pkeyutl … -digest sm3 -pkeyopt distid:…`).
//! OpenSSL is required: these tests fail, rather than skip, when it is missing.

use chrono::Utc;
use onemap_seal::{DIST_ID, KeyStore, SigningKey, VerifyingKey, sign, verify};
use std::path::Path;
use std::process::{Command, Output};

fn openssl(dir: &Path, args: &[&str]) -> Output {
    match Command::new("openssl").args(args).current_dir(dir).output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`openssl` is not on PATH: the SM2 interoperability tests need OpenSSL 3 (apt-get install openssl)")
        }
        Err(e) => panic!("cannot run openssl {args:?}: {e}"),
    }
}

fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let out = openssl(dir, args);
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn distid() -> String {
    format!("distid:{DIST_ID}")
}

/// `openssl pkeyutl -verify` of `data` against `sig.der` with `pub.pem`.
fn openssl_verify(dir: &Path, data: &str) -> (bool, String) {
    let distid = distid();
    let args = [
        "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3", "-pkeyopt", &distid, "-in",
        data, "-sigfile", "sig.der",
    ];
    let out = openssl(dir, &args);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && text.contains("Signature Verified Successfully"), text)
}

#[test]
fn openssl_verifies_our_signatures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let store = KeyStore::open(dir.join("keys")).expect("open");
    let key = store.init().expect("init");
    let data = "format=onemap-cert/1\nnumber=京(2024)朝阳区不动产权第0001234号\n".as_bytes();
    let sig = sign(&key, data).expect("sign");

    std::fs::write(dir.join("data"), data).expect("write data");
    std::fs::write(dir.join("sig.der"), &sig).expect("write sig");
    let info = store.list().expect("list");
    std::fs::write(dir.join("pub.pem"), &info[0].public_pem).expect("write pem");

    let (ok, text) = openssl_verify(dir, "data");
    assert!(ok, "OpenSSL rejected our signature: {text}");
    assert!(text.contains("Signature Verified Successfully"), "{text}");

    let mut tampered = data.to_vec();
    tampered[0] ^= 0x01;
    std::fs::write(dir.join("tampered"), &tampered).expect("write tampered");
    let (ok, text) = openssl_verify(dir, "tampered");
    assert!(!ok, "OpenSSL accepted a tampered file: {text}");
    assert!(text.contains("Signature Verification Failure"), "{text}");

    // OpenSSL reads both key files and sees an SM2 key.
    let key_file = format!("keys/{}.key", key.id());
    let text = openssl_ok(dir, &["pkey", "-in", &key_file, "-noout", "-text"]);
    assert!(text.contains("SM2") || text.contains("sm2"), "{text}");
    let pub_file = format!("keys/{}.pub.pem", key.id());
    let text = openssl_ok(dir, &["pkey", "-pubin", "-in", &pub_file, "-noout", "-text"]);
    assert!(text.contains("SM2") || text.contains("sm2"), "{text}");
}

#[test]
fn we_verify_openssl_signatures_and_keys() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let distid = distid();
    openssl_ok(dir, &["genpkey", "-algorithm", "SM2", "-out", "key.pem"]);
    openssl_ok(dir, &["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"]);
    let data = "不动产登记证明 2024-03-01\n".as_bytes();
    std::fs::write(dir.join("data"), data).expect("write data");
    openssl_ok(
        dir,
        &[
            "pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-digest", "sm3", "-pkeyopt", &distid, "-in", "data",
            "-out", "sig.der",
        ],
    );

    let pem = std::fs::read_to_string(dir.join("pub.pem")).expect("read pem");
    let public = VerifyingKey::from_public_pem(&pem).expect("parse OpenSSL public key");
    let sig = std::fs::read(dir.join("sig.der")).expect("read sig");
    assert!(verify(&public, data, &sig), "OpenSSL's signature did not verify");
    let mut tampered = data.to_vec();
    tampered[3] ^= 0x20;
    assert!(!verify(&public, &tampered, &sig), "a tampered message verified");

    // OpenSSL's PKCS#8 private key loads, signs, and OpenSSL verifies the result.
    let key_pem = std::fs::read_to_string(dir.join("key.pem")).expect("read key");
    let key = SigningKey::from_pkcs8_pem("sm2-20240301-00000000", Utc::now(), &key_pem).expect("parse key");
    assert_eq!(key.verifying_key(), public);
    std::fs::write(dir.join("sig.der"), sign(&key, data).expect("sign")).expect("write sig");
    let (ok, text) = openssl_verify(dir, "data");
    assert!(ok, "OpenSSL rejected our signature made with its key: {text}");
}

//! HTTPS when `[tls]` names a certificate and key: the server answers over TLS only, with HSTS,
//! and a key that does not match its certificate stops it with one clear line.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Env, free_port};

fn openssl(args: &[&str]) {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A test CA and a server certificate for 127.0.0.1 it signed, made by OpenSSL:
/// (CA cert, server cert, server key) paths.
fn certificates(dir: &std::path::Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |f: &str| dir.join(format!("{name}-{f}"));
    let s = |f: &str| p(f).to_str().unwrap().to_owned();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
        &[
            &["req", "-x509"],
            &ec[..],
            &["-days", "2", "-subj", "/CN=onemap test CA", "-keyout", &s("ca.key"), "-out", &s("ca.crt")],
        ]
        .concat(),
    );
    openssl(
        &[&["req"], &ec[..], &["-subj", "/CN=127.0.0.1", "-keyout", &s("server.key"), "-out", &s("server.csr")]]
            .concat(),
    );
    std::fs::write(p("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        &s("server.csr"),
        "-CA",
        &s("ca.crt"),
        "-CAkey",
        &s("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        &s("ext"),
        "-out",
        &s("server.crt"),
    ]);
    (p("ca.crt"), p("server.crt"), p("server.key"))
}

fn config(env: &Env, cert: &std::path::Path, key: &std::path::Path) -> std::path::PathBuf {
    let file = env.path().join("tls.toml");
    std::fs::write(&file, format!("[tls]\ncert = {:?}\nkey = {:?}\n", cert, key)).unwrap();
    file
}

#[tokio::test]
async fn https_with_hsts_when_a_certificate_is_configured() {
    let env = Env::new();
    env.ok(&["db", "migrate"]);
    let (ca, cert, key) = certificates(env.path(), "a");
    let file = config(&env, &cert, &key);
    let port = free_port();
    let mut child = env
        .cmd()
        .env("ONEMAP_CONFIG", &file)
        .env("PORT", port.to_string())
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let client = reqwest::Client::builder().add_root_certificate(ca).build().unwrap();
    let url = format!("https://127.0.0.1:{port}/health");
    let deadline = Instant::now() + Duration::from_secs(60);
    let r = loop {
        match client.get(&url).send().await {
            Ok(r) => break r,
            Err(e) => {
                assert!(Instant::now() < deadline, "no HTTPS answer: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff", "the usual security headers too");
    // Plain HTTP on the same port is not served.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/health")).await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success(), "plain HTTP answered");
    // A client that does not trust the certificate refuses the connection.
    assert!(reqwest::get(&url).await.is_err());
    let _ = child.kill();
    let _ = child.wait();

    // A key that is not the certificate's: one line, no start.
    let (_, _, other_key) = certificates(env.path(), "b");
    let file = config(&env, &cert, &other_key);
    let out = env.cmd().env("ONEMAP_CONFIG", &file).env("PORT", free_port().to_string()).arg("serve").output().unwrap();
    common::assert_one_error_line(&out, "do not go together");
}

//! deploy/onemap.service is a unit systemd accepts (systemd-analyze verify, with the binary
//! path pointed at this build), and it runs onemap as the unprivileged user with the hardening
//! the README promises.

#[test]
fn the_systemd_unit_verifies() {
    let unit = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/onemap.service")).unwrap();
    for line in [
        "User=onemap",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "CapabilityBoundingSet=",
        "ExecStart=/opt/onemap/bin/onemap serve",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line} missing");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("onemap.service");
    std::fs::write(&path, unit.replace("/opt/onemap/bin/onemap", env!("CARGO_BIN_EXE_onemap"))).unwrap();
    let out = std::process::Command::new("systemd-analyze").arg("verify").arg(&path).output().expect("systemd-analyze");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("onemap.service"), "{stderr}");
}

use super::*;
use crate::sign::{sign, verify};
use std::os::unix::fs::PermissionsExt as _;

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn init_twice_gives_one_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("keys");
    let store = KeyStore::open(&dir).expect("open");
    assert_eq!(mode(&dir), 0o700);
    assert!(matches!(store.active(), Err(SealError::NoActiveKey(_))));

    let first = store.init().expect("init");
    let again = KeyStore::open(&dir).expect("reopen").init().expect("init again");
    assert_eq!(first.id(), again.id());
    assert_eq!(first.verifying_key(), again.verifying_key());

    let list = store.list().expect("list");
    assert_eq!(list.len(), 1);
    assert!(list[0].active && list[0].id == first.id());
    assert_eq!(list[0].public_pem, first.verifying_key().to_public_pem().expect("pem"));
    assert_eq!(store.active().expect("active").id(), first.id());
}

#[test]
fn rotation_keeps_old_keys_for_verification() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = KeyStore::open(tmp.path()).expect("open");
    let old = store.init().expect("init");
    let old_sig = sign(&store.active().expect("active"), b"old certificate").expect("sign");

    let new = store.rotate().expect("rotate");
    assert_ne!(old.id(), new.id());
    assert_eq!(store.active().expect("active").id(), new.id());
    let list = store.list().expect("list");
    let flags: Vec<(&str, bool)> = list.iter().map(|k| (k.id.as_str(), k.active)).collect();
    assert_eq!(flags, vec![(old.id(), false), (new.id(), true)]);

    let old_public = store.verifying_key(old.id()).expect("old public key");
    assert!(verify(&old_public, b"old certificate", &old_sig));
    assert!(!verify(&store.verifying_key(new.id()).expect("new public key"), b"old certificate", &old_sig));
    let new_sig = sign(&store.active().expect("active"), b"new certificate").expect("sign");
    assert!(verify(&store.verifying_key(new.id()).expect("new"), b"new certificate", &new_sig));
    // init after rotation is a no-op returning the active key.
    assert_eq!(store.init().expect("init").id(), new.id());
}

#[test]
fn key_files_are_private_and_loose_modes_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = KeyStore::open(tmp.path()).expect("open");
    let key = store.init().expect("init");
    let key_path = tmp.path().join(format!("{}.key", key.id()));
    assert_eq!(mode(&key_path), 0o600);
    assert_eq!(mode(&tmp.path().join(format!("{}.pub.pem", key.id()))), 0o644);
    let names: Vec<String> = fs::read_dir(tmp.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "temporary files left: {names:?}");

    for loose in [0o644, 0o640, 0o604] {
        fs::set_permissions(&key_path, fs::Permissions::from_mode(loose)).expect("chmod");
        let err = store.active().expect_err("a group/world-readable key must be refused");
        assert!(matches!(err, SealError::InsecureKeyFile { mode, .. } if mode == loose), "{err}");
        assert!(err.to_string().contains(&key_path.display().to_string()), "{err}");
    }
    // Verification only needs the public key and still works.
    store.verifying_key(key.id()).expect("public key is fine");
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o400)).expect("chmod");
    assert_eq!(store.active().expect("0400 is accepted").id(), key.id());
}

#[test]
fn bad_ids_and_swapped_files_are_errors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = KeyStore::open(tmp.path()).expect("open");
    let a = store.init().expect("init");
    let b = store.rotate().expect("rotate");
    assert!(matches!(store.verifying_key("../../etc/passwd"), Err(SealError::InvalidKeyId(_))));
    assert!(matches!(store.verifying_key("sm2-20000101-00000000"), Err(SealError::UnknownKey { .. })));

    // Put b's public key under a's name: the fingerprint no longer matches the id.
    let pub_a = tmp.path().join(format!("{}.pub.pem", a.id()));
    fs::copy(tmp.path().join(format!("{}.pub.pem", b.id())), &pub_a).expect("copy");
    assert!(matches!(store.verifying_key(a.id()), Err(SealError::CorruptStore { .. })));

    fs::write(tmp.path().join("keys.json"), b"{not json").expect("write");
    let err = store.list().expect_err("damaged index");
    assert!(matches!(err, SealError::CorruptStore { .. }) && err.to_string().contains("keys.json"), "{err}");
}

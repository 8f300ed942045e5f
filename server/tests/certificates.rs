//! Electronic certificates (issue 17) end to end: signed on first need with the SM2 key the
//! server publishes; OpenSSL verifies the signature with that key; the PDF face's SM3 (by
//! OpenSSL) is what was signed; zbarimg reads the QR code from the rendered face and the link
//! answers; verification says valid, changed, cancelled or unknown; keys rotate and old
//! signatures still verify.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use base64::Engine;
use common::{Demo, demolish, get_json, registered_house_to_demolish, token};
use serde_json::Value;

/// A house-ownership certificate of the demo with one holder, and that holder's name.
async fn house_certificate(d: &Demo, skip: i64) -> (String, String, String) {
    sqlx::query_as(
        "SELECT c.number, c.identifier, h.name FROM certificates c JOIN rights r ON r.id = c.right_id
         JOIN right_parties rp ON rp.right_id = r.id AND rp.role = 'holder' JOIN right_holders h ON h.id = rp.holder_id
         WHERE r.kind = 'house_ownership' AND c.status = 'valid'
           AND (SELECT count(*) FROM right_parties x WHERE x.right_id = r.id AND x.role = 'holder') = 1
         ORDER BY c.id OFFSET $1 LIMIT 1",
    )
    .bind(skip)
    .fetch_one(&d.pool)
    .await
    .unwrap()
}

async fn verify(d: &Demo, identifier: &str, query: &str) -> (u16, Value) {
    let got = d
        .client
        .get(format!("{}/verify/{identifier}{query}", d.base))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    (got.status().as_u16(), got.json().await.unwrap())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (make test installs it)"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn certificates_signed_verified_by_openssl_and_by_qr() {
    let d = Demo::start().await;
    let clerk = token(&d.client, &d.base, "clerk").await;
    let (number, identifier, holder) = house_certificate(&d, 0).await;
    let dir = tempfile::tempdir().unwrap();

    // The published key, and the private key's file mode.
    let keys: Value = d.client.get(format!("{}/api/signing-keys", d.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(keys.as_array().unwrap().len(), 1, "{keys}");
    let key_id = keys[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(keys[0]["active"], true);
    let pem = keys[0]["public_key_pem"].as_str().unwrap();
    std::fs::write(dir.path().join("pub.pem"), pem).unwrap();
    let text =
        run(Command::new("openssl").args(["pkey", "-pubin", "-text", "-noout", "-in"]).arg(dir.path().join("pub.pem")));
    assert!(text.contains("SM2"), "OpenSSL reads the key as SM2: {text}");
    let key_file = d.env.data_dir().join("keys").join(format!("{key_id}.key"));
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600, "{}", key_file.display());

    // The signature, checked by OpenSSL with the published key.
    let got = d
        .client
        .get(format!("{}/api/certificates/{number}/signature", d.base))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let sig: Value = got.json().await.unwrap();
    assert_eq!((sig["algorithm"].as_str(), sig["key_id"].as_str()), (Some("SM2-with-SM3"), Some(key_id.as_str())));
    let b64 = base64::engine::general_purpose::STANDARD;
    let data = b64.decode(sig["signed_data"].as_str().unwrap()).unwrap();
    std::fs::write(dir.path().join("data"), &data).unwrap();
    std::fs::write(dir.path().join("sig.der"), b64.decode(sig["signature"].as_str().unwrap()).unwrap()).unwrap();
    let openssl_verify = |data: &str| {
        Command::new("openssl")
            .current_dir(dir.path())
            .args(["pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3"])
            .args(["-pkeyopt", "distid:1234567812345678", "-in", data, "-sigfile", "sig.der"])
            .output()
            .unwrap()
    };
    let ok = openssl_verify("data");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Signature Verified Successfully"), "{ok:?}");
    let mut forged = data.clone();
    forged[10] ^= 1;
    std::fs::write(dir.path().join("forged"), &forged).unwrap();
    assert!(!openssl_verify("forged").status.success(), "a changed byte fails");
    let content = String::from_utf8(data.clone()).unwrap();
    assert!(content.contains(&number) && content.contains(&holder), "{content}");

    // The face: its SM3 (by OpenSSL) is the one signed; its text and its QR code.
    let got =
        d.client.get(format!("{}/api/certificates/{identifier}/pdf", d.base)).bearer_auth(&clerk).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    std::fs::write(dir.path().join("face.pdf"), got.bytes().await.unwrap()).unwrap();
    let sm3 = run(Command::new("openssl").current_dir(dir.path()).args(["dgst", "-sm3", "-r", "face.pdf"]));
    let sm3 = sm3.split_whitespace().next().unwrap();
    assert_eq!(sig["pdf_sm3"], sm3);
    assert!(content.contains(sm3), "the signed content carries the face's SM3: {content}");
    let words = run(Command::new("pdftotext").current_dir(dir.path()).args(["face.pdf", "-"]));
    for needle in ["不动产权证书", number.as_str(), holder.as_str(), "1:"] {
        assert!(words.contains(needle), "{needle} not on the face: {words}");
    }
    run(Command::new("pdftoppm").current_dir(dir.path()).args([
        "-r",
        "200",
        "-png",
        "-singlefile",
        "face.pdf",
        "face",
    ]));
    let qr = run(Command::new("zbarimg").current_dir(dir.path()).args(["--raw", "-q", "face.png"]));
    let url = qr.trim();
    let path = url.strip_prefix("http://localhost:").and_then(|r| r.split_once('/')).map(|(_, p)| format!("/{p}"));
    let path = path.unwrap_or_else(|| panic!("the QR code holds {url}"));
    assert!(path.starts_with(&format!("/verify/{identifier}?c=")), "{url}");

    // The link answers: valid, signature and register agree, the name masked.
    let got = d.client.get(format!("{}{path}", d.base)).header("accept", "application/json").send().await.unwrap();
    assert_eq!(got.status(), 200);
    let v: Value = got.json().await.unwrap();
    assert_eq!((v["state"].as_str(), v["signature_valid"].as_bool()), (Some("valid"), Some(true)), "{v}");
    assert_eq!((v["register_matches"].as_bool(), v["check_matches"].as_bool()), (Some(true), Some(true)), "{v}");
    let shown = v["holders"][0].as_str().unwrap();
    assert!(shown.contains('*') && shown != holder && shown.starts_with(holder.chars().next().unwrap()), "{v}");
    let page = d.client.get(format!("{}{path}", d.base)).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("data-state=\"valid\"") && page.contains("SM2 签名验证通过") && !page.contains(&holder),
        "{page}"
    );

    // The record: masked for the public, in full for the clerk; the face is not public.
    let public: Value =
        d.client.get(format!("{}/api/certificates/{number}", d.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(public["holders"][0]["name"], shown, "{public}");
    assert_eq!(public["key_id"], key_id.as_str());
    let (_, full) = get_json(&d.client, format!("{}/api/certificates/{number}", d.base), Some(&clerk)).await;
    assert_eq!(full["holders"][0]["name"], holder.as_str(), "{full}");
    let anonymous = d.client.get(format!("{}/api/certificates/{number}/pdf", d.base)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // A wrong check value, an unknown identifier.
    let (status, v) = verify(&d, &identifier, "?c=AAAAAAAA").await;
    assert_eq!((status, v["check_matches"].as_bool()), (200, Some(false)), "{v}");
    let unknown = onemap_codes::certificate::certificate_identifier(
        onemap_codes::certificate::TYPE_TITLE_CERTIFICATE,
        "000000000000000000",
        "00000000000",
        1,
    );
    let (status, v) = verify(&d, &unknown, "").await;
    assert_eq!((status, v["code"].as_str()), (404, Some("unknown_certificate")), "{v}");
    // Malformed: not an identifier at all, or one character mistyped (the check character
    // catches it) — 400, a problem body for programs and a page in Chinese for people.
    let mut typo = identifier.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == '0' { '1' } else { '0' });
    for bad in ["garbage", typo.as_str()] {
        let (status, v) = verify(&d, bad, "").await;
        assert_eq!((status, v["code"].as_str()), (400, Some("malformed_identifier")), "{bad}: {v}");
        let page = d.client.get(format!("{}/verify/{bad}", d.base)).send().await.unwrap();
        assert_eq!(page.status(), 400);
        let page = page.text().await.unwrap();
        assert!(page.contains("data-state=\"malformed_identifier\"") && page.contains("证照标识"), "{page}");
    }
    let page = d.client.get(format!("{}/verify/{unknown}", d.base)).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("未查到此证照"));

    // The register changes after signing: verification says what.
    sqlx::query(
        "UPDATE right_holders SET name = name || '乙' WHERE id = (SELECT rp.holder_id FROM right_parties rp
           JOIN certificates c ON c.right_id = rp.right_id WHERE c.number = $1 AND rp.role = 'holder')",
    )
    .bind(&number)
    .execute(&d.pool)
    .await
    .unwrap();
    let (_, v) = verify(&d, &identifier, "").await;
    assert_eq!((v["signature_valid"].as_bool(), v["register_matches"].as_bool()), (Some(true), Some(false)), "{v}");
    assert_eq!(v["changed"], serde_json::json!(["holder.1.name"]), "{v}");

    // Cancelled: verification says so, and the signature still holds.
    sqlx::query("UPDATE certificates SET status = 'cancelled', cancelled_on = current_date WHERE number = $1")
        .bind(&number)
        .execute(&d.pool)
        .await
        .unwrap();
    let (_, v) = verify(&d, &identifier, "").await;
    assert_eq!((v["state"].as_str(), v["signature_valid"].as_bool()), (Some("cancelled"), Some(true)), "{v}");

    // Rotation: a new active key signs from now on; the first certificate still verifies.
    let rotated = d.env.ok(&["keys", "rotate"]);
    assert!(rotated.contains("active key"), "{rotated}");
    let listed = d.env.ok(&["keys", "list"]);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(listed.lines().any(|l| l.starts_with(&key_id) && l.ends_with("verify only")), "{listed}");
    let (second, second_id, _) = house_certificate(&d, 1).await;
    let (_, sig2) = get_json(&d.client, format!("{}/api/certificates/{second}/signature", d.base), Some(&clerk)).await;
    assert_ne!(sig2["key_id"], key_id.as_str(), "{sig2}");
    let (_, v) = verify(&d, &second_id, "").await;
    assert_eq!(v["signature_valid"].as_bool(), Some(true), "{v}");
    let (_, v) = verify(&d, &identifier, "").await;
    assert_eq!((v["signature_valid"].as_bool(), v["key_id"].as_str()), (Some(true), Some(key_id.as_str())), "{v}");

    // The CLI signs the rest in bulk.
    let out = d.env.ok(&["certificates", "sign", "--limit", "20"]);
    assert!(out.contains("20 certificates signed"), "{out}");
    let signed: i64 =
        sqlx::query_scalar("SELECT count(*) FROM certificate_signatures").fetch_one(&d.pool).await.unwrap();
    assert_eq!(signed, 22);
}

/// 注销登记: demolition opens a case; a clerk approves it; the rights and certificates are
/// cancelled, verification says so, the house unit is marked demolished with its history kept.
#[tokio::test]
async fn demolition_opens_a_cancellation_that_a_clerk_approves() {
    let d = Demo::start().await;
    let (officer, clerk, director) = (
        token(&d.client, &d.base, "officer").await,
        token(&d.client, &d.base, "clerk").await,
        token(&d.client, &d.base, "director").await,
    );
    let (unit, unit_code) = registered_house_to_demolish(&d).await;
    let (certificate, identifier): (String, String) = sqlx::query_as(
        "SELECT ce.number, ce.identifier FROM certificates ce JOIN rights r ON r.id = ce.right_id
         WHERE r.unit_code = $1 AND r.status = 'current' AND ce.status = 'valid' ORDER BY ce.id LIMIT 1",
    )
    .bind(&unit_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    // Signed before the demolition: valid.
    let (_, v) = verify(&d, &identifier, "").await;
    assert_eq!(v["state"], "valid", "{v}");

    demolish(&d, &officer, &unit).await;

    // The clerks' queue: one open case for the house unit, with its rights and certificates.
    let cases = |who: String| {
        let d = &d;
        async move {
            let got = d
                .client
                .get(format!("{}/api/registration/cases?status=open", d.base))
                .bearer_auth(who)
                .send()
                .await
                .unwrap();
            (got.status().as_u16(), got.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(cases(officer.clone()).await.0, 403, "officers do not decide registrations");
    let (status, page) = cases(clerk.clone()).await;
    assert_eq!(status, 200);
    let case = page["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit_code"] == unit_code.as_str())
        .expect("a case")
        .clone();
    assert_eq!(
        (case["kind"].as_str(), case["compensation_unit"].as_str()),
        (Some("cancellation"), Some(unit.as_str())),
        "{case}"
    );
    assert!(case["business_no"].as_str().unwrap().starts_with("ZX-"), "{case}");
    assert!(case["certificates"].as_array().unwrap().iter().any(|c| c == certificate.as_str()), "{case}");
    let decision = format!("{}/api/registration/cases/{}/decision", d.base, case["id"]);

    // Without If-Match 428; a director may not decide; a bad decision 422.
    let post = |who: &str, tag: Option<String>, body: Value| {
        let req = d.client.post(&decision).bearer_auth(who).json(&body);
        let req = match tag {
            Some(t) => req.header("if-match", t),
            None => req,
        };
        async move {
            let got = req.send().await.unwrap();
            (got.status().as_u16(), got.json::<Value>().await.unwrap())
        }
    };
    let tag = format!("\"v{}\"", case["version"]);
    assert_eq!(post(&clerk, None, serde_json::json!({"decision": "approve"})).await.0, 428);
    assert_eq!(post(&director, Some(tag.clone()), serde_json::json!({"decision": "approve"})).await.0, 403);
    let (s, v) = post(&clerk, Some(tag.clone()), serde_json::json!({"decision": "maybe"})).await;
    assert_eq!((s, v["code"].as_str()), (422, Some("invalid_decision")), "{v}");

    // Approved: rights and certificates cancelled, the unit demolished, all audited.
    let (s, v) = post(&clerk, Some(tag.clone()), serde_json::json!({"decision": "approve", "note": "拆除核实"})).await;
    assert_eq!((s, v["status"].as_str(), v["decided_by"].as_str()), (200, Some("approved"), Some("user:clerk")), "{v}");
    let (s, v) = post(&clerk, Some(format!("\"v{}\"", v["version"])), serde_json::json!({"decision": "reject"})).await;
    assert_eq!((s, v["code"].as_str()), (409, Some("case_decided")), "{v}");
    let current: i64 = sqlx::query_scalar("SELECT count(*) FROM rights WHERE unit_code = $1 AND status = 'current'")
        .bind(&unit_code)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert_eq!(current, 0);
    let (_, v) = verify(&d, &identifier, "").await;
    assert_eq!((v["state"].as_str(), v["signature_valid"].as_bool()), (Some("cancelled"), Some(true)), "{v}");
    let record: Value = d
        .client
        .get(format!("{}/api/units/{unit_code}", d.base))
        .bearer_auth(&clerk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(record["house_unit"]["demolished_on"].is_string(), "{record}");
    assert!(record["rights"].as_array().unwrap().iter().all(|r| r["status"] != "current"), "{record}");
    // Identify at the house shows it demolished.
    let (lon, lat): (f64, f64) = sqlx::query_as(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM house_units WHERE unit_code = $1) x",
    )
    .bind(&unit_code)
    .fetch_one(&d.pool)
    .await
    .unwrap();
    let (_, here) = get_json(&d.client, format!("{}/api/identify?lon={lon}&lat={lat}&zoom=19", d.base), None).await;
    let shown = here["house_units"].as_array().unwrap().iter().find(|h| h["unit_code"] == unit_code.as_str()).cloned();
    assert_eq!(
        shown.map(|h| h["demolished_on"].clone()),
        Some(record["house_unit"]["demolished_on"].clone()),
        "{here}"
    );
    // The register book: every right, the cancelled ones with their cancelled certificates.
    let book: Value =
        d.client.get(format!("{}/api/units/{unit_code}/register", d.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(book["demolished_on"], record["house_unit"]["demolished_on"], "{book}");
    let cancelled: Vec<&Value> =
        book["rights"].as_array().unwrap().iter().filter(|r| r["status"] == "cancelled").collect();
    assert!(!cancelled.is_empty(), "{book}");
    assert!(
        cancelled
            .iter()
            .flat_map(|r| r["certificates"].as_array().unwrap())
            .any(|c| c["number"] == certificate.as_str() && c["status"] == "cancelled"),
        "{book}"
    );
    let names: Vec<&str> = book["rights"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["parties"].as_array().unwrap())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.contains('*')), "masked for the public: {book}");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM house_units_history WHERE unit_code = $1")
        .bind(&unit_code)
        .fetch_one(&d.pool)
        .await
        .unwrap();
    assert!(versions >= 2, "the earlier version is kept");
    // The exchange outbox: one message, valid against the XSD (xmllint), naming the rights and
    // certificates cancelled; the next page is empty.
    let (status, page) = get_json(&d.client, format!("{}/api/exchange/messages?after=0", d.base), Some(&clerk)).await;
    assert_eq!(status, 200, "{page}");
    let messages = page["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{page}");
    let xml = messages[0]["xml"].as_str().unwrap();
    let file = d.env.path().join("message.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/exchange/onemap-exchange-1.xsd");
    let lint = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&file)
        .output()
        .expect("xmllint (make test installs it)");
    assert!(lint.status.success(), "{}\n{xml}", String::from_utf8_lossy(&lint.stderr));
    assert!(
        xml.contains(&format!("BDCQZH=\"{certificate}\""))
            && xml.contains("ZSZT=\"注销\"")
            && xml.contains("DJZT=\"注销\""),
        "{xml}"
    );
    assert!(xml.contains(&format!("BDCDYH=\"{unit_code}\"")) && xml.contains("DJLX=\"注销登记\""), "{xml}");
    let (_, next) =
        get_json(&d.client, format!("{}/api/exchange/messages?after={}", d.base, page["next_after"]), Some(&clerk))
            .await;
    assert_eq!(next["messages"], serde_json::json!([]), "{next}");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'registration_case_%' ORDER BY id")
            .fetch_all(&d.pool)
            .await
            .unwrap();
    assert_eq!(audited, ["registration_case_open", "registration_case_decide"]);
}

//! The service over real TCP on 127.0.0.1: verdicts, malformed requests, limits under
//! hostile clients (a 100 MB body, a slow client, 1,000 connections at once), a trust file
//! replaced while requests run, and a drain on shutdown.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use docseal::{Algorithm, Issuer, Policy, SigningKey};
use docseal_server::{Config, Limits, Sources};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.done.await.unwrap();
    }
}

fn trust_json(keys: &[(&str, &SigningKey)]) -> String {
    let issuers: Vec<Value> = keys
        .iter()
        .map(|(name, key)| json!({"name": name, "public_key": key.verifying_key().to_spki_pem().unwrap()}))
        .collect();
    json!({"version": 1, "issuers": issuers}).to_string()
}

fn issue(key: SigningKey, name: &str) -> String {
    Issuer::new(key, name).unwrap().issue(&docseal::samples::licence().into(), chrono::Utc::now()).unwrap().text
}

fn key() -> SigningKey {
    SigningKey::generate(Algorithm::EdDsa).unwrap()
}

fn config(trust: &Path, limits: Limits) -> Config {
    Config {
        sources: Sources { trust: trust.to_owned(), trust_anchor: None, status: Vec::new() },
        trust_sequence: None,
        state_dir: None,
        policy: Policy::default(),
        limits,
        reload_every: Duration::from_millis(100),
        api_keys: None,
        open_metrics: false,
    }
}

async fn start(config: Config) -> Server {
    // The backlog `docseal serve` uses: 1,000 clients connecting at once wait in it.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener: TcpListener = socket.listen(4096).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        docseal_server::serve(listener, config, async move {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    Server { addr, stop: Some(stop), done }
}

/// One request on its own connection; the status and the body.
async fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    try_request(addr, method, path, body).await.expect("a response")
}

/// As [`request`]; `None` when the connection was reset before a whole response arrived.
async fn try_request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body).await.ok()?;
    read_response(&mut stream).await
}

/// One request with its own content type.
async fn request_typed(addr: SocketAddr, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let (status, body) = read_response(&mut stream).await.expect("a response");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn multipart(boundary: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
        if let Some(file_name) = file_name {
            body.extend(format!("; filename=\"{file_name}\"\r\nContent-Type: image/png").bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(*content);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_read_raw_or_from_a_multipart_form() {
    let dir = tempfile::tempdir().unwrap();
    let authority = key();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &authority)])).unwrap();
    let text = issue(authority, "Test TMB");
    let qr = docseal::codec::qr::Qr::new(&text, docseal::codec::qr::ErrorCorrection::M).unwrap();
    let png = docseal_render::qr_png(&qr, 4).unwrap();
    let server = start(config(&trust, Limits::default())).await;

    let (status, answer) = request_typed(server.addr, "/v1/verify/image", "image/png", &png).await;
    assert_eq!((status, &answer["valid"]), (200, &Value::Bool(true)), "{answer}");

    let boundary = "docseal-test-boundary";
    let form = format!("multipart/form-data; boundary={boundary}");
    let by_name = multipart(boundary, &[("note", None, b"front desk"), ("image", None, &png)]);
    let (status, answer) = request_typed(server.addr, "/v1/verify/image", &form, &by_name).await;
    assert_eq!((status, &answer["valid"]), (200, &Value::Bool(true)), "{answer}");
    assert_eq!(answer["document_type"], "driving-licence");
    let by_file = multipart(boundary, &[("upload", Some("photo.png"), &png)]);
    let (status, answer) = request_typed(server.addr, "/v1/verify/image", &form, &by_file).await;
    assert_eq!((status, &answer["valid"]), (200, &Value::Bool(true)), "{answer}");

    let no_image = multipart(boundary, &[("note", None, b"no picture")]);
    let (status, answer) = request_typed(server.addr, "/v1/verify/image", &form, &no_image).await;
    assert_eq!((status, answer["error"]["kind"].as_str()), (400, Some("request")), "{answer}");
    let (status, _) =
        request_typed(server.addr, "/v1/verify/image", &form, b"--docseal-test-boundary\r\ngarbage").await;
    assert_eq!(status, 400);
    let (status, _) = request_typed(server.addr, "/v1/verify/image", "multipart/form-data", &by_name).await;
    assert_eq!(status, 400, "a form without its boundary");
    server.stop().await;
}

async fn read_response(stream: &mut TcpStream) -> Option<(u16, Vec<u8>)> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.ok()?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.get(9..12)?.parse().ok()?;
    let body_at = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    Some((status, raw[body_at..].to_vec()))
}

async fn verify(addr: SocketAddr, payload: &str) -> (u16, Value) {
    let (status, body) = request(addr, "POST", "/v1/verify", json!({"payload": payload}).to_string().as_bytes()).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verdicts_are_200_and_malformed_requests_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let authority = key();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &authority)])).unwrap();
    let text = issue(authority, "Test TMB");
    let server = start(config(&trust, Limits { batch: 10, ..Limits::default() })).await;

    let (status, answer) = verify(server.addr, &text).await;
    assert_eq!((status, &answer["valid"]), (200, &Value::Bool(true)), "{answer}");
    assert!(answer["checks"].as_array().is_some_and(|c| !c.is_empty()));
    let tampered = format!("{}A", &text[..text.len() - 1]);
    let (status, answer) = verify(server.addr, &tampered).await;
    assert_eq!((status, answer["valid"].as_bool()), (200, Some(false)), "{answer}");
    assert!(answer["error"]["kind"].is_string());

    let asked = json!({"payload": text, "require": {"class": "A"}}).to_string();
    let (status, body) = request(server.addr, "POST", "/v1/verify", asked.as_bytes()).await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, answer["error"]["kind"].as_str()), (200, Some("policy")), "{answer}");

    for bad in
        [&b"{"[..], br#"{"payload": 1}"#, br#"{"payload": "x", "extra": 1}"#, br#"{"payload": "x", "at": "noon"}"#]
    {
        let (status, body) = request(server.addr, "POST", "/v1/verify", bad).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    }
    let (status, _) = request(server.addr, "GET", "/v1/verify", b"").await;
    assert_eq!(status, 405);
    let (status, _) = request(server.addr, "GET", "/nowhere", b"").await;
    assert_eq!(status, 404);

    let batch = json!({"payloads": [text, "DS1:XX", text]}).to_string();
    let (status, body) = request(server.addr, "POST", "/v1/verify/batch", batch.as_bytes()).await;
    let results: Value = serde_json::from_slice(&body).unwrap();
    let valid: Vec<_> = results["results"].as_array().unwrap().iter().map(|r| r["valid"].as_bool()).collect();
    assert_eq!((status, valid), (200, vec![Some(true), Some(false), Some(true)]));
    let too_many = json!({"payloads": vec!["DS1:XX"; 11]}).to_string();
    assert_eq!(request(server.addr, "POST", "/v1/verify/batch", too_many.as_bytes()).await.0, 413);

    let (status, body) = request(server.addr, "POST", "/v1/verify/image", b"not an image").await;
    let answer: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, answer["error"]["kind"].as_str()), (200, Some("image")));

    let (status, body) = request(server.addr, "GET", "/v1/trust", b"").await;
    let loaded: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((status, &loaded["keys"]), (200, &json!(["Test TMB"])));
    let (status, body) = request(server.addr, "GET", "/metrics", b"").await;
    let metrics = String::from_utf8(body).unwrap();
    assert_eq!(status, 200);
    assert!(metrics.contains(r#"docseal_verdicts_total{verdict="valid"} 3"#), "{metrics}");
    assert!(metrics.contains(r#"docseal_requests_total{route="unmatched",status="404"} 1"#), "{metrics}");
    assert!(!metrics.contains("nowhere"), "made-up paths do not become labels");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_body_is_refused_quickly_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &key())])).unwrap();
    let server = start(config(&trust, Limits::default())).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /v1/verify HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    // Send 1 MB of the 100 announced; the answer must come without the rest.
    let started = Instant::now();
    let _ = stream.write_all(&vec![b'x'; 1 << 20]).await;
    let answered = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream)).await;
    let (status, _) = answered.expect("answered within 5 s").expect("a response");
    assert_eq!(status, 413);
    assert!(started.elapsed() < Duration::from_secs(5));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_client_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &key())])).unwrap();
    let limits = Limits { header_timeout: Duration::from_millis(300), ..Limits::default() };
    let server = start(config(&trust, limits)).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(b"POST /v1/verify HTTP/1.1\r\nHost: t\r\n").await.unwrap();
    // The headers never end: the server must close the connection on its own.
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    assert!(closed.is_ok(), "the server kept a client that never finished its headers");
    // It still serves others.
    assert_eq!(request(server.addr, "GET", "/v1/health", b"").await.0, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_connections_at_once_get_answers_or_503() {
    let dir = tempfile::tempdir().unwrap();
    let authority = key();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &authority)])).unwrap();
    let text = issue(authority, "Test TMB");
    let limits = Limits { concurrency: 64, ..Limits::default() };
    let server = start(config(&trust, limits)).await;
    let body = json!({"payload": text}).to_string();
    let clients: Vec<_> = (0..1000)
        .map(|_| {
            let body = body.clone();
            let addr = server.addr;
            tokio::spawn(async move { try_request(addr, "POST", "/v1/verify", body.as_bytes()).await.map(|r| r.0) })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for client in clients {
        *statuses.entry(client.await.unwrap()).or_insert(0) += 1;
    }
    println!("1,000 connections at once, concurrency limit 64: {statuses:?}");
    assert!(statuses.keys().all(|s| matches!(s, Some(200 | 503))), "{statuses:?}");
    assert!(statuses.get(&Some(200)).is_some_and(|n| *n > 0), "{statuses:?}");
    assert_eq!(request(server.addr, "GET", "/v1/health", b"").await.0, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_the_trust_file_under_load_switches_verdicts_without_a_failed_request() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (key(), key());
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Old TMB", &old)])).unwrap();
    let text = issue(new.clone_for_test(), "New TMB");
    let server = start(config(&trust, Limits::default())).await;
    assert_eq!(verify(server.addr, &text).await.1["error"]["kind"], "unknown-kid");

    let addr = server.addr;
    let load = tokio::spawn(async move {
        let mut seen = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            let (status, answer) = verify(addr, &text).await;
            seen.push((status, answer["valid"].as_bool()));
        }
        seen
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Atomically, as an operator's deploy would: a new file renamed over the old one.
    let staged = dir.path().join("trust.json.new");
    std::fs::write(&staged, trust_json(&[("New TMB", &new)])).unwrap();
    std::fs::rename(&staged, &trust).unwrap();
    let seen = load.await.unwrap();
    assert!(seen.iter().all(|(status, valid)| *status == 200 && valid.is_some()), "a request failed");
    let first_valid = seen.iter().position(|(_, v)| *v == Some(true)).expect("the new list took over");
    assert!(first_valid > 0, "the old list answered first");
    assert!(seen[first_valid..].iter().all(|(_, v)| *v == Some(true)), "once switched, always the new list");

    // A broken file keeps the set in force.
    std::fs::write(&trust, "{ not json").unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(verify(server.addr, &seen_text_for(&new)).await.0, 200);
    let (_, body) = request(server.addr, "GET", "/metrics", b"").await;
    assert!(String::from_utf8(body).unwrap().contains(r#"docseal_reloads_total{outcome="failed"} 1"#));
    server.stop().await;
}

/// A fresh licence under `key` (the same issuer name as the reload test's new list).
fn seen_text_for(key: &SigningKey) -> String {
    issue(key.clone_for_test(), "New TMB")
}

trait CloneForTest {
    fn clone_for_test(&self) -> SigningKey;
}

impl CloneForTest for SigningKey {
    fn clone_for_test(&self) -> SigningKey {
        SigningKey::from_pkcs8_pem(&self.to_pkcs8_pem().unwrap()).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_the_requests_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let authority = key();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &authority)])).unwrap();
    let text = issue(authority, "Test TMB");
    let server = start(config(&trust, Limits::default())).await;
    // A batch of 1,000 takes long enough to still be running when the stop comes.
    let batch = json!({"payloads": vec![text; 1000]}).to_string();
    let addr = server.addr;
    let in_flight = tokio::spawn(async move { request(addr, "POST", "/v1/verify/batch", batch.as_bytes()).await });
    tokio::time::sleep(Duration::from_millis(5)).await;
    server.stop().await;
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 200);
    let results: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(results["results"].as_array().map(Vec::len), Some(1000));
    assert!(TcpStream::connect(addr).await.is_err(), "no new connection after the stop");
}

/// A signed trust list of `keys` (name, key, bound `iss`, documents) at `sequence`.
fn signed_trust(
    anchor: &SigningKey,
    keys: &[(&str, &SigningKey, &str, docseal::Scope)],
    sequence: u64,
    next_update: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let mut list = docseal::TrustList::new();
    for (name, key, iss, scope) in keys {
        list.add(docseal::TrustedKey::new(*name, key.verifying_key()).with_issuer(*iss).with_scopes(vec![*scope]));
    }
    let info =
        docseal::trust::TrustListInfo { provider: "test".into(), date: chrono::Utc::now(), sequence, next_update };
    list.sign(anchor, &info).unwrap()
}

/// Writes `bytes` to `path` as a deploy would: a new file renamed over the old one.
fn deploy(path: &Path, bytes: &[u8]) {
    let staged = path.with_extension("staged");
    std::fs::write(&staged, bytes).unwrap();
    std::fs::rename(&staged, path).unwrap();
}

/// The error kind (or "valid") of `text` at the server, polled until it is `want` or 3 s passed.
async fn kind_becomes(addr: SocketAddr, text: &str, want: &str) -> String {
    let started = Instant::now();
    loop {
        let answer = verify(addr, text).await.1;
        let kind = answer["error"]["kind"].as_str().unwrap_or("valid").to_owned();
        if kind == want || started.elapsed() > Duration::from_secs(3) {
            return kind;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollbacks_are_refused_and_an_overdue_list_drains_the_instance() {
    use docseal::Scope;
    use docseal::status::{Bits, Status, StatusList, StatusListToken, StatusRef};
    let dir = tempfile::tempdir().unwrap();
    let (anchor, authority, status_key) = (key(), key(), key());
    let now = chrono::Utc::now();
    let licence = Scope::Document(docseal::model::DocumentType::DrivingLicence);
    let with_key = [("TMB", &authority, "TMB", licence), ("TMB status", &status_key, "TMB", Scope::StatusList)];
    let without_key = [("TMB status", &status_key, "TMB", Scope::StatusList)];
    let later = now + chrono::Duration::days(30);
    let (trust, anchor_pem, status) =
        (dir.path().join("trust.cose"), dir.path().join("root.pub"), dir.path().join("status"));
    std::fs::write(&anchor_pem, anchor.verifying_key().to_spki_pem().unwrap()).unwrap();
    std::fs::create_dir(&status).unwrap();
    let uri = "https://tmb.example/status/1";
    let token = |suspended: bool, iat: chrono::DateTime<chrono::Utc>| {
        let mut list = StatusList::new(Bits::Two, 64).unwrap();
        if suspended {
            list.set(5, Status::Suspended).unwrap();
        }
        StatusListToken::sign(&status_key, uri, &list, iat.timestamp(), later.timestamp(), None).unwrap()
    };
    deploy(&trust, &signed_trust(&anchor, &with_key, 8, later));
    deploy(&status.join("1.cwt"), &token(true, now - chrono::Duration::minutes(10)));
    let issuer = Issuer::new(authority.clone_for_test(), "TMB").unwrap();
    let prepared =
        issuer.prepare(&docseal::samples::licence().into()).unwrap().with_status(StatusRef::new(uri, 5).unwrap());
    let text = issuer.issue_prepared(&prepared, now - chrono::Duration::minutes(5)).unwrap().text;
    let mut config = config(&trust, Limits::default());
    config.sources = Sources { trust: trust.clone(), trust_anchor: Some(anchor_pem), status: vec![status.clone()] };
    config.state_dir = Some(dir.path().join("state"));
    let server = start(config).await;
    assert_eq!(kind_becomes(server.addr, &text, "suspended").await, "suspended");

    // An older status token (entry 5 valid again) does not replace the suspension.
    deploy(&status.join("1.cwt"), &token(false, now - chrono::Duration::minutes(20)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(kind_becomes(server.addr, &text, "valid").await, "suspended");

    // Sequence 9 removes the key; sequence 8, shown again, does not bring it back.
    deploy(&trust, &signed_trust(&anchor, &without_key, 9, later));
    assert_eq!(kind_becomes(server.addr, &text, "unknown-kid").await, "unknown-kid");
    deploy(&trust, &signed_trust(&anchor, &with_key, 8, later));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(kind_becomes(server.addr, &text, "suspended").await, "unknown-kid");
    assert_eq!(std::fs::read_to_string(dir.path().join("state/trust-sequence")).unwrap().trim(), "9");
    let (_, body) = request(server.addr, "GET", "/metrics", b"").await;
    assert!(String::from_utf8(body).unwrap().contains(r#"docseal_reloads_total{outcome="failed"} 1"#));

    // A list due in 2 s: valid answers stop when it falls due, and health says 503.
    let due = chrono::Utc::now() + chrono::Duration::seconds(2);
    deploy(&status.join("1.cwt"), &token(false, now - chrono::Duration::minutes(1)));
    deploy(&trust, &signed_trust(&anchor, &with_key, 10, due));
    assert_eq!(kind_becomes(server.addr, &text, "valid").await, "valid");
    assert_eq!(request(server.addr, "GET", "/v1/health", b"").await.0, 200);
    tokio::time::sleep((due - chrono::Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(200)).await;
    let (status_code, answer) = verify(server.addr, &text).await;
    assert_eq!(
        (status_code, answer["valid"].as_bool(), answer["error"]["kind"].as_str()),
        (200, Some(false), Some("trust-list")),
        "{answer}"
    );
    let (status_code, body) = request(server.addr, "GET", "/v1/health", b"").await;
    assert_eq!(status_code, 503, "{}", String::from_utf8_lossy(&body));
    server.stop().await;
}

/// Issue 36: the service describes itself; every documented route exists with its method, and
/// every route the service has is documented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_lists_exactly_the_routes_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[])).unwrap();
    let server = start(config(&trust, Limits::default())).await;
    let (status, body) = request(server.addr, "GET", "/v1/openapi.json", b"").await;
    assert_eq!(status, 200);
    let document: Value = serde_json::from_slice(&body).unwrap();
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", document["openapi"]);
    assert!(document["info"]["title"].is_string() && document["info"]["version"].is_string());
    let paths = document["paths"].as_object().unwrap();
    let mut documented: Vec<(&str, &str)> = paths
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (path.as_str(), m.as_str())))
        .collect();
    documented.sort_unstable();
    let expected = [
        ("/metrics", "get"),
        ("/v1/health", "get"),
        ("/v1/openapi.json", "get"),
        ("/v1/trust", "get"),
        ("/v1/verify", "post"),
        ("/v1/verify/batch", "post"),
        ("/v1/verify/image", "post"),
    ];
    assert_eq!(documented, expected);
    for (path, method) in expected {
        let (status, _) = request(server.addr, &method.to_uppercase(), path, b"{}").await;
        assert!(status != 404 && status != 405, "{method} {path}: {status}");
        // The other method is not a route: the document names the one that is.
        let other = if method == "get" { "POST" } else { "GET" };
        assert_eq!(request(server.addr, other, path, b"").await.0, 405, "{other} {path}");
    }
    // Every schema a response names is in the components.
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for name in ["Answer", "BatchAnswer", "RequestError", "Health", "VerifyRequest", "BatchRequest"] {
        assert!(schemas.contains_key(name), "{name}");
    }
    server.stop().await;
}

/// Sends `head` (and `body`) on a new connection and reads the answer as JSON.
async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let _ = stream.write_all(body).await;
    let answered = tokio::time::timeout(Duration::from_secs(3), read_response(&mut stream)).await;
    let (status, body) = answered.expect("answered within 3 s").expect("a response");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Issue 37: the API key is checked from the headers, before a body is read (a client
/// without one that announces 8 MB and sends none is answered at once), and every rejection,
/// the framework's own included, has the JSON error body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_key_is_checked_before_the_body_and_every_rejection_is_json() {
    use sha2::Digest as _;
    let dir = tempfile::tempdir().unwrap();
    let authority = key();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, trust_json(&[("Test TMB", &authority)])).unwrap();
    let text = issue(authority, "Test TMB");
    let keys = dir.path().join("keys");
    let hash: String = sha2::Sha256::digest(b"desk-key-1").iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(&keys, format!("# the rental desk\n{hash}\n")).unwrap();
    let server = start(Config { api_keys: Some(keys), ..config(&trust, Limits::default()) }).await;
    let addr = server.addr;

    let unread = "POST /v1/verify/batch HTTP/1.1\r\nHost: t\r\nContent-Length: 8000000\r\nConnection: close\r\n\r\n";
    let (status, body) = raw(addr, unread, b"").await;
    assert_eq!((status, body["error"]["kind"].as_str()), (401, Some("request")), "{body}");
    let wrong = "GET /metrics HTTP/1.1\r\nHost: t\r\nX-Api-Key: desk-key-2\r\nConnection: close\r\n\r\n";
    assert_eq!(raw(addr, wrong, b"").await.0, 401, "/metrics is behind the key unless opened");
    let health = "GET /v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    assert_eq!(raw(addr, health, b"").await.0, 200, "the health check needs no key");

    let request = json!({"payload": text}).to_string();
    let head = format!(
        "POST /v1/verify HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer desk-key-1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        request.len()
    );
    let (status, body) = raw(addr, &head, request.as_bytes()).await;
    assert_eq!((status, body["valid"].as_bool()), (200, Some(true)), "{body}");

    let keyed = |method: &str, path: &str, length: usize| {
        format!(
            "{method} {path} HTTP/1.1\r\nHost: t\r\nX-Api-Key: desk-key-1\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    for (head, body, expected) in [
        (keyed("GET", "/no/such/route", 0), Vec::new(), 404),
        (keyed("GET", "/v1/verify", 0), Vec::new(), 405),
        (keyed("POST", "/v1/verify", 70_000), vec![b'x'; 70_000], 413),
    ] {
        let (status, answer) = raw(addr, &head, &body).await;
        assert_eq!(status, expected, "{head}");
        assert_eq!(answer["error"]["kind"], "request", "{head}: {answer}");
        assert!(answer["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{answer}");
    }
    server.stop().await;
}

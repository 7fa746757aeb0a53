//! Nothing secret leaves the server: every page, server-function answer, API answer,
//! export, every asset the dashboard links (its script, WASM and stylesheet, fetched
//! from the server as a browser would) and the whole log (at TRACE) are searched for the
//! tenant token, the app secret, user tokens and the session id.

use std::io::Write;
use std::sync::{Arc, Mutex};

use block_insights_tests::spawn_app_serving_the_site;
use serde_json::json;

/// Collects every log line of this test binary.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tokens_like(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let tail = &rest[at + prefix.len()..];
        let hex: String = tail.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
        if hex.len() >= 16 {
            found.push(format!("{prefix}{hex}"));
        }
        rest = &rest[at + prefix.len()..];
    }
    found
}

#[tokio::test]
async fn no_secret_reaches_a_browser_or_the_log() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        // Everything the server logs; cookie_store is this test's own HTTP client.
        .with_env_filter("trace,cookie_store=off")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let app = spawn_app_serving_the_site().await;
    let (from, to) = (app.days_ago(10), app.days_ago(1));
    let sim = app.sim.config().clone();
    // The tenant token the server holds: the token endpoint gives the same one back.
    let issued: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", app.sim.base_url()))
        .json(&json!({ "app_id": sim.app_id, "app_secret": sim.app_secret }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant_token = issued["tenant_access_token"].as_str().unwrap().to_owned();

    // A signed-in browser whose session id we know.
    let browser = app.browser();
    let (authorize, _) = app.start_sign_in(&browser, "/").await;
    let callback = block_insights_tests::follow_authorize(&browser, &authorize, feishu_sim::DEMO_ADMIN_OPEN_ID).await;
    let landed = browser.get(&callback).send().await.unwrap();
    let session_id = landed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("bi_session="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a session cookie");

    let mut seen = String::new();
    for path in [
        "/".to_owned(),
        "/?lang=en&range=90d".to_owned(),
        "/?range=7d&refresh=1".to_owned(),
        "/?tab=workplaces&range=7d".to_owned(),
        format!("/?tab=rows&from={from}&to={to}"),
        format!("/api/v1/block-access?from_date={from}&to_date={to}"),
        format!("/api/v1/block-access.csv?from_date={from}&to_date={to}"),
        "/export/trend.svg?range=7d".to_owned(),
        "/export/top-blocks.svg?range=7d".to_owned(),
        "/export/trend.svg?range=7d&embed=1&width=390".to_owned(),
        "/api/progress?ticket=7&lang=en".to_owned(),
        "/tokens".to_owned(),
        "/digests".to_owned(),
        "/signed-out".to_owned(),
    ] {
        let r = browser.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
        seen.push_str(&r.text().await.unwrap());
    }
    let r = browser.post(format!("{}/api/names-import?lang=en&save=0", app.base_url)).body("1,Approvals\n").send().await.unwrap();
    assert!(r.status().is_success(), "names-import: {}", r.status());
    seen.push_str(&r.text().await.unwrap());
    // Every asset the dashboard links, fetched as a browser would (scripts/test builds the
    // site first): the stylesheet, the script and the WASM its hydration script loads.
    let assets = linked_assets(&browser.get(format!("{}/", app.base_url)).send().await.unwrap().text().await.unwrap());
    for kind in [".js", ".wasm", ".css"] {
        assert!(
            assets.iter().any(|path| path.ends_with(kind)),
            "the dashboard links no {kind} asset (is the site built? `cargo leptos build`): {assets:?}"
        );
    }
    for path in &assets {
        let r = browser.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert!(
            r.status().is_success(),
            "{path}, linked by the dashboard: {} (is the site built, by the build whose hash.txt the test reads? `cargo leptos build`)",
            r.status()
        );
        let bytes = r.bytes().await.unwrap();
        if path.ends_with(".wasm") {
            assert!(bytes.starts_with(b"\0asm"), "{path} is a WASM module ({} bytes)", bytes.len());
        } else {
            assert!(!bytes.is_empty(), "{path} is empty");
        }
        seen.push_str(&String::from_utf8_lossy(&bytes));
    }
    let bundles = assets.len();
    // Sign out, so the log also covers the end of a session.
    browser.post(format!("{}/logout", app.base_url)).send().await.unwrap();
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(log.len() > 10_000, "the log was captured ({} bytes)", log.len());

    for line in log.lines().filter(|l| l.contains(&session_id)).take(5) {
        eprintln!("LEAK: {}", &line[..line.len().min(600)]);
    }
    for (what, secret) in
        [("tenant token", tenant_token.as_str()), ("app secret", sim.app_secret.as_str()), ("session id", session_id.as_str())]
    {
        assert!(!seen.contains(secret), "the {what} reached a browser");
        assert!(!log.contains(secret), "the {what} reached the log");
    }
    for prefix in ["t-", "u-", "ur-"] {
        assert_eq!(tokens_like(&seen, prefix), Vec::<String>::new(), "a {prefix}… token reached a browser");
        assert_eq!(tokens_like(&log, prefix), Vec::<String>::new(), "a {prefix}… token reached the log");
    }
    eprintln!("searched {} bytes of answers ({bundles} assets) and {} bytes of log", seen.len(), log.len());
}

/// The same-site paths a page makes a browser fetch: every `<script src>` and `<link
/// href>`, and the script and WASM module its hydration script imports (Leptos calls it
/// with the root, the package directory and the two file names, without extensions).
fn linked_assets(html: &str) -> Vec<String> {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..at + tag[at..].find('"')?].to_owned())
    };
    let mut paths = Vec::new();
    for (open, name) in [("<script", "src"), ("<link", "href")] {
        for tag in html.split(open).skip(1) {
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            paths.extend(attribute(tag, name));
        }
    }
    // `…})("", "pkg", "block-insights.<hash>", "block-insights.<hash>", false)`
    let call = html.find("\", \"pkg\", \"").expect("the page carries Leptos' hydration script");
    let mut names = html[call + 3..].split('"').skip(3).step_by(2);
    let (js, wasm) = (names.next().expect("the script's name"), names.next().expect("the module's name"));
    paths.extend([format!("/pkg/{js}.js"), format!("/pkg/{wasm}.wasm")]);
    paths.retain(|path| path.starts_with('/') && !path.starts_with("//"));
    paths.sort();
    paths.dedup();
    paths
}

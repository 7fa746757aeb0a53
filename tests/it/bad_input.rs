//! Bad input on every route and server function: malformed dates, reversed and too long
//! ranges, block ids that are not ids, injection strings, oversized query strings and
//! bodies, unknown parameters. The API and the server functions answer 4xx with a
//! message that says what to fix; pages answer 200 with the fix shown (and ignore
//! parameters they do not know, so links with tracking parameters open); nothing answers
//! 5xx, nothing panics, and no injected markup comes back unescaped in HTML.
//!
//! Each test prints how many inputs it tried (`cargo test -p block-insights-tests --test it bad_input:: -- --nocapture`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

use block_insights_tests::{TestApp, follow_authorize, spawn_app, spawn_app_with};
use feishu_sim::SimConfig;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------
// The inputs.

/// Dates that are not `YYYY-MM-DD` days, each with what is wrong with it.
fn bad_dates() -> Vec<String> {
    let mut dates: Vec<String> = [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "2024-1-1",
        "2024-01-1",
        "20240101",
        "2024/01/01",
        "01-01-2024",
        "２０２４-01-01",
        "2024-01-01T00:00:00Z",
        "+2024-01-01",
        "-2024-01-01",
        "2024-01-01x",
        "yesterday",
        "0",
        "",
        " ",
    ]
    .map(String::from)
    .to_vec();
    dates.push("9".repeat(2000));
    dates.extend(injections());
    dates
}

/// Strings that try to break out of SQL, HTML, JavaScript, paths, headers or templates.
fn injections() -> Vec<String> {
    [
        "'; DROP TABLE x;--",
        "1 OR 1=1",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "</script><script>alert(1)</script>",
        "javascript:alert(1)",
        "../../etc/passwd",
        "%00",
        "\0",
        "\r\nSet-Cookie: injected=1",
        "${jndi:ldap://x}",
        "{{7*7}}",
        "\u{202e}1",
        "😀",
    ]
    .map(String::from)
    .to_vec()
}

/// Block ids that are not block ids (the empty id is ignored, not refused).
fn bad_block_ids() -> Vec<String> {
    let mut ids: Vec<String> = ["12a4", "abc", "-1", "1.5", "1e5", "0x1F", "０１２", "1_000", "１"].map(String::from).to_vec();
    ids.push("9".repeat(33));
    ids.push("1".repeat(40));
    ids.push("7".repeat(1000));
    ids.extend(injections());
    ids
}

/// Markup that must never come back as markup.
const RAW_MARKUP: [&str; 3] = ["<script>alert(1)", "<img src=x", "</script><script>alert"];

// ---------------------------------------------------------------------------------
// Bookkeeping: how many inputs, which answers, and whether anything panicked.

/// Panics outside this file (in the server, which runs in this process).
static SERVER_PANICS: AtomicUsize = AtomicUsize::new(0);

fn watch_for_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().ends_with("bad_input.rs")) {
                SERVER_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

/// Inputs tried by every test of this file, for the summary line each test prints.
static TOTAL: Mutex<usize> = Mutex::new(0);

/// Inputs tried by one test and the statuses they got.
struct Tally {
    name: &'static str,
    tried: usize,
    statuses: BTreeMap<u16, usize>,
}

impl Tally {
    fn new(name: &'static str) -> Self {
        watch_for_panics();
        Tally { name, tried: 0, statuses: BTreeMap::new() }
    }

    fn count(&mut self, status: reqwest::StatusCode, what: &str) {
        assert!(!status.is_server_error(), "{}: {what} answered {status}", self.name);
        self.tried += 1;
        *self.statuses.entry(status.as_u16()).or_default() += 1;
    }

    fn finish(self) {
        assert_eq!(SERVER_PANICS.load(Ordering::SeqCst), 0, "the server panicked (see the output above)");
        let mut total = TOTAL.lock().unwrap_or_else(|e| e.into_inner());
        *total += self.tried;
        println!(
            "bad input, {}: {} inputs tried, answers by status {:?}, none 5xx, no panic ({} so far in this run)",
            self.name, self.tried, self.statuses, *total
        );
    }
}

/// A query string with every value percent-encoded.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Longest query string the server accepts (server::limits), for telling which inputs
/// are refused for their size.
const MAX_QUERY: usize = server::limits::MAX_QUERY_BYTES;

fn assert_no_raw_markup(html: &str, what: &str) {
    for raw in RAW_MARKUP {
        assert!(!html.contains(raw), "{what}: {raw:?} came back unescaped");
    }
}

/// The text of the page's error notice, entities decoded; `None` when there is none.
fn notice(html: &str) -> Option<String> {
    html.find("data-testid=\"error\"")?;
    let at = html.find("class=\"error-message\"")?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find("</p>")?;
    Some(
        block_insights_tests::strip_comments(&html[start..end])
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

// ---------------------------------------------------------------------------------
// /api/v1/block-access and .csv: 400 JSON naming the parameter.

/// Every bad query of the API with the word its message must contain.
fn api_cases(app: &TestApp) -> Vec<(String, String)> {
    let (from, to) = (app.days_ago(9).to_string(), app.days_ago(3).to_string());
    let mut cases: Vec<(String, String)> = Vec::new();
    for date in bad_dates() {
        let empty = date.trim().is_empty();
        cases.push((query(&[("from_date", &date), ("to_date", &to)]), "from_date".into()));
        cases.push((query(&[("from_date", &from), ("to_date", &date)]), "to_date".into()));
        if !empty {
            cases.push((query(&[("from_date", &date), ("to_date", &date)]), "from_date".into()));
        }
    }
    for id in bad_block_ids() {
        cases.push((query(&[("from_date", &from), ("to_date", &to), ("block_id", &id)]), "block_id".into()));
        cases.push((query(&[("from_date", &from), ("to_date", &to), ("block_id", "12"), ("block_id", &id)]), "block_id".into()));
    }
    for injection in injections() {
        // As the name of a parameter, and as the value of one the API does not know.
        cases.push((query(&[("from_date", &from), ("to_date", &to), (&injection, "1")]), "unknown parameter".into()));
        cases.push((query(&[("from_date", &from), ("to_date", &to), ("utm_source", &injection)]), "utm_source".into()));
        cases.push((query(&[("from_date", &from), ("to_date", &to), ("refresh", &injection)]), "refresh".into()));
    }
    for unknown in ["utm_source", "fbclid", "From_Date", "from", "to", "block", "block_id[]", "lang", "range", ""] {
        cases.push((query(&[("from_date", &from), ("to_date", &to), (unknown, "1")]), "unknown parameter".into()));
    }
    for refresh in ["maybe", "TRUE", "yes", "2", "-1"] {
        cases.push((query(&[("from_date", &from), ("to_date", &to), ("refresh", refresh)]), "refresh".into()));
    }
    // Reversed, too long, missing, repeated.
    cases.push((query(&[("from_date", &to), ("to_date", &from)]), "swap the two dates".into()));
    cases.push((query(&[("from_date", "2024-03-02"), ("to_date", "2024-03-01")]), "to_date".into()));
    cases.push((query(&[("from_date", "9999-12-31"), ("to_date", "0000-01-01")]), "swap".into()));
    let far = app.days_ago(1098).to_string();
    cases.push((query(&[("from_date", &far), ("to_date", &app.today().to_string())]), "more than the 1098 allowed".into()));
    cases.push((query(&[("from_date", "0000-01-01"), ("to_date", "9999-12-31")]), "from_date to to_date spans".into()));
    cases.push((query(&[("to_date", &to)]), "from_date is missing".into()));
    cases.push((query(&[("from_date", &from)]), "to_date is missing".into()));
    cases.push((String::new(), "from_date is missing".into()));
    cases.push((query(&[("from_date", &from), ("from_date", &from), ("to_date", &to)]), "given more than once".into()));
    cases.push((query(&[("from_date", &from), ("to_date", &to), ("to_date", &to)]), "to_date is given more than once".into()));
    cases.push((query(&[("from_date", &from), ("to_date", &to), ("refresh", "1"), ("refresh", "1")]), "refresh".into()));
    // Huge repeated parameters: more ids than a query may name, then more than fits.
    let many: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
    let mut pairs = vec![("from_date", from.as_str()), ("to_date", to.as_str())];
    pairs.extend(many.iter().map(|id| ("block_id", id.as_str())));
    cases.push((query(&pairs), "block_id names more than 200 blocks".into()));
    let repeated = vec![("block_id", "1"); 700];
    cases.push((format!("from_date={from}&to_date={to}&{}", query(&repeated)), "block_id".into()));
    let repeated = vec![("block_id", "1"); 2000];
    cases.push((format!("from_date={from}&to_date={to}&{}", query(&repeated)), "query string".into()));
    cases.push((query(&[("from_date", &"x".repeat(10_000)), ("to_date", &to)]), "query string".into()));
    // Percent-encoding that decodes to nothing sensible.
    for raw in ["%ZZ", "%", "%C3%28", "%FF%FE", "%E2%80%AE", "%2500"] {
        cases.push((format!("from_date={raw}&to_date={to}"), "from_date".into()));
        cases.push((format!("from_date={from}&to_date={to}&block_id={raw}"), "block_id".into()));
    }
    cases
}

#[tokio::test]
async fn the_api_refuses_bad_queries_with_400_naming_the_parameter() {
    let app = spawn_app().await;
    let mut tally = Tally::new("/api/v1/block-access(.csv)");
    for (raw, hint) in api_cases(&app) {
        for path in ["/api/v1/block-access", "/api/v1/block-access.csv"] {
            let what = format!("{path}?{}", raw.chars().take(120).collect::<String>());
            let response = app.get(&format!("{path}?{raw}")).await;
            let status = response.status();
            tally.count(status, &what);
            let expected = if raw.len() > MAX_QUERY { 414 } else { 400 };
            assert_eq!(status, expected, "{what}");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{what}");
            let body: Value = response.json().await.unwrap();
            let kind = if raw.len() > MAX_QUERY { "uri_too_long" } else { "bad_request" };
            assert_eq!(body["error"]["kind"], kind, "{what}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains(&hint), "{what}: {message:?} should mention {hint:?}");
            assert!(message.len() < 700, "{what}: the message stays short ({} bytes)", message.len());
        }
    }
    assert_eq!(app.sim.stats().search_requests, 0, "bad input never reaches Feishu");
    tally.finish();
}

#[tokio::test]
async fn the_longest_range_follows_dashboard_max_range_days() {
    let app = spawn_app_with(SimConfig::default(), &[("DASHBOARD_MAX_RANGE_DAYS", "31")]).await;
    let mut tally = Tally::new("DASHBOARD_MAX_RANGE_DAYS=31");
    let to = app.days_ago(2);
    let (ok, long) = (app.days_ago(32), app.days_ago(33));
    let response = app.get(&format!("/api/v1/block-access?from_date={long}&to_date={to}")).await;
    tally.count(response.status(), "32 days");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("32 days, more than the 31 allowed"), "{body}");
    let response = app.get(&format!("/api/v1/block-access?from_date={ok}&to_date={to}")).await;
    assert_eq!(response.status(), 200, "31 days are allowed");
    let page = app.get(&format!("/?from={long}&to={to}&lang=en")).await;
    tally.count(page.status(), "the page, 32 days");
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(notice(&html).is_some_and(|n| n.contains("more than the 31 allowed")), "{html}");
    let svg = app.get(&format!("/export/trend.svg?from={long}&to={to}")).await;
    tally.count(svg.status(), "the export, 32 days");
    assert_eq!(svg.status(), 400);
    tally.finish();
}

// ---------------------------------------------------------------------------------
// The page: 200 with the fix shown; unknown parameters ignored.

#[tokio::test]
async fn the_page_shows_the_fix_for_bad_input_and_ignores_what_it_does_not_know() {
    let app = spawn_app().await;
    let mut tally = Tally::new("the page /");
    let (from, to) = (app.days_ago(9).to_string(), app.days_ago(3).to_string());
    let mut refused: Vec<(String, &str)> = Vec::new();
    for date in bad_dates() {
        if date.trim().is_empty() {
            continue; // an empty date field means "not given"; see below
        }
        refused.push((query(&[("from", &date), ("to", &to)]), "from"));
        refused.push((query(&[("from", &from), ("to", &date)]), "to"));
    }
    for id in bad_block_ids() {
        // The block field splits pasted lists at commas and spaces: each piece is refused.
        refused.push((query(&[("range", "7d"), ("block", &id)]), "block"));
    }
    refused.push((query(&[("from", &to), ("to", &from)]), "swap"));
    refused.push((query(&[("from", "0000-01-01"), ("to", "9999-12-31")]), "from to to spans"));
    refused.push((query(&[("to", &to)]), "from is missing"));
    refused.push((query(&[("from", &from)]), "to is missing"));
    refused.push((query(&[("from", "   "), ("to", &to)]), "from is missing"));
    let many: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
    refused.push((query(&[("range", "7d"), ("block", &many.join(","))]), "block names more than 200 blocks"));
    for (raw, hint) in refused {
        let what = format!("/?{}", raw.chars().take(120).collect::<String>());
        let response = app.get(&format!("/?{raw}&lang=en")).await;
        tally.count(response.status(), &what);
        assert_eq!(response.status(), 200, "{what}");
        let html = response.text().await.unwrap();
        assert_no_raw_markup(&html, &what);
        let shown = notice(&html).unwrap_or_else(|| panic!("{what}: no error notice"));
        assert!(shown.contains(hint), "{what}: the notice {shown:?} should mention {hint:?}");
    }

    // Parameters the page does not know, or values it cannot use, are ignored.
    let mut ignored: Vec<String> =
        ["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid", "ref", "from_date", "block_id"]
            .iter()
            .map(|k| query(&[(k, "portal"), ("range", "7d")]))
            .collect();
    for injection in injections() {
        ignored.push(query(&[("utm_source", &injection), ("range", "7d")]));
        ignored.push(query(&[(&injection, "1"), ("range", "7d")]));
        ignored.push(query(&[("range", &injection)]));
        ignored.push(query(&[("sort", &injection), ("range", "7d")]));
        ignored.push(query(&[("lang", &injection), ("range", "7d")]));
    }
    for value in ["-1", "0", "99999999999999999999999", "x", ""] {
        ignored.push(query(&[("tab", "rows"), ("page", value), ("range", "7d")]));
    }
    ignored.push(query(&[("tab", "<b>"), ("range", "7d")]));
    ignored.push(query(&[("from", ""), ("to", ""), ("range", "7d")]));
    for raw in ignored {
        let what = format!("/?{}", raw.chars().take(120).collect::<String>());
        let response = app.get(&format!("/?{raw}")).await;
        tally.count(response.status(), &what);
        assert_eq!(response.status(), 200, "{what}");
        let html = response.text().await.unwrap();
        assert_no_raw_markup(&html, &what);
        assert!(notice(&html).is_none(), "{what}: unexpected error notice {:?}", notice(&html));
        let numbers = html.contains("data-testid=\"card-pv-value\"") || html.contains("data-testid=\"rows\"");
        assert!(numbers, "{what}: the numbers are shown");
    }

    // Too long for any link: refused in plain words before the page is built.
    for raw in [query(&[("from", &"x".repeat(10_000))]), query(&vec![("block", "1"); 2000])] {
        let response = app.get(&format!("/?{raw}")).await;
        tally.count(response.status(), "an oversized query string");
        assert_eq!(response.status(), 414);
        let text = response.text().await.unwrap();
        assert!(text.contains("query string is") && text.contains("8192 allowed"), "{text}");
    }
    tally.finish();
}

// ---------------------------------------------------------------------------------
// Server functions: 400 with the error as JSON, 413 for oversized bodies.

fn view(from: &str, to: &str, blocks: &[&str]) -> Value {
    json!({ "preset": null, "from": from, "to": to, "blocks": blocks,
            "sort": { "column": "Pv", "descending": true }, "tab": "Overview", "page": 1, "lang": null })
}

/// Posts `body` as JSON text (possibly malformed) to a server function.
async fn post_json(app: &TestApp, endpoint: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
    app.http
        .post(format!("{}/api/{endpoint}", app.base_url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the server answers")
}

async fn post_form(app: &TestApp, endpoint: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.http.post(format!("{}/api/{endpoint}", app.base_url)).form(fields).send().await.expect("the server answers")
}

/// Checks a server function's refusal: `status`, and for 400 the error as JSON with a
/// message mentioning `hint`.
async fn refused_by_server_fn(tally: &mut Tally, what: &str, response: reqwest::Response, status: u16, hint: &str) {
    tally.count(response.status(), what);
    assert_eq!(response.status(), status, "{what}");
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"));
    let message = body["BadInput"]["message"].as_str().or(body["error"]["message"].as_str());
    let message = message.unwrap_or_else(|| panic!("{what}: no message in {body}"));
    assert!(message.contains(hint), "{what}: {message:?} should mention {hint:?}");
}

#[tokio::test]
async fn server_functions_refuse_bad_arguments_with_400_and_a_message() {
    let app = spawn_app().await;
    let mut tally = Tally::new("server functions");
    let (from, to) = (app.days_ago(9).to_string(), app.days_ago(3).to_string());

    // The loaders the page renders with are not server functions: no endpoint takes a
    // view as JSON past the URL's reader (a JSON view once skipped its limits).
    let good_view = view(&from, &to, &[]);
    for endpoint in ["dashboard", "rows", "workplaces", "whoami", "tokens", "digests", "digest_preview"] {
        let body = json!({ "params": good_view.clone(), "ticket": null, "refresh": false });
        let response = post_json(&app, endpoint, body.to_string()).await;
        tally.count(response.status(), &format!("removed server function {endpoint}"));
        assert_eq!(response.status(), 404, "/api/{endpoint} is gone");
    }

    // Bodies that are not a form's fields at all.
    let malformed: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"{".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"{}".to_vec(),
        b"from_date=2024-01-01".to_vec(),
        b"\xff\xfe{}".to_vec(),
        "[".repeat(20_000).into_bytes(),
    ];
    for body in malformed {
        for endpoint in [
            "block_name",
            "token_create",
            "token_revoke",
            "digest_save",
            "digest_remove",
            "digest_test",
            "viewer_grant",
            "viewer_revoke",
        ] {
            let what = format!("{endpoint} {}", String::from_utf8_lossy(&body).chars().take(100).collect::<String>());
            let response = app
                .http
                .post(format!("{}/api/{endpoint}", app.base_url))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .expect("the server answers");
            refused_by_server_fn(&mut tally, &what, response, 400, "could not be read").await;
        }
    }

    // The islands' routes: the progress feed's ticket, the names import's query and body.
    for ticket in ["", "abc", "-1", "1.5", "1e400", "18446744073709551616", "%FF", "<script>"] {
        let response = app.get(&format!("/api/progress?ticket={ticket}&lang=en")).await;
        tally.count(response.status(), &format!("progress ticket {ticket:?}"));
        assert_eq!(response.status(), 400, "progress ticket {ticket:?}");
        let text = response.text().await.unwrap();
        assert!(text.contains("ticket"), "progress ticket {ticket:?}: {text}");
    }
    let import = |query: &str, body: Vec<u8>| {
        app.http.post(format!("{}/api/names-import?{query}", app.base_url)).header("content-type", "text/plain").body(body).send()
    };
    for (query, body, status, hint) in [
        ("lang=en&save=0", b"\xff\xfe1,x".to_vec(), 400, "UTF-8"),
        ("lang=en&save=yes", b"1,x".to_vec(), 400, "save"),
        ("lang=en&save=0", Vec::new(), 422, "role=\"alert\""),
        ("lang=en&save=0", b"\n\n".to_vec(), 422, "role=\"alert\""),
    ] {
        let response = import(query, body.clone()).await.unwrap();
        let what = format!("names-import ?{query} {:?}", String::from_utf8_lossy(&body));
        tally.count(response.status(), &what);
        assert_eq!(response.status(), status, "{what}");
        let text = response.text().await.unwrap();
        assert!(text.contains(hint), "{what}: {text}");
    }

    // Plain-form server functions: block names, API tokens.
    let block = app.sim.dataset().blocks()[0].id.clone();
    for id in bad_block_ids() {
        let response = post_form(&app, "block_name", &[("block_id", &id), ("name", "x"), ("workplace", "")]).await;
        refused_by_server_fn(&mut tally, &format!("block_name id {id:?}"), response, 400, "block id").await;
    }
    for (name, workplace, hint) in [
        ("x".repeat(81), String::new(), "shorten it"),
        ("名".repeat(81), String::new(), "shorten it"),
        ("ok".into(), "g".repeat(81), "workplace"),
        ("a\r\nb".into(), String::new(), "control character"),
        ("a\0b".into(), String::new(), "control character"),
        ("ok".into(), "a\tb".into(), "control character"),
    ] {
        let response = post_form(&app, "block_name", &[("block_id", &block), ("name", &name), ("workplace", &workplace)]).await;
        refused_by_server_fn(&mut tally, &format!("block_name name {name:?} workplace {workplace:?}"), response, 400, hint).await;
    }
    for fields in [vec![("block_id", block.as_str())], vec![("name", "x"), ("workplace", "")], vec![]] {
        let response = post_form(&app, "block_name", &fields).await;
        refused_by_server_fn(&mut tally, &format!("block_name {fields:?}"), response, 400, "could not be read").await;
    }
    let long_name = "x".repeat(81);
    for (name, hint) in [
        ("", "empty"),
        ("   ", "empty"),
        (long_name.as_str(), "shorten it"),
        ("a\r\nb", "control"),
        ("a\0b", "control"),
        ("\u{7f}", "control"),
    ] {
        let response = post_form(&app, "token_create", &[("name", name)]).await;
        refused_by_server_fn(&mut tally, &format!("token_create {name:?}"), response, 400, hint).await;
    }
    let response = post_form(&app, "token_create", &[]).await;
    refused_by_server_fn(&mut tally, "token_create without a name", response, 400, "could not be read").await;
    let mut token_ids = injections();
    token_ids.extend(["".into(), "x".repeat(65), "abc def".into(), "ab/cd".into()]);
    for id in token_ids {
        let response = post_form(&app, "token_revoke", &[("id", &id)]).await;
        refused_by_server_fn(&mut tally, &format!("token_revoke {id:?}"), response, 400, "API token id").await;
    }
    let response = post_form(&app, "token_revoke", &[]).await;
    refused_by_server_fn(&mut tally, "token_revoke without an id", response, 400, "could not be read").await;

    // Oversized bodies: refused before anything reads them.
    let huge = "x".repeat(server::limits::MAX_BODY_BYTES + 1);
    let body = json!({ "params": view(&huge, &to, &[]), "ticket": huge, "refresh": false });
    refused_by_server_fn(
        &mut tally,
        "JSON, 64 KiB + 1",
        post_json(&app, "block_name", body.to_string()).await,
        413,
        "larger than",
    )
    .await;
    for (endpoint, field) in [("block_name", "name"), ("token_create", "name"), ("token_revoke", "id")] {
        let response = post_form(&app, endpoint, &[(field, &huge)]).await;
        refused_by_server_fn(&mut tally, &format!("{endpoint}, 64 KiB + 1"), response, 413, "larger than").await;
    }
    // Unknown server functions, and the wrong method.
    for (method, path) in [("POST", "/api/nope"), ("GET", "/api/block_name"), ("POST", "/api/../api/dashboard")] {
        let request = app.http.request(method.parse().unwrap(), format!("{}{path}", app.base_url));
        let response = request.send().await.unwrap();
        tally.count(response.status(), &format!("{method} {path}"));
        assert!(response.status().is_client_error(), "{method} {path}: {}", response.status());
    }

    // A good call still works, and saved markup comes back escaped.
    let response = post_form(
        &app,
        "block_name",
        &[("block_id", &block), ("name", "<script>alert(1)</script>"), ("workplace", "\"><img src=x onerror=alert(1)>")],
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
    let html = app.get(&format!("/?from={from}&to={to}&lang=en")).await.text().await.unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown, escaped");
    assert_no_raw_markup(&html, "the page with a name full of markup");
    let svg = app.get(&format!("/export/top-blocks.svg?from={from}&to={to}")).await.text().await.unwrap();
    assert_no_raw_markup(&svg, "the SVG export with a name full of markup");
    tally.finish();
}

// ---------------------------------------------------------------------------------
// /export/trend.svg: the page's parameters; 400 naming the parameter, in the one JSON shape.

#[tokio::test]
async fn the_svg_export_refuses_bad_views_and_ignores_unknown_parameters() {
    let app = spawn_app().await;
    let mut tally = Tally::new("/export/trend.svg");
    let (from, to) = (app.days_ago(9).to_string(), app.days_ago(3).to_string());
    let mut refused: Vec<(String, &str)> = Vec::new();
    for date in bad_dates().into_iter().filter(|d| !d.trim().is_empty()) {
        refused.push((query(&[("from", &date), ("to", &to)]), "from"));
        refused.push((query(&[("from", &from), ("to", &date)]), "to"));
    }
    for id in bad_block_ids() {
        refused.push((query(&[("range", "7d"), ("block", &id)]), "block"));
    }
    refused.push((query(&[("from", &to), ("to", &from)]), "swap"));
    refused.push((query(&[("from", "0000-01-01"), ("to", "9999-12-31")]), "spans"));
    refused.push((query(&[("to", &to)]), "from is missing"));
    for (raw, hint) in refused {
        let what = format!("/export/trend.svg?{}", raw.chars().take(120).collect::<String>());
        let response = app.get(&format!("/export/trend.svg?{raw}")).await;
        tally.count(response.status(), &what);
        assert_eq!(response.status(), 400, "{what}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{what}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["kind"], "bad_request", "{what}");
        let text = body["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(hint), "{what}: {text:?} should mention {hint:?}");
    }
    let mut ignored = vec![query(&[("utm_source", "portal"), ("range", "7d")]), query(&[("range", "bogus")])];
    for injection in injections() {
        ignored.push(query(&[("utm_source", &injection), ("range", "7d")]));
        ignored.push(query(&[(&injection, "1"), ("range", "7d")]));
        ignored.push(query(&[("lang", &injection), ("range", "7d")]));
    }
    for raw in ignored {
        let what = format!("/export/trend.svg?{raw}");
        let response = app.get(&format!("/export/trend.svg?{raw}")).await;
        tally.count(response.status(), &what);
        assert_eq!(response.status(), 200, "{what}");
        let svg = response.text().await.unwrap();
        assert!(svg.contains("<svg"), "{what}");
        assert_no_raw_markup(&svg, &what);
    }
    let response = app.get(&format!("/export/trend.svg?{}", query(&[("from", &"x".repeat(10_000))]))).await;
    tally.count(response.status(), "an oversized export query");
    assert_eq!(response.status(), 414);
    tally.finish();
}

// ---------------------------------------------------------------------------------
// Sign-in: /login?next=… never leads off the dashboard; /auth/callback refuses junk.

#[tokio::test]
async fn sign_in_takes_any_next_safely_and_the_callback_refuses_junk() {
    let app = spawn_app().await;
    let mut tally = Tally::new("/login and /auth/callback");
    let mut nexts = injections();
    nexts.extend(
        [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/x\r\nLocation: https://evil.example",
            "javascript:alert(1)//",
            "",
            "/?from=2024-02-30",
        ]
        .map(String::from),
    );
    nexts.push(format!("/{}", "a".repeat(5000)));
    for next in nexts {
        let what = format!("/login?next={:?}", next.chars().take(80).collect::<String>());
        let browser = app.browser();
        let (authorize, status) = app.start_sign_in(&browser, &next).await;
        tally.count(status, &what);
        assert!(status.is_redirection(), "{what}: {status}");
        assert!(authorize.starts_with(&app.sim.base_url()), "{what}: sent to Feishu's sign-in, not {authorize}");
        // Coming back, the browser lands on the dashboard only.
        let callback = follow_authorize(&browser, &authorize, feishu_sim::DEMO_ADMIN_OPEN_ID).await;
        let back = browser.get(&callback).send().await.unwrap();
        let landing = back.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(back.status().is_redirection(), "{what}: {}", back.status());
        assert!(
            landing.starts_with('/') && !landing.starts_with("//") && !landing.contains(['\\', '\r', '\n']),
            "{what}: lands on {landing:?}"
        );
        let local = next.starts_with('/') && !next.starts_with("//") && !next.contains(['\\', '\r', '\n', '\0']);
        assert_eq!(landing, if local { next.as_str() } else { "/" }, "{what}");
    }
    let response =
        app.anonymous.get(format!("{}/login?{}", app.base_url, query(&[("next", &"/".repeat(9000))]))).send().await.unwrap();
    tally.count(response.status(), "an oversized next");
    assert_eq!(response.status(), 414);

    let mut callbacks: Vec<String> = Vec::new();
    for injection in injections() {
        callbacks.push(query(&[("code", &injection), ("state", "x")]));
        callbacks.push(query(&[("code", "x"), ("state", &injection)]));
        callbacks.push(query(&[("error", &injection), ("state", "x")]));
    }
    callbacks.extend([
        "".into(),
        "code=&state=".into(),
        "code=a&code=b&state=x".into(),
        "state=%ZZ".into(),
        "code=%C3%28".into(),
    ]);
    for raw in callbacks {
        let what = format!("/auth/callback?{}", raw.chars().take(120).collect::<String>());
        for client in [&app.anonymous, &app.http] {
            let response = client.get(format!("{}/auth/callback?{raw}", app.base_url)).send().await.unwrap();
            let status = response.status();
            tally.count(status, &what);
            assert_eq!(status, 400, "{what}");
            let text = response.text().await.unwrap();
            assert_no_raw_markup(&text, &what);
            assert!(
                text.contains("no longer valid") || text.contains("登录链接已失效") || text.contains("query string"),
                "{what}: {text}"
            );
        }
    }
    let response = app
        .anonymous
        .get(format!("{}/auth/callback?{}", app.base_url, query(&[("code", &"c".repeat(9000))])))
        .send()
        .await
        .unwrap();
    tally.count(response.status(), "an oversized callback");
    assert_eq!(response.status(), 414);
    tally.finish();
}

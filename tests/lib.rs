//! Helpers for the integration tests: start the real server on a free port, pointed at
//! a Feishu simulator over loopback, with its own data directory.

use std::collections::HashMap;
use std::net::SocketAddr;

use chrono::NaiveDate;
use feishu_sim::{SimConfig, SimHandle, Simulator};
use leptos::config::LeptosOptions;
use server::{Application, Config};

pub mod http_load;
pub mod load_plan;

/// The longest a test's request to its server may take. A request that hangs fails the
/// test with its URL ("operation timed out"), well before the runner ends the test
/// (`.config/nextest.toml`), and after the server's own deadlines (60 s for the
/// numbers, 75 s for any request) had their chance to answer.
pub const TEST_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);

/// A running server and the simulator it talks to.
pub struct TestApp {
    pub base_url: String,
    pub sim: SimHandle,
    /// Signed in as the demo admin (an allowed user), sending this dashboard's Origin.
    pub http: reqwest::Client,
    /// No session at all.
    pub anonymous: reqwest::Client,
    /// Kept so the data directory lives as long as the server.
    pub data_dir: tempfile::TempDir,
    /// The server's state: its store, service and digests.
    pub state: use_cases::state::AppState,
    /// Every path the server's router answers ([`server::startup::Application::paths`]).
    pub paths: Vec<String>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Leptos' settings for a test server on a free port.
pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("block-insights")
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

/// Leptos' settings of the site `cargo leptos build` built (`scripts/test` builds it
/// before the Rust tests): its files under the target directory's `site`, named by the
/// content hashes in `hash.txt` beside the build's binaries, as the server started by
/// hand reads them. Both are found from this test binary (`<target>/debug/deps/…`), so
/// the page links what that build wrote.
pub fn built_site_options() -> LeptosOptions {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe.parent().and_then(std::path::Path::parent).expect("the binary is in <target>/<profile>/deps");
    let site = profile_dir.parent().expect("the target directory").join("site");
    LeptosOptions::builder()
        .output_name("block-insights")
        .site_root(site.display().to_string())
        .site_pkg_dir("pkg")
        .hash_files(true)
        .hash_file(std::sync::Arc::<str>::from(profile_dir.join("hash.txt").display().to_string()))
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build()
}

/// Starts a simulator and a server configured for it (not demo mode: the test reads the
/// simulator's ground truth). `extra` adds or overrides environment settings.
pub async fn spawn_app_with(sim_config: SimConfig, extra: &[(&str, &str)]) -> TestApp {
    let sim = Simulator::start(sim_config, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts");
    spawn_app_for(sim, extra, std::sync::Arc::new(use_cases::digests::SystemClock)).await
}

/// A server for the running simulator `sim`, whose digests go by `clock`.
pub async fn spawn_app_for(
    sim: SimHandle,
    extra: &[(&str, &str)],
    clock: std::sync::Arc<dyn use_cases::digests::Clock>,
) -> TestApp {
    spawn_app_with_site(sim, extra, clock, leptos_options()).await
}

/// A simulator with default settings and a server that serves the built site
/// ([`built_site_options`]): its pages link the assets a browser would fetch.
pub async fn spawn_app_serving_the_site() -> TestApp {
    let sim = Simulator::start(SimConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts");
    spawn_app_with_site(sim, &[], std::sync::Arc::new(use_cases::digests::SystemClock), built_site_options()).await
}

async fn spawn_app_with_site(
    sim: SimHandle,
    extra: &[(&str, &str)],
    clock: std::sync::Arc<dyn use_cases::digests::Clock>,
    site: LeptosOptions,
) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut vars: HashMap<String, String> = HashMap::from([
        ("FEISHU_APP_ID".into(), sim.config().app_id.clone()),
        ("FEISHU_APP_SECRET".into(), sim.config().app_secret.clone()),
        ("FEISHU_BASE_URL".into(), sim.base_url()),
        ("FEISHU_ACCOUNTS_URL".into(), sim.base_url()),
        ("DASHBOARD_ADMINS".into(), feishu_sim::DEMO_ADMIN_OPEN_ID.into()),
        ("DASHBOARD_DATA_DIR".into(), data_dir.path().display().to_string()),
        // A test's many requests from one address and one admin are not a flood, and a
        // refresh in a test must fetch: tests/it/security.rs sets these to the defaults.
        ("DASHBOARD_SIGN_IN_PER_MINUTE".into(), "0".into()),
        ("DASHBOARD_REQUESTS_PER_MINUTE".into(), "0".into()),
        ("DASHBOARD_REFRESH_MIN_SECS".into(), "0".into()),
        // The history fetch would add its own calls to every test's count: on only in
        // the tests of it (tests/it/history.rs).
        ("DASHBOARD_HISTORY_MONTHS".into(), "0".into()),
    ]);
    for (k, v) in extra {
        vars.insert((*k).into(), (*v).into());
    }
    let config = Config::from_lookup(|k| vars.get(k).cloned()).expect("valid test config");
    let app = Application::build_with_clock(config, site, clock).await.expect("server builds");
    let base_url = format!("http://{}", app.addr());
    let state = app.state().clone();
    let paths = app.paths();
    let server = tokio::spawn(app.run(std::future::pending()));
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TEST_REQUEST_TIMEOUT)
        .build()
        .expect("client");
    let mut app = TestApp { base_url, sim, http: anonymous.clone(), anonymous, data_dir, state, server, paths };
    app.http = app.sign_in(feishu_sim::DEMO_ADMIN_OPEN_ID).await.expect("the demo admin signs in");
    app
}

/// A simulator and server with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(SimConfig::default(), &[]).await
}

impl TestApp {
    /// The simulator's last day with data (today in the tenant's time zone).
    pub fn today(&self) -> NaiveDate {
        self.sim.dataset().today()
    }

    pub fn days_ago(&self, n: u64) -> NaiveDate {
        self.today() - chrono::Days::new(n)
    }

    /// A client with its own cookie jar and this dashboard's `Origin`, not signed in, that
    /// does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        browser_for(&self.base_url)
    }

    /// Signs in through the real flow (dashboard → simulated Feishu → callback) as
    /// `open_id`; answers the signed-in client, or the callback's answer when refused.
    pub async fn sign_in(&self, open_id: &str) -> Result<reqwest::Client, reqwest::Response> {
        sign_in_at(&self.base_url, open_id).await
    }

    /// `GET /login?next=…`: answers the authorize URL Feishu would show.
    pub async fn start_sign_in(&self, browser: &reqwest::Client, next: &str) -> (String, reqwest::StatusCode) {
        let response =
            browser.get(format!("{}/login", self.base_url)).query(&[("next", next)]).send().await.expect("login answers");
        let status = response.status();
        let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (location, status)
    }

    pub async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.http.get(format!("{}{}", self.base_url, path_and_query)).send().await.expect("request reaches the server")
    }

    /// `PUT {path_and_query}` with `body` as `content_type` (an import), as the
    /// signed-in admin or, when given, with `token` alone: the status and the JSON
    /// answer.
    pub async fn put_import(
        &self,
        path_and_query: &str,
        content_type: &str,
        body: String,
        token: Option<&str>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let client = if token.is_some() { &self.anonymous } else { &self.http };
        let mut request =
            client.put(format!("{}{path_and_query}", self.base_url)).header("content-type", content_type).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("an answer");
        (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
    }

    /// Posts the tokens page's form (`name`, `can_write_names`, `can_manage_digests`,
    /// `expires`) as the signed-in admin, asking for the answer as JSON: 200 with the
    /// new token as a JSON string, or the refusal.
    pub async fn create_token(&self, fields: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}/api/token_create", self.base_url))
            .header("accept", "application/json")
            .form(fields)
            .send()
            .await
            .expect("request reaches the server")
    }

    /// A new API token named `name` (that may change block names and notes with
    /// `can_write_names`), as the tokens page gives it once.
    pub async fn new_token(&self, name: &str, can_write_names: bool) -> String {
        let mut form = vec![("name", name)];
        if can_write_names {
            form.push(("can_write_names", "true"));
        }
        let response = self.create_token(&form).await;
        assert_eq!(response.status(), 200, "the token {name:?} is created");
        response.json::<String>().await.expect("the token as JSON")
    }

    /// Names `block` (and puts it on `workplace`) through the page's plain form post, as
    /// the signed-in admin without JavaScript.
    pub async fn name_block(&self, block: &str, name: &str, workplace: &str) {
        let response = self
            .http
            .post(format!("{}/api/block_name", self.base_url))
            .header("referer", format!("{}/", self.base_url))
            .form(&[("block_id", block), ("name", name), ("workplace", workplace)])
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status();
        assert!(status.is_success() || status.is_redirection(), "naming {block}: {status}");
    }
}

/// The text of the first element carrying `data-testid="<id>"`.
pub fn testid_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("data-testid=\"{id}\"");
    let at = html.find(&marker)?;
    let open_end = at + html[at..].find('>')? + 1;
    let close = open_end + html[open_end..].find("</")?;
    Some(strip_comments(&html[open_end..close]).trim().to_owned())
}

/// The whole numbers written in `text`: `12,345` read as one number, as the page
/// groups digits; a run with a point (`637.2,309.5`: coordinates, not counts) as its
/// separate whole parts, never joined across the comma.
pub fn numbers(text: &str) -> std::collections::BTreeSet<u64> {
    let mut out = std::collections::BTreeSet::new();
    for token in text.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')) {
        let token = token.trim_matches(|c| c == ',' || c == '.');
        let grouped = !token.contains('.')
            && token.split(',').enumerate().all(|(i, g)| !g.is_empty() && g.len() <= 3 && (i == 0 || g.len() == 3));
        if grouped {
            out.extend(token.replace(',', "").parse::<u64>().ok());
        } else {
            out.extend(token.split([',', '.']).filter_map(|part| part.parse::<u64>().ok()));
        }
    }
    out
}

/// Digits of a grouped number such as `1,234`.
pub fn ungroup(text: &str) -> u64 {
    text.chars().filter(char::is_ascii_digit).collect::<String>().parse().expect("a number")
}

/// Removes HTML comments (Leptos' hydration markers such as `<!>`).
pub fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!") {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => rest = &rest[start + end + 1..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The rows of the table carrying `data-testid="rows"`, each as its cells' texts.
pub fn table_rows(html: &str) -> Vec<Vec<String>> {
    let Some(at) = html.find("data-testid=\"rows\"") else { return Vec::new() };
    let Some(body_start) = html[at..].find("<tbody") else { return Vec::new() };
    let body = &html[at + body_start..];
    let body = &body[..body.find("</tbody>").unwrap_or(body.len())];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let content = &cell[cell.find('>').map_or(0, |i| i + 1)..];
                    let content = &content[..content.find("</td>").unwrap_or(content.len())];
                    strip_comments(content).trim().to_owned()
                })
                .collect()
        })
        .collect()
}

/// Answers the simulator's authorize page as `open_id` would, returning the callback
/// URL (with code and state) it redirects to.
pub async fn follow_authorize(browser: &reqwest::Client, authorize_url: &str, open_id: &str) -> String {
    let response = browser.get(format!("{authorize_url}&login_hint={open_id}")).send().await.expect("authorize answers");
    assert!(response.status().is_redirection(), "authorize answered {}", response.status());
    response.headers().get("location").expect("a redirect").to_str().expect("ascii").to_owned()
}

/// A cookie-keeping client that sends `base_url` as its Origin and follows no redirects.
pub fn browser_for(base_url: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base_url.parse().expect("origin"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TEST_REQUEST_TIMEOUT)
        .default_headers(headers)
        .build()
        .expect("client")
}

/// The `Cookie` header of a session signed in at `base_url` as `open_id` (through the
/// real flow), for clients that keep no cookies themselves.
pub async fn session_cookie(base_url: &str, open_id: &str) -> String {
    use reqwest::cookie::CookieStore;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, base_url.parse().expect("origin"));
    let browser = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TEST_REQUEST_TIMEOUT)
        .default_headers(headers)
        .build()
        .expect("client");
    let response = browser.get(format!("{base_url}/login?next=/")).send().await.expect("login answers");
    let location = response.headers().get("location").expect("login redirects").to_str().expect("ascii").to_owned();
    let callback = follow_authorize(&browser, &location, open_id).await;
    let answer = browser.get(&callback).send().await.expect("callback answers");
    assert!(answer.status().is_redirection(), "signed in as {open_id}: {}", answer.status());
    let url = base_url.parse().expect("a URL");
    jar.cookies(&url).expect("a session cookie").to_str().expect("ascii").to_owned()
}

/// The whole sign-in at the dashboard on `base_url` as `open_id`.
pub async fn sign_in_at(base_url: &str, open_id: &str) -> Result<reqwest::Client, reqwest::Response> {
    let (browser, answer) = sign_in_from(base_url, &format!("{base_url}/login?next=/"), open_id).await;
    if answer.status().is_redirection() { Ok(browser) } else { Err(answer) }
}

/// Opens `url` (the sign-in, or a page that sends to it, such as a read-only link) in a
/// new browser with no session, and signs in as `open_id` on the way: the browser, and
/// the dashboard's answer to Feishu's callback (a redirect onward, or a refusal).
pub async fn sign_in_from(base_url: &str, url: &str, open_id: &str) -> (reqwest::Client, reqwest::Response) {
    let browser = browser_for(base_url);
    let mut next = url.to_owned();
    // The dashboard's redirects, as far as Feishu's authorize page.
    let authorize = loop {
        let response = browser.get(&next).send().await.expect("the dashboard answers");
        let location = response.headers().get("location").expect("a redirect to sign in").to_str().expect("ascii").to_owned();
        if location.contains("/open-apis/authen/") {
            break location;
        }
        next = if location.starts_with('/') { format!("{base_url}{location}") } else { location };
    };
    let callback = follow_authorize(&browser, &authorize, open_id).await;
    let answer = browser.get(&callback).send().await.expect("callback answers");
    (browser, answer)
}

/// The blocks of the dashboard's blocks table in `html`, in its order: each row's own
/// `data-block` (an unnamed block's naming form carries one too).
pub fn table_blocks(html: &str) -> Vec<String> {
    let table = &html[html.find("data-testid=\"blocks-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr ")
        .skip(1)
        .filter_map(|row| row.split("data-block=\"").nth(1))
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

//! A viewer scoped to one custom workplace, over HTTP against the simulator: they see
//! exactly its blocks' numbers (equal to the ground truth), the workplace's own, and
//! nothing else, on every route the server answers; their grant revoked, their next
//! request is refused.

use std::collections::BTreeSet;

use block_insights_tests::{TestApp, numbers, spawn_app, strip_comments, testid_text, ungroup};
use chrono::{NaiveDate, Utc};
use domain::scope::Scope;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The simulator's member who is no admin: the viewer.
const VIEWER: &str = feishu_sim::DEMO_MEMBER_OPEN_ID;

/// A tenant where the viewer sees one custom workplace with two blocks named into it;
/// a third block is named into another workplace, the others into none.
struct Scoped {
    app: TestApp,
    viewer: reqwest::Client,
    workplace: String,
    other_workplace: String,
    mine: Vec<String>,
    theirs: String,
    from: NaiveDate,
    to: NaiveDate,
}

async fn scoped() -> Scoped {
    let app = spawn_app().await;
    let data = app.sim.dataset();
    let (workplace, other_workplace) = (data.workplaces()[1].id.clone(), data.workplaces()[2].id.clone());
    let blocks = data.blocks();
    let mine = vec![blocks[3].id.clone(), blocks[8].id.clone()];
    let theirs = blocks[0].id.clone();
    app.name_block(&mine[0], "请假 Leave", &workplace).await;
    app.name_block(&mine[1], "报销 Expenses", &workplace).await;
    app.name_block(&theirs, "机密 Secret", &other_workplace).await;
    let scope = Scope::parse([workplace.as_str()], []).unwrap();
    app.state.service.store().grant_viewer(VIEWER, &scope, "test", Utc::now()).await.unwrap();
    let viewer = app.sign_in(VIEWER).await.expect("a person granted a scope signs in");
    let (from, to) = (app.days_ago(29), app.days_ago(1));
    Scoped { app, viewer, workplace, other_workplace, mine, theirs, from, to }
}

impl Scoped {
    async fn send(&self, method: Method, path: &str) -> (StatusCode, String) {
        self.send_as(&self.viewer, method, path).await
    }

    /// `method path` from `client`, with a form body any route may read.
    async fn send_as(&self, client: &reqwest::Client, method: Method, path: &str) -> (StatusCode, String) {
        let response = client
            .request(method, format!("{}{path}", self.app.base_url))
            .header("accept", "text/html,application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("id=x&name=x&block_id=1&workplace=x&form=x&date=2026-01-01&text=x")
            .send()
            .await
            .expect("the server answers");
        (response.status(), response.text().await.unwrap())
    }

    /// `(pv, uv)` of `block` by day over the range, from the ground truth.
    fn truth(&self, block: &str) -> Vec<(NaiveDate, u64, u64)> {
        self.app.sim.dataset().ground_truth(self.from, self.to, Some(block)).iter().map(|r| (r.date, r.pv, r.uv)).collect()
    }
}

#[tokio::test]
async fn a_viewer_sees_exactly_their_workplaces_blocks_and_its_own_numbers() {
    let s = scoped().await;
    let range = format!("from_date={}&to_date={}", s.from, s.to);

    // The API: the workplace's blocks, each day equal to the ground truth.
    let (status, body) = s.send(Method::GET, &format!("/api/v1/block-access?{range}")).await;
    assert_eq!(status, 200, "{body}");
    let items: Value = serde_json::from_str(&body).unwrap();
    let mut seen: Vec<(String, String, u64, u64)> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let field = |k: &str| i[k].as_str().unwrap().to_owned();
            (field("block_id"), field("date"), i["pv"].as_u64().unwrap(), i["uv"].as_u64().unwrap())
        })
        .collect();
    seen.sort();
    let mut truth: Vec<(String, String, u64, u64)> =
        s.mine.iter().flat_map(|b| s.truth(b).into_iter().map(|(d, pv, uv)| (b.clone(), d.to_string(), pv, uv))).collect();
    truth.sort();
    assert!(!truth.is_empty());
    assert_eq!(seen, truth, "exactly the workplace's blocks, as Feishu counts them");

    // The page: the cards are the sums of those blocks.
    let (status, html) = s.send(Method::GET, &format!("/?lang=en&from={}&to={}", s.from, s.to)).await;
    assert_eq!(status, 200);
    let pv: u64 = s.mine.iter().flat_map(|b| s.truth(b)).map(|(_, pv, _)| pv).sum();
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").expect("the PV card")), pv);
    assert!(!html.contains("机密 Secret"), "another workplace's block is not named");
    assert!(!html.contains("href=\"/digests\""), "no digests' settings for a viewer");

    // The workplace's own numbers, and no other workplace's.
    let (status, body) = s.send(Method::GET, &format!("/api/v1/custom-workplace-access?{range}")).await;
    assert_eq!(status, 200, "{body}");
    let rows: Value = serde_json::from_str(&body).unwrap();
    let truth = s.app.sim.dataset().custom_workplace_ground_truth(s.from, s.to, Some(&s.workplace));
    let pv = |rows: &Value| rows["items"].as_array().unwrap().iter().map(|r| r["pv"].as_u64().unwrap()).sum::<u64>();
    assert_eq!(pv(&rows), truth.iter().map(|r| r.access_data.pv).sum::<u64>());
    assert!(rows["items"].as_array().unwrap().iter().all(|r| r["custom_workplace_id"] == s.workplace.as_str()));

    // Refused, saying why: another workplace, another block, the tenant's totals, a change.
    let refusals = [
        (Method::GET, format!("/api/v1/custom-workplace-access?{range}&custom_workplace_id={}", s.other_workplace)),
        (Method::GET, format!("/api/v1/block-access?{range}&block_id={}", s.theirs)),
        (Method::GET, format!("/api/v1/workplace-access?{range}")),
        (Method::GET, "/digests".to_owned()),
        (Method::POST, "/api/block_name".to_owned()),
        (Method::PUT, "/api/v1/block-names".to_owned()),
    ];
    for (method, path) in refusals {
        let (status, body) = s.send(method.clone(), &path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
    }

    // Revoked: the next request is refused.
    assert!(s.app.state.service.store().revoke_viewer(VIEWER).await.unwrap());
    let (status, _) = s.send(Method::GET, &format!("/api/v1/block-access?{range}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked grant ends the access at the next request");
}

/// Every number the viewer must not see, by value: each day's and the range's figures
/// of the blocks outside the scope, of the other workplaces, and of the tenant; less
/// every figure the viewer may see (a coincidence is no leak), and small figures that
/// any page has for other reasons (coordinates, widths).
fn forbidden(s: &Scoped) -> BTreeSet<u64> {
    let data = s.app.sim.dataset();
    let mut out = BTreeSet::new();
    let mut add_series = |series: Vec<(u64, u64)>| {
        let (pv, uv): (u64, u64) = series.iter().fold((0, 0), |(p, u), (a, b)| (p + a, u + b));
        out.extend([pv, uv]);
        out.extend(series.into_iter().flat_map(|(p, u)| [p, u]));
    };
    for block in data.blocks().iter().filter(|b| !s.mine.contains(&b.id)) {
        add_series(s.truth(&block.id).into_iter().map(|(_, pv, uv)| (pv, uv)).collect());
    }
    for w in data.workplaces().iter().filter(|w| w.id != s.workplace) {
        let rows = data.custom_workplace_ground_truth(s.from, s.to, Some(&w.id));
        add_series(rows.iter().map(|r| (r.access_data.pv, r.access_data.uv)).collect());
    }
    let tenant = data.workplace_ground_truth(s.from, s.to);
    add_series(tenant.iter().map(|r| (r.all_workplace.pv, r.all_workplace.uv)).collect());
    add_series(tenant.iter().map(|r| (r.default_workplace.pv, r.default_workplace.uv)).collect());
    let all_blocks = data.ground_truth(s.from, s.to, None);
    add_series(vec![(all_blocks.iter().map(|r| r.pv).sum::<u64>(), all_blocks.iter().map(|r| r.uv).sum::<u64>())]);
    // What the viewer may see.
    let mut allowed: BTreeSet<u64> = BTreeSet::new();
    let mine: Vec<(u64, u64)> = s.mine.iter().flat_map(|b| s.truth(b)).map(|(_, pv, uv)| (pv, uv)).collect();
    for b in &s.mine {
        let days = s.truth(b);
        allowed.extend(days.iter().flat_map(|(_, p, u)| [*p, *u]));
        allowed.extend([days.iter().map(|d| d.1).sum::<u64>(), days.iter().map(|d| d.2).sum::<u64>()]);
    }
    allowed.extend([mine.iter().map(|m| m.0).sum::<u64>(), mine.iter().map(|m| m.1).sum::<u64>()]);
    let own = data.custom_workplace_ground_truth(s.from, s.to, Some(&s.workplace));
    allowed.extend(own.iter().flat_map(|r| [r.access_data.pv, r.access_data.uv]));
    allowed.extend([own.iter().map(|r| r.access_data.pv).sum::<u64>(), own.iter().map(|r| r.access_data.uv).sum::<u64>()]);
    out.retain(|n| *n >= 2_000 && !allowed.contains(n));
    out
}

/// Every route the server answers (read from its router), called by the viewer with
/// every method, naming blocks and workplaces outside the scope: no answer holds a
/// number of another block, another workplace or the tenant.
#[tokio::test]
async fn no_route_shows_a_viewer_a_number_outside_their_scope() {
    let s = scoped().await;
    let forbidden = forbidden(&s);
    assert!(forbidden.len() > 50, "the test has numbers to look for: {}", forbidden.len());
    // A note about another workplace's block, and a tenant-wide one, for the routes of
    // one note; a chat for the digests'.
    let admin_note = |body: Value| {
        let app = &s.app;
        async move {
            let r = app.http.post(format!("{}/api/v1/annotations", app.base_url)).json(&body).send().await.unwrap();
            r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
        }
    };
    let note = admin_note(json!({ "date": s.app.days_ago(60).to_string(), "text": "x", "block_ids": [s.theirs] })).await;
    let tenant_note = admin_note(json!({ "date": s.app.days_ago(60).to_string(), "text": "y" })).await;
    let chat = feishu_sim::demo_chats()[0].chat_id.clone();
    // The API's parameters and the page's, each alone (a route refuses those it does
    // not know), naming what is outside the scope.
    let (api, page) = (format!("from_date={}&to_date={}", s.from, s.to), format!("from={}&to={}", s.from, s.to));
    let queries = [
        api.clone(),
        format!("{api}&block_id={}", s.theirs),
        format!("{api}&custom_workplace_id={}", s.other_workplace),
        page.clone(),
        format!("{page}&block={}&workplace={}", s.theirs, s.other_workplace),
        format!("{page}&tab=workplaces"),
        format!("{page}&tab=rows"),
    ];

    let mut paths: Vec<String> = s.app.paths.clone();
    // The server functions answer under one wildcard route: each by its own path.
    paths.extend(server_fn::axum::server_fn_paths().map(|(path, _)| path.to_owned()));
    assert!(paths.iter().any(|p| p == "/api/v1/block-access") && paths.iter().any(|p| p == "/export/trend.svg"), "{paths:?}");
    // Signing out (or in again) would leave the calls anonymous.
    paths.retain(|p| !matches!(p.as_str(), "/logout" | "/login" | "/auth/callback" | "/auth/jssdk"));
    let ids = [note.as_str(), tenant_note.as_str()];
    let calls = Calls { paths: &paths, queries: &queries, ids: &ids, chat: &chat, forbidden: &forbidden };

    let (called, answered, leaks) = calls.made_by(&s, &s.viewer).await;
    println!("the viewer called {} routes {called} times, {answered} answered: {} leaks", paths.len(), leaks.len());
    let (status, _) = s.send(Method::GET, &format!("/api/v1/block-access?{api}")).await;
    assert_eq!(status, 200, "still signed in as the viewer at the end: every call was the viewer's");
    assert!(leaks.is_empty(), "numbers outside the scope, to the viewer:\n{}", leaks.join("\n"));

    // The same calls by a person of the tenant who opened a link to the workplace's view.
    let view = format!("/?from={}&to={}&workplace={}", s.from, s.to, s.workplace);
    let link: Value = s
        .app
        .http
        .post(format!("{}/api/v1/share-links", s.app.base_url))
        .json(&json!({ "path": view }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let visitor = visitor_of(&s.app, link["url"].as_str().unwrap()).await;
    let (called, answered, leaks) = calls.made_by(&s, &visitor).await;
    println!("a visitor of a link called {} routes {called} times, {answered} answered: {} leaks", paths.len(), leaks.len());
    let (status, _) = s.send_as(&visitor, Method::GET, &view).await;
    assert_eq!(status, 200, "still the link's visitor at the end");
    assert!(leaks.is_empty(), "numbers outside the link's view, to its visitor:\n{}", leaks.join("\n"));
}

/// Every route with every method and query, as one client.
struct Calls<'a> {
    paths: &'a [String],
    queries: &'a [String],
    /// What `{id}` stands for, in turn.
    ids: &'a [&'a str],
    chat: &'a str,
    forbidden: &'a BTreeSet<u64>,
}

impl Calls<'_> {
    /// Makes every call as `client`: how many, how many answered 2xx, and the calls whose
    /// answer holds a forbidden number (which numbers).
    async fn made_by(&self, s: &Scoped, client: &reqwest::Client) -> (usize, usize, Vec<String>) {
        let (mut called, mut answered, mut leaks) = (0, 0, Vec::new());
        for pattern in self.paths {
            for id in self.ids {
                let path = pattern
                    .replace("{id}", id)
                    .replace("{chat_id}", self.chat)
                    .replace("{who}", VIEWER)
                    .replace("{*path}", "x")
                    .replace("{*fn_name}", "x");
                for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
                    for query in self.queries {
                        let (status, body) = s.send_as(client, method.clone(), &format!("{path}?{query}")).await;
                        called += 1;
                        answered += usize::from(status.is_success());
                        let shown: Vec<u64> = numbers(&strip_comments(&body)).intersection(self.forbidden).copied().collect();
                        if !shown.is_empty() {
                            leaks.push(format!("{method} {path}?{query} ({status}): {shown:?}"));
                        }
                    }
                }
                if !pattern.contains("{id}") {
                    break;
                }
            }
        }
        (called, answered, leaks)
    }
}

/// A person of the tenant, neither admin nor viewer, signed in through the link `url`.
async fn visitor_of(app: &TestApp, url: &str) -> reqwest::Client {
    let (browser, answer) = block_insights_tests::sign_in_from(&app.base_url, url, feishu_sim::DEMO_NO_EMAIL_OPEN_ID).await;
    assert_eq!(answer.status(), 303, "signed in through the link");
    browser
}

/// A viewer's API token reads their scope and nothing else, changes nothing, and stops
/// with their grant; they see and revoke their own tokens only.
#[tokio::test]
async fn a_viewers_token_reads_their_scope_only_and_stops_with_their_grant() {
    let s = scoped().await;
    let create = |fields: Vec<(&'static str, &'static str)>| {
        s.viewer.post(format!("{}/api/token_create", s.app.base_url)).header("accept", "application/json").form(&fields).send()
    };
    let refused = create(vec![("name", "hr-sync"), ("can_write_names", "true")]).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a viewer's token changes nothing");
    let made = create(vec![("name", "hr-report")]).await.unwrap();
    assert_eq!(made.status(), 200);
    let token: String = made.json().await.unwrap();
    let admin_token = s.app.new_token("tenant-report", false).await;
    let read = |token: String, path: String| {
        let url = format!("{}{path}", s.app.base_url);
        async move {
            let r = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let range = format!("from_date={}&to_date={}", s.from, s.to);
    let (status, body) = read(token.clone(), format!("/api/v1/block-access?{range}")).await;
    assert_eq!(status, 200, "{body}");
    let items: Value = serde_json::from_str(&body).unwrap();
    let blocks: BTreeSet<&str> = items["items"].as_array().unwrap().iter().map(|i| i["block_id"].as_str().unwrap()).collect();
    assert_eq!(blocks, s.mine.iter().map(String::as_str).collect(), "the viewer's blocks, nothing else");
    for path in [format!("/api/v1/workplace-access?{range}"), format!("/api/v1/block-access?{range}&block_id={}", s.theirs)] {
        assert_eq!(read(token.clone(), path.clone()).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _) = read(admin_token.clone(), format!("/api/v1/workplace-access?{range}")).await;
    assert_eq!(status, 200, "an admin's token reads the tenant");
    // Their own tokens only, on the tokens page.
    let page = s.viewer.get(format!("{}/tokens?lang=en", s.app.base_url)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("hr-report") && !page.contains("tenant-report"), "their own tokens only");
    assert!(!page.contains("can_write_names"), "no right to change offered");
    // The grant revoked, the token stops.
    s.app.state.service.store().revoke_viewer(VIEWER).await.unwrap();
    assert_eq!(read(token, format!("/api/v1/block-access?{range}")).await.0, StatusCode::UNAUTHORIZED);
}

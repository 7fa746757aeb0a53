//! The dashboard page and its server functions, served by the real server, checked
//! against the simulator's ground truth.

use std::collections::BTreeMap;

use block_insights_tests::{TestApp, spawn_app, strip_comments, table_blocks, table_rows, testid_text, ungroup};
use feishu_sim::AccessRow;
use serde_json::json;

fn sums(rows: &[AccessRow]) -> (u64, u64) {
    (rows.iter().map(|r| r.pv).sum(), rows.iter().map(|r| r.uv).sum())
}

async fn page(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_overview_renders_the_simulators_numbers_before_any_javascript() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(20), app.days_ago(14));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let (pv, uv) = sums(&truth);
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;

    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), pv);
    assert_eq!(ungroup(&testid_text(&html, "card-uv-sum-value").unwrap()), uv);
    let blocks: BTreeMap<&str, u64> = truth.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r.block_id.as_str()).or_default() += r.pv;
        m
    });
    assert_eq!(ungroup(&testid_text(&html, "card-active-blocks-value").unwrap()), blocks.len() as u64, "active blocks");
    // The per-block table: a page of rows of the blocks with visits, largest PV first;
    // the next page has the rest, and together they are every block once.
    let rows = table_blocks(&html);
    assert_eq!(rows.len(), blocks.len().min(use_cases::report::TABLE_ROWS_PER_PAGE));
    assert!(blocks.len() > use_cases::report::TABLE_ROWS_PER_PAGE, "the tenant has more blocks than a page");
    let top = blocks.iter().max_by_key(|(id, pv)| (**pv, std::cmp::Reverse(**id))).unwrap();
    assert_eq!(rows[0], *top.0, "sorted by PV, largest first");
    assert_eq!(
        testid_text(&html, "table-count").unwrap(),
        format!("1–{} of {} blocks", use_cases::report::TABLE_ROWS_PER_PAGE, blocks.len())
    );
    let second = page(&app, &format!("?from={from}&to={to}&lang=en&page=2")).await;
    let mut every: Vec<String> = rows.into_iter().chain(table_blocks(&second)).collect();
    assert!(blocks[every.last().unwrap().as_str()] <= blocks[every[0].as_str()]);
    every.sort();
    assert_eq!(every, blocks.keys().map(|id| id.to_string()).collect::<Vec<_>>(), "two pages hold every block once");
    // The trend's table alternative: one row per day with the day's totals.
    let trend = &html[html.find("data-testid=\"trend-table\"").unwrap()..];
    let day_rows = trend[..trend.find("</table>").unwrap()].matches("<tr").count() - 1;
    assert_eq!(day_rows, 7);
    assert!(html.contains("<svg"), "the charts are drawn on the server");
    assert!(html.contains("lang=\"en\""), "the page is English when asked");
    assert!(!html.contains("Demo mode"));
}

#[tokio::test]
async fn a_block_filter_and_a_preset_come_from_the_url() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[3].id.clone();
    let truth = app.sim.dataset().ground_truth(app.days_ago(6), app.today(), Some(&block));
    let html = page(&app, &format!("?range=7d&block={block}")).await;
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), sums(&truth).0);
    assert!(html.contains("aria-current=\"page\""), "the active preset is marked");
}

#[tokio::test]
async fn the_rows_tab_lists_every_day_and_block_like_the_ground_truth() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(10), app.days_ago(8));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let html = page(&app, &format!("?from={from}&to={to}&tab=rows")).await;
    let rows = table_rows(&html);
    assert_eq!(rows.len(), truth.len());
    for (row, t) in rows.iter().zip(&truth) {
        assert_eq!(row[0], t.date.to_string());
        assert!(row[1].starts_with(&t.block_id), "{row:?}");
        assert_eq!(ungroup(&row[2]), t.pv);
        assert_eq!(ungroup(&row[3]), t.uv);
    }
}

#[tokio::test]
async fn the_page_loader_has_no_endpoint_of_its_own() {
    // The page's numbers are loaded while the server renders it, through the URL's
    // reader only: the JSON endpoint that once took a view past its limits is gone.
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(10), app.days_ago(8));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let response =
        app.http.post(format!("{}/api/dashboard", app.base_url)).json(&json!({ "params": {}, "ticket": null, "refresh": false }));
    assert_eq!(response.send().await.unwrap().status(), 404);
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), sums(&truth).0);
}

#[tokio::test]
async fn bad_input_in_the_url_shows_the_fix_on_the_page() {
    let app = spawn_app().await;
    let html = page(&app, "?from=2024-02-30&to=2024-03-01&lang=en").await;
    assert!(
        html.contains("from=\"2024-02-30\" is not a date") || html.contains("from=&quot;2024-02-30&quot; is not a date"),
        "{html}"
    );
    assert!(html.contains("data-testid=\"error\""));
    // Unknown parameters (tracking links) are ignored, not refused.
    let html = page(&app, "?utm_source=portal&lang=en").await;
    assert!(!html.contains("data-testid=\"error\""));
}

#[tokio::test]
async fn names_given_on_the_page_show_in_the_page_and_every_export() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[0].id.clone();
    // The plain form post that works without JavaScript.
    app.name_block(&block, "审批中心", "办公").await;
    let (from, to) = (app.days_ago(3), app.days_ago(2));
    let html = page(&app, &format!("?from={from}&to={to}")).await;
    assert!(html.contains("审批中心"));
    let json: serde_json::Value =
        app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}&block_id={block}")).await.json().await.unwrap();
    assert_eq!(json["items"][0]["block_name"], "审批中心");
    let csv =
        app.get(&format!("/api/v1/block-access.csv?from_date={from}&to_date={to}&block_id={block}")).await.text().await.unwrap();
    assert!(csv.contains(&format!("{block},审批中心,")), "{csv}");
    let svg = app.get(&format!("/export/top-blocks.svg?from={from}&to={to}")).await.text().await.unwrap();
    assert!(svg.contains("审批中心"));
    // A name that breaks the rules is refused with what to fix.
    let response = app
        .http
        .post(format!("{}/api/block_name", app.base_url))
        .header("accept", "application/json")
        .form(&[("block_id", block.as_str()), ("name", &"x".repeat(81)), ("workplace", "")])
        .send()
        .await
        .unwrap();
    assert!(!response.status().is_success());
}

#[tokio::test]
async fn language_follows_the_browser_then_the_url_and_is_remembered() {
    let app = spawn_app().await;
    let get = |accept: &'static str, query: &'static str| {
        app.http.get(format!("{}/{query}", app.base_url)).header("accept-language", accept).send()
    };
    let zh = get("zh-CN,zh;q=0.9", "").await.unwrap().text().await.unwrap();
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("访问次数"));
    let en = get("en-US,en;q=0.9", "").await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Page views"));
    let chosen = get("zh-CN", "?lang=en").await.unwrap();
    let cookie = chosen.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(chosen.text().await.unwrap().contains("Page views"));
}

#[tokio::test]
async fn charts_export_as_standalone_svg() {
    let app = spawn_app().await;
    let response = app.get("/export/trend.svg?range=14d&lang=en").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = response.text().await.unwrap();
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!svg.contains("currentColor") && !svg.contains("var(--"), "a file has no page CSS to resolve colours");
    assert_eq!(app.get("/export/trend.svg?from=2024-13-01&to=2024-01-01").await.status(), 400);
}

#[tokio::test]
async fn demo_mode_uses_the_built_in_simulator_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let app = server::Application::build(server::Config::demo(dir.path().to_path_buf()), block_insights_tests::leptos_options())
        .await
        .unwrap();
    let sim = app.simulator().expect("demo mode starts a simulator").clone();
    let url = format!("http://{}", app.addr());
    let handle = tokio::spawn(app.run(std::future::pending()));
    // Demo mode signs in for real, against the simulator, as its demo admin.
    let browser = block_insights_tests::sign_in_at(&url, feishu_sim::DEMO_ADMIN_OPEN_ID).await.expect("demo admin signs in");
    let html = browser.get(format!("{url}/?range=7d&lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Demo mode"), "the page says the data is simulated");
    let truth = sim.dataset().ground_truth(sim.dataset().today() - chrono::Days::new(6), sim.dataset().today(), None);
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), sums(&truth).0);
    // Its blocks carry demo names, said to be demo names, with their workplaces.
    assert!(html.contains("block names are demo names"));
    let demo = sim.dataset().demo_block_names();
    assert!(html.contains(&demo[0].name), "the most viewed block shows its demo name {}", demo[0].name);
    let names: serde_json::Value = browser.get(format!("{url}/api/v1/block-names")).send().await.unwrap().json().await.unwrap();
    let items = names["names"].as_array().expect("the names");
    assert_eq!(items.len(), demo.len());
    for d in &demo {
        assert!(
            items.iter().any(|i| i["block_id"] == d.block_id && i["name"] == d.name && i["workplace"] == d.workplace),
            "{d:?}"
        );
    }
    handle.abort();

    // A name given since is kept across a restart: demo names fill an empty store only.
    let store = store::Store::open(dir.path()).await.unwrap();
    let first = domain::BlockId::parse(&demo[0].block_id).unwrap();
    store
        .set_block_label(&domain::BlockLabel { block_id: first.clone(), name: "我的审批".into(), workplace: None })
        .await
        .unwrap();
    drop(store);
    let again =
        server::Application::build(server::Config::demo(dir.path().to_path_buf()), block_insights_tests::leptos_options())
            .await
            .unwrap();
    let store = store::Store::open(dir.path()).await.unwrap();
    let kept = store.block_labels().await.unwrap();
    assert_eq!(kept.iter().find(|l| l.block_id == first).map(|l| l.name.as_str()), Some("我的审批"));
    drop(again);
}

/// The page's navigation handshake (app::components::page): the browser names the next
/// page load with a ticket cookie and polls its progress while the server renders it; the
/// server renders under that ticket and clears the cookie in its answer. A refresh cookie
/// fetches the recent days anew.
#[tokio::test]
async fn a_page_load_named_by_a_ticket_reports_its_progress_and_clears_the_cookies() {
    let app = spawn_app().await;
    // Up to today: the days a refresh fetches anew.
    let (from, to) = (app.days_ago(20), app.today());
    // A client without a cookie jar of its own: the session and the handshake's cookies
    // are sent as the browser would.
    let session = block_insights_tests::session_cookie(&app.base_url, feishu_sim::DEMO_ADMIN_OPEN_ID).await;
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let get = |cookie: &'static str| {
        plain
            .get(format!("{}/?from={from}&to={to}&lang=en", app.base_url))
            .header("cookie", format!("{session}; {cookie}"))
            .send()
    };
    let response = get("bi_ticket=4242").await.unwrap();
    assert_eq!(response.status(), 200);
    let cleared: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(cleared.iter().any(|c| c.starts_with("bi_ticket=;") && c.contains("Max-Age=0")), "{cleared:?}");
    let html = response.text().await.unwrap();
    let truth = app.sim.dataset().ground_truth(from, to, None);
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), sums(&truth).0);
    // The progress bar's feed: the percentage (capped below 100 until the page is
    // there), then the pages fetched under the ticket out of the estimate, in words.
    let feed = app.get("/api/progress?ticket=4242&lang=en").await;
    assert_eq!(feed.status(), 200);
    assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let feed = feed.text().await.unwrap();
    let (percent, words) = feed.split_once('\n').unwrap_or_else(|| panic!("two lines: {feed:?}"));
    assert_eq!(percent, "99", "{feed}");
    let pages: Vec<u64> = words.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    assert!(words.starts_with("Fetching from Feishu: page "), "{words}");
    assert!(pages[0] > 0 && pages[0] == pages[1], "the range was fetched under the ticket, every page estimated: {words}");
    let zh = app.get("/api/progress?ticket=4242&lang=zh").await.text().await.unwrap();
    assert!(zh.contains("正在从飞书获取数据"), "{zh}");
    // A ticket not known is a fetch without an estimate yet; one that is not a number is refused.
    assert_eq!(app.get("/api/progress?ticket=1&lang=en").await.text().await.unwrap(), "\nFetching from Feishu…");
    assert_eq!(app.get("/api/progress?ticket=x").await.status(), 400);

    // Without a refresh the range comes from the cache; with one, the recent days again.
    let before = app.sim.stats().search_requests;
    assert_eq!(get("").await.unwrap().status(), 200);
    assert_eq!(app.sim.stats().search_requests, before, "a second load is served from the cache");
    let response = get("bi_refresh=1").await.unwrap();
    assert!(response.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("bi_refresh=;")));
    assert_eq!(ungroup(&testid_text(&response.text().await.unwrap(), "card-pv-value").unwrap()), sums(&truth).0);
    assert!(app.sim.stats().search_requests > before, "a refresh asks Feishu again");
    // A ticket that is not a number names nothing and breaks nothing.
    assert_eq!(get("bi_ticket=%3Cscript%3E").await.unwrap().status(), 200);
}

/// The charts' islands ask for the chart drawn at the width their box has: the SVG
/// export's drawing for the page (`embed=1`), narrower on a phone, with the view's
/// numbers, from the export address the page gives each chart box.
#[tokio::test]
async fn charts_are_drawn_for_the_width_asked_for() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(13), app.days_ago(7));
    let draw = |file: &str, width: &str| {
        let url = format!("{}/export/{file}?from={from}&to={to}&lang=en&embed=1&width={width}", app.base_url);
        let client = app.http.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    let view_box = |svg: &str| {
        let at = svg.find("viewBox=\"").expect("a viewBox") + 9;
        svg[at..at + svg[at..].find('"').unwrap()].split(' ').nth(2).unwrap().parse::<f32>().unwrap()
    };
    for file in ["trend.svg", "top-blocks.svg", "workplace-trend.svg"] {
        let answer = draw(file, "390").await;
        assert_eq!(answer.status(), 200, "{file}");
        assert!(answer.headers().get("content-disposition").is_none(), "{file}: for the page, not a download");
        let phone = answer.text().await.unwrap();
        assert!(phone.starts_with("<svg"), "{file}: the element alone: {}", &phone[..80.min(phone.len())]);
        assert!(phone.contains("var(--"), "{file}: coloured by the page's style sheet");
        assert_eq!(view_box(&phone), 390.0, "{file}");
        let export = app.get(&format!("/export/{file}?from={from}&to={to}&lang=en&width=390")).await;
        assert_eq!(export.status(), 200, "{file}");
        let export = export.text().await.unwrap();
        assert!(export.starts_with("<?xml"), "{file}: the download is a file of its own");
        assert_eq!(view_box(&export), 390.0, "{file}: the export draws it as wide");
    }
    // The trend's points carry the days' exact totals.
    let trend = draw("trend.svg", "390").await.text().await.unwrap();
    let first = app.sim.dataset().ground_truth(from, from, None);
    let pv = first.iter().map(|r| r.pv).sum::<u64>();
    assert!(trend.contains(&i18n::grouped(pv)), "the first day's PV {pv} is on the chart");
    // Each chart box is given the export address of the view on screen, in its language.
    let html = app.get(&format!("/?from={from}&to={to}&lang=en")).await.text().await.unwrap();
    for src in [
        format!("/export/trend.svg?from={from}&amp;to={to}&amp;lang=en"),
        format!("/export/top-blocks.svg?from={from}&amp;to={to}&amp;lang=en"),
    ] {
        assert!(html.contains(&src), "{src}");
    }

    // The page draws at the width the browser last measured (its cookie), so that a
    // repeat visit fetches no drawing; nonsense falls back to a desktop's width.
    let session = block_insights_tests::session_cookie(&app.base_url, feishu_sim::DEMO_ADMIN_OPEN_ID).await;
    let plain = reqwest::Client::new();
    for (cookie, width) in [("bi_chart_w=390", 390.0), ("bi_chart_w=99999", 1600.0), ("bi_chart_w=wide", 900.0)] {
        let html = plain
            .get(format!("{}/?from={from}&to={to}&lang=en", app.base_url))
            .header("cookie", format!("{session}; {cookie}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let trend = &html[html.find("data-testid=\"trend\"").expect("the trend")..];
        assert_eq!(view_box(trend), width, "{cookie}");
    }

    assert_eq!(draw("trend.svg", "wide").await.status(), 400);
    assert_eq!(app.get(&format!("/export/pie.svg?from={from}&to={to}&embed=1&width=390")).await.status(), 404);
    let export = app.get(&format!("/export/trend.svg?from={from}&to={to}&width=wide")).await;
    assert_eq!(export.status(), 400);
    assert!(export.text().await.unwrap().contains("width=390"), "the fix is named");
}

#[tokio::test]
async fn identical_page_loads_at_the_same_time_build_the_overview_once() {
    // Feishu answers slowly: the first load's build is still under way when the others
    // ask for the same view.
    let faults = feishu_sim::Faults { latency: std::time::Duration::from_millis(300), ..feishu_sim::Faults::default() };
    let app =
        block_insights_tests::spawn_app_with(feishu_sim::SimConfig { faults, ..feishu_sim::SimConfig::default() }, &[]).await;
    let (from, to) = (app.days_ago(9), app.days_ago(3));
    let truth = app.sim.dataset().ground_truth(from, to, None);
    let loads = (0..8).map(|i| {
        let lang = if i % 2 == 0 { "en" } else { "zh" };
        let query = format!("?from={from}&to={to}&lang={lang}");
        let app = &app;
        async move { page(app, &query).await }
    });
    let pages = futures::future::join_all(loads).await;
    for html in &pages {
        assert_eq!(ungroup(&testid_text(html, "card-pv-value").unwrap()), sums(&truth).0, "every load has the numbers");
    }
    assert!(pages[0].contains("lang=\"en\"") && pages[1].contains("lang=\"zh"), "each in its own language");
    let built = app.state.dashboards.built();
    assert_eq!(built, 1, "eight loads of one view at once, one build");

    // A name given: the next load builds anew at once, with the name.
    let top = app.sim.dataset().blocks()[0].id.clone();
    app.name_block(&top, "公司公告 Notices", "").await;
    let named = page(&app, &format!("?from={from}&to={to}&lang=en")).await;
    assert!(named.contains("公司公告 Notices"));
    assert_eq!(app.state.dashboards.built(), built + 1);
    // Another view is built for itself.
    page(&app, &format!("?from={from}&to={to}&lang=en&sort=name")).await;
    assert_eq!(app.state.dashboards.built(), built + 2);
}

/// A period's sums from the simulator's ground truth: PV, the days' distinct users
/// summed (UV), the blocks viewed, and the number of days.
struct Truth {
    pv: f64,
    uv_day_sum: f64,
    active_blocks: f64,
    days: f64,
}

impl Truth {
    fn of(app: &TestApp, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Self {
        let rows = app.sim.dataset().ground_truth(from, to, None);
        let viewed: std::collections::BTreeSet<&str> = rows.iter().filter(|r| r.pv > 0).map(|r| r.block_id.as_str()).collect();
        Truth {
            pv: rows.iter().map(|r| r.pv as f64).sum(),
            uv_day_sum: rows.iter().map(|r| r.uv as f64).sum(),
            active_blocks: viewed.len() as f64,
            days: ((to - from).num_days() + 1) as f64,
        }
    }

    /// The card `id`'s figure: average daily UV is the UV sum over the days, PV per UV
    /// the PV over the UV sum.
    fn figure(&self, id: &str) -> f64 {
        match id {
            "card-pv" => self.pv,
            "card-uv-sum" => self.uv_day_sum,
            "card-avg-uv" => self.uv_day_sum / self.days,
            "card-pv-per-uv" => self.pv / self.uv_day_sum,
            "card-active-blocks" => self.active_blocks,
            other => panic!("no card {other}"),
        }
    }
}

/// The number in a card's text (`1,234`, `12.5`, `+3.4%`, `−0.8%`) and the rounding its
/// digits allow.
fn shown_number(text: &str) -> (f64, f64) {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let value: f64 = digits.parse().unwrap_or_else(|_| panic!("a number in {text:?}"));
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    let sign = if text.contains('\u{2212}') || text.starts_with('-') { -1.0 } else { 1.0 };
    (sign * value, 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9)
}

/// Every card's value, its change against the previous period and against the same
/// dates a year earlier (twelve months back), read from the page and compared with
/// figures computed here from the ground truth: average daily UV and PV per UV included,
/// and the year-earlier comparison, which no other test reads.
#[tokio::test]
async fn every_card_and_its_changes_match_the_ground_truth_a_year_earlier_included() {
    let app = spawn_app().await;
    // Four weeks of past days, not a calendar month: the previous period is the four
    // weeks before.
    let (from, to) = (app.days_ago(40), app.days_ago(13));
    let year = |d: chrono::NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap();
    let now = Truth::of(&app, from, to);
    let previous = Truth::of(&app, from - chrono::Days::new(28), from - chrono::Days::new(1));
    let year_earlier = Truth::of(&app, year(from), year(to));
    assert!(year_earlier.pv > 0.0, "the simulator has data a year back");
    let html = page(&app, &format!("?from={from}&to={to}&lang=en")).await;

    for id in ["card-pv", "card-uv-sum", "card-avg-uv", "card-pv-per-uv", "card-active-blocks"] {
        let at = html.find(&format!("data-testid=\"{id}\"")).unwrap_or_else(|| panic!("the page has {id}"));
        let card = &html[at..];
        let card = &card[..card.find("</div>").expect("the card ends")];
        let (value, rounding) = shown_number(&testid_text(card, &format!("{id}-value")).expect("a value"));
        let expected = now.figure(id);
        assert!((value - expected).abs() <= rounding, "{id}: the page shows {value}, the ground truth is {expected}");

        let deltas: Vec<String> = card
            .split("<span class=\"delta")
            .skip(1)
            .map(|span| strip_comments(&span[span.find('>').unwrap() + 1..span.find("</span>").unwrap()]).trim().to_owned())
            .collect();
        assert_eq!(deltas.len(), 2, "{id}: a change against the previous period and one against a year earlier: {deltas:?}");
        for (label, before) in [("vs previous period", &previous), ("vs a year earlier", &year_earlier)] {
            let delta =
                deltas.iter().find(|d| d.ends_with(label)).unwrap_or_else(|| panic!("{id}: no change {label}: {deltas:?}"));
            let (change, rounding) = shown_number(delta.trim_end_matches(label));
            let expected = (expected - before.figure(id)) / before.figure(id) * 100.0;
            // "0%" stands for any change under 0.05% either way.
            let rounding = if change == 0.0 { 0.05 } else { rounding };
            assert!(
                (change - expected).abs() <= rounding,
                "{id} {label}: the page shows {delta:?}, the ground truth is {expected:+.3}%"
            );
        }
    }
}

//! Read-only links over HTTP against the simulator: an admin (or a viewer, within their
//! scope) makes a link to a view; any person of the tenant signs in through it and sees
//! exactly that view (its numbers equal to the ground truth), nothing wider whatever the
//! URL says; each opening is counted; a revoked or expired link stops at the next
//! request; a person of another tenant is refused.

use block_insights_tests::{TestApp, spawn_app_with, testid_text, ungroup};
use chrono::{Duration, Utc};
use feishu_sim::{DEMO_MEMBER_OPEN_ID, DEMO_NO_EMAIL_OPEN_ID, SimConfig};
use serde_json::{Value, json};

const PATH: &str = "/api/v1/share-links";

/// A tenant with a guest of another tenant in its directory, and a workplace with two
/// blocks named into it.
struct World {
    app: TestApp,
    guest: String,
    workplace: String,
    mine: Vec<String>,
}

async fn world() -> World {
    let mut users = feishu_sim::demo_users(42, "cli_demo_app");
    let guest = feishu_sim::demo_guest(42, "cli_demo_app", "guest@partner.example");
    users.push(guest.clone());
    let app = spawn_app_with(SimConfig { users, ..SimConfig::default() }, &[]).await;
    let data = app.sim.dataset();
    let workplace = data.workplaces()[1].id.clone();
    let mine = vec![data.blocks()[3].id.clone(), data.blocks()[8].id.clone()];
    app.name_block(&mine[0], "请假 Leave", &workplace).await;
    app.name_block(&mine[1], "报销 Expenses", &workplace).await;
    World { app, guest: guest.open_id, workplace, mine }
}

/// Follows a link as `open_id` from a browser with no session: the link sends them to
/// sign in with Feishu and back. Answers the browser, and the last answer.
async fn open_as(app: &TestApp, url: &str, open_id: &str) -> (reqwest::Client, reqwest::Response) {
    block_insights_tests::sign_in_from(&app.base_url, url, open_id).await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_person_of_the_tenant_sees_exactly_the_links_view_and_nothing_wider() {
    let w = world().await;
    let app = &w.app;
    let (from, to) = (app.days_ago(20), app.days_ago(2));
    let view = format!("/?from={from}&to={to}&workplace={}", w.workplace);
    let made = app.http.post(format!("{}{PATH}", app.base_url)).json(&json!({ "path": view })).send().await.unwrap();
    assert_eq!(made.status(), 201);
    let link: Value = made.json().await.unwrap();
    let url = link["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base_url) && url.contains("/s/"), "{link}");
    let expires = chrono::DateTime::parse_from_rfc3339(link["expires_at"].as_str().unwrap()).unwrap();
    let days = (expires.with_timezone(&Utc) - Utc::now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "30 days by default: {days} h");

    // Someone who is neither admin nor viewer signs in through it and lands on the view.
    let (visitor, signed_in) = open_as(app, &url, DEMO_NO_EMAIL_OPEN_ID).await;
    assert_eq!(signed_in.status(), 303, "signed in for the link");
    let to_link = visitor.get(format!("{}{}", app.base_url, location(&signed_in))).send().await.unwrap();
    assert_eq!(to_link.status(), 303);
    assert_eq!(location(&to_link), view, "the link's view");
    let page = visitor.get(format!("{}{view}&lang=en", app.base_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let truth: u64 = w.mine.iter().flat_map(|b| app.sim.dataset().ground_truth(from, to, Some(b))).map(|r| r.pv).sum();
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), truth, "the view's numbers, as Feishu counts them");

    // A wider view in the URL gives the link's view back; anything else is refused.
    let wider = visitor.get(format!("{}/?range=90d&lang=en", app.base_url)).send().await.unwrap();
    assert_eq!((wider.status().as_u16(), location(&wider)), (303, format!("{view}&lang=en")));
    for path in [
        format!("/api/v1/block-access?from_date={from}&to_date={to}"),
        format!("/export/trend.svg?from={from}&to={to}"),
        "/tokens".to_owned(),
        format!("/?from={from}&to={to}&workplace={}&tab=workplaces", w.workplace).replace("&tab=workplaces", "&tab=rows&block=1"),
    ] {
        let r = visitor.get(format!("{}{path}", app.base_url)).send().await.unwrap();
        assert!(matches!(r.status().as_u16(), 303 | 403), "{path}: {}", r.status());
        if r.status() == 303 {
            assert_eq!(location(&r).split("&lang").next().unwrap(), view, "{path}");
        }
    }
    let chart =
        visitor.get(format!("{}/export/trend.svg?from={from}&to={to}&workplace={}", app.base_url, w.workplace)).send().await;
    assert_eq!(chart.unwrap().status(), 200, "the view's own chart");
    let changed = visitor.post(format!("{}/api/block_name", app.base_url)).form(&[("block_id", "1")]).send().await.unwrap();
    assert_eq!(changed.status(), 403, "a visitor changes nothing");

    // Its maker sees the opening counted.
    let listed: Value = app.get(PATH).await.json().await.unwrap();
    assert_eq!(listed["links"][0]["opens"], 1, "{listed}");

    // Revoked: the visitor's next request is refused, saying why.
    let id = link["id"].as_str().unwrap();
    let revoked = app.http.delete(format!("{}{PATH}/{id}", app.base_url)).send().await.unwrap();
    assert_eq!(revoked.status(), 204);
    let after = visitor.get(format!("{}{view}", app.base_url)).send().await.unwrap();
    assert_eq!(after.status(), 403);
    assert!(after.text().await.unwrap().contains("revoked"));
}

#[tokio::test]
async fn an_expired_link_stops_another_tenant_is_refused_and_a_viewer_shares_only_their_scope() {
    let w = world().await;
    let app = &w.app;
    // Made an hour before it expired, a link no longer opens.
    let store = app.state.service.store();
    let now = Utc::now();
    let expired = store
        .add_share_link(&store::NewShareLink {
            view: "?range=7d",
            created_by: "演示管理员",
            creator_open_id: feishu_sim::DEMO_ADMIN_OPEN_ID,
            scope: None,
            created_at: now - Duration::hours(2),
            expires_at: now - Duration::hours(1),
        })
        .await
        .unwrap();
    let url = format!("{}/s/{}", app.base_url, expired.id);
    let (_, answer) = open_as(app, &url, DEMO_NO_EMAIL_OPEN_ID).await;
    assert_eq!(answer.status(), 403, "not signed in for an expired link");

    // A live link does not let in a person of another tenant.
    let made: Value = app
        .http
        .post(format!("{}{PATH}", app.base_url))
        .json(&json!({ "path": "/?range=7d" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (_, refused) = open_as(app, made["url"].as_str().unwrap(), &w.guest).await;
    assert_eq!(refused.status(), 403, "another tenant");

    // A viewer makes links within their scope only.
    let scope = domain::scope::Scope::parse([w.workplace.as_str()], []).unwrap();
    store.grant_viewer(DEMO_MEMBER_OPEN_ID, &scope, "test", Utc::now()).await.unwrap();
    let viewer = app.sign_in(DEMO_MEMBER_OPEN_ID).await.expect("a viewer signs in");
    let make = |path: String| {
        let viewer = viewer.clone();
        let url = format!("{}{PATH}", app.base_url);
        async move { viewer.post(url).json(&json!({ "path": path, "expires_in_days": 7 })).send().await.unwrap() }
    };
    assert_eq!(make(format!("/?range=7d&workplace={}", w.workplace)).await.status(), 201);
    let outside = make(format!("/?range=7d&block={}", app.sim.dataset().blocks()[0].id)).await;
    assert_eq!(outside.status(), 403, "a block outside their scope");
    let bad = make("/tokens".into()).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("not a view of the dashboard"));
    let mine: Value = viewer.get(format!("{}{PATH}", app.base_url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(mine["links"].as_array().unwrap().len(), 1, "a viewer lists their own links only: {mine}");
}

/// The page's share panel: a plain form makes a link to the view on screen and comes
/// back to it saying the address; the panel lists it with its openings; a visitor reads
/// who shared the view and until when.
#[tokio::test]
async fn the_page_makes_a_link_to_the_view_on_screen_and_its_visitor_reads_who_shared_it() {
    let w = world().await;
    let app = &w.app;
    let view = format!("/?range=7d&workplace={}&lang=en", w.workplace);
    let made = app
        .http
        .post(format!("{}/api/share_link_create", app.base_url))
        .header("accept", "text/html")
        .header("referer", format!("{}{view}", app.base_url))
        .form(&[("path", format!("/?range=7d&workplace={}", w.workplace)), ("days", "7".to_owned())])
        .send()
        .await
        .unwrap();
    assert_eq!((made.status().as_u16(), location(&made)), (303, format!("{view}#share")));
    let page = app.get(&view).await.text().await.unwrap();
    let new = testid_text(&page, "new-link").unwrap_or_default();
    let listed: Value = app.get(PATH).await.json().await.unwrap();
    let url = listed["links"][0]["url"].as_str().unwrap().to_owned();
    assert!(page.contains(&url), "the new link's address is on the page: {new}");
    let expires = chrono::DateTime::parse_from_rfc3339(listed["links"][0]["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires.with_timezone(&Utc) - Utc::now()).num_days(), 6, "7 days as chosen");

    let (visitor, signed_in) = open_as(app, &url, DEMO_NO_EMAIL_OPEN_ID).await;
    let landed = visitor.get(format!("{}{}", app.base_url, location(&signed_in))).send().await.unwrap();
    let page = visitor.get(format!("{}{}&lang=en", app.base_url, location(&landed))).send().await.unwrap().text().await.unwrap();
    let notice = testid_text(&page, "visiting").expect("the visitor reads who shared it");
    assert!(notice.starts_with("A read-only view shared by 演示管理员"), "{notice}");
    assert!(!page.contains("data-testid=\"share\""), "a visitor shares nothing");
    let panel = block_insights_tests::strip_comments(&app.get(&view).await.text().await.unwrap());
    let row = &panel[panel.find("data-testid=\"link-list\"").unwrap()..];
    let row = &row[..row.find("</ul>").unwrap()];
    assert!(row.contains("class=\"link-opens\">1</dd>"), "its maker sees it opened once: {row}");
}

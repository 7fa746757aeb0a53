//! The dashboard's workplace view, rendered by the server, against the simulator's
//! ground truth: all and default workplace totals, each custom workplace with its name in
//! the page's language and its views, and a named block inside its workplace.

use block_insights_tests::{TestApp, spawn_app, strip_comments, testid_text, ungroup};

/// The HTML of the `<tr>` of custom workplace `id`.
fn workplace_row<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("data-workplace-id=\"{id}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no row for workplace {id}"));
    let row = &html[at..];
    &row[..row.find("</tr>").expect("the row ends")]
}

/// The texts of a row's cells (`<td>`), and of its heading cell's name.
fn cells(row: &str) -> (String, Vec<u64>) {
    let name = testless_text(row, "class=\"workplace-name\"");
    let numbers = row
        .split("<td")
        .skip(1)
        .take(2)
        .map(|cell| {
            let content = &cell[cell.find('>').unwrap() + 1..];
            ungroup(&strip_comments(&content[..content.find("</td>").unwrap()]))
        })
        .collect();
    (name, numbers)
}

fn testless_text(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let open_end = at + html[at..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find("</").unwrap();
    strip_comments(&html[open_end..close]).trim().replace("&amp;", "&")
}

async fn page(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/{query}")).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_workplace_view_shows_every_workplace_with_its_real_name_and_views() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(30), app.days_ago(2));
    let html = page(&app, &format!("?tab=workplaces&from={from}&to={to}&lang=en")).await;

    let totals = app.sim.dataset().workplace_ground_truth(from, to);
    let all_pv: u64 = totals.iter().map(|d| d.all_workplace.pv).sum();
    let default_pv: u64 = totals.iter().map(|d| d.default_workplace.pv).sum();
    let card = |id: &str| {
        let card = &html[html.find(&format!("data-testid=\"{id}\"")).unwrap_or_else(|| panic!("no {id}"))..];
        ungroup(&testless_text(card, "class=\"card-value\""))
    };
    assert_eq!(card("card-all-pv"), all_pv);
    assert_eq!(card("card-default-pv"), default_pv);
    assert_eq!(card("card-all-uv"), totals.iter().map(|d| d.all_workplace.uv).sum::<u64>());
    assert_eq!(card("card-default-uv"), totals.iter().map(|d| d.default_workplace.uv).sum::<u64>());

    let custom = app.sim.dataset().custom_workplace_ground_truth(from, to, None);
    let workplaces = app.sim.dataset().workplaces();
    assert!(workplaces.len() >= 5);
    for workplace in workplaces {
        let days: Vec<_> = custom.iter().filter(|d| d.custom_workplace_id == workplace.id).collect();
        let pv: u64 = days.iter().map(|d| d.access_data.pv).sum();
        let uv: u64 = days.iter().map(|d| d.access_data.uv).sum();
        let (name, numbers) = cells(workplace_row(&html, &workplace.id));
        // English where Feishu gives it, else the name it does give.
        let expected = workplace.name("en").or_else(|| workplace.name("zh")).unwrap();
        assert_eq!(name, expected, "workplace {}", workplace.id);
        assert_eq!(numbers, vec![pv, uv], "{expected}: PV and the sum of daily UV");
    }
    // Most viewed first.
    let order: Vec<usize> = workplaces.iter().map(|w| html.find(&format!("data-workplace-id=\"{}\"", w.id)).unwrap()).collect();
    let mut by_pv: Vec<(u64, usize)> = workplaces
        .iter()
        .zip(&order)
        .map(|(w, at)| (custom.iter().filter(|d| d.custom_workplace_id == w.id).map(|d| d.access_data.pv).sum(), *at))
        .collect();
    by_pv.sort_by_key(|p| std::cmp::Reverse(p.0));
    assert!(by_pv.windows(2).all(|p| p[0].1 < p[1].1), "rows ordered by PV, most first");

    let zh = page(&app, &format!("?tab=workplaces&from={from}&to={to}&lang=zh")).await;
    let sales = workplaces.iter().find(|w| w.name("en") == Some("Sales")).expect("a Sales workplace");
    assert_eq!(cells(workplace_row(&zh, &sales.id)).0, "销售工作台");
    assert_eq!(testid_text(&zh, "tab-workplaces").as_deref(), Some("工作台"));
    // The export links ask for the same range.
    assert!(html.contains(&format!("/api/v1/custom-workplace-access.csv?from_date={from}&amp;to_date={to}")));
}

#[tokio::test]
async fn a_named_block_shows_inside_its_workplace_with_its_share() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(10), app.days_ago(2));
    let block = app.sim.dataset().blocks()[0].id.clone();
    app.name_block(&block, "审批中心", "sales").await;
    let html = page(&app, &format!("?tab=workplaces&from={from}&to={to}&lang=en")).await;
    // "sales" is matched to the workplace Feishu calls "Sales", case aside.
    let groups: Vec<&str> = html.split("data-testid=\"workplace-blocks\"").skip(1).collect();
    let sales = groups.iter().find(|g| g.contains("Sales")).expect("a block group for Sales");
    let sales = &sales[..sales.find("</details>").unwrap()];
    assert!(sales.contains("审批中心"), "the named block is in its workplace");
    let pv: u64 = app.sim.dataset().ground_truth(from, to, Some(&block)).iter().map(|d| d.pv).sum();
    let row = &sales[sales.find("审批中心").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    let first_number = row.split("<td").nth(1).expect("a PV cell");
    let first_number = &first_number[first_number.find('>').unwrap() + 1..first_number.find("</td>").unwrap()];
    assert_eq!(ungroup(&strip_comments(first_number)), pv, "the block's PV over the range");
    // Only block in the group, so its share is all of it.
    assert!(strip_comments(sales).contains("100.0%"));
    // No other group claims it.
    assert_eq!(groups.iter().filter(|g| g[..g.find("</details>").unwrap()].contains("审批中心")).count(), 1);
}

#[tokio::test]
async fn the_block_view_filters_to_one_workplaces_blocks_and_exports_the_workplace_chart() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(14), app.days_ago(2));
    let blocks: Vec<String> = app.sim.dataset().blocks()[..3].iter().map(|b| b.id.clone()).collect();
    for (block, workplace) in blocks.iter().zip(["Sales", "销售工作台", "Engineering"]) {
        app.name_block(block, &format!("b{block}"), workplace).await;
    }
    // Feishu's names are learnt with its custom workplace data.
    assert_eq!(app.get(&format!("/api/v1/custom-workplace-access?from_date={from}&to_date={to}")).await.status(), 200);
    // "Sales" and "销售工作台" are one workplace: its English and its Chinese name.
    let pv_of = |ids: &[&String]| -> u64 {
        ids.iter().map(|id| app.sim.dataset().ground_truth(from, to, Some(id)).iter().map(|r| r.pv).sum::<u64>()).sum()
    };
    let html = page(&app, &format!("?workplace=sales&from={from}&to={to}&lang=en")).await;
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), pv_of(&[&blocks[0], &blocks[1]]));
    assert!(strip_comments(&html).contains("2 blocks of sales"));
    let html = page(&app, &format!("?workplace=Engineering&from={from}&to={to}&lang=en")).await;
    assert_eq!(ungroup(&testid_text(&html, "card-pv-value").unwrap()), pv_of(&[&blocks[2]]));
    // A workplace without a named block says how to fix it.
    let html = page(&app, &format!("?workplace=Finance&from={from}&to={to}&lang=en")).await;
    assert!(html.contains("no named block is on the workplace"), "the page explains the empty workplace");

    let svg = app.get(&format!("/export/workplace-trend.svg?from={from}&to={to}&lang=en")).await;
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = svg.text().await.unwrap();
    assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("All workplaces"));
}

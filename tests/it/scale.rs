//! A large tenant's dashboard over real HTTP: 2,000 blocks in 80 workplaces, every one
//! named as the demo names them. The page carries a bounded amount whatever the tenant's
//! size: a page of the blocks table (sorted, searched and paged by the server, every row
//! equal to the simulator's ground truth), the blocks the filter's search finds, the
//! naming forms of the table's page, and the first rows of every list with a way to all.

use std::collections::BTreeMap;

use block_insights_tests::{TestApp, spawn_app_with, table_blocks, testid_text, ungroup};
use domain::{BlockId, BlockLabel};
use feishu_sim::SimConfig;

const BLOCKS: usize = 2_000;
/// The most a page of this tenant may weigh (the goal for a year is 250 KB).
const PAGE_BYTES: usize = 250_000;

/// The large tenant, every block named; Feishu's rate out of the way so that the first
/// look at a month of 2,000 blocks takes seconds.
async fn large_tenant() -> TestApp {
    let sim = SimConfig { block_count: BLOCKS, history_days: 150, rate_limit_per_second: 0, ..SimConfig::default() };
    let app = spawn_app_with(sim, &[("FEISHU_MAX_REQUESTS_PER_SECOND", "1000")]).await;
    let labels: Vec<BlockLabel> = app
        .sim
        .dataset()
        .demo_block_names()
        .into_iter()
        .map(|d| BlockLabel { block_id: BlockId::parse(&d.block_id).unwrap(), name: d.name, workplace: Some(d.workplace) })
        .collect();
    assert_eq!(labels.len(), BLOCKS);
    app.state.service.set_labels(&labels).await.expect("the names are saved");
    app
}

async fn page(app: &TestApp, query: &str) -> String {
    let response = app.get(&format!("/{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.text().await.unwrap()
}

/// The ids the block filter offers.
fn choices(html: &str) -> Vec<String> {
    let list = &html[html.find("class=\"block-options\"").unwrap()..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("name=\"block\" value=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_owned()).collect()
}

#[tokio::test]
async fn a_large_tenants_page_is_bounded_and_its_table_sorts_searches_and_pages_on_the_server() {
    let app = large_tenant().await;
    let (from, to) = (app.days_ago(29), app.days_ago(2));
    let view = format!("?from={from}&to={to}&lang=en");
    let mut pv: BTreeMap<String, u64> = BTreeMap::new();
    for row in app.sim.dataset().ground_truth(from, to, None) {
        *pv.entry(row.block_id).or_default() += row.pv;
    }
    let names: BTreeMap<String, String> =
        app.sim.dataset().demo_block_names().into_iter().map(|d| (d.block_id, d.name)).collect();
    assert!(pv.len() > 1_000, "most of the 2,000 blocks had visits: {}", pv.len());

    let html = page(&app, &view).await;
    println!("dashboard page of {} blocks over 28 days: {} KB", pv.len(), html.len() / 1024);
    assert!(html.len() < PAGE_BYTES, "the page weighs {} bytes", html.len());
    assert_eq!(ungroup(&testid_text(&html, "card-active-blocks-value").unwrap()), pv.len() as u64);
    // The first page: the 50 most viewed blocks, in the ground truth's order.
    let mut by_views: Vec<(&String, &u64)> = pv.iter().collect();
    by_views.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let rows = table_blocks(&html);
    assert_eq!(rows, by_views.iter().take(50).map(|(id, _)| (*id).clone()).collect::<Vec<_>>());
    assert_eq!(testid_text(&html, "table-count").unwrap(), format!("1–50 of {} blocks", i18n::grouped(pv.len() as u64)));
    assert_eq!(html.matches("class=\"name-form\"").count(), 50, "the naming forms of the table's page, no more");
    // The last page: the least viewed.
    let pages = pv.len().div_ceil(50);
    let last = table_blocks(&page(&app, &format!("{view}&page={pages}")).await);
    assert_eq!(last, by_views.iter().skip((pages - 1) * 50).map(|(id, _)| (*id).clone()).collect::<Vec<_>>());
    // Past the last page: the last page.
    assert_eq!(table_blocks(&page(&app, &format!("{view}&page={}", pages + 7)).await), last);

    // Sorted by name, A to Z (ties by id), from the server.
    let by_name = table_blocks(&page(&app, &format!("{view}&sort=name")).await);
    let mut named: Vec<(String, &String)> = pv.keys().map(|id| (names[id].to_lowercase(), id)).collect();
    named.sort();
    assert_eq!(by_name, named.iter().take(50).map(|(_, id)| (*id).clone()).collect::<Vec<_>>());

    // Searched by a name, then by the last digits of an id.
    let (wanted, _) = by_views[700];
    let name = &names[wanted];
    let found = page(&app, &format!("{view}&q={}", urlencoding(name))).await;
    let matching: Vec<&String> =
        pv.keys().filter(|id| names[*id].to_lowercase().contains(&name.to_lowercase()) || id.contains(name.as_str())).collect();
    let found_rows = table_blocks(&found);
    assert!(found_rows.contains(wanted), "{name} is found");
    assert_eq!(found_rows.len(), matching.len().min(50));
    assert!(testid_text(&found, "table-count").unwrap().contains(&format!("matching “{name}”")));
    let digits = &wanted[wanted.len() - 7..];
    let by_id = table_blocks(&page(&app, &format!("{view}&q={digits}")).await);
    assert!(by_id.contains(wanted) && by_id.iter().all(|id| id.contains(digits) || names[id].contains(digits)));
    let none = page(&app, &format!("{view}&q=no-such-block")).await;
    assert!(table_blocks(&none).is_empty());
    assert_eq!(testid_text(&none, "table-count").unwrap(), "No block's name, id or workplace holds “no-such-block”.");

    // The filter lists a bounded choice; its search finds any block, by name or id.
    let offered = choices(&html);
    assert_eq!(offered.len(), use_cases::report::FILTER_CHOICES);
    assert!(testid_text(&html, "choices-more").unwrap().contains("type a name or id"));
    let searched = page(&app, &format!("{view}&find={digits}")).await;
    assert!(choices(&searched).contains(wanted), "the filter's search finds {wanted}");
    // Filtered to the block found, the cards are its numbers.
    let filtered = page(&app, &format!("{view}&block={wanted}")).await;
    assert_eq!(ungroup(&testid_text(&filtered, "card-pv-value").unwrap()), pv[wanted]);
    assert_eq!(choices(&filtered)[0], *wanted, "the ticked block comes first");

    // The workplaces tab lists each workplace's first blocks and says how many more.
    let workplaces = page(&app, &format!("{view}&tab=workplaces")).await;
    println!("workplaces tab of the same tenant: {} KB", workplaces.len() / 1024);
    assert!(workplaces.len() < PAGE_BYTES, "the workplaces tab weighs {} bytes", workplaces.len());
    assert!(workplaces.contains("whole=workplace-blocks"));
}

/// `text` for a URL's query, every byte but letters and digits escaped.
fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

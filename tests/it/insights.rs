//! `GET /api/v1/insights` against anomalies planted in the simulator's data, and against
//! its unplanted data: every planted anomaly found with its day and direction, dormant
//! and new blocks and movers equal to what the ground truth gives directly, and few
//! unusual days where nothing was planted.

use std::collections::{BTreeMap, BTreeSet};

use block_insights_tests::{TestApp, spawn_app_with};
use chrono::{Datelike, Days, NaiveDate};
use feishu_sim::{Anomaly, SimConfig};
use serde_json::Value;

fn ago(app: &TestApp, n: u64) -> NaiveDate {
    app.days_ago(n)
}

async fn insights(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/insights?{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// PV per block over `from..=to` from the ground truth.
fn pv_by_block(app: &TestApp, from: NaiveDate, to: NaiveDate) -> BTreeMap<String, u64> {
    let mut sums = BTreeMap::new();
    for row in app.sim.dataset().ground_truth(from, to, None) {
        *sums.entry(row.block_id).or_default() += row.pv;
    }
    sums
}

/// The unusual days found for `block`, as (date, direction).
fn found_for(answer: &Value, block: &str) -> Vec<(String, String)> {
    answer["unusual"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["block_id"] == block)
        .map(|u| (u["date"].as_str().unwrap().to_owned(), u["direction"].as_str().unwrap().to_owned()))
        .collect()
}

/// A tenant with spikes, a drop, a silent block and a new block.
async fn planted_tenant() -> (TestApp, impl Fn(u64) -> NaiveDate) {
    let today = feishu_sim::shanghai_today();
    let day = move |n: u64| today - Days::new(n);
    let anomalies = vec![
        Anomaly::Spike { block: 5, date: day(20), factor: 5.0 },
        Anomaly::Drop { block: 2, from: day(40), days: 7, factor: 0.15 },
        Anomaly::Silent { block: 8, from: day(25) },
        Anomaly::New { block: 30, from: day(18) },
        // The most viewed block at 3×: all blocks together are unusual that day too.
        Anomaly::Spike { block: 0, date: day(12), factor: 3.0 },
    ];
    (spawn_app_with(SimConfig { today, anomalies, ..SimConfig::default() }, &[]).await, day)
}

#[tokio::test]
async fn planted_anomalies_are_found_and_the_lists_equal_the_truth() {
    let (app, day) = planted_tenant().await;
    let planted = app.sim.dataset().planted();
    let (from, to) = (ago(&app, 45), ago(&app, 2));
    let answer = insights(&app, &format!("from_date={from}&to_date={to}&dormant_days=14")).await;
    assert_eq!(answer["history_missing"], false);

    // The spike: that day, above.
    let spike = &planted[0].block_id;
    assert!(found_for(&answer, spike).contains(&(day(20).to_string(), "above".to_owned())), "{:?}", found_for(&answer, spike));
    let finding = answer["unusual"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["block_id"] == *spike && u["date"] == day(20).to_string())
        .unwrap();
    let truth = app.sim.dataset().access(spike, day(20)).unwrap();
    assert_eq!(finding["value"].as_u64(), Some(truth.pv), "the value is the day's PV");
    assert!(finding["score"].as_f64().unwrap() > 3.5);
    assert!(finding["baseline"]["median"].as_f64().unwrap() < truth.pv as f64 / 3.0);

    // The drop: its days, each below (at least five of the seven; a quiet weekend day
    // at 15% may stay within chance).
    let drop_days: BTreeSet<String> = (34..=40).map(|n| day(n).to_string()).collect();
    let dropped: Vec<(String, String)> =
        found_for(&answer, &planted[1].block_id).into_iter().filter(|(d, _)| drop_days.contains(d)).collect();
    assert!(dropped.iter().all(|(_, dir)| dir == "below"), "{dropped:?}");
    assert!(dropped.len() >= 5, "{dropped:?}");

    // Dormant and new blocks: what the truth gives directly.
    let (recent_from, earlier_from, earlier_to) = (ago(&app, 15), ago(&app, 29), ago(&app, 16));
    let recent = pv_by_block(&app, recent_from, to);
    let earlier = pv_by_block(&app, earlier_from, earlier_to);
    let expected: BTreeSet<String> = earlier
        .iter()
        .filter(|(id, pv)| **pv >= 10 && recent.get(*id).copied().unwrap_or(0) <= 2)
        .map(|(id, _)| id.clone())
        .collect();
    let dormant: BTreeSet<String> =
        answer["dormant"].as_array().unwrap().iter().map(|d| d["block_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(dormant, expected);
    assert!(dormant.contains(&planted[2].block_id), "the silent block is dormant");
    let history_from = from - Days::new(56);
    let before = pv_by_block(&app, history_from, from - Days::new(1));
    let during = pv_by_block(&app, from, to);
    let expected_new: BTreeSet<&String> = during.keys().filter(|id| !before.contains_key(*id)).collect();
    let new: BTreeSet<String> =
        answer["new_blocks"].as_array().unwrap().iter().map(|d| d["block_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(new.iter().collect::<BTreeSet<_>>(), expected_new);
    let first_seen =
        answer["new_blocks"].as_array().unwrap().iter().find(|d| d["block_id"] == planted[3].block_id).expect("the new block");
    assert_eq!(first_seen["first_seen"], day(18).to_string());

    // Movers: the range against the 44 days before, straight from the truth.
    let (prev_from, prev_to) = (from - Days::new(44), from - Days::new(1));
    assert_eq!(answer["previous_range"]["from"], prev_from.to_string());
    let previous = pv_by_block(&app, prev_from, prev_to);
    let mut changes: Vec<(i64, String)> = during
        .keys()
        .chain(previous.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter_map(|id| {
            let (now, then) = (during.get(id).copied().unwrap_or(0), previous.get(id).copied().unwrap_or(0));
            (now.max(then) >= 50 && now != then).then(|| (now as i64 - then as i64, id.clone()))
        })
        .collect();
    changes.sort_by(|a, b| b.0.abs().cmp(&a.0.abs()).then_with(|| a.1.cmp(&b.1)));
    let rising: Vec<(i64, String)> = changes.iter().filter(|c| c.0 > 0).take(10).cloned().collect();
    let falling: Vec<(i64, String)> = changes.iter().filter(|c| c.0 < 0).take(10).cloned().collect();
    let listed = |key: &str| -> Vec<(i64, String)> {
        answer["movers"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let change = m["current"]["pv"].as_i64().unwrap() - m["previous"]["pv"].as_i64().unwrap();
                (change, m["block_id"].as_str().unwrap().to_owned())
            })
            .collect()
    };
    assert_eq!(listed("rising"), rising);
    assert_eq!(listed("falling"), falling);
    assert!(falling.iter().any(|(_, id)| *id == planted[2].block_id), "the silent block fell");
    let total: u64 = during.values().sum();
    assert_eq!(answer["current"]["pv"].as_u64(), Some(total));
}

#[tokio::test]
async fn the_dashboard_says_what_is_unusual_and_lists_every_finding() {
    let (app, day) = planted_tenant().await;
    let planted = app.sim.dataset().planted();
    let (from, to) = (ago(&app, 45), ago(&app, 2));
    let api = insights(&app, &format!("from_date={from}&to_date={to}")).await;
    let response = app.get(&format!("/?from={from}&to={to}&lang=en")).await;
    assert_eq!(response.status(), 200);
    let html = block_insights_tests::strip_comments(&response.text().await.unwrap());
    let panel = &html[html.find("data-testid=\"insights\"").expect("the insights panel")..];
    let panel = &panel[..panel.find("</section>").unwrap()];
    // The most unusual finding leads, as a sentence linking to its block.
    let top = &api["unusual"][0];
    let weekday = domain::parse_date(top["date"].as_str().unwrap()).unwrap().format("%A").to_string();
    assert!(panel.contains(&format!("on a {weekday} ({})", top["date"].as_str().unwrap())), "{panel}");
    if let Some(block) = top["block_id"].as_str() {
        assert!(panel.contains(&format!("block={block}")), "the sentence links to its block");
    }
    // The most unusual findings are in its list (every day of all blocks together, and
    // the 20 most unusual of blocks), with a link to every one of them.
    let findings = api["unusual"].as_array().unwrap();
    let of_all = findings.iter().filter(|u| u["block_id"].is_null()).count();
    let rows_of = |panel: &str| {
        let list = &panel[panel.find("data-testid=\"unusual-list\"").unwrap()..];
        list[..list.find("</table>").unwrap()].matches("<tr>").count() - 1
    };
    assert_eq!(rows_of(panel), findings.len().min(of_all + use_cases::insights_report::UNUSUAL_ON_PAGE));
    assert!(
        findings.len() > of_all + use_cases::insights_report::UNUSUAL_ON_PAGE,
        "the tenant has more findings than the page lists"
    );
    assert!(panel.contains("whole=unusual"), "a link to every finding");
    let whole = app.get(&format!("/?from={from}&to={to}&lang=en&whole=unusual")).await.text().await.unwrap();
    let whole = block_insights_tests::strip_comments(&whole);
    let whole_panel = &whole[whole.find("data-testid=\"insights\"").unwrap()..];
    assert_eq!(rows_of(whole_panel), findings.len(), "whole, every finding is listed");
    let list = &whole_panel[whole_panel.find("data-testid=\"unusual-list\"").unwrap()..];
    assert!(list.contains(&day(20).to_string()), "the spike's day is listed");
    let dormant = &panel[panel.find("data-testid=\"dormant-list\"").unwrap()..];
    assert!(
        dormant[..dormant.find("</table>").unwrap()].contains(&planted[2].block_id[12..]),
        "the silent block is listed by its last digits"
    );
    assert!(panel.contains("candidate"), "dormant blocks are said to be candidates to remove");
    assert!(panel.contains("first seen in this range"));
    // The chart marks the view's unusual days of all blocks together, with the numbers.
    let marks = api["unusual"].as_array().unwrap().iter().filter(|u| u["block_id"].is_null()).count();
    let trend = &html[html.find("data-testid=\"trend\"").unwrap()..];
    let trend = &trend[..trend.find("</svg>").unwrap()];
    assert!(api["unusual"].as_array().unwrap().iter().any(|u| u["block_id"].is_null() && u["date"] == day(12).to_string()));
    assert_eq!(trend.matches("class=\"marker\"").count(), marks);
    assert!(trend.contains("Unusual: usually"));
    // And its table alternative marks the same days.
    let table = &html[html.find("data-testid=\"trend-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("unusual-badge").count(), marks);

    // Filtered to the spiking block, the chart marks its spike.
    let spike = &planted[0].block_id;
    let html = app.get(&format!("/?from={from}&to={to}&lang=en&block={spike}")).await.text().await.unwrap();
    let trend = &html[html.find("data-testid=\"trend\"").unwrap()..];
    let trend = &trend[..trend.find("</svg>").unwrap()];
    assert!(trend.matches("class=\"marker\"").count() >= 1, "the spike is marked");
    let svg = app.get(&format!("/export/trend.svg?from={from}&to={to}&lang=en&block={spike}")).await.text().await.unwrap();
    assert!(svg.contains("class=\"marker\"") && svg.contains("Unusual: usually"), "and so is the exported chart");
}

#[tokio::test]
async fn a_year_without_anomalies_flags_few_days_and_bad_input_says_what_to_fix() {
    let app = spawn_app_with(SimConfig::default(), &[]).await;
    let (from, to) = (ago(&app, 366), ago(&app, 2));
    let answer = insights(&app, &format!("from_date={from}&to_date={to}")).await;
    let unusual = answer["unusual"].as_array().unwrap();
    // The simulator's tenant keeps China's public holidays (1 January, 1–5 May, 1–7
    // October) at weekend levels: those days are unusual, and found.
    let holiday = |u: &Value| {
        let date = domain::parse_date(u["date"].as_str().unwrap()).unwrap();
        matches!((date.month(), date.day()), (1, 1) | (5, 1..=5) | (10, 1..=7))
    };
    let block_days: usize = app.sim.dataset().ground_truth(from, to, None).len();
    let (total, blocks): (Vec<&Value>, Vec<&Value>) = unusual.iter().partition(|u| u["block_id"].is_null());
    let count = |list: &[&Value]| list.iter().filter(|u| !holiday(u)).count();
    let (block_flags, total_flags) = (count(&blocks), count(&total));
    println!(
        "unplanted year: {} unusual block-days of {block_days} with visits, {} of them on public holidays; \
         {block_flags} on other days ({:.2}%); the total: {} unusual days, {} of them holidays, {total_flags} other",
        blocks.len(),
        blocks.len() - block_flags,
        100.0 * block_flags as f64 / block_days as f64,
        total.len(),
        total.len() - total_flags,
    );
    for u in &total {
        println!(
            "  total {} {} value {} usual {} score {:.1}",
            u["date"],
            u["direction"],
            u["value"],
            u["baseline"]["median"],
            u["score"].as_f64().unwrap()
        );
    }
    // The bounds the README gives: holidays aside, at most 2% of block-days and 5 days of the total.
    assert!(block_flags * 50 <= block_days, "{block_flags} block-days flagged");
    assert!(total_flags <= 5, "{total_flags} days of the total flagged");
    assert!(total.len() - total_flags >= 5, "the holidays on weekdays are found in the total");

    for (query, says) in [
        (format!("from_date={from}&to_date={to}&dormant_days=0"), "dormant_days=\"0\" is not valid"),
        (format!("from_date={from}&to_date={to}&dormant_days=91"), "from 1 to 90"),
        (format!("from_date={from}&to_date={to}&days=3"), "unknown parameter \"days\""),
        (format!("to_date={to}"), "from_date"),
    ] {
        let response = app.get(&format!("/api/v1/insights?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: Value = response.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{query}: {message}");
    }
}

#[tokio::test]
async fn past_the_quota_the_insights_say_what_they_cannot_read_instead_of_guessing() {
    let app = spawn_app_with(SimConfig::default(), &[]).await;
    let (from, to) = (ago(&app, 40), ago(&app, 2));
    // The range itself is held; then Feishu answers that the month's calls are used up.
    assert_eq!(app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}")).await.status(), 200);
    app.sim.set_faults(feishu_sim::Faults { forced: Some(feishu_sim::ForcedAnswer::quota_exhausted()), ..Default::default() });
    let answer = insights(&app, &format!("from_date={from}&to_date={to}")).await;
    assert_eq!(answer["history_missing"], true);
    for part in ["previous", "movers", "new_blocks"] {
        assert!(answer[part].is_null(), "{part} needs the days before the range: {}", answer[part]);
    }
    // Two dormant windows of 14 days fit in these 39 days: they are judged.
    assert!(answer["dormant"].is_array());
    // What the range itself holds is still judged: days with three weeks before them in it.
    let first_judged = from + Days::new(21);
    assert!(
        answer["unusual"].as_array().unwrap().iter().all(|u| u["date"].as_str().unwrap() >= first_judged.to_string().as_str())
    );
    let total: u64 = pv_by_block(&app, from, to).values().sum();
    assert_eq!(answer["current"]["pv"].as_u64(), Some(total));
    let html = app.get(&format!("/?from={from}&to={to}&lang=en")).await.text().await.unwrap();
    assert!(html.contains("does not allow reading the days before this range"), "the page says so");
}

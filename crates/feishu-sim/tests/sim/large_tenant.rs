//! Tenants of any size: the 60-block tenant is exactly what it always was (the tests
//! and the browser tests know its names, workplaces and numbers), and a large one looks
//! like a large company's: many workplaces, distinct names, a long tail of blocks hardly
//! anyone opens, and searches that answer its ground truth quickly.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use feishu_sim::{CUSTOM_WORKPLACE_ACCESS_SEARCH_PATH, Dataset, SimConfig};
use sha2::{Digest, Sha256};

use crate::helpers::{TODAY, config, day, rows, spawn};

/// SHA-256 of everything a tenant serves: its blocks, workplaces, demo names, and every
/// row of the three searches over its whole history.
fn fingerprint(data: &Dataset) -> String {
    let (from, to) = (data.first_day(), data.today());
    let mut sha = Sha256::new();
    for block in data.blocks() {
        sha.update(format!("{} {} {} {}\n", block.id, block.created, block.weight, block.workplace_id));
    }
    for workplace in data.workplaces() {
        sha.update(format!("{} {:?}\n", workplace.id, workplace.names));
    }
    for name in data.demo_block_names() {
        sha.update(format!("{} {} {}\n", name.block_id, name.name, name.workplace));
    }
    for row in data.ground_truth(from, to, None) {
        sha.update(format!("{} {} {} {}\n", row.date, row.block_id, row.pv, row.uv));
    }
    for row in data.workplace_ground_truth(from, to) {
        sha.update(format!("{row:?}\n"));
    }
    for row in data.custom_workplace_ground_truth(from, to, None) {
        sha.update(format!("{row:?}\n"));
    }
    format!("{:x}", sha.finalize())
}

#[test]
fn the_sixty_block_tenant_is_unchanged() {
    // Taken before tenants grew further workplaces: a change here changes every test's
    // numbers and names.
    let demo = Dataset::new(42, 60, day(TODAY), 800);
    assert_eq!(fingerprint(&demo), "0da59d0149d522d2efd5a441f3a4b12821ae118c7029fc540c732f19238b519b");
    let with_anomalies = Dataset::new(7, 60, day(TODAY), 120).with_anomalies(feishu_sim::demo_anomalies(day(TODAY)));
    assert_eq!(fingerprint(&with_anomalies), "6566bbf84904f1386ec1b683ccfa7de386abaa7587536b25394aebf40e48b701");
    let small = Dataset::new(42, 20, day(TODAY), 30);
    assert_eq!(fingerprint(&small), "c1c34ddd5354259f39324613ffed770cde4886e881fb8e80149204e5d1e8fb69");
}

fn large(blocks: usize) -> Dataset {
    Dataset::new(42, blocks, day(TODAY), 1100)
}

#[test]
fn a_large_tenant_has_a_workplace_per_25_further_blocks_each_holding_blocks() {
    let sixty = Dataset::new(42, 60, day(TODAY), 1100);
    for (blocks, workplaces) in [(61, 7), (600, 28), (2000, 84)] {
        let data = large(blocks);
        assert_eq!(data.workplaces().len(), workplaces, "{blocks} blocks");
        let ids: HashSet<&str> = data.workplaces().iter().map(|w| w.id.as_str()).collect();
        let names: HashSet<&str> = data.workplaces().iter().filter_map(|w| w.name("zh")).collect();
        assert_eq!((ids.len(), names.len()), (workplaces, workplaces), "distinct ids and names");
        let held: HashSet<&str> = data.blocks().iter().map(|b| b.workplace_id.as_str()).collect();
        assert_eq!(held, ids, "every block on a workplace, every workplace with blocks");
        // The first 60 are the 60-block tenant's, on the headquarters workplaces.
        for (big, small) in data.blocks().iter().zip(sixty.blocks()) {
            assert_eq!((&big.id, &big.workplace_id, big.weight), (&small.id, &small.workplace_id, small.weight));
        }
    }
    let data = large(2000);
    let english = data.workplaces().iter().filter(|w| w.name("en").is_some()).count();
    assert!((60..84).contains(&english), "most have an English name too, some not: {english}");
    assert!(data.workplaces().iter().any(|w| w.names.len() == 2 && w.name("zh").is_some_and(|n| n.ends_with("门店"))));
}

#[test]
fn a_large_tenant_names_every_block_distinctly_as_a_widget() {
    for blocks in [2000, 20_000] {
        let data = Dataset::new(42, blocks, day(TODAY), 30);
        let started = Instant::now();
        let names = data.demo_block_names();
        eprintln!("{blocks} demo names in {:?}", started.elapsed());
        let distinct: HashSet<&str> = names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(distinct.len(), blocks);
        let sixty = Dataset::new(42, 60, day(TODAY), 30).demo_block_names();
        assert_eq!(&names[..60], &sixty[..], "the headquarters' blocks keep their names");
        for (name, block) in names.iter().zip(data.blocks()).skip(60) {
            let workplace = data.workplaces().iter().find(|w| w.id == block.workplace_id).expect("its workplace");
            assert_eq!(Some(name.workplace.as_str()), workplace.name("zh"));
            let chars = name.name.chars().count();
            assert!((4..=12).contains(&chars), "{name:?}");
            if blocks == 2000 {
                assert!(!name.name.chars().any(|c| c.is_ascii_digit()), "a widget's name, not a number: {name:?}");
            }
        }
    }
}

#[test]
fn a_large_tenant_has_a_long_tail_of_blocks_hardly_anyone_opens() {
    let data = large(2000);
    let from = day("2024-07-01");
    let rows = data.ground_truth(from, day(TODAY), None);
    let mut days_with_visits: HashMap<&str, usize> = HashMap::new();
    let mut pv: HashMap<&str, u64> = HashMap::new();
    for row in &rows {
        *days_with_visits.entry(row.block_id.as_str()).or_default() += 1;
        *pv.entry(row.block_id.as_str()).or_default() += row.pv;
    }
    // Rarely used: visits on fewer than one day in ten of those it existed.
    let rare = data
        .blocks()
        .iter()
        .filter(|b| {
            let existed = (day(TODAY) - b.created.max(from)).num_days() as usize + 1;
            days_with_visits.get(b.id.as_str()).copied().unwrap_or(0) * 10 < existed
        })
        .count();
    let share = rare as f64 / 2000.0;
    assert!((0.15..0.35).contains(&share), "{rare} of 2000 blocks rarely used");
    // And a head: the busiest tenth of the blocks has most of the views.
    let mut by_pv: Vec<u64> = pv.values().copied().collect();
    by_pv.sort_unstable_by(|a, b| b.cmp(a));
    let (head, total) = (by_pv[..200].iter().sum::<u64>(), by_pv.iter().sum::<u64>());
    assert!(head * 10 > total * 6, "the top 200 blocks have {head} of {total} pv");
    eprintln!(
        "2000 blocks, a year: {} rows, {rare} blocks rarely used, top 200 with {:.0}% of pv",
        rows.len(),
        100.0 * head as f64 / total as f64
    );
    assert!((300_000..600_000).contains(&rows.len()), "{} rows", rows.len());
}

#[tokio::test]
async fn a_large_tenant_answers_a_year_of_searches_quickly_and_as_its_ground_truth() {
    let sim = spawn(SimConfig { block_count: 2000, history_days: 1100, rate_limit_per_second: 0, ..config() }).await;
    let token = sim.token().await;
    let (from, to) = ("2024-06-30", TODAY);
    let started = Instant::now();
    let mut searched = Vec::new();
    let mut pages = 0;
    let mut page_token: Option<String> = None;
    loop {
        let mut query = vec![("from_date", from), ("to_date", to), ("page_size", "200")];
        if let Some(t) = &page_token {
            query.push(("page_token", t));
        }
        let answer = sim.search(&token, &query).await;
        assert_eq!(answer.code(), 0, "{}", answer.body);
        pages += 1;
        searched.extend(rows(answer.items()));
        match answer.page_token() {
            Some(next) => page_token = Some(next.to_owned()),
            None => break,
        }
    }
    let took = started.elapsed();
    let truth: Vec<_> = sim
        .sim
        .dataset()
        .ground_truth(day(from), day(TODAY), None)
        .into_iter()
        .map(|r| (r.date.to_string(), r.block_id, r.pv, r.uv))
        .collect();
    assert_eq!(searched.len(), truth.len());
    assert!(searched == truth, "the searches answer the ground truth");
    eprintln!("a year of 2,000 blocks: {} rows in {pages} pages, {took:?} ({:?} a page)", truth.len(), took / pages);
    assert!(took / pages < Duration::from_millis(100), "{:?} a page", took / pages);

    // Its workplaces' searches too, the 84 workplaces a day in pages of 100.
    let custom = sim.sim.dataset().custom_workplace_ground_truth(day(from), day(TODAY), None);
    let started = Instant::now();
    let (mut seen, mut page_token) = (0usize, None::<String>);
    loop {
        let mut query = vec![("from_date", from), ("to_date", to), ("page_size", "100")];
        if let Some(t) = &page_token {
            query.push(("page_token", t));
        }
        let answer = sim.search_endpoint(CUSTOM_WORKPLACE_ACCESS_SEARCH_PATH, &token, &query).await;
        assert_eq!(answer.code(), 0, "{}", answer.body);
        for item in answer.items() {
            let row = &custom[seen];
            assert_eq!(item["custom_workplace_id"], row.custom_workplace_id.as_str());
            assert_eq!(
                (item["date"].as_str(), item["access_data"]["pv"].as_u64()),
                (Some(row.date.to_string().as_str()), Some(row.access_data.pv))
            );
            seen += 1;
        }
        match answer.page_token() {
            Some(next) => page_token = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, custom.len());
    eprintln!("its custom workplaces: {seen} rows in {:?}", started.elapsed());
}

//! The two workplace endpoints against the simulator over real HTTP: paging to the end
//! with numbers equal to the ground truth, each endpoint's own codes, its page-size
//! limit, and a rate limit per endpoint.

mod common;

use std::time::Duration;

use common::{client, last_days, sim_config, start};
use feishu::{
    BLOCK_ACCESS_CODES, BlockAccessQuery, CUSTOM_WORKPLACE_ACCESS_CODES, CustomWorkplaceAccessQuery, FeishuError, SearchCodes,
    WORKPLACE_ACCESS_CODES, WorkplaceAccessQuery,
};
use feishu_sim::{Faults, ForcedAnswer, SimEndpoint, SimHandle};

/// (date, all pv, all uv, default pv, default uv).
type TotalsRow = (chrono::NaiveDate, u64, u64, u64, u64);

fn workplace_truth(sim: &SimHandle, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Vec<TotalsRow> {
    sim.dataset()
        .workplace_ground_truth(from, to)
        .into_iter()
        .map(|r| (r.date, r.all_workplace.pv, r.all_workplace.uv, r.default_workplace.pv, r.default_workplace.uv))
        .collect()
}

/// (date, workplace id, zh name, en name, pv, uv).
type CustomRow = (chrono::NaiveDate, String, Option<String>, Option<String>, u64, u64);

fn custom_truth(sim: &SimHandle, from: chrono::NaiveDate, to: chrono::NaiveDate, only: Option<&str>) -> Vec<CustomRow> {
    let name = |names: &[(String, String)], lang: &str| names.iter().find(|(l, _)| l == lang).map(|(_, n)| n.clone());
    sim.dataset()
        .custom_workplace_ground_truth(from, to, only)
        .into_iter()
        .map(|r| {
            let (zh, en) = (name(&r.names, "zh"), name(&r.names, "en"));
            (r.date, r.custom_workplace_id, zh, en, r.access_data.pv, r.access_data.uv)
        })
        .collect()
}

#[tokio::test]
async fn workplace_totals_page_to_the_end_and_equal_the_truth() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(45);
    let query = WorkplaceAccessQuery::days(from, to).expect("valid").with_page_size(7).expect("valid size");
    let items = client.search(&query).await.expect("search");
    let got: Vec<TotalsRow> = items.iter().map(|i| (i.date, i.all.pv, i.all.uv, i.default.pv, i.default.uv)).collect();
    let truth = workplace_truth(&sim, from, to);
    assert_eq!(truth.len(), 45, "every day has visits");
    assert_eq!(got, truth);
    assert_eq!(sim.stats().search_requests, 7, "45 days in pages of 7");
    // In the largest pages, one request.
    sim.reset_stats();
    let all = client.search(&WorkplaceAccessQuery::days(from, to).expect("valid")).await.expect("search");
    assert_eq!(all, items);
    assert_eq!(sim.stats().search_requests, 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn custom_workplaces_page_to_the_end_with_their_names() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(40);
    let items = client.search(&CustomWorkplaceAccessQuery::new(from, to).expect("valid")).await.expect("search");
    let name = |names: &[feishu::LocalizedName], lang: &str| names.iter().find(|n| n.language == lang).map(|n| n.name.clone());
    let got: Vec<CustomRow> = items
        .iter()
        .map(|i| {
            let (zh, en) = (name(&i.names, "zh"), name(&i.names, "en"));
            (i.date, i.workplace_id.to_string(), zh, en, i.visits.pv, i.visits.uv)
        })
        .collect();
    let truth = custom_truth(&sim, from, to, None);
    assert!(truth.len() > 200, "{} rows: more than two pages of 100", truth.len());
    assert_eq!(got, truth);
    let requests = sim.requests();
    assert!(requests.iter().all(|r| r.params.page_size.as_deref() == Some("100")), "pages of at most 100");
    assert_eq!(requests.len(), truth.len().div_ceil(100));
    assert!(got.iter().any(|r| r.2.as_deref() == Some("销售工作台") && r.3.as_deref() == Some("Sales")));
    assert!(got.iter().any(|r| r.2.is_some() && r.3.is_none()), "a workplace named in Chinese only");

    // One workplace only.
    let one = &sim.dataset().workplaces()[2];
    let id = domain::WorkplaceId::parse(&one.id).expect("an id");
    let query = CustomWorkplaceAccessQuery::new(from, to).expect("valid").with_workplace(id);
    let only = client.search(&query).await.expect("search");
    assert_eq!(only.len(), custom_truth(&sim, from, to, Some(&one.id)).len());
    assert!(only.iter().all(|i| i.workplace_id.as_str() == one.id));
    sim.shutdown().await;
}

/// Every code an endpoint documents maps to its variant with the code, and the
/// internal error is retried.
async fn each_code_of(sim: &SimHandle, codes: SearchCodes, search: impl AsyncFn() -> Result<usize, FeishuError>) {
    let own = [codes.invalid_time_format, codes.from_after_to, codes.internal_error, codes.invalid_page_token];
    for code in own.into_iter().chain(codes.invalid_page_size) {
        sim.set_faults(Faults { forced: Some(ForcedAnswer::new(code, 400, "simulated")), ..Faults::default() });
        sim.reset_stats();
        let error = search().await.expect_err("forced code");
        assert_eq!(error.code(), Some(code), "{error}");
        assert!(!matches!(error, FeishuError::Upstream { .. }), "{code} is known: {error}");
        assert!(error.to_string().contains(&code.to_string()), "{error}");
        let sent = sim.stats().search_requests;
        if code == codes.internal_error {
            assert_eq!(sent, 4, "{code}: the first attempt and 3 retries");
        } else {
            assert_eq!(sent, 1, "{code} is final");
        }
    }
    // Another endpoint's code is not taken for this one's.
    let foreign = if codes == BLOCK_ACCESS_CODES { 1_628_003 } else { 1_629_004 };
    sim.set_faults(Faults { forced: Some(ForcedAnswer::new(foreign, 400, "elsewhere")), ..Faults::default() });
    assert!(matches!(search().await, Err(FeishuError::Upstream { code, .. }) if code == foreign));
    sim.set_faults(Faults::default());
}

#[tokio::test]
async fn every_code_of_each_endpoint_says_what_it_is() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(3);
    each_code_of(&sim, BLOCK_ACCESS_CODES, async || {
        Ok(client.search(&BlockAccessQuery::new(from, to).expect("valid")).await?.len())
    })
    .await;
    each_code_of(&sim, WORKPLACE_ACCESS_CODES, async || {
        Ok(client.search(&WorkplaceAccessQuery::days(from, to).expect("valid")).await?.len())
    })
    .await;
    each_code_of(&sim, CUSTOM_WORKPLACE_ACCESS_CODES, async || {
        Ok(client.search(&CustomWorkplaceAccessQuery::new(from, to).expect("valid")).await?.len())
    })
    .await;

    // The real refusals, not forced: a page token of another query.
    let workplace = WorkplaceAccessQuery::days(from, to).expect("valid");
    let bogus = client.search_page(&workplace, Some("not-a-token")).await.expect_err("bogus token");
    assert_eq!(bogus.code(), Some(1_628_004), "{bogus}");
    let custom = CustomWorkplaceAccessQuery::new(from, to).expect("valid");
    let bogus = client.search_page(&custom, Some("not-a-token")).await.expect_err("bogus token");
    assert_eq!(bogus.code(), Some(1_621_004), "{bogus}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_endpoint_has_its_own_rate_limit() {
    let sim = start(sim_config()).await;
    let client = client(&sim);
    let (from, to) = last_days(1);
    // 30 one-page searches of each endpoint at once, client at 20/s per endpoint.
    let blocks = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.search(&BlockAccessQuery::new(from, to).expect("valid")).await.map(|i| i.len()) })
    });
    let totals = (0..30).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.search(&WorkplaceAccessQuery::days(from, to).expect("valid")).await.map(|i| i.len()) })
    });
    let all: Vec<_> = blocks.chain(totals).collect();
    for handle in all {
        handle.await.expect("a search ran").expect("answered");
    }
    let stats = sim.stats();
    assert_eq!(stats.answers_by_code.get(&99991400), None, "no refusal for the rate: {:?}", stats.answers_by_code);
    let window = Duration::from_secs(1);
    assert!(stats.max_requests_in_any_window_of(SimEndpoint::BlockAccess, window) <= 20);
    assert!(stats.max_requests_in_any_window_of(SimEndpoint::WorkplaceAccess, window) <= 20);
    let mut together = stats.arrivals.clone();
    together.sort();
    let busiest_together = together.windows(21).filter(|w| w[20].duration_since(w[0]) < window).count();
    assert!(busiest_together > 0, "the two endpoints were not held to one budget between them");
    let metrics = client.metrics();
    assert_eq!(metrics.requests_by_endpoint["block_access"][&0], 30);
    assert_eq!(metrics.requests_by_endpoint["workplace_access"][&0], 30);
    sim.shutdown().await;
}

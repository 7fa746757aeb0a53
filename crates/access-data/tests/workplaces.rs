//! The workplace totals and the custom workplaces through the service, as the block
//! data goes: equal to the simulator's ground truth, final days fetched once and kept
//! in the store across a restart, one held day serving every custom workplace, names
//! kept, and a cold year costing the calls the page sizes say.

mod common;

use access_data::QueryOptions;
use common::{days_ago, default_sim, range, service_in};
use domain::{CustomWorkplaceDay, Visits, WorkplaceDay, WorkplaceId};
use feishu_sim::{SimEndpoint, SimHandle};

fn totals_truth(sim: &SimHandle, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Vec<WorkplaceDay> {
    let visits = |v: feishu_sim::SimVisits| Visits { pv: v.pv, uv: v.uv };
    sim.dataset()
        .workplace_ground_truth(from, to)
        .into_iter()
        .map(|r| WorkplaceDay { date: r.date, all: visits(r.all_workplace), default: visits(r.default_workplace) })
        .collect()
}

fn custom_truth(sim: &SimHandle, from: chrono::NaiveDate, to: chrono::NaiveDate, only: Option<&str>) -> Vec<CustomWorkplaceDay> {
    sim.dataset()
        .custom_workplace_ground_truth(from, to, only)
        .into_iter()
        .map(|r| CustomWorkplaceDay {
            date: r.date,
            workplace_id: WorkplaceId::parse(&r.custom_workplace_id).expect("an id"),
            pv: r.access_data.pv,
            uv: r.access_data.uv,
        })
        .collect()
}

#[tokio::test]
async fn both_data_sets_equal_the_truth_and_final_days_are_fetched_once_even_after_a_restart() {
    let sim = default_sim().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let (from, to) = (days_ago(&sim, 364), sim.dataset().today());
    let year = range(from, to);
    {
        let service = service_in(&sim, dir.path(), Default::default()).await;
        let started = std::time::Instant::now();
        let totals = service.workplace_access(year, QueryOptions::default()).await.expect("totals");
        let totals_took = started.elapsed();
        assert_eq!(totals.rows, totals_truth(&sim, from, to));
        let started = std::time::Instant::now();
        let custom = service.custom_workplace_access(year, None, QueryOptions::default()).await.expect("custom");
        let custom_took = started.elapsed();
        assert_eq!(custom.rows, custom_truth(&sim, from, to, None));

        // A cold year: 365 totals in pages of 200, 6 × 365 custom rows in pages of 100.
        let stats = sim.stats();
        let calls_of = |endpoint| sim.requests().iter().filter(|r| r.endpoint == endpoint && r.is_success()).count();
        let (totals_calls, custom_calls) = (calls_of(SimEndpoint::WorkplaceAccess), calls_of(SimEndpoint::CustomWorkplaceAccess));
        println!(
            "cold year: workplace totals {totals_calls} calls for {} days in {:.2} s, custom workplaces {custom_calls} calls for {} rows in {:.2} s",
            totals.rows.len(),
            totals_took.as_secs_f64(),
            custom.rows.len(),
            custom_took.as_secs_f64(),
        );
        assert_eq!(totals_calls, 2, "365 days in pages of 200");
        let least = custom.rows.len().div_ceil(100);
        assert!(custom_calls >= least && custom_calls <= least + 8, "{custom_calls} calls for {} rows", custom.rows.len());
        assert!(stats.max_requests_in_any_window_of(SimEndpoint::CustomWorkplaceAccess, std::time::Duration::from_secs(1)) <= 20);
        for endpoint in [SimEndpoint::WorkplaceAccess, SimEndpoint::CustomWorkplaceAccess] {
            let counts = sim.day_fetch_counts_of(endpoint);
            assert!(counts.values().all(|&n| n == 1), "{endpoint:?}: every day fetched once: {counts:?}");
        }

        // One workplace is filtered from the held days: no call.
        sim.reset_stats();
        let one = &sim.dataset().workplaces()[1];
        let id = WorkplaceId::parse(&one.id).expect("an id");
        let only = service.custom_workplace_access(year, Some(&id), QueryOptions::default()).await.expect("one");
        assert_eq!(only.rows, custom_truth(&sim, from, to, Some(&one.id)));
        assert_eq!(sim.stats().search_requests, 0, "answered from memory");
        let names = service.workplace_names();
        assert_eq!(names[&id], one.names, "the names Feishu gave");
    }

    // After a restart: final days from the store, only today and yesterday again.
    sim.reset_stats();
    let service = service_in(&sim, dir.path(), Default::default()).await;
    assert_eq!(service.workplace_names().len(), sim.dataset().workplaces().len(), "names kept in the store");
    let totals = service.workplace_access(year, QueryOptions::default()).await.expect("totals");
    assert_eq!(totals.rows, totals_truth(&sim, from, to));
    let custom = service.custom_workplace_access(year, None, QueryOptions::default()).await.expect("custom");
    assert_eq!(custom.rows, custom_truth(&sim, from, to, None));
    assert!(totals.sources.store >= 363 && custom.sources.store >= 363, "{:?} {:?}", totals.sources, custom.sources);
    let asked: Vec<_> = sim.requests().iter().filter_map(|r| r.params.from).collect();
    assert!(asked.iter().all(|d| *d >= days_ago(&sim, 1)), "only the changing days are fetched again: {asked:?}");
    sim.shutdown().await;
}

//! The request mix of the load benchmark (`benches/load.rs`, driven by goose) and of its
//! smaller twin among the tests (`concurrent_sessions.rs`): dashboard pages and API
//! calls over ranges warmed before the run ("cached") and over random, overlapping
//! ranges of older history that nobody asked for before ("cold": the first asker
//! fetches them from Feishu, later ones find them held or in flight).

use chrono::{Days, NaiveDate};
use rand::Rng;

/// What one request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `/?from&to`: the dashboard page over a warmed range.
    PageCached,
    /// `/api/v1/block-access` over a warmed range.
    ApiCached,
    /// The dashboard page over a random older range.
    PageCold,
    /// `/api/v1/block-access` over a random older range.
    ApiCold,
}

impl Kind {
    /// Every kind, in the order the figures are printed.
    pub const ALL: [Kind; 4] = [Kind::PageCached, Kind::ApiCached, Kind::PageCold, Kind::ApiCold];

    /// The name the figures carry.
    pub fn name(self) -> &'static str {
        match self {
            Kind::PageCached => "page, cached range",
            Kind::ApiCached => "api, cached range",
            Kind::PageCold => "page, cold range",
            Kind::ApiCold => "api, cold range",
        }
    }

    /// How often each kind is asked, out of [`Kind::WEIGHT_TOTAL`]: mostly the views
    /// people share and revisit, now and then something new.
    pub fn weight(self) -> usize {
        match self {
            Kind::PageCached | Kind::ApiCached => 3,
            Kind::PageCold | Kind::ApiCold => 1,
        }
    }

    /// The sum of the weights.
    pub const WEIGHT_TOTAL: usize = 8;

    /// A kind drawn by weight.
    pub fn draw(rng: &mut impl Rng) -> Kind {
        let mut n = rng.random_range(0..Self::WEIGHT_TOTAL);
        for kind in Self::ALL {
            if n < kind.weight() {
                return kind;
            }
            n -= kind.weight();
        }
        unreachable!("the weights add up to WEIGHT_TOTAL")
    }
}

/// The ranges of a load run, for a tenant whose last day is `today`.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    /// The warmed ranges (final days only, so they stay held).
    cached: Vec<(NaiveDate, NaiveDate)>,
    /// Cold ranges are drawn between these days.
    cold_first: NaiveDate,
    cold_last: NaiveDate,
    /// Block ids a cold query may filter on.
    blocks: Vec<String>,
}

impl LoadPlan {
    /// Cached: the last 7, 14, 30 and 90 final days. Cold: 7 to 60 days between 100 and
    /// `history_days - 10` days ago, a quarter of them filtered to one block.
    pub fn new(today: NaiveDate, history_days: u32, blocks: Vec<String>) -> Self {
        let last_final = today - Days::new(2);
        let cached = [7, 14, 30, 90].into_iter().map(|n| (last_final - Days::new(n - 1), last_final)).collect();
        Self {
            cached,
            cold_first: today - Days::new(u64::from(history_days.saturating_sub(10)).max(200)),
            cold_last: today - Days::new(100),
            blocks,
        }
    }

    /// Every path of the cached kinds: asked once before the run, so they are held.
    pub fn warm_paths(&self) -> Vec<String> {
        self.cached.iter().flat_map(|&(from, to)| [page(from, to, None), api(from, to, None)]).collect()
    }

    /// A path of `kind`, drawn with `rng`.
    pub fn path(&self, kind: Kind, rng: &mut impl Rng) -> String {
        match kind {
            Kind::PageCached | Kind::ApiCached => {
                let (from, to) = self.cached[rng.random_range(0..self.cached.len())];
                if kind == Kind::PageCached { page(from, to, None) } else { api(from, to, None) }
            }
            Kind::PageCold | Kind::ApiCold => {
                let days = rng.random_range(7..=60u64);
                let span = (self.cold_last - self.cold_first).num_days().max(0) as u64;
                let from = self.cold_first + Days::new(rng.random_range(0..=span.saturating_sub(days)));
                let to = from + Days::new(days - 1);
                let block = (!self.blocks.is_empty() && rng.random_bool(0.25))
                    .then(|| self.blocks[rng.random_range(0..self.blocks.len())].as_str());
                if kind == Kind::PageCold { page(from, to, block) } else { api(from, to, block) }
            }
        }
    }
}

fn page(from: NaiveDate, to: NaiveDate, block: Option<&str>) -> String {
    let mut path = format!("/?from={from}&to={to}&lang=en");
    if let Some(block) = block {
        path.push_str(&format!("&block={block}"));
    }
    path
}

fn api(from: NaiveDate, to: NaiveDate, block: Option<&str>) -> String {
    let mut path = format!("/api/v1/block-access?from_date={from}&to_date={to}");
    if let Some(block) = block {
        path.push_str(&format!("&block_id={block}"));
    }
    path
}

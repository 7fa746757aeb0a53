//! Progress of long queries: pages fetched so far and an estimate of the total, so a
//! page can draw a progress bar while a cold range is fetched.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// Pages of one upstream job (one filter, one run of days).
#[derive(Debug, Default)]
pub struct JobProgress {
    pages_done: AtomicU64,
    pages_estimated: AtomicU64,
}

impl JobProgress {
    pub(crate) fn add_estimate(&self, pages: u64) {
        self.pages_estimated.fetch_add(pages, Ordering::Relaxed);
    }

    pub(crate) fn page_done(&self) {
        self.pages_done.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> (u64, u64) {
        let done = self.pages_done.load(Ordering::Relaxed);
        // An estimate never reads below what is already done.
        (done, self.pages_estimated.load(Ordering::Relaxed).max(done))
    }
}

/// The progress of one query, across every upstream job it waits for (its own and
/// those other queries started for the same days). Give one to
/// [`crate::QueryOptions::progress`] and read [`QueryProgress::snapshot`] while the
/// query runs.
#[derive(Debug, Default)]
pub struct QueryProgress {
    jobs: Mutex<Vec<Arc<JobProgress>>>,
    finished: AtomicBool,
}

/// A moment of a query's progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressSnapshot {
    /// Upstream pages fetched so far.
    pub pages_done: u64,
    /// Estimated pages in all (grows when an estimate proves low).
    pub pages_estimated: u64,
    /// True once the query has its answer (or its error).
    pub finished: bool,
}

impl ProgressSnapshot {
    /// Share done, from 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.finished {
            1.0
        } else if self.pages_estimated == 0 {
            0.0
        } else {
            (self.pages_done as f64 / self.pages_estimated as f64).min(0.99)
        }
    }
}

impl QueryProgress {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub(crate) fn track(&self, job: Arc<JobProgress>) {
        self.jobs.lock().expect("progress lock").push(job);
    }

    pub(crate) fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> ProgressSnapshot {
        let jobs = self.jobs.lock().expect("progress lock");
        let (pages_done, pages_estimated) = jobs.iter().map(|j| j.snapshot()).fold((0, 0), |(d, e), (jd, je)| (d + jd, e + je));
        ProgressSnapshot { pages_done, pages_estimated, finished: self.finished.load(Ordering::Relaxed) }
    }
}

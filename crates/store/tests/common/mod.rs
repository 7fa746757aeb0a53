//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};
use domain::{BlockId, DateRange};
use store::{StoredDay, StoredRow};

pub fn date(text: &str) -> NaiveDate {
    domain::parse_date(text).expect("test dates are valid")
}

pub fn range(from: &str, to: &str) -> DateRange {
    DateRange::new(date(from), date(to)).expect("test ranges are in order")
}

pub fn block(id: &str) -> BlockId {
    BlockId::parse(id).expect("test block ids are valid")
}

/// A day with `blocks` rows whose counts depend on the day and the block, so that a
/// mix-up between days or blocks shows in the numbers.
pub fn busy_day(day: NaiveDate, blocks: usize) -> StoredDay {
    let seed = u64::try_from(day.num_days_from_ce()).unwrap_or(0);
    let mut rows: Vec<StoredRow> = (0..blocks)
        .map(|i| {
            let i = i as u64;
            StoredRow { key: format!("7{:017}", 100 + i), pv: seed * 1000 + i * 7 + 3, uv: seed + i }
        })
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    StoredDay { day, rows }
}

/// A day nobody visited.
pub fn quiet_day(day: NaiveDate) -> StoredDay {
    StoredDay { day, rows: Vec::new() }
}

/// `count` consecutive days from `first`, each with `blocks` rows.
pub fn busy_days(first: &str, count: usize, blocks: usize) -> Vec<StoredDay> {
    date(first).iter_days().take(count).map(|d| busy_day(d, blocks)).collect()
}

pub const FILE_NAME: &str = "block-insights.db";

/// Grants of view access made through `writer` and read through `reader` (the same
/// store, or another replica on the same database): kept whole, replaced by a grant
/// again, found by any of a person's ids (two grants together), and revoked. Leaves
/// the grant of `li.lei@example.com` (blocks 3 and 7, by Admin B).
pub async fn grants_are_kept_replaced_unioned_and_revoked(writer: &store::Store, reader: &store::Store) {
    use chrono::TimeZone;
    use domain::scope::Scope;
    use store::ViewerGrant;

    let at = |hour: u32| chrono::Utc.with_ymd_and_hms(2026, 3, 1, hour, 30, 15).unwrap();
    let scope = |workplaces: &[&str], blocks: &[&str]| Scope::parse(workplaces.iter().copied(), blocks.iter().copied()).unwrap();
    let hr = writer.grant_viewer("ou_hr", &scope(&["tpl_hr"], &[]), "Admin A", at(9)).await.unwrap();
    let expected =
        ViewerGrant { who: "ou_hr".into(), scope: scope(&["tpl_hr"], &[]), granted_by: "Admin A".into(), granted_at: at(9) };
    assert_eq!(hr, expected);
    assert_eq!(reader.viewer_grants().await.unwrap(), [expected]);

    let lei = writer.grant_viewer("li.lei@example.com", &scope(&[], &["7", "3"]), "Admin B", at(10)).await.unwrap();
    // A person named by two grants (by open_id and by address) sees both scopes; an
    // address matches whatever its case.
    let both = reader.viewer_scope(&["ou_hr", "on_lei", "Li.Lei@Example.com"]).await.unwrap();
    assert_eq!(both, Some(scope(&["tpl_hr"], &["3", "7"])));
    assert_eq!(reader.viewer_scope(&["on_lei", "li.lei@example.com"]).await.unwrap(), Some(scope(&[], &["3", "7"])));
    assert_eq!(reader.viewer_scope(&["ou_nobody"]).await.unwrap(), None);
    assert_eq!(reader.viewer_scope(&[]).await.unwrap(), None);
    assert_eq!(reader.viewer_scope(&[""]).await.unwrap(), None, "an id Feishu did not give names nobody");

    // Granting again replaces the scope, the author and the time.
    let again = writer.grant_viewer("ou_hr", &scope(&[], &["9"]), "Admin B", at(11)).await.unwrap();
    assert_eq!((again.scope.clone(), again.granted_by.as_str(), again.granted_at), (scope(&[], &["9"]), "Admin B", at(11)));
    assert_eq!(reader.viewer_grants().await.unwrap(), [lei.clone(), again], "one grant a person, by whom it is for");
    assert_eq!(reader.viewer_scope(&["ou_hr"]).await.unwrap(), Some(scope(&[], &["9"])), "the workplace is gone");

    assert!(writer.revoke_viewer("ou_hr").await.unwrap());
    assert!(!writer.revoke_viewer("ou_hr").await.unwrap(), "already revoked");
    assert_eq!(reader.viewer_scope(&["ou_hr"]).await.unwrap(), None, "revoked at the next read");
    assert_eq!(reader.viewer_grants().await.unwrap(), [lei]);
}

use super::*;

fn d(s: &str) -> NaiveDate {
    domain::parse_date(s).unwrap()
}

#[test]
fn round_trips_through_the_url() {
    let p =
        ViewParams::from_pairs([("range", "7d"), ("block", "12,34"), ("sort", "-uv"), ("lang", "en"), ("utm_source", "portal")]);
    assert_eq!(p.preset, Some(Preset::Last7));
    assert_eq!(p.blocks, ["12", "34"]);
    assert_eq!(p.sort, Sort { column: SortColumn::Uv, descending: true });
    assert_eq!(p.to_query(), "?range=7d&block=12&block=34&sort=-uv&lang=en");
    let dormant = ViewParams::from_pairs([("dormant", "30"), ("range", "7d")]);
    assert_eq!((dormant.dormant_days, dormant.to_query().as_str()), (Some(30), "?range=7d&dormant=30"));
    assert_eq!(ViewParams::from_pairs([("dormant", "0")]).dormant_days, None, "out of 1..=90: the default");
    let pairs: Vec<(String, String)> =
        p.to_query()[1..].split('&').map(|kv| kv.split_once('=').map(|(k, v)| (k.into(), v.into())).unwrap()).collect();
    assert_eq!(ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))), p);
    assert_eq!(ViewParams::from_pairs([]).to_query(), "");
}

#[test]
fn a_workplace_filter_round_trips_and_naming_blocks_ends_it() {
    let p = ViewParams::from_pairs([("workplace", " 销售工作台 "), ("tab", "workplaces")]);
    assert_eq!(p.workplace.as_deref(), Some("销售工作台"));
    assert_eq!(p.to_query(), "?workplace=%E9%94%80%E5%94%AE%E5%B7%A5%E4%BD%9C%E5%8F%B0&tab=workplaces");
    let blocks = p.with_blocks(vec!["12".into()]);
    assert_eq!((blocks.workplace, blocks.blocks), (None, vec!["12".to_owned()]));
    let on = ViewParams::default().with_workplace("Sales");
    assert_eq!((on.tab, on.workplace.as_deref()), (Tab::Overview, Some("Sales")));
}

#[test]
fn the_tables_search_page_and_the_filters_search_round_trip() {
    let p = ViewParams::from_pairs([("q", " 审批 "), ("page", "3"), ("find", "4829"), ("whole", "dormant"), ("sort", "name")]);
    assert_eq!(
        (p.search.as_deref(), p.page, p.find.as_deref(), p.whole),
        (Some("审批"), 3, Some("4829"), Some(WholeList::Dormant))
    );
    let query = p.to_query();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&query.as_bytes()[1..]).into_owned().collect();
    assert_eq!(ViewParams::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))), p);
    assert_eq!(p.with_sort(Sort::default()).page, 1, "a new order starts at its first page");
    assert_eq!((p.with_page(2).find, p.with_preset(Preset::Last7).find), (None, None), "links leave the filter's search");
    assert_eq!(p.with_page(2).search.as_deref(), Some("审批"), "and keep the table's");
    let picked = p.with_blocks(vec!["1".into()]);
    assert_eq!((picked.search, picked.find, picked.page), (None, None, 1), "a block chosen ends both searches");
    assert_eq!(ViewParams::from_pairs([("whole", "everything")]).whole, None);
}

#[test]
fn custom_dates_win_over_a_preset() {
    let p = ViewParams::from_pairs([("range", "7d"), ("from", "2024-01-01"), ("to", "2024-01-31")]);
    assert_eq!(p.preset, None);
    assert_eq!(p.to_query(), "?from=2024-01-01&to=2024-01-31");
}

#[test]
fn presets() {
    let today = d("2024-03-15");
    assert_eq!(Preset::Last7.range(today), DateRange::new(d("2024-03-09"), today).unwrap());
    assert_eq!(Preset::ThisMonth.range(today), DateRange::new(d("2024-03-01"), today).unwrap());
    assert_eq!(Preset::LastMonth.range(today), DateRange::new(d("2024-02-01"), d("2024-02-29")).unwrap());
    assert_eq!(Preset::YearToDate.range(today), DateRange::new(d("2024-01-01"), today).unwrap());
}

#[test]
fn encodes_odd_values() {
    let p = ViewParams::from_pairs([("from", "2024-01-01&x=1"), ("to", "2024-01-02")]);
    assert!(p.to_query().contains("from=2024-01-01%26x%3D1"));
}

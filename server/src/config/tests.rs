//! The configuration's tests: every variable read, defaulted and refused with its fix.

use std::collections::HashMap;

use super::*;

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn demo_without_credentials() {
    let c = config(&[]).unwrap();
    assert!(matches!(c.source, DataSource::Demo));
    assert_eq!(c.timezone, Tz::Asia__Shanghai);
}

#[test]
fn feishu_with_both_and_secret_stays_hidden() {
    let c =
        config(&[("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s3cr3t-value"), ("DASHBOARD_ADMINS", "ou_1, on_2")]).unwrap();
    assert_eq!(c.access.admins, ["ou_1", "on_2"]);
    let DataSource::Feishu { base_url, .. } = &c.source else { panic!("expected Feishu") };
    assert_eq!(base_url, "https://open.feishu.cn");
    assert!(!format!("{c:?}").contains("s3cr3t-value"));
}

#[test]
fn email_admins_are_refused_unless_allowed_and_the_tenant_key_is_checked() {
    let feishu = [("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s")];
    let with = |extra: &[(&'static str, &'static str)]| config(&[&feishu[..], extra].concat());
    let e = with(&[("DASHBOARD_ADMINS", "ou_1, a@b.c")]).unwrap_err().to_string();
    assert!(e.contains("a@b.c") && e.contains("open_id") && e.contains("union_id"), "{e}");
    assert!(e.contains("DASHBOARD_ALLOW_EMAIL_ADMINS=true") && e.contains("contact:user.email:readonly"), "{e}");
    let c = with(&[("DASHBOARD_ADMINS", "ou_1, a@b.c"), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "true")]).unwrap();
    assert!(c.access.allow_email_admins);
    assert_eq!(c.access.admins, ["ou_1", "a@b.c"]);
    assert!(with(&[("DASHBOARD_ADMINS", "ou_1"), ("DASHBOARD_ALLOW_EMAIL_ADMINS", "maybe")]).is_err());
    let c = with(&[("DASHBOARD_ADMINS", "ou_1"), ("FEISHU_TENANT_KEY", " 2ed263bf32cf1651 ")]).unwrap();
    assert_eq!(c.access.tenant_key.as_deref(), Some("2ed263bf32cf1651"));
    assert!(with(&[("DASHBOARD_ADMINS", "ou_1"), ("FEISHU_TENANT_KEY", "a b")]).is_err());
}

#[test]
fn refuses_half_credentials_and_bad_values() {
    let e = config(&[("FEISHU_APP_ID", "cli_x")]).unwrap_err().to_string();
    assert!(e.contains("FEISHU_APP_SECRET"), "{e}");
    let e = config(&[("DASHBOARD_TIMEZONE", "Mars/Olympus")]).unwrap_err().to_string();
    assert!(e.contains("DASHBOARD_TIMEZONE") && e.contains("IANA"), "{e}");
    assert!(config(&[("DASHBOARD_LOG_FORMAT", "xml")]).is_err());
    assert!(config(&[("DASHBOARD_MAX_RANGE_DAYS", "0")]).is_err());
    let e = config(&[("FEISHU_APP_ID", "cli_x"), ("FEISHU_APP_SECRET", "s")]).unwrap_err().to_string();
    assert!(e.contains("DASHBOARD_ADMINS"), "{e}");
    assert!(config(&[("DASHBOARD_PUBLIC_URL", "javascript:alert(1)")]).is_err());
    assert!(config(&[("DASHBOARD_FRAME_ANCESTORS", "'self'; script-src *")]).is_err());
    for (var, bad) in
        [("DASHBOARD_QUERY_TIMEOUT_SECS", "0"), ("FEISHU_REQUEST_TIMEOUT_SECS", "soon"), ("DASHBOARD_LEASE_SECS", "2")]
    {
        let e = config(&[(var, bad)]).unwrap_err().to_string();
        assert!(e.contains(var) && e.contains("whole number of seconds"), "{e}");
    }
}

#[test]
fn the_jssdk_url_and_its_origin() {
    let c = config(&[]).unwrap();
    assert_eq!(c.access.jssdk_script.url, DEFAULT_JSSDK_URL);
    assert_eq!(c.access.jssdk_script.origin, "https://lf-scm-cn.feishucdn.com");
    let c = config(&[("FEISHU_JSSDK_URL", " http://127.0.0.1:3900/_sim/jssdk.js ")]).unwrap();
    assert_eq!(c.access.jssdk_script.url, "http://127.0.0.1:3900/_sim/jssdk.js");
    assert_eq!(c.access.jssdk_script.origin, "http://127.0.0.1:3900");
    let bad = [
        "lf-scm-cn.feishucdn.com/lark/op/h5-js-sdk-1.5.34.js",
        "javascript:alert(1)",
        "ftp://cdn.example/sdk.js",
        "https://cdn.example; script-src */sdk.js",
        "https://*.example/sdk.js",
        "https://user@cdn.example/sdk.js",
        "https://cdn.example:port/sdk.js",
        "https:///sdk.js",
        "https://cdn.example/a b.js",
        "https://cdn.example/\"x.js",
    ];
    for value in bad {
        let e = config(&[("FEISHU_JSSDK_URL", value)]).unwrap_err().to_string();
        assert!(e.contains("FEISHU_JSSDK_URL") && e.contains("http(s) URL of Feishu's JSSDK"), "{value}: {e}");
    }
}

#[test]
fn deadlines() {
    let c = config(&[]).unwrap();
    assert_eq!((c.query_deadline, c.feishu_request_timeout), (Duration::from_secs(60), Duration::from_secs(30)));
    let c = config(&[("DASHBOARD_QUERY_TIMEOUT_SECS", "5"), ("FEISHU_REQUEST_TIMEOUT_SECS", "2")]).unwrap();
    assert_eq!((c.query_deadline, c.feishu_request_timeout), (Duration::from_secs(5), Duration::from_secs(2)));
}

#[test]
fn history_settings() {
    let c = config(&[]).unwrap();
    assert_eq!(c.history, HistoryConfig { months: 25, rate_percent: 50, quota_percent: 50 });
    assert_eq!((c.history.requests_per_second(20), c.history.call_cap(Some(10_000))), (10, Some(5_000)));
    assert_eq!((c.history.requests_per_second(1), c.history.call_cap(None)), (1, None), "at least one a second");
    for off in ["0", "off", " OFF "] {
        assert_eq!(config(&[("DASHBOARD_HISTORY_MONTHS", off)]).unwrap().history.months, 0, "{off}");
    }
    let c = config(&[("DASHBOARD_HISTORY_RATE_PERCENT", "25%"), ("DASHBOARD_HISTORY_QUOTA_PERCENT", "100")]).unwrap();
    assert_eq!((c.history.rate_percent, c.history.quota_percent), (25, 100));
    for (var, bad) in [
        ("DASHBOARD_HISTORY_MONTHS", "-1"),
        ("DASHBOARD_HISTORY_MONTHS", "121"),
        ("DASHBOARD_HISTORY_MONTHS", "a year"),
        ("DASHBOARD_HISTORY_RATE_PERCENT", "0"),
        ("DASHBOARD_HISTORY_RATE_PERCENT", "95"),
        ("DASHBOARD_HISTORY_QUOTA_PERCENT", "0"),
        ("DASHBOARD_HISTORY_QUOTA_PERCENT", "half"),
    ] {
        let e = config(&[(var, bad)]).unwrap_err().to_string();
        assert!(e.contains(var) && e.contains(bad), "{e}");
    }
    assert_eq!(Config::demo(PathBuf::from("x")).history.months, 0, "tests count their own calls only");
}

#[test]
fn quota_settings() {
    let c = config(&[]).unwrap();
    assert_eq!((c.monthly_quota, c.quota_warn_percent), (None, 80));
    let c = config(&[("FEISHU_MONTHLY_QUOTA", " 10000 "), ("FEISHU_QUOTA_WARN_PERCENT", "90%")]).unwrap();
    assert_eq!((c.monthly_quota, c.quota_warn_percent), (Some(10_000), 90));
    for bad in ["0", "-5", "10k", "1e4"] {
        let e = config(&[("FEISHU_MONTHLY_QUOTA", bad)]).unwrap_err().to_string();
        assert!(e.contains("FEISHU_MONTHLY_QUOTA") && e.contains("unset for no limit"), "{e}");
    }
    for bad in ["0", "101", "eighty", "80.5"] {
        let e = config(&[("FEISHU_QUOTA_WARN_PERCENT", bad)]).unwrap_err().to_string();
        assert!(e.contains("FEISHU_QUOTA_WARN_PERCENT") && e.contains("1 to 100"), "{e}");
    }
}

#[test]
fn demo_tenant_size() {
    assert_eq!(config(&[]).unwrap().demo_blocks, 60);
    assert_eq!(config(&[("DASHBOARD_DEMO_BLOCKS", " 2000 ")]).unwrap().demo_blocks, 2000);
    assert_eq!(config(&[("DASHBOARD_DEMO_BLOCKS", "20000")]).unwrap().demo_blocks, 20_000);
    for bad in ["0", "20001", "-5", "2k", "many"] {
        let e = config(&[("DASHBOARD_DEMO_BLOCKS", bad)]).unwrap_err().to_string();
        assert!(e.contains("DASHBOARD_DEMO_BLOCKS") && e.contains("from 1 to 20000"), "{e}");
    }
}

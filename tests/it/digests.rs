//! The chat digest against the real server and the simulator's chats, with a clock the
//! tests move: a weekly schedule over weeks sends each digest once with the numbers of
//! the simulator's ground truth; two replicas on one PostgreSQL send each (chat, period)
//! once; a replica killed mid-send neither loses nor doubles it; every refusal gives
//! its message; a tenant of 500 blocks gets a card within Feishu's limits. Needs
//! `TEST_DATABASE_URL` for the replica tests (scripts/test starts PostgreSQL).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use block_insights_tests::{TestApp, numbers, spawn_app_for, testid_text, ungroup};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use feishu_sim::{DEMO_CHAT_ADMINS, DEMO_CHAT_OPS, DEMO_CHAT_WITHOUT_BOT, ForcedAnswer, SimConfig, SimHandle, Simulator};
use serde_json::{Value, json};
use use_cases::digests::{Clock, ManualClock, Outcome};

const SHANGHAI: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

async fn sim(config: SimConfig) -> SimHandle {
    Simulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("simulator starts")
}

/// `day` at `hour`:00 in Shanghai.
fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    SHANGHAI.from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

/// The Monday on or before `day`.
fn monday_before(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

async fn save_schedule(app: &TestApp, chat: &str, body: Value) {
    let saved = app.http.put(format!("{}/api/v1/digests/{chat}", app.base_url)).json(&body).send().await.unwrap();
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
}

/// The PV total a digest card shows (the totals' first column: label, **number**, change).
fn card_pv(card: &Value) -> u64 {
    let elements = card["body"]["elements"].as_array().expect("the card's elements");
    let totals = elements.iter().find(|e| e["tag"] == "column_set").expect("the totals");
    let text = totals["columns"][0]["elements"][0]["content"].as_str().expect("the totals column");
    let number = text.split("**").nth(1).expect("a bold number");
    ungroup(number)
}

fn card_title(card: &Value) -> String {
    card["header"]["title"]["content"].as_str().unwrap_or_default().to_owned()
}

fn truth_pv(sim: &SimHandle, from: NaiveDate, to: NaiveDate) -> u64 {
    sim.dataset().ground_truth(from, to, None).iter().map(|r| r.pv).sum()
}

#[tokio::test]
async fn a_weekly_schedule_over_five_weeks_sends_each_digest_once_with_the_ground_truth() {
    let sim = sim(SimConfig { history_days: 200, ..SimConfig::default() }).await;
    let today = sim.dataset().today();
    // Five weeks of Mondays, all well in the past (every day they cover is final).
    let first_monday = monday_before(today - Days::new(50));
    let clock = Arc::new(ManualClock::new(at(first_monday, 0) - chrono::Duration::days(1)));
    let app = spawn_app_for(sim.clone(), &[("DIGEST_TICK_SECS", "0")], clock.clone()).await;
    save_schedule(&app, DEMO_CHAT_ADMINS, json!({ "language": "en", "every": "weekly", "weekday": 1, "hour": 9 })).await;

    // Hour by hour over five weeks, a pass every hour and a second pass at 09:00.
    let mut sent = Vec::new();
    for _ in 0..(24 * 7 * 5 + 24) {
        clock.advance(chrono::Duration::hours(1));
        for attempt in app.state.digests.run_due().await.expect("a pass") {
            sent.push((clock.now(), attempt));
        }
        if clock.now() == at(clock.now().with_timezone(&SHANGHAI).date_naive(), 9) {
            assert!(app.state.digests.run_due().await.unwrap().is_empty(), "a second pass sends nothing");
        }
    }
    assert_eq!(sent.len(), 5, "one digest a week: {sent:?}");
    let messages = sim.messages(DEMO_CHAT_ADMINS);
    assert_eq!(messages.len(), 5, "each digest reached the chat once");
    for (week, ((when, attempt), message)) in sent.iter().zip(&messages).enumerate() {
        let monday = first_monday + Days::new(7 * week as u64);
        assert_eq!(*when, at(monday, 9), "sent at Monday 09:00 in the tenant's time zone");
        let (from, to) = (monday - Days::new(8), monday - Days::new(2));
        assert_eq!(attempt.period, format!("{from}..{to}"));
        assert!(matches!(&attempt.outcome, Outcome::Sent { message_id } if *message_id == message.message_id));
        assert_eq!(card_pv(&message.content), truth_pv(&sim, from, to), "week {week}: the card's views are the ground truth's");
        assert!(card_title(&message.content).contains(&from.year().to_string()), "{}", card_title(&message.content));
        let button = &message.content["body"]["elements"].as_array().unwrap().iter().find(|e| e["tag"] == "button").unwrap()["behaviors"]
            [0]["default_url"];
        assert_eq!(
            button.as_str().unwrap(),
            format!("{}/?from={from}&to={to}&lang=en", app.base_url),
            "the button opens exactly that period"
        );
    }
    // The setup lists each delivery as sent.
    let setup: Value = app.http.get(format!("{}/api/v1/digests", app.base_url)).send().await.unwrap().json().await.unwrap();
    let states: Vec<&str> = setup["deliveries"].as_array().unwrap().iter().map(|d| d["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["sent"; 5]);
}

/// A replica on `database_url` for `sim`, going by `clock`.
async fn replica(sim: &SimHandle, database_url: &str, clock: &Arc<ManualClock>) -> TestApp {
    spawn_app_for(
        sim.clone(),
        &[("DATABASE_URL", database_url), ("DIGEST_TICK_SECS", "0"), ("DIGEST_CLAIM_SECS", "10")],
        clock.clone(),
    )
    .await
}

#[tokio::test]
async fn two_replicas_on_one_postgres_send_each_chat_and_period_once() {
    let sim = sim(SimConfig { history_days: 120, ..SimConfig::default() }).await;
    let url = store::testing::fresh_postgres_database().await;
    let monday = monday_before(sim.dataset().today() - Days::new(30));
    let clock = Arc::new(ManualClock::new(at(monday, 0)));
    let a = replica(&sim, &url, &clock).await;
    let b = replica(&sim, &url, &clock).await;
    save_schedule(&a, DEMO_CHAT_ADMINS, json!({ "language": "zh", "every": "weekly", "weekday": 1, "hour": 9 })).await;
    save_schedule(&b, DEMO_CHAT_OPS, json!({ "language": "en", "every": "daily", "hour": 9 })).await;
    for day in 0..14u64 {
        clock.set(at(monday + Days::new(day), 9));
        // Both replicas at once, three times over.
        for _ in 0..3 {
            let (x, y) = tokio::join!(a.state.digests.run_due(), b.state.digests.run_due());
            x.expect("a's pass");
            y.expect("b's pass");
        }
    }
    let weekly = sim.messages(DEMO_CHAT_ADMINS);
    let daily = sim.messages(DEMO_CHAT_OPS);
    assert_eq!((weekly.len(), daily.len()), (2, 14), "each (chat, period) once");
    let mut titles: Vec<String> = daily.iter().map(|m| card_title(&m.content)).collect();
    titles.dedup();
    assert_eq!(titles.len(), 14, "fourteen different days");
    for (i, m) in daily.iter().enumerate() {
        let day = monday + Days::new(i as u64) - Days::new(2);
        assert_eq!(card_pv(&m.content), truth_pv(&sim, day, day));
    }
}

#[tokio::test]
async fn a_replica_killed_mid_send_neither_loses_nor_doubles_the_digest() {
    let sim = sim(SimConfig { history_days: 120, ..SimConfig::default() }).await;
    let url = store::testing::fresh_postgres_database().await;
    let day = sim.dataset().today() - Days::new(20);
    let clock = Arc::new(ManualClock::new(at(day, 0)));
    let a = replica(&sim, &url, &clock).await;
    let b = replica(&sim, &url, &clock).await;
    save_schedule(&a, DEMO_CHAT_ADMINS, json!({ "language": "en", "every": "daily", "hour": 9 })).await;
    clock.set(at(day, 9));

    // a sends; Feishu keeps the message but a dies before it hears back.
    sim.set_faults(feishu_sim::Faults { message_delay: Duration::from_secs(60), ..feishu_sim::Faults::default() });
    let state = a.state.clone();
    let sending = tokio::spawn(async move { state.digests.run_due().await });
    let arrived = tokio::time::timeout(Duration::from_secs(60), async {
        while sim.messages(DEMO_CHAT_ADMINS).is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(arrived.is_ok(), "a's message reached the chat");
    sending.abort();
    drop(a);
    sim.set_faults(feishu_sim::Faults::default());

    // b leaves a's live claim alone, then takes it over once it expires.
    assert!(b.state.digests.run_due().await.unwrap().is_empty(), "a's claim is still live");
    clock.advance(chrono::Duration::seconds(11));
    let attempts = b.state.digests.run_due().await.unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    let messages = sim.messages(DEMO_CHAT_ADMINS);
    assert_eq!(messages.len(), 1, "Feishu dropped b's send as a duplicate of a's (same uuid)");
    assert!(matches!(&attempts[0].outcome, Outcome::Sent { message_id } if *message_id == messages[0].message_id));
    let period = &attempts[0].period;
    let delivery = b.state.service.store().delivery(DEMO_CHAT_ADMINS, period).await.unwrap().unwrap();
    assert_eq!((delivery.state, delivery.attempts), (store::DeliveryState::Sent, 2));
    assert_eq!(messages[0].uuid.as_deref(), Some(delivery.uuid.as_str()));

    // A replica that died after claiming, before sending: the digest is not lost.
    let next = at(day + Days::new(1), 9);
    clock.set(next);
    let key = {
        let d = day + Days::new(1) - Days::new(2);
        format!("{d}..{d}")
    };
    let claimed = b
        .state
        .service
        .store()
        .claim_delivery(DEMO_CHAT_ADMINS, &key, "dead-replica", "bi-dead", next, Duration::from_secs(10))
        .await
        .unwrap();
    assert!(claimed.is_some());
    assert!(b.state.digests.run_due().await.unwrap().is_empty(), "the dead replica's claim is still live");
    clock.advance(chrono::Duration::seconds(11));
    assert_eq!(b.state.digests.run_due().await.unwrap().len(), 1);
    let messages = sim.messages(DEMO_CHAT_ADMINS);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].uuid.as_deref(), Some("bi-dead"), "sent with the uuid of the first claim");
}

/// Sends a test digest to `chat` and answers the status and the error message.
async fn send_test(app: &TestApp, chat: &str) -> (u16, String) {
    let answer = app.http.post(format!("{}/api/v1/digests/{chat}/test?language=en", app.base_url)).send().await.unwrap();
    let status = answer.status().as_u16();
    let body: Value = answer.json().await.unwrap();
    (status, body["error"]["message"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn every_refusal_gives_its_message_and_transient_ones_are_retried() {
    let sim = sim(SimConfig { history_days: 120, ..SimConfig::default() }).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = spawn_app_for(sim.clone(), &[("DIGEST_TICK_SECS", "0")], clock.clone()).await;
    let faults = |f: feishu_sim::Faults| sim.set_faults(f);
    let forced = |code: i64, msg: &str| feishu_sim::Faults {
        message_forced: Some(ForcedAnswer::new(code, 400, msg)),
        ..feishu_sim::Faults::default()
    };
    let message = |answer: ForcedAnswer| feishu_sim::Faults { message_forced: Some(answer), ..feishu_sim::Faults::default() };
    let cases: Vec<(feishu_sim::Faults, &str, &[&str])> = vec![
        (
            feishu_sim::Faults { bot_disabled: true, ..Default::default() },
            DEMO_CHAT_ADMINS,
            &["230006", "bot capability", "Features → Bot"],
        ),
        (
            feishu_sim::Faults { message_scope_missing: true, ..Default::default() },
            DEMO_CHAT_ADMINS,
            &["99991672", "im:message:send_as_bot"],
        ),
        (feishu_sim::Faults::default(), DEMO_CHAT_WITHOUT_BOT, &["230002", "the bot is not in this chat", "Add the app's bot"]),
        (
            forced(230099, "Failed to create card content, ext=ErrCode: 200861; ErrMsg: tag note is not supported"),
            DEMO_CHAT_ADMINS,
            &["230099/200861", "could not build the card", "tag note"],
        ),
        (forced(230025, "message content is too long"), DEMO_CHAT_ADMINS, &["230025", "longer than Feishu takes"]),
        (forced(230035, "no permission"), DEMO_CHAT_ADMINS, &["230035", "may not post"]),
        (forced(232009, "chat dissolved"), DEMO_CHAT_ADMINS, &["232009", "dissolved"]),
        (
            message(ForcedAnswer::lacks_permission()),
            DEMO_CHAT_ADMINS,
            &["230027", "lacks a permission", "availability covers this chat"],
        ),
        (
            message(ForcedAnswer::invalid_receive_id()),
            DEMO_CHAT_ADMINS,
            &["230034", "does not know this chat id", "Choose the chat again"],
        ),
    ];
    for (fault, chat, expected) in cases {
        faults(fault);
        let (status, message) = send_test(&app, chat).await;
        assert_eq!(status, 502, "Feishu refused: {message}");
        for part in expected {
            assert!(message.contains(part), "{part:?} in {message:?}");
        }
    }
    faults(feishu_sim::Faults::default());
    assert!(sim.messages(DEMO_CHAT_ADMINS).is_empty(), "nothing was kept");
    let setup: Value = app.http.get(format!("{}/api/v1/digests", app.base_url)).send().await.unwrap().json().await.unwrap();
    let failed = setup["deliveries"].as_array().unwrap();
    assert_eq!(failed.len(), 9, "every failure is listed");
    assert!(failed.iter().all(|d| d["state"] == "failed" && d["error"].as_str().is_some_and(|e| !e.is_empty())));

    // A scheduled digest limited by Feishu is tried again after a backoff, and sent once.
    let day = sim.dataset().today() - Days::new(10);
    clock.set(at(day, 0));
    save_schedule(&app, DEMO_CHAT_OPS, json!({ "language": "zh", "every": "daily", "hour": 8 })).await;
    clock.set(at(day, 8));
    faults(forced(230020, "rate limited for this chat"));
    let first = app.state.digests.run_due().await.unwrap();
    assert!(
        matches!(&first[0].outcome, Outcome::Failed { permanent: false, message, .. } if message.contains("230020")),
        "{first:?}"
    );
    assert!(app.state.digests.run_due().await.unwrap().is_empty(), "not before its retry time");
    faults(feishu_sim::Faults::default());
    clock.advance(chrono::Duration::minutes(2));
    let second = app.state.digests.run_due().await.unwrap();
    assert!(matches!(&second[0].outcome, Outcome::Sent { .. }), "{second:?}");
    assert_eq!(sim.messages(DEMO_CHAT_OPS).len(), 1);
    // The same uuid still being sent (another replica's send) is no failure for good:
    // the digest is asked again after a backoff, and then sent.
    let next_day = day + Days::new(1);
    clock.set(at(next_day, 8));
    faults(message(ForcedAnswer::message_being_sent()));
    let busy = app.state.digests.run_due().await.unwrap();
    assert!(
        matches!(&busy[0].outcome, Outcome::Failed { permanent: false, message, .. } if message.contains("230049") && message.contains("Nothing to do")),
        "{busy:?}"
    );
    faults(feishu_sim::Faults::default());
    clock.advance(chrono::Duration::minutes(2));
    assert!(matches!(&app.state.digests.run_due().await.unwrap()[0].outcome, Outcome::Sent { .. }));
    assert_eq!(sim.messages(DEMO_CHAT_OPS).len(), 2);
    // The chat list with the bot capability off says so and what to do.
    faults(feishu_sim::Faults { bot_disabled: true, ..Default::default() });
    let setup: Value =
        app.http.get(format!("{}/api/v1/digests?refresh=1", app.base_url)).send().await.unwrap().json().await.unwrap();
    let chats_error = setup["chats_error"].as_str().unwrap_or_default();
    assert!(chats_error.contains("232025") && chats_error.contains("Features → Bot"), "{setup}");
    faults(feishu_sim::Faults::default());
    // A chat the bot is not in cannot be scheduled.
    let refused = app
        .http
        .put(format!("{}/api/v1/digests/{DEMO_CHAT_WITHOUT_BOT}", app.base_url))
        .json(&json!({ "language": "en", "every": "weekly", "weekday": 1, "hour": 9 }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("add the app's bot to the chat"));
    for (body, part) in [
        (json!({ "language": "fr", "every": "weekly", "hour": 9 }), "use zh or en"),
        (json!({ "language": "en", "every": "weekly", "weekday": 8, "hour": 9 }), "1 (Monday) to 7 (Sunday)"),
        (json!({ "language": "en", "every": "daily", "hour": 24 }), "use 0 to 23"),
        (json!({ "language": "en", "every": "monthly", "hour": 9 }), "use weekly or daily"),
    ] {
        let answer =
            app.http.put(format!("{}/api/v1/digests/{DEMO_CHAT_ADMINS}", app.base_url)).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 400);
        let text = answer.text().await.unwrap();
        assert!(text.contains(part), "{part:?} in {text}");
    }
}

#[tokio::test]
async fn five_hundred_blocks_with_many_anomalies_and_long_names_get_a_card_within_the_limits() {
    let today = feishu_sim::shanghai_today();
    let ago = |n: u64| today - Days::new(n);
    let anomalies = (0..120)
        .map(|block| feishu_sim::Anomaly::Spike { block, date: ago(3 + (block as u64 % 6)), factor: 8.0 })
        .chain((120..220).map(|block| feishu_sim::Anomaly::Silent { block, from: ago(20) }))
        .collect();
    let sim = sim(SimConfig { block_count: 500, history_days: 120, anomalies, ..SimConfig::default() }).await;
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let app = spawn_app_for(sim.clone(), &[("DIGEST_TICK_SECS", "0")], clock).await;
    // Every block named with the longest name a block may have, in Chinese (3 bytes a character).
    let labels: Vec<store::BlockLabel> = sim
        .dataset()
        .blocks()
        .iter()
        .enumerate()
        .map(|(i, b)| store::BlockLabel {
            block_id: domain::BlockId::parse(&b.id).unwrap(),
            name: format!("{i:03}{}", "审批中心的很长的名字".repeat(20)).chars().take(store::MAX_LABEL_CHARS).collect(),
            workplace: Some("办公".into()),
        })
        .collect();
    app.state.service.set_labels(&labels).await.unwrap();

    let preview: Value =
        app.http.get(format!("{}/api/v1/digests/preview?language=zh", app.base_url)).send().await.unwrap().json().await.unwrap();
    let (bytes, elements) = (preview["bytes"].as_u64().unwrap(), preview["elements"].as_u64().unwrap());
    eprintln!("the card of 500 long-named blocks: {bytes} bytes, {elements} elements");
    assert!(bytes <= 30 * 1024, "{bytes} bytes");
    assert!(elements <= 200, "{elements} elements");
    let card = &preview["card"];
    let text = card.to_string();
    assert!(text.contains("仅显示前"), "cut lists say so");

    // Feishu (the simulator, which checks the limits itself) takes it, and its numbers are the truth.
    let (status, message) = send_test(&app, DEMO_CHAT_ADMINS).await;
    assert_eq!(status, 200, "{message}");
    let sent = &sim.messages(DEMO_CHAT_ADMINS)[0];
    let (from, to) = (today - Days::new(8), today - Days::new(2));
    assert_eq!(card_pv(&sent.content), truth_pv(&sim, from, to));
    let tables: Vec<&Value> =
        sent.content["body"]["elements"].as_array().unwrap().iter().filter(|e| e["tag"] == "table").collect();
    let top = &tables[0]["rows"];
    let mut truth: Vec<(String, u64)> = sim
        .dataset()
        .blocks()
        .iter()
        .map(|b| (b.id.clone(), sim.dataset().ground_truth(from, to, Some(&b.id)).iter().map(|r| r.pv).sum()))
        .collect();
    truth.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(top[0]["pv"].as_u64(), Some(truth[0].1), "the most used block's views");
    assert!(top.as_array().unwrap().len() <= 10);
}

/// Writes a note through the API as the signed-in admin; answers its id.
async fn write_note(app: &TestApp, body: Value) -> String {
    let answer = app.http.post(format!("{}/api/v1/annotations", app.base_url)).json(&body).send().await.unwrap();
    assert_eq!(answer.status(), 201);
    answer.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

/// The card's notes table (the one with a `note` column), if it has one.
fn notes_table(card: &Value) -> Option<&Value> {
    let elements = card["body"]["elements"].as_array().unwrap();
    elements.iter().find(|e| e["tag"] == "table" && e["columns"].as_array().unwrap().iter().any(|c| c["name"] == "note"))
}

#[tokio::test]
async fn a_digest_lists_the_notes_of_its_period_with_their_impact_and_a_period_without_notes_has_no_notes_section() {
    let sim = sim(SimConfig { history_days: 200, ..SimConfig::default() }).await;
    let today = sim.dataset().today();
    let monday = monday_before(today - Days::new(50));
    let (from, to) = (monday - Days::new(8), monday - Days::new(2));
    let clock = Arc::new(ManualClock::new(at(monday, 0) - chrono::Duration::days(1)));
    let app = spawn_app_for(sim.clone(), &[("DIGEST_TICK_SECS", "0")], clock.clone()).await;
    save_schedule(&app, DEMO_CHAT_ADMINS, json!({ "language": "en", "every": "weekly", "weekday": 1, "hour": 9 })).await;
    let blocks: Vec<String> = sim.dataset().blocks().iter().skip(3).take(2).map(|b| b.id.clone()).collect();
    app.name_block(&blocks[0], "审批中心", "办公").await;
    let workplace = &sim.dataset().workplaces()[1];

    let day = |n: u64| (from + Days::new(n)).to_string();
    let on_blocks = write_note(&app, json!({ "date": day(1), "text": "Moved 审批 up", "block_ids": blocks })).await;
    write_note(&app, json!({ "date": day(3), "text": "New layout", "custom_workplace_id": workplace.id })).await;
    // Markdown in a note shows as typed: the cells are text.
    let tenant = "**Everyone's** [workplace](http://evil.example) reordered";
    write_note(&app, json!({ "date": day(4), "text": tenant })).await;
    write_note(&app, json!({ "date": (from - Days::new(1)).to_string(), "text": "The week before" })).await;

    clock.set(at(monday, 9));
    let sent = app.state.digests.run_due().await.unwrap();
    assert!(matches!(&sent[..], [attempt] if attempt.period == format!("{from}..{to}")), "{sent:?}");
    let card = &sim.messages(DEMO_CHAT_ADMINS)[0].content;
    let elements = card["body"]["elements"].as_array().unwrap();
    assert!(elements.iter().any(|e| e["content"] == "**Notes on these days**"), "a notes section: {card}");
    let table = notes_table(card).expect("the notes' table");
    let column =
        |name: &str| -> Vec<&str> { table["rows"].as_array().unwrap().iter().map(|r| r[name].as_str().unwrap()).collect() };
    assert_eq!(column("note"), [tenant, "New layout", "Moved 审批 up"], "the period's three notes, newest first, as typed");
    let short = |n: u64| i18n::Locale::En.short_date(from + Days::new(n));
    assert_eq!(column("date"), [short(4), short(3), short(1)]);
    let unnamed = use_cases::report::short_id(&domain::BlockId::parse(&blocks[1]).unwrap());
    let mut named = ["审批中心".to_owned(), unnamed];
    if blocks[1] < blocks[0] {
        named.reverse();
    }
    let workplace_name = domain::WorkplaceId::parse(&workplace.id).unwrap().name_in(&workplace.names, "en");
    assert_eq!(column("concerns"), ["The whole tenant".to_owned(), format!("Workplace “{workplace_name}”"), named.join(", ")]);
    assert!(table["columns"].as_array().unwrap().iter().all(|c| c["data_type"] == "text"), "{table}");
    // The impact is the API's own sentence about the note.
    let impact = use_cases::impact::of_note(
        &app.state.service,
        &use_cases::sight::Sight::Everything,
        &on_blocks,
        domain::impact::DEFAULT_WEEKS,
    )
    .await
    .unwrap();
    assert_eq!(column("impact")[2], use_cases::impact::summary(&impact, i18n::Locale::En));
    let tables = elements.iter().filter(|e| e["tag"] == "table").count();
    assert!(tables <= 5, "Feishu's limit of five tables: {tables}");

    // The week after holds no note: no notes section.
    clock.set(at(monday + Days::new(7), 9));
    assert_eq!(app.state.digests.run_due().await.unwrap().len(), 1);
    let card = &sim.messages(DEMO_CHAT_ADMINS)[1].content;
    assert!(notes_table(card).is_none(), "{card}");
    assert!(!card.to_string().contains("Notes on these days"), "no empty notes section");

    // A note of the last few days cannot be judged yet: the card says from when, in
    // the digest's language.
    let recent = today - Days::new(4);
    write_note(&app, json!({ "date": recent.to_string(), "text": "刚调整了顺序" })).await;
    clock.set(Utc::now());
    let answer = app.http.post(format!("{}/api/v1/digests/{DEMO_CHAT_OPS}/test?language=zh", app.base_url)).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    let card = &sim.messages(DEMO_CHAT_OPS)[0].content;
    assert!(card.to_string().contains("本周期的备注"), "{card}");
    let row = &notes_table(card).expect("the notes' table")["rows"][0];
    let judgeable_on = recent + Days::new(27 + 2);
    assert_eq!((row["note"].as_str(), row["concerns"].as_str()), (Some("刚调整了顺序"), Some("整个企业")));
    assert_eq!(row["impact"].as_str(), Some(format!("{}起可判断", i18n::Locale::Zh.short_date(judgeable_on)).as_str()));
}

/// A tenant whose custom workplace `workplace` has two blocks named into it (`mine`);
/// a third block (`theirs`) is named into another workplace, the others into none. The
/// dashboard has read the workplaces' names from Feishu (as its workplaces tab does).
struct ScopedTenant {
    app: TestApp,
    clock: Arc<ManualClock>,
    workplace: String,
    /// Its names by language, as Feishu gives them.
    workplace_names: Vec<(String, String)>,
    other_workplace: String,
    mine: Vec<String>,
    theirs: String,
    /// A Monday long enough ago that its week is final, and that week's period.
    monday: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
}

async fn scoped_tenant() -> ScopedTenant {
    let sim = sim(SimConfig { history_days: 200, ..SimConfig::default() }).await;
    let monday = monday_before(sim.dataset().today() - Days::new(50));
    let clock = Arc::new(ManualClock::new(at(monday, 0) - chrono::Duration::days(1)));
    let app = spawn_app_for(sim.clone(), &[("DIGEST_TICK_SECS", "0")], clock.clone()).await;
    let data = sim.dataset();
    let (workplace, other_workplace) = (data.workplaces()[1].id.clone(), data.workplaces()[2].id.clone());
    let workplace_names = data.workplaces()[1].names.clone();
    let mine = vec![data.blocks()[3].id.clone(), data.blocks()[8].id.clone()];
    let theirs = data.blocks()[0].id.clone();
    app.name_block(&mine[0], "请假 Leave", &workplace).await;
    app.name_block(&mine[1], "报销 Expenses", &workplace).await;
    app.name_block(&theirs, "机密 Secret", &other_workplace).await;
    let (from, to) = (monday - Days::new(8), monday - Days::new(2));
    let read = app.get(&format!("/api/v1/custom-workplace-access?from_date={from}&to_date={to}")).await;
    assert_eq!(read.status(), 200, "the workplaces' names are read");
    ScopedTenant { app, clock, workplace, workplace_names, other_workplace, mine, theirs, monday, from, to }
}

impl ScopedTenant {
    /// `(pv, uv)` of `block` by day from `from` to `to`, from the ground truth.
    fn days(&self, block: &str, from: NaiveDate, to: NaiveDate) -> Vec<(u64, u64)> {
        self.app.sim.dataset().ground_truth(from, to, Some(block)).iter().map(|r| (r.pv, r.uv)).collect()
    }

    /// `(pv, uv)` of `block` over the digest's week.
    fn week(&self, block: &str) -> (u64, u64) {
        self.days(block, self.from, self.to).iter().fold((0, 0), |(p, u), (a, b)| (p + a, u + b))
    }

    /// Every number the scoped digest must not show, by value: each day's figures (from
    /// the baseline weeks of the unusual days to the week's end) and the week's and the
    /// week before's of every other block, of the other workplaces and of the tenant;
    /// less every figure of the workplace's own blocks (a coincidence is no leak), and
    /// small figures any card has (dates, percentages, counts of rows).
    fn forbidden(&self) -> BTreeSet<u64> {
        let data = self.app.sim.dataset();
        let (early, before) = (self.from - Days::new(70), (self.from - Days::new(7), self.from - Days::new(1)));
        let mut out = BTreeSet::new();
        let mut add = |days: Vec<(u64, u64)>, weeks: [(u64, u64); 2]| {
            out.extend(days.into_iter().flat_map(|(p, u)| [p, u]));
            out.extend(weeks.into_iter().flat_map(|(p, u)| [p, u, u / 7]));
        };
        let sum = |days: &[(u64, u64)]| days.iter().fold((0, 0), |(p, u), (a, b)| (p + a, u + b));
        for block in data.blocks().iter().filter(|b| !self.mine.contains(&b.id)) {
            let weeks = [self.week(&block.id), sum(&self.days(&block.id, before.0, before.1))];
            add(self.days(&block.id, early, self.to), weeks);
        }
        for w in data.workplaces().iter().filter(|w| w.id != self.workplace) {
            let of = |from, to| -> Vec<(u64, u64)> {
                let rows = data.custom_workplace_ground_truth(from, to, Some(&w.id));
                rows.iter().map(|r| (r.access_data.pv, r.access_data.uv)).collect()
            };
            add(of(early, self.to), [sum(&of(self.from, self.to)), sum(&of(before.0, before.1))]);
        }
        let tenant = |from, to| -> Vec<(u64, u64)> {
            let all = data.ground_truth(from, to, None);
            let by_day: std::collections::BTreeMap<NaiveDate, (u64, u64)> = all.iter().fold(Default::default(), |mut days, r| {
                let day = days.entry(r.date).or_insert((0, 0));
                *day = (day.0 + r.pv, day.1 + r.uv);
                days
            });
            by_day.into_values().collect()
        };
        add(tenant(early, self.to), [sum(&tenant(self.from, self.to)), sum(&tenant(before.0, before.1))]);
        let workplaces = data.workplace_ground_truth(early, self.to);
        add(
            workplaces
                .iter()
                .flat_map(|r| [(r.all_workplace.pv, r.all_workplace.uv), (r.default_workplace.pv, r.default_workplace.uv)])
                .collect(),
            [(0, 0); 2],
        );
        // What the digest may show: the workplace's blocks, each and together.
        let mut allowed = BTreeSet::new();
        let mut together = [(0, 0); 2];
        for block in &self.mine {
            allowed.extend(self.days(block, early, self.to).into_iter().flat_map(|(p, u)| [p, u]));
            for (i, (p, u)) in [self.week(block), sum(&self.days(block, before.0, before.1))].into_iter().enumerate() {
                allowed.extend([p, u, u / 7]);
                together[i] = (together[i].0 + p, together[i].1 + u);
            }
        }
        allowed.extend(together.into_iter().flat_map(|(p, u)| [p, u, u / 7]));
        out.retain(|n| *n >= 1_000 && !allowed.contains(n) && !(1_990..=2_100).contains(n));
        out
    }
}

/// The texts of the card's table column `name`, in every table that has it.
fn column_texts(card: &Value, table_with: &str, name: &str) -> Vec<String> {
    let elements = card["body"]["elements"].as_array().unwrap();
    let table =
        elements.iter().find(|e| e["tag"] == "table" && e["columns"].as_array().unwrap().iter().any(|c| c["name"] == table_with));
    let rows = table.map(|t| t["rows"].as_array().unwrap().clone()).unwrap_or_default();
    rows.iter().map(|r| r[name].as_str().map_or_else(|| r[name].to_string(), str::to_owned)).collect()
}

fn button_url(card: &Value) -> String {
    let elements = card["body"]["elements"].as_array().unwrap();
    let button = elements.iter().find(|e| e["tag"] == "button").expect("the card's button");
    button["behaviors"][0]["default_url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_digest_scoped_to_one_workplace_carries_exactly_its_blocks_numbers_and_nothing_else() {
    let s = scoped_tenant().await;
    let (app, from, to) = (&s.app, s.from, s.to);
    let weekly = json!({ "language": "en", "every": "weekly", "weekday": 1, "hour": 9 });
    let mut scoped = weekly.clone();
    scoped["custom_workplace_ids"] = json!([s.workplace]);
    save_schedule(app, DEMO_CHAT_OPS, scoped).await;
    save_schedule(app, DEMO_CHAT_ADMINS, weekly).await;

    // Notes of the week: those of the workplace and of its blocks are the digest's; those
    // of another block, another workplace, of blocks only partly its own, or of the whole
    // tenant are not.
    let day = |n: u64| (from + Days::new(n)).to_string();
    let on_mine = write_note(app, json!({ "date": day(1), "text": "Leave moved up", "block_ids": [s.mine[0]] })).await;
    write_note(app, json!({ "date": day(2), "text": "HR layout", "custom_workplace_id": s.workplace })).await;
    write_note(app, json!({ "date": day(3), "text": "Secret moved", "block_ids": [s.theirs] })).await;
    write_note(app, json!({ "date": day(3), "text": "Both moved", "block_ids": [s.mine[1], s.theirs] })).await;
    write_note(app, json!({ "date": day(4), "text": "Other layout", "custom_workplace_id": s.other_workplace })).await;
    write_note(app, json!({ "date": day(5), "text": "Everyone's change" })).await;

    s.clock.set(at(s.monday, 9));
    let sent = app.state.digests.run_due().await.unwrap();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent.iter().all(|a| matches!(a.outcome, Outcome::Sent { .. })), "{sent:?}");
    let card = &app.sim.messages(DEMO_CHAT_OPS)[0].content;

    // Its numbers: the workplace's two blocks', equal to the ground truth.
    let (weeks, together): (Vec<(u64, u64)>, (u64, u64)) = {
        let weeks: Vec<(u64, u64)> = s.mine.iter().map(|b| s.week(b)).collect();
        let together = weeks.iter().fold((0, 0), |(p, u), (a, b)| (p + a, u + b));
        (weeks, together)
    };
    assert_eq!(card_pv(card), together.0, "the card's views are the two blocks' together");
    let names = column_texts(card, "uv", "block");
    let pvs = column_texts(card, "uv", "pv");
    let mut top: Vec<(String, String)> = names.into_iter().zip(pvs).collect();
    top.sort();
    let mut expected =
        vec![("报销 Expenses".to_owned(), weeks[1].0.to_string()), ("请假 Leave".to_owned(), weeks[0].0.to_string())];
    expected.sort();
    assert_eq!(top, expected, "exactly its two blocks, each with its views");
    let uvs: BTreeSet<u64> = column_texts(card, "uv", "uv").iter().map(|u| u.parse().unwrap()).collect();
    assert_eq!(uvs, weeks.iter().map(|w| w.1).collect(), "and its users");

    // Nothing of another block, another workplace or the tenant, by value.
    let forbidden = s.forbidden();
    let text = card.to_string();
    assert!(forbidden.len() > 200, "the test has numbers to look for: {}", forbidden.len());
    let leaked: Vec<u64> = numbers(&text).intersection(&forbidden).copied().collect();
    eprintln!("the scoped card holds {} numbers; {} numbers outside the scope looked for", numbers(&text).len(), forbidden.len());
    assert!(leaked.is_empty(), "numbers outside the scope: {leaked:?} in {card}");
    for outside in ["机密 Secret", "All blocks\"", "The whole tenant"] {
        assert!(!text.contains(outside), "{outside:?} in {card}");
    }
    // The whole tenant's card, beside it, is unchanged: the tenant's views, every note,
    // no filter; the check above would have caught its numbers.
    let tenant = &app.sim.messages(DEMO_CHAT_ADMINS)[0].content;
    assert_eq!(card_pv(tenant), truth_pv(&app.sim, from, to));
    assert!(!numbers(&tenant.to_string()).is_disjoint(&forbidden), "the tenant's card holds the tenant's numbers");
    assert!(card_title(tenant).starts_with("Workplace blocks digest · "), "{}", card_title(tenant));
    assert_eq!(button_url(tenant), format!("{}/?from={from}&to={to}&lang=en", app.base_url));
    assert_eq!(column_texts(tenant, "note", "note").len(), 6);

    // It says what it covers, by the workplace's name in its language, and opens the
    // dashboard filtered to the workplace.
    let name = domain::WorkplaceId::parse(&s.workplace).unwrap().name_in(&s.workplace_names, "en");
    assert_eq!(card_title(card), format!("Workplace “{name}” digest · {}", i18n::Locale::En.range(from, to)));
    let first = card["body"]["elements"][0]["text"]["content"].as_str().unwrap();
    assert!(first.contains(&format!("Workplace “{name}”")) && first.contains("not the whole tenant"), "{first}");
    let url = button_url(card);
    assert_eq!(url, format!("{}/?from={from}&to={to}&lang=en&workplace={}", app.base_url, s.workplace));
    let page = app.get(url.trim_start_matches(&app.base_url)).await;
    assert_eq!(page.status(), 200, "the dashboard takes the filter");

    // Its notes: the workplace's and its block's, newest first; the block's impact seen
    // through the scope (no control: nothing outside it is read).
    assert_eq!(column_texts(card, "note", "note"), ["HR layout", "Leave moved up"]);
    let scope = domain::scope::Scope::parse([s.workplace.as_str()], []).unwrap();
    let sight = use_cases::sight::Sight::of_scope(&app.state.service, Some(&scope));
    let impact = use_cases::impact::of_note(&app.state.service, &sight, &on_mine, domain::impact::DEFAULT_WEEKS).await.unwrap();
    assert!(impact.estimated.control.is_none(), "a scoped impact has no control");
    assert_eq!(column_texts(card, "note", "impact")[1], use_cases::impact::summary(&impact, i18n::Locale::En));
}

#[tokio::test]
async fn a_digests_scope_round_trips_through_the_api_and_bad_ids_are_refused_with_the_fix() {
    let s = scoped_tenant().await;
    let app = &s.app;
    let setup = || async {
        let answer = app.http.get(format!("{}/api/v1/digests", app.base_url)).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        answer.json::<Value>().await.unwrap()
    };
    let schedule_of = |setup: &Value, chat: &str| -> Value {
        let chats = setup["chats"].as_array().unwrap();
        chats.iter().find(|c| c["chat_id"] == chat).map(|c| c["schedule"].clone()).unwrap_or(Value::Null)
    };
    // The workplaces a digest may cover, with their names.
    let listed = setup().await;
    let workplace = listed["workplaces"].as_array().unwrap().iter().find(|w| w["id"] == s.workplace.as_str()).cloned();
    assert_eq!(workplace.expect("the workplace is offered")["names"], json!(s.workplace_names));

    let body = json!({ "language": "zh", "every": "daily", "hour": 8,
        "custom_workplace_ids": [s.workplace, ""], "block_ids": [s.theirs, s.mine[0], s.theirs] });
    save_schedule(app, DEMO_CHAT_OPS, body).await;
    let mut ids = vec![s.mine[0].clone(), s.theirs.clone()];
    ids.sort();
    let saved = schedule_of(&setup().await, DEMO_CHAT_OPS);
    assert_eq!((&saved["custom_workplace_ids"], &saved["block_ids"]), (&json!([s.workplace]), &json!(ids)), "{saved}");
    // Saved again without a scope, it covers the whole tenant.
    save_schedule(app, DEMO_CHAT_OPS, json!({ "language": "zh", "every": "daily", "hour": 8 })).await;
    let saved = schedule_of(&setup().await, DEMO_CHAT_OPS);
    assert_eq!((&saved["custom_workplace_ids"], &saved["block_ids"]), (&json!([]), &json!([])), "{saved}");

    // Bad ids: 400, naming the field and the fix; nothing saved.
    let many: Vec<String> = (0..=500).map(|n| format!("7{n:018}")).collect();
    for (scope, part) in [
        (
            json!({ "custom_workplace_ids": ["bad id!"] }),
            "custom_workplace_ids: the custom workplace id \"bad id!\" contains ' '",
        ),
        (json!({ "block_ids": ["12a"] }), "block_ids:"),
        (json!({ "block_ids": many }), "501 blocks is more than the 500"),
        (json!({ "block_ids": "12" }), "the body is not a schedule"),
    ] {
        let mut body = json!({ "language": "en", "every": "daily", "hour": 8 });
        body.as_object_mut().unwrap().extend(scope.as_object().unwrap().clone());
        let answer = app.http.put(format!("{}/api/v1/digests/{DEMO_CHAT_OPS}", app.base_url)).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 400, "{body}");
        let answer: Value = answer.json().await.unwrap();
        assert!(answer["error"]["message"].as_str().unwrap().contains(part), "{part:?} in {answer}");
    }
    assert_eq!(schedule_of(&setup().await, DEMO_CHAT_OPS)["language"], "zh", "nothing was saved");

    // The preview takes a scope too: the blocks named, their numbers, the link to them.
    let preview = |query: String| async move {
        let answer = app.http.get(format!("{}/api/v1/digests/preview?{query}", app.base_url)).send().await.unwrap();
        (answer.status().as_u16(), answer.json::<Value>().await.unwrap())
    };
    let (status, body) = preview(format!("language=en&every=daily&block_id={}&block_id={}", s.mine[1], s.theirs)).await;
    assert_eq!(status, 200, "{body}");
    let card = &body["card"];
    let url = button_url(card);
    let (from, to) = {
        let query: Vec<(String, String)> = reqwest::Url::parse(&url).unwrap().query_pairs().into_owned().collect();
        let get = |k: &str| query.iter().find(|(key, _)| key == k).unwrap().1.parse::<NaiveDate>().unwrap();
        (get("from"), get("to"))
    };
    let mut blocks = [s.mine[1].clone(), s.theirs.clone()];
    blocks.sort();
    assert!(url.ends_with(&format!("&block={}", blocks.join(","))), "{url}");
    let truth: u64 = blocks.iter().flat_map(|b| s.days(b, from, to)).map(|(pv, _)| pv).sum();
    assert_eq!(card_pv(card), truth, "the two blocks' views");
    assert!(
        card_title(card).starts_with("报销 Expenses, 机密 Secret digest")
            || card_title(card).starts_with("机密 Secret, 报销 Expenses digest")
    );
    // The workplace's preview is the workplace's; one Feishu never reported has no
    // block, and says so; bad ids are refused as on saving.
    let (status, body) = preview(format!("language=zh&custom_workplace_id={}", s.workplace)).await;
    assert_eq!(status, 200, "{body}");
    let zh_name = domain::WorkplaceId::parse(&s.workplace).unwrap().name_in(&s.workplace_names, "zh");
    assert!(card_title(&body["card"]).starts_with(&format!("工作台「{zh_name}」摘要")), "{}", card_title(&body["card"]));
    for (query, part) in [
        ("custom_workplace_id=tpl_nobody", "no block is in what this digest covers (Workplace “tpl_nobody”)"),
        ("custom_workplace_id=tpl_nobody", "Feishu has not reported the custom workplace tpl_nobody"),
        ("block_id=abc", "block_ids:"),
        ("custom_workplace_id=a%20b", "custom_workplace_ids:"),
        ("custom_workplace_ids=tpl_x", "custom_workplace_id (repeatable)"),
    ] {
        let (status, body) = preview(format!("language=en&{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().contains(part), "{part:?} in {body}");
    }

    // A test without a scope covers what the chat's schedule covers; one with a scope, that.
    let mut scoped = json!({ "language": "en", "every": "weekly", "weekday": 1, "hour": 9 });
    scoped["custom_workplace_ids"] = json!([s.workplace]);
    save_schedule(app, DEMO_CHAT_OPS, scoped).await;
    let test = |query: String| async move {
        let url = format!("{}/api/v1/digests/{DEMO_CHAT_OPS}/test?language=en{query}", app.base_url);
        let answer = app.http.post(url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
        let messages = app.sim.messages(DEMO_CHAT_OPS);
        button_url(&messages.last().unwrap().content)
    };
    assert!(test(String::new()).await.ends_with(&format!("&workplace={}", s.workplace)), "the schedule's scope");
    assert!(test(format!("&block_id={}", s.mine[0])).await.ends_with(&format!("&block={}", s.mine[0])), "the scope given");
    // An empty scope is no digest: the test says why, and the delivery lists it.
    let answer = app
        .http
        .post(format!("{}/api/v1/digests/{DEMO_CHAT_OPS}/test?language=en&custom_workplace_id=tpl_nobody", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("name blocks into its workplace on the dashboard"));
    assert_eq!(app.sim.messages(DEMO_CHAT_OPS).len(), 2, "nothing sent");
}

#[tokio::test]
async fn the_digests_page_offers_the_workplaces_by_name_and_saves_what_a_digest_covers() {
    let s = scoped_tenant().await;
    let app = &s.app;
    let zh_name = domain::WorkplaceId::parse(&s.workplace).unwrap().name_in(&s.workplace_names, "zh");
    let page = app.get("/digests?lang=zh").await.text().await.unwrap();
    assert!(page.contains("摘要范围") && page.contains("整个企业"), "the choice, in the page's language");
    assert!(page.contains(&format!("value=\"{}\"", s.workplace)) && page.contains(&zh_name), "the workplace by its name");

    // The plain form's post, as a browser sends it: the ticked workplaces repeated.
    let save = |fields: Vec<(&'static str, String)>| async move {
        let mut form: Vec<(&str, String)> = vec![
            ("chat_id", DEMO_CHAT_OPS.into()),
            ("chat_name", "Ops".into()),
            ("language", "zh".into()),
            ("every", "weekly".into()),
            ("weekday", "1".into()),
            ("hour", "9".into()),
            ("enabled", "true".into()),
        ];
        form.extend(fields);
        let answer = app.http.post(format!("{}/api/digest_save", app.base_url)).form(&form).send().await.unwrap();
        (answer.status().as_u16(), answer.text().await.unwrap())
    };
    let ticked = |id: &str| ("custom_workplace_ids[]", id.to_owned());
    let (status, text) =
        save(vec![("covers", "scope".into()), ticked(&s.workplace), ("block_ids", format!(" {}， ", s.mine[1]))]).await;
    assert_eq!(status, 200, "{text}");
    let saved = app.state.service.store().digest_schedule(DEMO_CHAT_OPS).await.unwrap().unwrap().scope;
    assert_eq!(saved, Some(domain::scope::Scope::parse([s.workplace.as_str()], [s.mine[1].as_str()]).unwrap()));
    let page = app.get("/digests?lang=en").await.text().await.unwrap();
    let section = &page[page.find(&format!("data-chat=\"{DEMO_CHAT_OPS}\"")).unwrap()..];
    assert!(section.contains(&format!("value=\"{}\" checked", s.workplace)), "ticked as saved");
    assert!(section.contains(&format!("value=\"{}\"", s.mine[1])), "the block id as saved");

    // Ticked but set to the whole tenant, or set to some but none given: refused, unchanged.
    for fields in [vec![("covers", "tenant".into()), ticked(&s.workplace)], vec![("covers", "scope".into())]] {
        let (status, text) = save(fields).await;
        assert_eq!(status, 400, "{text}");
    }
    assert_eq!(app.state.service.store().digest_schedule(DEMO_CHAT_OPS).await.unwrap().unwrap().scope, saved);
    let (status, _) = save(vec![("covers", "tenant".into())]).await;
    assert_eq!(status, 200);
    assert_eq!(app.state.service.store().digest_schedule(DEMO_CHAT_OPS).await.unwrap().unwrap().scope, None);

    // The preview (a GET of the page with the form's values) is of the choice.
    let query = format!(
        "preview={DEMO_CHAT_OPS}&language=en&every=weekly&weekday=1&hour=9&covers=scope&custom_workplace_ids%5B%5D={}",
        s.workplace
    );
    let page = app.get(&format!("/digests?{query}")).await.text().await.unwrap();
    let preview = testid_text(&page, "digest-preview").unwrap_or_default();
    let en_name = domain::WorkplaceId::parse(&s.workplace).unwrap().name_in(&s.workplace_names, "en");
    assert!(
        page.contains("data-testid=\"digest-preview\"") && page.contains(&format!("Workplace “{en_name}” digest")),
        "{preview}"
    );
}

//! Notes on the page, over HTTP without a browser: the overview and the workplaces tab
//! list a range's notes with their impact (the numbers the API answers), mark them on
//! the trend charts, their tables and SVG exports, and the page's plain forms add, edit
//! and delete them, coming back to the view at the notes with what came of it.

use block_insights_tests::{TestApp, spawn_app, strip_comments};
use serde_json::{Value, json};

/// Writes a note through the API as the signed-in admin; answers its id.
async fn note(app: &TestApp, body: Value) -> String {
    let response = app.http.post(format!("{}/api/v1/annotations", app.base_url)).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    strip_comments(&response.text().await.unwrap())
}

/// The text of the page's alert.
fn alert(html: &str) -> String {
    let role = html.find("role=\"alert\"").expect("an alert");
    let at = role + html[role..].find('>').unwrap() + 1;
    html[at..at + html[at..].find('<').unwrap()].to_owned()
}

/// The HTML of the note card of note `id`.
fn card<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("data-note=\"{id}\"")).unwrap_or_else(|| panic!("no card of {id}"));
    &html[at..at + html[at..].find("</li>").unwrap()]
}

#[tokio::test]
async fn the_page_lists_a_ranges_notes_with_their_impact_and_marks_them_on_every_trend_chart_and_export() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[0].id.clone();
    let (recent, old) = (app.days_ago(4), app.days_ago(50));
    let recent_id = note(&app, json!({ "date": recent.to_string(), "text": "New <HR> workplace" })).await;
    let old_id = note(&app, json!({ "date": old.to_string(), "text": "Moved 请假 up", "block_ids": [block] })).await;
    let view = format!("from={}&to={}", app.days_ago(80), app.days_ago(0));

    let html = text(&app, &format!("/?lang=en&{view}")).await;
    let recent_card = card(&html, &recent_id);
    assert!(recent_card.contains("New &lt;HR&gt; workplace"), "escaped: {recent_card}");
    assert!(recent_card.contains("Concerns the whole tenant"));
    let judgeable = domain::impact::judgeable_on(recent, 4);
    assert!(recent_card.contains("Too recent to judge") && recent_card.contains(&judgeable.format("%Y").to_string()));

    // The old note's card: the API's numbers, and its sentence.
    let impact: Value = app.get(&format!("/api/v1/annotations/{old_id}/impact")).await.json().await.unwrap();
    let old_card = card(&html, &old_id);
    let mean = |side: &str| i18n::grouped(impact["pv"][side]["daily_mean"].as_f64().unwrap().round() as u64);
    assert!(old_card.contains(&format!("<span class=\"before\">{}</span>", mean("before"))), "{old_card}");
    assert!(old_card.contains(&format!("<span class=\"after\">{}</span>", mean("after"))), "{old_card}");
    assert!(old_card.contains("Impact"), "{old_card}");
    let pv = impact["pv"]["relative_change"].as_f64().unwrap();
    assert!(old_card.contains(&format!("<span class=\"change\">{}</span>", i18n::signed_percent(pv))), "{old_card}");

    // On the trend chart (a line per noted day, the text in the day's label) and in its table.
    let trend = &html[html.find("data-testid=\"trend\"").unwrap()..];
    assert_eq!(trend[..trend.find("</svg>").unwrap()].matches("class=\"note\"").count(), 2);
    assert!(trend.contains(&format!("data-day=\"{recent}\"")));
    assert!(html.contains("Note: New &lt;HR&gt; workplace"));
    let table = &html[html.find("data-testid=\"trend-table\"").unwrap()..];
    assert!(table.contains("class=\"badge note-badge\">Note: Moved 请假 up"), "the table says it too");

    // In the SVG exports, of blocks and of workplaces, in each language.
    for (chart, lang, said) in [
        ("trend", "en", "Note: Moved 请假 up"),
        ("trend", "zh", "备注：Moved 请假 up"),
        ("workplace-trend", "en", "Note: New &lt;HR&gt; workplace"),
    ] {
        let svg = text(&app, &format!("/export/{chart}.svg?lang={lang}&{view}")).await;
        assert!(svg.contains("<g class=\"notes\"") && svg.contains(said), "{chart} {lang}");
    }
    // A range without them shows none.
    let before = text(&app, &format!("/export/trend.svg?from={}&to={}", app.days_ago(90), app.days_ago(60))).await;
    assert!(!before.contains("class=\"notes\""));

    // The workplaces tab lists and marks them too.
    let tab = text(&app, &format!("/?lang=zh&tab=workplaces&{view}")).await;
    assert!(card(&tab, &old_id).contains("涉及区块"), "the blocks it concerns");
    assert!(tab.contains("class=\"badge note-badge\">备注：New &lt;HR&gt; workplace"), "in the workplace trend's table");
}

#[tokio::test]
async fn the_pages_note_forms_add_edit_and_delete_a_note_and_say_what_came_of_it() {
    let app = spawn_app().await;
    let view = format!("/?from={}&to={}&lang=en", app.days_ago(20), app.days_ago(0));
    let post = |endpoint: &'static str, fields: Vec<(&'static str, String)>| {
        app.http
            .post(format!("{}/api/{endpoint}", app.base_url))
            .header("accept", "text/html")
            .header("referer", format!("{}{view}", app.base_url))
            .form(&fields)
            .send()
    };
    let day = app.days_ago(6).to_string();
    let block = app.sim.dataset().blocks()[1].id.clone();
    let added = post(
        "note_save",
        vec![
            ("date", day.clone()),
            ("text", "Moved 报销 down".into()),
            ("block_ids", format!("{block}， {block}")),
            ("form", "note-form".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(added.status(), 303);
    assert_eq!(added.headers()["location"], format!("{view}#notes").as_str(), "back to the view, at the notes");
    let listed: Value = app.get("/api/v1/annotations").await.json().await.unwrap();
    let saved = &listed["annotations"][0];
    assert_eq!((saved["date"].as_str(), saved["text"].as_str()), (Some(day.as_str()), Some("Moved 报销 down")));
    assert_eq!(saved["block_ids"], json!([block]), "ids separated by a full-width comma and a space, once");
    let id = saved["id"].as_str().unwrap().to_owned();
    let html = text(&app, &view).await;
    assert!(html.contains("Note saved."), "said once");

    // A refusal says what to fix, at the form, and saves nothing.
    let refused =
        post("note_save", vec![("date", "2026-02-30".into()), ("text", "x".into()), ("form", "note-form".into())]).await.unwrap();
    assert_eq!(refused.status(), 303);
    let html = text(&app, &view).await;
    let said = alert(&html);
    assert!(said.contains("2026-02-30") && said.contains("YYYY-MM-DD"), "the form says what to fix: {said}");

    // Edited through its id: a whole-tenant note now.
    let edited = post(
        "note_save",
        vec![("id", id.clone()), ("date", day.clone()), ("text", "Moved 报销 back".into()), ("form", format!("note-{id}"))],
    )
    .await
    .unwrap();
    assert_eq!(edited.status(), 303);
    let listed: Value = app.get("/api/v1/annotations").await.json().await.unwrap();
    assert_eq!(listed["annotations"].as_array().unwrap().len(), 1, "edited, not added");
    assert_eq!(
        (listed["annotations"][0]["text"].as_str(), &listed["annotations"][0]["block_ids"]),
        (Some("Moved 报销 back"), &json!([]))
    );

    let deleted = post("note_remove", vec![("id", id.clone()), ("form", "note-form".into())]).await.unwrap();
    assert_eq!(deleted.status(), 303);
    assert!(text(&app, &view).await.contains("Note deleted."));
    let listed: Value = app.get("/api/v1/annotations").await.json().await.unwrap();
    assert_eq!(listed["annotations"], json!([]));
    // Deleting it again says there is no such note.
    post("note_remove", vec![("id", id.clone()), ("form", "note-form".into())]).await.unwrap();
    let said = alert(&text(&app, &view).await);
    assert!(said.contains("there is no note") && said.contains(&id), "already deleted: {said}");
}

/// A block that first had views inside a note's window did not exist before: its first
/// days are unknown, not zero, so its start does not read as a rise; with no day before
/// the note at all, the answer says so.
#[tokio::test]
async fn a_block_new_inside_the_window_is_judged_from_its_first_day_not_from_zeros() {
    let config = feishu_sim::SimConfig::default();
    let ago = |n: u64| config.today - chrono::Days::new(n);
    let anomalies =
        vec![feishu_sim::Anomaly::New { block: 3, from: ago(60) }, feishu_sim::Anomaly::New { block: 4, from: ago(35) }];
    let app = block_insights_tests::spawn_app_with(feishu_sim::SimConfig { anomalies, ..config.clone() }, &[]).await;
    let blocks = app.sim.dataset().blocks();
    let (young, newborn) = (blocks[3].id.clone(), blocks[4].id.clone());
    let impact = |id: String| {
        let app = &app;
        async move {
            let response = app.get(&format!("/api/v1/annotations/{id}/impact")).await;
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    // Twenty days of the four weeks before exist: the change is judged on them.
    let id = note(&app, json!({ "date": ago(40).to_string(), "text": "Moved it", "block_ids": [young] })).await;
    let (status, judged) = impact(id).await;
    assert_eq!(status, 200, "{judged}");
    let change = judged["pv"]["relative_change"].as_f64().unwrap();
    assert!(change.abs() < 0.5, "no planted change, and no rise from the zeros before the block: {change}");
    let left_out: Vec<String> = judged["left_out"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect();
    let kept: Vec<chrono::NaiveDate> = (41..=60).map(ago).filter(|d| !left_out.contains(&d.to_string())).collect();
    let truth = app.sim.dataset().ground_truth(ago(60), ago(41), Some(&young));
    let sum: u64 = truth.iter().filter(|r| kept.contains(&r.date)).map(|r| r.pv).sum();
    let mean = sum as f64 / kept.len() as f64;
    let before = judged["pv"]["before"]["daily_mean"].as_f64().unwrap();
    assert!((before - mean).abs() < 1e-6, "the mean of its own days, not of the zeros too: {before} vs {mean}");
    // Not a day before the note: nothing to compare with, and the answer says so.
    let id = note(&app, json!({ "date": ago(40).to_string(), "text": "Added it", "block_ids": [newborn] })).await;
    let (status, refused) = impact(id).await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused["error"]["message"].as_str().unwrap().contains("no views before"), "{refused}");
}

/// The page's notes import: a pasted table (the export's, from another dashboard) is
/// saved whole and the page says how many; with a bad line, nothing is saved and the
/// page says which line and why.
#[tokio::test]
async fn notes_pasted_on_the_page_are_imported_whole_or_not_at_all() {
    let app = spawn_app().await;
    let view = format!("/?from={}&to={}&lang=en", app.days_ago(20), app.days_ago(0));
    let post = |table: String| {
        app.http
            .post(format!("{}/api/notes_import", app.base_url))
            .header("accept", "text/html")
            .header("referer", format!("{}{view}", app.base_url))
            .form(&[("table", table)])
            .send()
    };
    let (a, b) = (app.days_ago(3), app.days_ago(9));
    let table = format!("date,text,block_ids\n{a},Moved 请假 up,\n{b},\"New tiles, two\",\n");
    let saved = post(table.clone()).await.unwrap();
    assert_eq!((saved.status().as_u16(), saved.headers()["location"].to_str().unwrap()), (303, format!("{view}#notes").as_str()));
    assert!(text(&app, &view).await.contains("Imported: 2 added, 0 edited, 0 unchanged."));
    let listed: Value = app.get("/api/v1/annotations").await.json().await.unwrap();
    let texts: Vec<&str> = listed["annotations"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["New tiles, two", "Moved 请假 up"], "by day");
    // Again: nothing new.
    post(table).await.unwrap();
    assert!(text(&app, &view).await.contains("Imported: 0 added, 0 edited, 2 unchanged."));
    // A bad line: nothing saved, the line named.
    post(format!("date,text\n{a},Fine\n2026-02-30,Bad day\n")).await.unwrap();
    let said = alert(&text(&app, &view).await);
    assert!(said.starts_with("nothing was imported: line 3:") && said.contains("2026-02-30"), "{said}");
    let listed: Value = app.get("/api/v1/annotations").await.json().await.unwrap();
    assert_eq!(listed["annotations"].as_array().unwrap().len(), 2, "nothing of the refused table saved");
}

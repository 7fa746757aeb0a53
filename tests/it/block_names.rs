//! Block names in bulk over real HTTP: `PUT /api/v1/block-names` (CSV, TSV, JSON, dry
//! runs, refusals that list every bad line and save nothing), the JSON and CSV exports,
//! the token permission to change names, and the page's import, which reads and plans
//! by the same code.

use std::collections::BTreeMap;

use block_insights_tests::{TestApp, spawn_app, strip_comments};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The simulator's block ids first (so that names show in the numbers), then made-up
/// ones, `n` in all.
fn block_ids(app: &TestApp, n: usize) -> Vec<String> {
    let mut ids: Vec<String> = app.sim.dataset().blocks().iter().map(|b| b.id.clone()).collect();
    ids.extend((0..).map(|i| format!("9{:017}", i)).take(n.saturating_sub(ids.len())));
    ids.truncate(n);
    ids
}

/// `PUT /api/v1/block-names` with `body` as `content_type`, as the signed-in admin or
/// with `token`.
async fn put_names(app: &TestApp, query: &str, content_type: &str, body: String, token: Option<&str>) -> (StatusCode, Value) {
    app.put_import(&format!("/api/v1/block-names{query}"), content_type, body, token).await
}

/// The names the server holds, as `GET /api/v1/block-names` answers them: block id to
/// (name, workplace).
async fn names(app: &TestApp) -> BTreeMap<String, (String, Option<String>)> {
    let response = app.get("/api/v1/block-names").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let workplace = n["workplace"].as_str().map(str::to_owned);
            (n["block_id"].as_str().unwrap().to_owned(), (n["name"].as_str().unwrap().to_owned(), workplace))
        })
        .collect()
}

async fn names_csv(app: &TestApp) -> String {
    let response = app.get("/api/v1/block-names.csv").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte order mark for Excel");
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn refused_lines(body: &Value) -> Vec<(u64, String, String)> {
    let refused = body["refused"].as_array().unwrap_or_else(|| panic!("no refused lines in {body}"));
    refused
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["text"].as_str().unwrap().to_owned(), r["reason"].as_str().unwrap().to_owned()))
        .collect()
}

#[tokio::test]
async fn an_import_of_500_lines_with_bad_ones_answers_422_lists_every_bad_line_and_saves_nothing() {
    let app = spawn_app().await;
    let ids = block_ids(&app, 500);
    let long = "长".repeat(81);
    // Line 1 is the header; each 10th name line is bad, in four ways in turn.
    let mut body = String::from("block_id,name,workplace\n");
    let mut bad = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let line = i as u64 + 2;
        let (text, hint) = match (i % 10 == 9).then_some(i / 10 % 4) {
            None => (format!("{id},区块 {i},工作台 {}", i % 4), None),
            Some(0) => (format!("{id}x,区块 {i},"), Some("is not a block id: block ids are 1 to 32 digits")),
            Some(1) => (format!("{id},,办公"), Some("the name is empty")),
            Some(2) => (format!("{id},{long},"), Some("shorten it to at most 80")),
            Some(_) => (format!("{},另一个名字,", ids[i - 1]), Some("keep one of the two lines")),
        };
        if let Some(hint) = hint {
            bad.push((line, text.clone(), hint));
        }
        body.push_str(&text);
        body.push('\n');
    }
    let (status, answer) = put_names(&app, "", "text/csv", body, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["saved"], false);
    assert_eq!(answer["error"]["kind"], "refused_lines");
    assert!(answer["error"]["message"].as_str().unwrap().contains("nothing was saved"), "{answer}");

    // Every bad line, with its number, its text and what to fix; a line naming a block
    // already named on the line before refuses that line too.
    let refused = refused_lines(&answer);
    let mut expected: Vec<(u64, String)> = bad.iter().map(|(line, text, _)| (*line, text.clone())).collect();
    for (line, _, hint) in &bad {
        if hint.starts_with("keep one") {
            expected.push((line - 1, format!("{},区块 {},工作台 {}", ids[(line - 3) as usize], line - 3, (line - 3) % 4)));
        }
    }
    expected.sort();
    assert_eq!(refused.iter().map(|(l, t, _)| (*l, t.clone())).collect::<Vec<_>>(), expected);
    for (line, _, hint) in &bad {
        let reason = &refused.iter().find(|(l, _, _)| l == line).unwrap().2;
        assert!(reason.contains(hint), "line {line}: {reason:?} should say {hint:?}");
    }
    assert_eq!(answer["counts"]["refused"], expected.len());
    assert_eq!(answer["counts"]["added"], 500 - expected.len());

    assert!(names(&app).await.is_empty(), "nothing was saved");
    assert_eq!(names_csv(&app).await, "\u{feff}block_id,name,workplace\n");
    let html = app.get("/?lang=en").await.text().await.unwrap();
    assert!(!html.contains("区块 0"), "no imported name is on the page");
}

#[tokio::test]
async fn a_good_import_shows_every_name_in_the_api_the_csv_and_the_page() {
    let app = spawn_app().await;
    let ids = block_ids(&app, 500);
    // A spreadsheet copy: tab-separated, Chinese header, a blank line.
    let mut body = String::from("区块ID\t名称\t工作台\n\n");
    for (i, id) in ids.iter().enumerate() {
        let workplace = if i % 3 == 0 { String::new() } else { format!("工作台 {}", i % 3) };
        body.push_str(&format!("{id}\t区块 {i} 号\t{workplace}\n"));
    }
    let (status, answer) = put_names(&app, "", "text/plain; charset=utf-8", body, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!((answer["saved"].clone(), answer["dry_run"].clone()), (json!(true), json!(false)));
    assert_eq!(answer["counts"], json!({ "added": 500, "renamed": 0, "moved": 0, "unchanged": 0, "refused": 0 }));

    let held = names(&app).await;
    assert_eq!(held.len(), 500);
    for (i, id) in ids.iter().enumerate() {
        let workplace = (i % 3 != 0).then(|| format!("工作台 {}", i % 3));
        assert_eq!(held[id], (format!("区块 {i} 号"), workplace), "{id}");
    }
    let csv = names_csv(&app).await;
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("block_id,name,workplace"));
    let mut sorted: Vec<(usize, &String)> = ids.iter().enumerate().collect();
    sorted.sort_by_key(|(_, id)| id.as_str());
    for ((i, id), line) in sorted.iter().zip(lines) {
        let workplace = if i % 3 == 0 { String::new() } else { format!("工作台 {}", i % 3) };
        assert_eq!(line, format!("{id},区块 {i} 号,{workplace}"));
    }

    // The page names the blocks of the table's page (it carries one page, whatever the
    // tenant's size), and the filter's search finds every name, of a block seen in the
    // data or not.
    let html = app.get("/?lang=en").await.text().await.unwrap();
    let table = &html[html.find("data-testid=\"blocks-table\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let shown: Vec<&str> =
        table.split("<tr ").skip(1).filter_map(|r| r.split("data-block=\"").nth(1)).map(|s| &s[..s.find('"').unwrap()]).collect();
    assert!(shown.len() >= 40, "a page of the table: {}", shown.len());
    for id in shown {
        let i = ids.iter().position(|x| x == id).unwrap();
        assert!(html.contains(&format!("区块 {i} 号")), "the page shows the name of block {id}");
    }
    for i in [0, 59, 60, 250, 499] {
        let name = format!("区块 {i} 号");
        let find: String =
            name.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
        let html = app.get(&format!("/?lang=en&find={find}")).await.text().await.unwrap();
        let options = &html[html.find("class=\"block-options\"").unwrap()..];
        let options = &options[..options.find("</ul>").unwrap()];
        assert!(options.contains(&format!("value=\"{}\"", ids[i])) && options.contains(&name), "the filter finds {name}");
    }
    let (from, to) = (app.days_ago(3), app.days_ago(2));
    let rows: Value =
        app.get(&format!("/api/v1/block-access?from_date={from}&to_date={to}&block_id={}", ids[0])).await.json().await.unwrap();
    assert_eq!(rows["items"][0]["block_name"], "区块 0 号", "the numbers carry the name");

    // Importing again: one renamed, one moved, the rest unchanged, nothing added.
    let again: String = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i {
            0 => format!("{id},审批中心,\n"),
            1 => format!("{id},区块 1 号,办公\n"),
            _ => format!("{id},区块 {i} 号,{}\n", if i % 3 == 0 { String::new() } else { format!("工作台 {}", i % 3) }),
        })
        .collect();
    let (status, answer) = put_names(&app, "", "text/csv", again, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["counts"], json!({ "added": 0, "renamed": 1, "moved": 1, "unchanged": 498, "refused": 0 }));
    assert_eq!(answer["renamed"][0]["before"]["name"], "区块 0 号");
    assert_eq!(answer["renamed"][0]["after"]["name"], "审批中心");
    assert_eq!(answer["moved"][0]["after"]["workplace"], "办公");
    assert_eq!(names(&app).await[&ids[1]], ("区块 1 号".to_owned(), Some("办公".to_owned())));
    assert!(app.get("/?lang=en").await.text().await.unwrap().contains("审批中心"));
}

/// All or nothing in the store itself: the store writes an import 500 names to a
/// statement, in block id order, in one transaction. A trigger installed on the test
/// server's database refuses the import's last block, so the second statement fails
/// after the first (renames of saved names among it) went through: the import is
/// refused with a message that says so, and every name is as before.
#[tokio::test]
async fn an_import_whose_second_write_fails_in_the_store_is_refused_and_saves_nothing() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let mut ids = block_ids(&app, 600);
    ids.sort();
    let csv = |names: &[String], label: &str| {
        let lines: Vec<String> = names.iter().enumerate().map(|(i, id)| format!("{id},{label} {i},工作台")).collect();
        format!("block_id,name,workplace\n{}\n", lines.join("\n"))
    };
    // Ten names saved before, the first ten blocks: the import's first statement renames them.
    let (status, answer) = put_names(&app, "", "text/csv", csv(&ids[..10], "旧名"), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let before = names(&app).await;
    assert_eq!(before.len(), 10);
    let before_csv = names_csv(&app).await;

    let path = app.state.service.store().path().expect("the test server's store is a SQLite file").to_owned();
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.expect("the database opens");
    let last = ids.last().unwrap();
    let trigger = format!(
        "CREATE TRIGGER second_write_fails BEFORE INSERT ON block_labels WHEN NEW.block_id = '{last}' \
         BEGIN SELECT RAISE(ABORT, 'the test refuses this write'); END"
    );
    sqlx::query(&trigger).execute(&mut db).await.expect("the trigger is installed");

    let (status, answer) = put_names(&app, "", "text/csv", csv(&ids, "新名"), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{answer}");
    assert_eq!(answer["saved"], false, "{answer}");
    assert_eq!(answer["error"]["kind"], "not_saved", "{answer}");
    let message = answer["error"]["message"].as_str().unwrap_or_else(|| panic!("a message in {answer}"));
    assert!(message.contains("database failed") && message.contains("none of it was saved"), "{message}");
    assert_eq!(names(&app).await, before, "no name of the import was saved, no saved one changed");
    assert_eq!(names_csv(&app).await, before_csv);
    let html = app.get("/?lang=en").await.text().await.unwrap();
    assert!(!html.contains("新名"), "no imported name is on the page");

    // The trigger was what failed it: without it, the same import saves all 600.
    sqlx::query("DROP TRIGGER second_write_fails").execute(&mut db).await.expect("the trigger is dropped");
    let (status, answer) = put_names(&app, "", "text/csv", csv(&ids, "新名"), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let after = names(&app).await;
    assert_eq!(after.len(), 600);
    assert_eq!(after[&ids[0]].0, "新名 0");
}

#[tokio::test]
async fn names_exported_and_imported_into_a_new_empty_server_are_the_same() {
    let first = spawn_app().await;
    let ids = block_ids(&first, 40);
    let tricky = ["周报, 销售", "Say \"hi\"", "  padded  ", "审批 · 中心", "a;b", "=SUM(A1)"];
    let body: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let name = format!("{} {i}", tricky[i % tricky.len()]);
            let workplace = (i % 2 == 0).then(|| format!("营销, {}", i % 5));
            json!({ "block_id": id, "name": name, "workplace": workplace })
        })
        .collect();
    let (status, answer) = put_names(&first, "", "application/json", Value::Array(body).to_string(), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let exported = names(&first).await;
    assert_eq!(exported.len(), 40);
    assert_eq!(exported[&ids[2]].0, "padded   2", "names are trimmed once, when saved");

    // The CSV export into one new server, the JSON export into another.
    let csv = names_csv(&first).await;
    let by_csv = spawn_app().await;
    assert!(names(&by_csv).await.is_empty());
    let (status, answer) = put_names(&by_csv, "", "text/csv", csv.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(names(&by_csv).await, exported);
    assert_eq!(names_csv(&by_csv).await, csv);

    let json_export = first.get("/api/v1/block-names").await.text().await.unwrap();
    let by_json = spawn_app().await;
    let (status, answer) = put_names(&by_json, "", "application/json", json_export, None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(names(&by_json).await, exported);
}

#[tokio::test]
async fn a_read_only_token_gets_403_on_put_and_a_token_allowed_to_change_names_succeeds() {
    let app = spawn_app().await;
    let id = block_ids(&app, 1).remove(0);
    let body = format!("{id},审批中心,办公\n");

    let reader = app.new_token("report", false).await;
    let (status, answer) = put_names(&app, "", "text/csv", body.clone(), Some(&reader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(answer["error"]["kind"], "forbidden");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("may read block names but not change them"), "{message}");
    assert!(message.contains("\"may also change block names\" ticked (the dashboard's API tokens page, /tokens)"), "{message}");
    let (status, _) = put_names(&app, "?dry_run=1", "text/csv", body.clone(), Some(&reader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a dry run is a PUT too");
    assert!(names(&app).await.is_empty());
    // Reading needs no more than any token.
    let read = app.anonymous.get(format!("{}/api/v1/block-names.csv", app.base_url)).bearer_auth(&reader).send().await.unwrap();
    assert_eq!(read.status(), 200);

    let writer = app.new_token("names sync", true).await;
    let (status, answer) = put_names(&app, "", "text/csv", body, Some(&writer)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(names(&app).await[&id], ("审批中心".to_owned(), Some("办公".to_owned())));

    let list = app.state.service.store().list_api_tokens().await.unwrap();
    let writes = |name: &str| list.iter().find(|t| t.name == name).unwrap().permissions.can_write_names;
    assert_eq!((writes("report"), writes("names sync")), (false, true));
    // Without a token or a session, nothing at all.
    let anonymous = app.browser().put(format!("{}/api/v1/block-names", app.base_url)).body("1,x").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn a_dry_run_answers_the_plan_and_saves_nothing() {
    let app = spawn_app().await;
    let ids = block_ids(&app, 3);
    let body = format!("{},A\n{},B,East\n{},C\n", ids[0], ids[1], ids[2]);
    let (status, answer) = put_names(&app, "?dry_run=1", "text/csv", body.clone(), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!((answer["saved"].clone(), answer["dry_run"].clone()), (json!(false), json!(true)));
    assert_eq!(answer["counts"]["added"], 3);
    assert_eq!(answer["added"][1], json!({ "block_id": ids[1], "name": "B", "workplace": "East" }));
    assert!(names(&app).await.is_empty(), "a dry run saves nothing");

    let (status, answer) = put_names(&app, "?dry_run=1", "text/csv", format!("{body}x,D\n"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a dry run refuses what the import would");
    assert_eq!(refused_lines(&answer)[0].0, 4);
    assert_eq!(put_names(&app, "", "text/csv", body, None).await.0, StatusCode::OK);
    assert_eq!(names(&app).await.len(), 3);
}

#[tokio::test]
async fn bodies_the_import_cannot_take_are_refused_with_what_to_send() {
    let app = spawn_app().await;
    let (status, answer) = put_names(&app, "", "application/x-www-form-urlencoded", "a=b".into(), None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("text/csv or text/plain") && message.contains("application/json"), "{message}");
    let (status, answer) = put_names(&app, "", "text/csv", String::new(), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["message"].as_str().unwrap().contains("nothing to import"), "{answer}");
    let (status, answer) = put_names(&app, "", "application/json", "{\"block_id\": 1".into(), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["message"].as_str().unwrap().contains("not a JSON list of names"), "{answer}");
    let too_many: String = (0..10_001).map(|i| format!("{},n\n", 1_000_000 + i)).collect();
    let (status, answer) = put_names(&app, "", "text/csv", too_many, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["message"].as_str().unwrap().contains("more than the 10000"), "{answer}");
    let (status, answer) = put_names(&app, "?dryrun=1", "text/csv", "1,x".into(), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["error"]["message"].as_str().unwrap().contains("dry_run"), "{answer}");
    let response = app
        .http
        .put(format!("{}/api/v1/block-names", app.base_url))
        .header("content-type", "text/csv")
        .body(vec![b'1', b',', 0xC4, 0xE3])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "GBK bytes are not UTF-8");
    assert!(names(&app).await.is_empty());
}

/// The quoted value that follows the first `marker` (`name="`) in `html`.
fn value_after(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} in {}", &html[..300.min(html.len())])) + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// The data attribute `name` of the page import's plan (`<div data-testid="import-plan" …>`).
fn plan_attribute(html: &str, name: &str) -> String {
    value_after(opening_tag(html, "import-plan"), &format!("{name}=\""))
}

#[tokio::test]
async fn the_pages_import_plans_and_saves_by_the_same_rules_and_takes_10000_lines() {
    let app = spawn_app().await;
    let html = app.get("/?lang=en").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"names-import\"") && html.contains("href=\"/api/v1/block-names.csv\""));
    assert!(html.contains("action=\"/api/names-import?lang=en\""), "the form names its route, in the page's language");

    // The page's import route answers the plan as HTML in the page's language.
    let call = |text: String, save: bool, lang: &'static str| {
        app.http
            .post(format!("{}/api/names-import?lang={lang}&save={}", app.base_url, u8::from(save)))
            .header("content-type", "text/plain; charset=utf-8")
            .body(text)
            .send()
    };
    // 10,000 names with long Chinese text: far past the usual 64 KiB limit of a body.
    let lines =
        |n: usize| (0..n).map(|i| format!("{},{},{}\n", 1_000_000 + i, "名".repeat(30), "工作台".repeat(5))).collect::<String>();
    let text = lines(10_000);
    assert!(text.len() > 1024 * 1024);
    let response = call(text.clone(), false, "en").await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let preview = response.text().await.unwrap();
    assert_eq!(
        (plan_attribute(&preview, "data-saved"), plan_attribute(&preview, "data-applicable")),
        ("false".into(), "true".into())
    );
    assert!(preview.contains("10000 added · 0 renamed · 0 moved · 0 unchanged · 0 refused"), "{}", &preview[..300]);
    let rows = &preview[preview.find("<tbody>").expect("a table of the blocks to add")..];
    assert_eq!(rows.matches("<tr>").count(), 10_000, "every block to add is listed");
    assert!(names(&app).await.is_empty(), "a preview saves nothing");

    let bad = format!("{}12ab,x\n", lines(9_999));
    let answer = call(bad, true, "en").await.unwrap().text().await.unwrap();
    assert_eq!(
        (plan_attribute(&answer, "data-saved"), plan_attribute(&answer, "data-applicable")),
        ("false".into(), "false".into()),
        "a refused line keeps everything from being saved"
    );
    let refused = strip_comments(&answer[answer.find("data-testid=\"import-refused\"").expect("the refused lines")..]);
    assert!(refused.contains("<td class=\"num\">10000</td>"), "the refused line's number");
    let reason = domain::Refusal::NotABlockId { text: "12ab".into() }.to_string();
    assert!(refused.contains(&reason), "what to fix: {reason}");
    assert!(names(&app).await.is_empty());
    // In Chinese, the same plan in Chinese words.
    let zh = call("12ab,x\n".into(), false, "zh").await.unwrap().text().await.unwrap();
    assert!(zh.contains("不是区块ID"), "{zh}");
    // Nothing to plan at all is refused as a whole, saying so.
    let empty = call(String::new(), false, "en").await.unwrap();
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("role=\"alert\""));

    let saved = call(text, true, "en").await.unwrap();
    let flash = saved
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("bi_flash="))
        .map(str::to_owned);
    assert!(flash.is_some_and(|c| c.contains("HttpOnly")), "the dashboard loaded next says what was saved");
    let answer = saved.text().await.unwrap();
    assert_eq!(plan_attribute(&answer, "data-saved"), "true");
    assert_eq!(names(&app).await.len(), 10_000);
}

/// The opening tag of the element carrying `data-testid="<id>"`.
fn opening_tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("data-testid=\"{id}\"")).unwrap_or_else(|| panic!("{id} is on the page"));
    let start = html[..at].rfind('<').unwrap();
    &html[start..at + html[at..].find('>').unwrap()]
}

/// What the page says right after the form `id` (the element following it), comments
/// left out; empty when nothing follows.
fn said_after_form(html: &str, id: &str) -> String {
    let form = &html[html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("the form {id}"))..];
    let after = strip_comments(&form[form.find("</form>").unwrap() + 7..]);
    if !after.starts_with("<p") {
        return String::new();
    }
    after[..after.find("</p>").unwrap()].to_owned()
}

/// The dashboard's name forms are plain form posts (no WASM): the browser comes back to
/// the very view it was on, at the form, which says once what came of it.
#[tokio::test]
async fn a_name_form_post_comes_back_to_the_view_at_the_form_and_says_what_came_of_it() {
    let app = spawn_app().await;
    let block = app.sim.dataset().blocks()[0].id.clone();
    let form = format!("name-form-{block}");
    let view = format!("/?from={}&to={}&lang=en", app.days_ago(9), app.days_ago(3));
    let post = |name: String, referer: String| {
        app.http
            .post(format!("{}/api/block_name", app.base_url))
            .header("accept", "text/html,application/xhtml+xml")
            .header("referer", referer)
            .form(&[("block_id", block.as_str()), ("name", name.as_str()), ("workplace", "Office"), ("form", form.as_str())])
            .send()
    };
    let page = |location: String| {
        let url = format!("{}{}", app.base_url, location.split('#').next().unwrap());
        let client = app.http.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let location = |r: &reqwest::Response| r.headers()["location"].to_str().unwrap().to_owned();

    let posted = post("审批中心".into(), format!("{}{view}#trend", app.base_url)).await.unwrap();
    assert_eq!(posted.status(), 303, "post/redirect/get");
    assert_eq!(location(&posted), format!("{view}#{form}"), "back to the same view, at the form");
    assert_eq!(names(&app).await[&block], ("审批中心".to_owned(), Some("Office".to_owned())));
    let html = page(location(&posted)).await;
    assert!(
        opening_tag(&html, "block-names").contains(" open"),
        "the names section is open: {}",
        opening_tag(&html, "block-names")
    );
    let said = said_after_form(&html, &form);
    assert!(said.contains("role=\"status\"") && said.ends_with(">Saved"), "{said}");
    assert!(html.contains(">审批中心<"), "the name is on the page");
    let again = page(location(&posted)).await;
    assert!(!opening_tag(&again, "block-names").contains(" open"), "closed again on a reload");
    assert!(!said_after_form(&again, &form).contains("Saved"), "said once");

    // A refusal comes back to the form with what to fix; nothing is renamed.
    let refused = post("x".repeat(81), format!("{}{view}", app.base_url)).await.unwrap();
    assert_eq!(refused.status(), 303);
    let html = page(location(&refused)).await;
    let alert = said_after_form(&html, &form);
    assert!(alert.contains("role=\"alert\"") && alert.contains("shorten it to at most 80"), "{alert}");
    assert_eq!(names(&app).await[&block].0, "审批中心");

    // Behind a reverse proxy the Referer names the public host, not this one: the view
    // is kept all the same, as a path on this site.
    let proxied = post("审批".into(), format!("https://insights.example.com{view}")).await.unwrap();
    assert_eq!(location(&proxied), format!("{view}#{form}"));
    // Never sent elsewhere: a path a browser would read as another host comes back to
    // the dashboard.
    for referer in
        [format!("{}//evil.example/x", app.base_url), format!("{}/\\evil.example/x", app.base_url), "nonsense".to_owned()]
    {
        let elsewhere = post("审批".into(), referer.clone()).await.unwrap();
        assert_eq!(location(&elsewhere), format!("/#{form}"), "{referer}");
    }
}

/// A `multipart/form-data` body of `fields` (name, file name for a file, value), as a
/// browser sends a form with a file input: its content type and the body.
fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----bi-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, value) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").bytes());
        if let Some(file) = file {
            body.extend(format!("; filename=\"{file}\"\r\nContent-Type: text/csv").bytes());
        }
        body.extend(b"\r\n\r\n");
        body.extend(*value);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The value of the hidden field `name` of a page's form.
fn hidden_value(html: &str, name: &str) -> String {
    value_after(html, &format!("name=\"{name}\" value=\""))
}

/// The import form without script: its post previews on a page of its own (the plan, the
/// table to edit, Apply), Apply saves exactly the table previewed and goes back to the
/// dashboard, which says what was saved.
#[tokio::test]
async fn the_import_form_without_script_previews_on_its_own_page_and_applies_the_table_previewed() {
    let app = spawn_app().await;
    let html = app.get("/?lang=en").await.text().await.unwrap();
    let form = opening_tag(&html, "names-import");
    assert!(form.contains("id=\"names-import\""), "{form}");
    assert!(html.contains("action=\"/api/names-import?lang=en\"") && html.contains("enctype=\"multipart/form-data\""));
    let post = |fields: &[(&str, Option<&str>, &[u8])]| {
        let (content_type, body) = multipart(fields);
        app.http
            .post(format!("{}/api/names-import?lang=en", app.base_url))
            .header("accept", "text/html")
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let ids = block_ids(&app, 3);
    let table: String = ids.iter().enumerate().map(|(i, id)| format!("{id},审批 {i},Office\n")).collect();

    // Preview, from a chosen file.
    let preview =
        post(&[("text", None, b""), ("file", Some("names.csv"), table.as_bytes()), ("save", None, b"0")]).await.unwrap();
    assert_eq!(preview.status(), 200);
    assert!(preview.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"), "no script");
    let page = preview.text().await.unwrap();
    assert_eq!(plan_attribute(&page, "data-applicable"), "true");
    assert!(page.contains(&format!("\n{table}</textarea>")), "the table, to edit or apply");
    assert!(page.contains("data-testid=\"import-apply\""));
    let planned = hidden_value(&page, "planned");
    assert!(names(&app).await.is_empty(), "a preview saves nothing");

    // Apply with a table changed since: previewed again, saying so, and nothing saved.
    let edited = format!("{table}9{:017},extra\n", 1);
    let again =
        post(&[("text", None, edited.as_bytes()), ("planned", None, planned.as_bytes()), ("save", None, b"1")]).await.unwrap();
    assert_eq!(again.status(), 200);
    let again = again.text().await.unwrap();
    assert!(again.contains("The text changed since the preview"), "{}", &again[..400.min(again.len())]);
    assert!(names(&app).await.is_empty());
    assert_ne!(hidden_value(&again, "planned"), planned, "the new preview is of the new table");

    // Apply the table previewed, as the browser sends the box (CRLF line ends).
    let crlf = table.replace('\n', "\r\n");
    let applied =
        post(&[("text", None, crlf.as_bytes()), ("planned", None, planned.as_bytes()), ("save", None, b"1")]).await.unwrap();
    assert_eq!(applied.status(), 303, "post/redirect/get");
    assert_eq!(applied.headers()["location"], "/?lang=en#names-import");
    assert_eq!(names(&app).await.len(), 3);
    assert_eq!(names(&app).await[&ids[0]], ("审批 0".to_owned(), Some("Office".to_owned())));
    let back = app.get("/?lang=en").await.text().await.unwrap();
    assert!(opening_tag(&back, "block-names").contains(" open"));
    assert_eq!(block_insights_tests::testid_text(&back, "import-saved").as_deref(), Some("Saved the names of 3 block(s)."));

    // A refused line: the plan says what to fix, and there is no Apply.
    let refused = post(&[("text", None, b"12ab,x\n"), ("save", None, b"0")]).await.unwrap().text().await.unwrap();
    assert_eq!(plan_attribute(&refused, "data-applicable"), "false");
    assert!(!refused.contains("data-testid=\"import-apply\"") && refused.contains("12ab"));
    // A file that is not UTF-8 is refused, saying how to save it.
    let gbk =
        post(&[("text", None, b""), ("file", Some("names.csv"), &[b'1', b',', 0xC4, 0xE3]), ("save", None, b"0")]).await.unwrap();
    assert_eq!(gbk.status(), 400);
    assert!(gbk.text().await.unwrap().contains("CSV UTF-8"));
}

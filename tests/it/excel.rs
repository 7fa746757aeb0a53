//! The `.xlsx` exports read back (with calamine) equal the CSV of the same query: the
//! same columns and rows, dates as dates, numbers as numbers, the header frozen.

use std::io::Cursor;

use block_insights_tests::{TestApp, spawn_app};
use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};

/// The CSV of `path` (without its BOM) as rows of fields.
async fn csv_rows(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let bytes = response.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    text.lines().map(|line| line.split(',').map(str::to_owned).collect()).collect()
}

/// The only sheet of the workbook at `path`, each cell as the CSV writes it; checks
/// that dates are dates and counts are numbers.
async fn xlsx_rows(app: &TestApp, path: &str, sheet: &str) -> Vec<Vec<String>> {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook");
    assert_eq!(workbook.sheet_names(), [sheet], "one sheet per table");
    let range = workbook.worksheet_range(sheet).expect("the sheet");
    range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(col, cell)| match cell {
                    Data::String(text) => text.clone(),
                    Data::Float(n) => {
                        assert!(i > 0 && n.fract() == 0.0, "row {i} col {col}: a count is a whole number");
                        format!("{n}")
                    }
                    Data::DateTime(_) => {
                        assert_eq!(col, 0, "the date column holds dates");
                        cell.as_date().expect("a date").to_string()
                    }
                    Data::Empty => String::new(),
                    other => panic!("row {i} col {col}: unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn every_workbook_reads_back_equal_to_its_csv() {
    let app = spawn_app().await;
    let (from, to) = (app.days_ago(40), app.days_ago(2));
    let one = &app.sim.dataset().workplaces()[0].id;
    for (path, sheet) in [
        ("/api/v1/block-access", "block access"),
        ("/api/v1/workplace-access", "workplace access"),
        ("/api/v1/custom-workplace-access", "custom workplace access"),
    ] {
        let query = format!("?from_date={from}&to_date={to}");
        let csv = csv_rows(&app, &format!("{path}.csv{query}")).await;
        let xlsx = xlsx_rows(&app, &format!("{path}.xlsx{query}"), sheet).await;
        assert!(csv.len() > 30, "{path}: {} rows", csv.len());
        assert_eq!(xlsx, csv, "{path}");
    }
    let query = format!("?from_date={from}&to_date={to}&custom_workplace_id={one}");
    let csv = csv_rows(&app, &format!("/api/v1/custom-workplace-access.csv{query}")).await;
    let xlsx = xlsx_rows(&app, &format!("/api/v1/custom-workplace-access.xlsx{query}"), "custom workplace access").await;
    assert_eq!(xlsx, csv);
}

#[tokio::test]
async fn the_names_workbook_reads_back_equal_to_the_names_csv() {
    let app = spawn_app().await;
    let blocks = app.sim.dataset().blocks();
    app.name_block(&blocks[0].id, "审批中心", "销售工作台").await;
    app.name_block(&blocks[1].id, "Calendar", "").await;
    let csv = csv_rows(&app, "/api/v1/block-names.csv").await;
    assert_eq!(csv.len(), 3, "a header and two names");
    let xlsx = xlsx_rows(&app, "/api/v1/block-names.xlsx", "block names").await;
    assert_eq!(xlsx, csv);
    // An 18-digit id stays text: as a number Excel would round it.
    assert!(xlsx[1..].iter().any(|row| row[0] == blocks[0].id));
}

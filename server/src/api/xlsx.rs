//! Excel workbooks (`.xlsx`) of the API's tables, written with rust_xlsxwriter: dates
//! as dates, numbers as numbers, names in columns of their own, one sheet per table,
//! the header row frozen. The same columns as the CSV of the same call, so that one
//! reads back equal to the other.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use use_cases::error::AppError;

/// One cell of a table.
pub(crate) enum Cell<'a> {
    Date(NaiveDate),
    Text(std::borrow::Cow<'a, str>),
    Number(u64),
    /// Nothing, as CSV's empty field.
    Empty,
}

/// One table: a sheet of the workbook.
pub(crate) struct Sheet<'a, R> {
    /// The sheet's name (at most 31 characters, no `[]:*?/\`).
    pub name: &'a str,
    pub columns: &'a [&'a str],
    pub rows: R,
}

/// A workbook of `sheets`, as an answer offered as a download named `file_name`.
pub(crate) fn download<'a, R, C>(file_name: &str, sheets: Vec<Sheet<'a, R>>) -> Result<Response, AppError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = Cell<'a>>,
{
    let body =
        workbook(sheets).map_err(|e| AppError::Internal { message: format!("could not write the Excel workbook: {e}") })?;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

fn workbook<'a, R, C>(sheets: Vec<Sheet<'a, R>>) -> Result<Vec<u8>, XlsxError>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = Cell<'a>>,
{
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name)?;
        for (col, title) in (0u16..).zip(sheet.columns) {
            worksheet.write_string_with_format(0, col, *title, &bold)?;
            worksheet.set_column_width(col, if col == 0 { 12 } else { 20 })?;
        }
        worksheet.set_freeze_panes(1, 0)?;
        for (row, cells) in (1u32..).zip(sheet.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Date(day) => {
                        let day = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)?;
                        worksheet.write_datetime_with_format(row, col, &day, &date)?;
                    }
                    Cell::Text(text) => {
                        worksheet.write_string(row, col, text.as_ref())?;
                    }
                    // Exact up to 2^53, past any count of visits.
                    Cell::Number(n) => {
                        worksheet.write_number(row, col, n as f64)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
    }
    workbook.save_to_buffer()
}

//! Excel workbooks: a sheet per report, in the CSV output's columns, with real numbers and number
//! formats (thousands separators, pounds to the penny, percentages), dates as Excel dates,
//! suppressed cells as the text `*`, a frozen header row with filters and fitted column widths;
//! a `metadata` sheet; and, for the monthly pack, native line charts of the SPC series.
//! Built in memory and handed over whole, so a file is written complete or not at all.

use anyhow::{anyhow, Result};
use chrono::Datelike;
use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};
use serde_json::Value;

use crate::schema::{Cell, Kind, Report, SCHEMA_VERSION};

fn xlsx_error(e: XlsxError) -> anyhow::Error {
    anyhow!("writing the workbook: {e}")
}

/// The number format of a kind of field.
fn number_format(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Count | Kind::Reference => Some("#,##0"),
        Kind::Money => Some("£#,##0.00"),
        Kind::Ratio => Some("0.0%"),
        Kind::Rate | Kind::Number | Kind::Measure => Some("#,##0.0"),
        Kind::Date => Some("yyyy-mm-dd"),
        Kind::Text | Kind::Flag => None,
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect()
}

/// Writes a report's rows on a new sheet: the header of the CSV output, then a row per row.
pub fn add_report_sheet(workbook: &mut Workbook, name: &str, report: &Report) -> Result<()> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(name)).map_err(xlsx_error)?;
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let formats: Vec<Option<Format>> = report
        .fields
        .iter()
        .map(|f| number_format(f.kind).map(|n| Format::new().set_num_format(n)))
        .collect();
    for (c, field) in report.fields.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, &field.name, &header)
            .map_err(xlsx_error)?;
    }
    for (r, row) in report.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (cell, field)) in row.iter().zip(&report.fields).enumerate() {
            write_cell(sheet, r, c as u16, cell, field.kind, formats[c].as_ref())?;
        }
    }
    finish_sheet(sheet, report.rows.len() as u32, report.fields.len() as u16)
}

/// Frozen header, filters and fitted widths.
fn finish_sheet(sheet: &mut Worksheet, rows: u32, columns: u16) -> Result<()> {
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    if columns > 0 {
        sheet
            .autofilter(0, 0, rows, columns - 1)
            .map_err(xlsx_error)?;
    }
    sheet.autofit();
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    kind: Kind,
    format: Option<&Format>,
) -> Result<()> {
    let number = |sheet: &mut Worksheet, v: f64| match format {
        Some(f) => sheet.write_number_with_format(r, c, v, f).map(|_| ()),
        None => sheet.write_number(r, c, v).map(|_| ()),
    };
    match cell {
        Cell::Null => Ok(()),
        Cell::Suppressed => sheet.write_string(r, c, "*").map(|_| ()),
        Cell::Bool(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
        Cell::Int(v) => number(sheet, *v as f64),
        Cell::Float(v) => number(sheet, *v),
        Cell::Text(text) if kind == Kind::Date => {
            match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => {
                    let excel = ExcelDateTime::from_ymd(
                        date.year() as u16,
                        date.month() as u8,
                        date.day() as u8,
                    )?;
                    let format = format.cloned().unwrap_or_default();
                    sheet
                        .write_datetime_with_format(r, c, &excel, &format)
                        .map(|_| ())
                }
                Err(_) => sheet.write_string(r, c, text).map(|_| ()),
            }
        }
        Cell::Text(text) => sheet.write_string(r, c, text).map(|_| ()),
    }
    .map_err(xlsx_error)
}

/// The `metadata` sheet: what the JSON output carries beside its rows, a line per entry, and
/// the notes.
pub fn add_metadata_sheet(
    workbook: &mut Workbook,
    command: &str,
    meta: &serde_json::Map<String, Value>,
    notes: &[String],
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    sheet.set_name("metadata").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let mut r = 0;
    let mut line = |sheet: &mut Worksheet, key: &str, value: &str| -> Result<()> {
        sheet
            .write_string_with_format(r, 0, key, &bold)
            .map_err(xlsx_error)?;
        sheet.write_string(r, 1, value).map_err(xlsx_error)?;
        r += 1;
        Ok(())
    };
    line(sheet, "schema_version", &SCHEMA_VERSION.to_string())?;
    line(sheet, "oapstat_version", env!("CARGO_PKG_VERSION"))?;
    line(sheet, "command", command)?;
    for (key, value) in meta {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        line(sheet, key, &text)?;
    }
    for note in notes {
        line(sheet, "note", note)?;
    }
    sheet.set_column_width(0, 22).map_err(xlsx_error)?;
    sheet.set_column_width(1, 120).map_err(xlsx_error)?;
    Ok(())
}

/// A table of text as people read it (the pack's headline) on a new sheet: cells that are
/// numbers as shown (`1,234`, `+96`, `23.5`, pounds `-£1,234`) are written as numbers, `–` as an
/// empty cell, the rest (`*` included) as text.
pub fn add_text_sheet(
    workbook: &mut Workbook,
    name: &str,
    headings: &[String],
    rows: &[Vec<String>],
) -> Result<()> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(name)).map_err(xlsx_error)?;
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let whole = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("#,##0.0");
    let money = Format::new().set_num_format("£#,##0");
    for (c, heading) in headings.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, heading, &header)
            .map_err(xlsx_error)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in row.iter().enumerate() {
            let c = c as u16;
            let pounds = text.starts_with('£') || text.starts_with("-£");
            match text.replace([',', '£'], "").parse::<f64>() {
                _ if text == "–" => Ok(()),
                Ok(v) if pounds => sheet.write_number_with_format(r, c, v, &money).map(|_| ()),
                Ok(v) if v.fract() == 0.0 => {
                    sheet.write_number_with_format(r, c, v, &whole).map(|_| ())
                }
                Ok(v) => sheet
                    .write_number_with_format(r, c, v, &decimal)
                    .map(|_| ()),
                Err(_) => sheet.write_string(r, c, text).map(|_| ()),
            }
            .map_err(xlsx_error)?;
        }
    }
    finish_sheet(sheet, rows.len() as u32, headings.len() as u16)?;
    for c in 0..headings.len() as u16 {
        sheet.set_column_width(c, 18).map_err(xlsx_error)?;
    }
    Ok(())
}

/// A report as a workbook: its rows on a sheet named after the command, and its metadata.
pub fn report_workbook(report: &Report) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    add_report_sheet(&mut workbook, &report.command, report)?;
    add_metadata_sheet(&mut workbook, &report.command, &report.meta, &report.notes)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// A `charts` sheet with a native line chart (value, mean, lower and upper limit by period) for
/// each run of rows of one collaborative and measure on the sheet `spc_sheet`, which holds
/// `spc` as [`add_report_sheet`] wrote it.
pub fn add_spc_charts(workbook: &mut Workbook, spc_sheet: &str, spc: &Report) -> Result<()> {
    let index = |name: &str| {
        spc.field_index(name)
            .ok_or_else(|| anyhow!("the SPC report has no {name}"))
    };
    let (collaborative, measure, period) =
        (index("collaborative")?, index("measure")?, index("period")?);
    let lines = [
        index("value")?,
        index("mean")?,
        index("lower_limit")?,
        index("upper_limit")?,
    ];
    let text = |row: &[Cell], i: usize| match &row[i] {
        Cell::Text(t) => t.clone(),
        _ => String::new(),
    };
    // Runs of consecutive rows of one series (rows 1.. on the sheet).
    let mut runs: Vec<(String, String, u32, u32)> = Vec::new();
    for (r, row) in spc.rows.iter().enumerate() {
        let key = (text(row, collaborative), text(row, measure));
        match runs.last_mut() {
            Some(run) if run.0 == key.0 && run.1 == key.1 => run.3 = r as u32 + 1,
            _ => runs.push((key.0, key.1, r as u32 + 1, r as u32 + 1)),
        }
    }
    let sheet_name = sheet_name(spc_sheet);
    let sheet = workbook.add_worksheet();
    sheet.set_name("charts").map_err(xlsx_error)?;
    for (k, (code, measure_name, first, last)) in runs.iter().enumerate() {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name(&format!(
            "{code}: {}",
            crate::schema::measures::label(measure_name)
        ));
        for (line, &column) in ["Value", "Mean", "Lower limit", "Upper limit"]
            .iter()
            .zip(&lines)
        {
            chart
                .add_series()
                .set_name(*line)
                .set_categories((
                    sheet_name.as_str(),
                    *first,
                    period as u16,
                    *last,
                    period as u16,
                ))
                .set_values((
                    sheet_name.as_str(),
                    *first,
                    column as u16,
                    *last,
                    column as u16,
                ));
        }
        chart.x_axis().set_name("Period");
        sheet
            .insert_chart(k as u32 * 20, 0, &chart)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

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

/// A `charts` sheet with a native line chart per run of rows of one collaborative and measure on
/// the sheet `spc_sheet` (which holds `spc` as [`add_report_sheet`] wrote it), in the look of the
/// pack's own charts (`render::chart`) and of Making Data Count: the values a grey line with grey
/// points, the points of special cause marked again in their colour (improvement blue, concern
/// orange, no better direction purple), the mean a dark line, the limits grey dashed lines, the
/// target a red dashed line. The marked points are columns beside the charts, a value where the
/// row's signal is that reading and empty elsewhere.
pub fn add_spc_charts(workbook: &mut Workbook, spc_sheet: &str, spc: &Report) -> Result<()> {
    use super::chart::{colour, COMMON_CAUSE, LIMIT, MEAN};
    use crate::spc::Signal;
    use rust_xlsxwriter::{
        ChartEmptyCells, ChartFormat, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType,
        ChartSolidFill,
    };
    let index = |name: &str| {
        spc.field_index(name)
            .ok_or_else(|| anyhow!("the SPC report has no {name}"))
    };
    let (collaborative, measure, period) =
        (index("collaborative")?, index("measure")?, index("period")?);
    let (value, signal) = (index("value")?, index("signal")?);
    let target = spc.field_index("target");
    let text = |row: &[Cell], i: usize| match &row[i] {
        Cell::Text(t) => t.clone(),
        _ => String::new(),
    };
    let rgb = |c: plotters::style::RGBColor| {
        rust_xlsxwriter::Color::RGB((u32::from(c.0) << 16) | (u32::from(c.1) << 8) | u32::from(c.2))
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
    // The special-cause points, a column per reading, beside the charts and row for row with
    // the SPC sheet.
    const MARKED: u16 = 12;
    let readings = [
        (Signal::Improvement, "Improvement"),
        (Signal::Concern, "Concern"),
        (Signal::SpecialCause, "Special cause"),
    ];
    for (k, (reading, heading)) in readings.iter().enumerate() {
        let column = MARKED + k as u16;
        sheet
            .write_string(0, column, *heading)
            .map_err(xlsx_error)?;
        for (r, row) in spc.rows.iter().enumerate() {
            if let (Cell::Float(v), true) = (&row[value], text(row, signal) == reading.name()) {
                sheet
                    .write_number(r as u32 + 1, column, *v)
                    .map_err(xlsx_error)?;
            }
        }
    }
    let line = |c: plotters::style::RGBColor, width: f64, dashed: bool| {
        let mut l = ChartLine::new();
        l.set_color(rgb(c)).set_width(width);
        if dashed {
            l.set_dash_type(ChartLineDashType::Dash);
        }
        ChartFormat::new().set_line(&l).clone()
    };
    let marker = |c: plotters::style::RGBColor, kind: ChartMarkerType, size: u8| {
        ChartMarker::new()
            .set_type(kind)
            .set_size(size)
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(rgb(c)))
                    .set_line(ChartLine::new().set_color(rgb(c))),
            )
            .clone()
    };
    for (k, (code, measure_name, first, last)) in runs.iter().enumerate() {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name(&format!(
            "{code}: {}",
            crate::schema::measures::label(measure_name)
        ));
        chart.show_empty_cells_as(ChartEmptyCells::Gaps);
        let has_target = target.is_some_and(|t| {
            spc.rows[*first as usize - 1..*last as usize]
                .iter()
                .any(|row| matches!(row[t], Cell::Float(_)))
        });
        let mut series: Vec<(&str, &str, u16, ChartFormat, Option<ChartMarker>)> = vec![
            (
                "Value",
                sheet_name.as_str(),
                value as u16,
                line(COMMON_CAUSE, 1.5, false),
                Some(marker(COMMON_CAUSE, ChartMarkerType::Circle, 5)),
            ),
            (
                "Mean",
                sheet_name.as_str(),
                index("mean")? as u16,
                line(MEAN, 1.5, false),
                None,
            ),
            (
                "Lower limit",
                sheet_name.as_str(),
                index("lower_limit")? as u16,
                line(LIMIT, 1.0, true),
                None,
            ),
            (
                "Upper limit",
                sheet_name.as_str(),
                index("upper_limit")? as u16,
                line(LIMIT, 1.0, true),
                None,
            ),
        ];
        if let (true, Some(t)) = (has_target, target) {
            let red = plotters::style::RGBColor(0xDE, 0x1B, 0x1B);
            series.push((
                "Target",
                sheet_name.as_str(),
                t as u16,
                line(red, 1.5, true),
                None,
            ));
        }
        let mut no_line = ChartFormat::new();
        no_line.set_no_line();
        for (i, (reading, heading)) in readings.iter().enumerate() {
            let shape = match reading {
                Signal::Improvement => ChartMarkerType::Triangle,
                Signal::Concern => ChartMarkerType::Square,
                _ => ChartMarkerType::Diamond,
            };
            series.push((
                heading,
                "charts",
                MARKED + i as u16,
                no_line.clone(),
                Some(marker(colour(*reading), shape, 8)),
            ));
        }
        for (name, sheet_of, column, mut format, point) in series {
            let added = chart
                .add_series()
                .set_name(name)
                .set_categories((
                    sheet_name.as_str(),
                    *first,
                    period as u16,
                    *last,
                    period as u16,
                ))
                .set_values((sheet_of, *first, column, *last, column))
                .set_format(&mut format);
            match point {
                Some(m) => added.set_marker(&m),
                None => added.set_marker(ChartMarker::new().set_none()),
            };
        }
        chart.x_axis().set_name("Period");
        sheet
            .insert_chart(k as u32 * 20, 0, &chart)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

/// The Making Data Count summary matrix on a sheet of its own: variation across, assurance
/// down, each cell listing its series a line each, with the icons' letters (H, L, ~; F, P, ?)
/// so it reads without colour, and the headings in the icons' colours.
pub fn add_matrix_sheet(
    workbook: &mut Workbook,
    cells: &[crate::spc::matrix::Cell],
    label: &dyn Fn(&str) -> String,
) -> Result<()> {
    use crate::spc::matrix::{row_heading, Column, ROWS};
    let sheet = workbook.add_worksheet();
    sheet.set_name("matrix").map_err(xlsx_error)?;
    let heading = |colour: u32| {
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_border(FormatBorder::Thin)
            .set_background_color(rust_xlsxwriter::Color::RGB(colour))
    };
    let wrap = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    sheet
        .write_string_with_format(0, 0, "Assurance \\ variation", &heading(0xE8EDEE))
        .map_err(xlsx_error)?;
    for (c, column) in Column::ALL.iter().enumerate() {
        let colour = match column {
            Column::Concern => 0xFFD1B3,
            Column::Neither => 0xE0C2F0,
            Column::CommonCause => 0xE6E6E6,
            Column::Improvement => 0xB3D5EE,
        };
        sheet
            .write_string_with_format(0, c as u16 + 1, column.heading(), &heading(colour))
            .map_err(xlsx_error)?;
    }
    for (r, row) in ROWS.iter().enumerate() {
        let r = r as u32 + 1;
        let colour = match row.map(|a| a.letter()) {
            Some("F") => 0xFFD1B3,
            Some("P") => 0xB3D5EE,
            Some(_) => 0xE6E6E6,
            None => 0xFFFFFF,
        };
        let name = match row {
            Some(a) => format!("{} {}", a.letter(), row_heading(*row)),
            None => row_heading(None).to_string(),
        };
        sheet
            .write_string_with_format(r, 0, &name, &heading(colour))
            .map_err(xlsx_error)?;
        for (c, column) in Column::ALL.iter().enumerate() {
            let lines: Vec<String> = cells
                .iter()
                .filter(|x| x.assurance == *row && x.column == *column)
                .flat_map(|x| x.entries.iter())
                .map(|e| {
                    let letters = match e.assurance {
                        Some(a) => format!("{} {}", e.variation.letter(), a.letter()),
                        None => e.variation.letter().to_string(),
                    };
                    format!("[{letters}] {} {}", e.collaborative, label(&e.measure))
                })
                .collect();
            sheet
                .write_string_with_format(r, c as u16 + 1, lines.join("\n"), &wrap)
                .map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(0, 30).map_err(xlsx_error)?;
    for c in 1..=Column::ALL.len() as u16 {
        sheet.set_column_width(c, 42).map_err(xlsx_error)?;
    }
    Ok(())
}

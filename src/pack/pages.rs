//! The pack's pages for people: the headline table, summary.md and index.html.

use super::headline::{escape, Headline, HeadlinePeriods};

/// The headline table's column headings (Markdown and HTML alike).
fn headings(month: &str, periods: &HeadlinePeriods, reinvest_label: &str) -> [String; 11] {
    [
        "Collaborative".to_string(),
        "Name".to_string(),
        "OAPs active at month end".to_string(),
        "Inappropriate OAPs active per 1,000,000 (OAP06)".to_string(),
        format!("Inappropriate OAP days (OAP02 Q), {}", periods.window),
        format!(
            "Same 3 months a year earlier ({})",
            periods.window_year_earlier
        ),
        "Change in inappropriate OAP days".to_string(),
        format!("Median LOS {month} (days)"),
        format!("Median LOS {}", periods.month_year_earlier),
        "Variation and assurance (Making Data Count)".to_string(),
        format!("Net saving or cost pressure, {reinvest_label}"),
    ]
}

/// The workbook's headline headings: the money in columns of its own, as numbers.
fn workbook_headings(month: &str, periods: &HeadlinePeriods, reinvest_label: &str) -> Vec<String> {
    let mut headings = headings(month, periods, reinvest_label)[..10].to_vec();
    headings.extend([
        format!("Net saving, {reinvest_label} (negative: net cost pressure)"),
        "Net saving, low".to_string(),
        "Net saving, high".to_string(),
        "Savings (service lines whose OAP days fell)".to_string(),
        "Cost pressures (service lines whose OAP days rose)".to_string(),
        "Reinvestment".to_string(),
        "Change in OAP days".to_string(),
    ]);
    headings
}

/// The headline table for the workbook: its headings and a row of cells per collaborative, the
/// money as numbers in columns of their own.
pub fn headline_table(
    month: &str,
    periods: &HeadlinePeriods,
    headlines: &[Headline],
    reinvest_label: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    (
        workbook_headings(month, periods, reinvest_label),
        headlines.iter().map(Headline::workbook_cells).collect(),
    )
}

/// A list of the pack's summary after the headline table, under its heading (none: the
/// headline's own notes).
pub struct Section {
    pub heading: String,
    pub lines: Vec<String>,
}

/// What both pages of the pack say: the month, the headline per collaborative, the sections, the
/// suppression rule if any, and what the reader must know before trusting the figures.
#[derive(Clone, Copy)]
pub struct Page<'a> {
    pub month: &'a str,
    pub periods: &'a HeadlinePeriods,
    pub headlines: &'a [Headline],
    pub reinvest_label: &'a str,
    pub sections: &'a [Section],
    pub suppression: Option<&'a str>,
    pub cautions: &'a [String],
}

/// The Markdown summary of the pack; `cautions`, what the reader must know before trusting the
/// figures, stand above the headline table.
pub fn markdown(page: &Page, matrix: &str) -> String {
    let Page {
        month,
        periods,
        headlines,
        reinvest_label,
        sections,
        suppression,
        cautions,
    } = *page;
    let mut md = String::new();
    md.push_str(&format!(
        "# Out-of-area placements: monthly summary, {month}\n\n"
    ));
    if let Some(rule) = suppression {
        md.push_str(&format!(
            "**Small-number suppression applied:** {rule}. Figures are not additive.\n\n"
        ));
    }
    for caution in cautions {
        md.push_str(&format!("**Caution:** {caution}.\n\n"));
    }
    md.push_str(matrix);
    md.push_str("\n## Headline\n\n");
    md.push_str(&format!(
        "| {} |\n",
        headings(month, periods, reinvest_label).join(" | ")
    ));
    md.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for h in headlines {
        let cells: Vec<String> = h.cells().iter().map(|c| escape(c)).collect();
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for section in sections {
        if section.heading.is_empty() {
            md.push('\n');
        } else {
            md.push_str(&format!("\n## {}\n\n", section.heading));
        }
        for line in &section.lines {
            md.push_str(&format!("- {line}\n"));
        }
    }
    md
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One chart of the pack: collaborative, measure, and its SVG document.
pub struct PackChart {
    /// The figure's id, which the summary matrix links to.
    pub anchor: String,
    pub collaborative: String,
    pub measure_label: String,
    pub file: String,
    pub svg: String,
}

/// The pack's `index.html`: the headline table and every chart, inline and self-contained (no
/// network, scripts or fonts), readable on a phone and printable on A4.
pub fn html(page: &Page, matrix: &str, charts: &[PackChart]) -> String {
    let Page {
        month,
        periods,
        headlines,
        reinvest_label,
        sections,
        suppression,
        cautions,
    } = *page;
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>Out-of-area placements: monthly summary, {month}</title>\n"
    ));
    h.push_str(
        "<style>\n\
body { font-family: Arial, Helvetica, sans-serif; color: #231f20; margin: 1rem auto; padding: 0 0.75rem; line-height: 1.4; }\n\
body > * { max-width: 960px; margin-left: auto; margin-right: auto; } body > .headline { max-width: none; }\n\
h1 { color: #005eb8; font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid #005eb8; padding-bottom: 0.2rem; margin-top: 2rem; }\n\
.table-wrap { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }\n\
th, td { border: 1px solid #aeb7bd; padding: 0.35rem 0.5rem; vertical-align: top; } th { background: #e8edee; text-align: left; } td.n { text-align: right; white-space: nowrap; }\n\
.notice { background: #fff9c4; border-left: 4px solid #ffb81c; padding: 0.5rem 0.75rem; }\n\
figure { margin: 1rem auto; break-inside: avoid; page-break-inside: avoid; } figure svg { width: 100%; height: auto; display: block; } figcaption { font-size: 0.85rem; color: #425563; }\n\
.key span { display: inline-block; margin-right: 1rem; } .mdc svg { vertical-align: middle; }\n\
@media print { @page { size: A4; margin: 12mm; } body { margin: 0; font-size: 10pt; } body > * { max-width: none; } h2 { break-after: avoid; } .table-wrap { overflow: visible; } }\n\
",
    );
    h.push_str(crate::render::matrix::CSS);
    h.push_str("\n</style>\n</head>\n<body>\n");
    h.push_str(&format!(
        "<h1>Out-of-area placements: monthly summary, {month}</h1>\n"
    ));
    if let Some(rule) = suppression {
        h.push_str(&format!("<p class=\"notice\"><strong>Small-number suppression applied:</strong> {}. Figures are not additive.</p>\n", html_escape(rule)));
    }
    for caution in cautions {
        h.push_str(&format!(
            "<p class=\"notice\"><strong>Caution:</strong> {}.</p>\n",
            html_escape(caution)
        ));
    }
    // The summary matrix first: the page a board reads.
    h.push_str(matrix);
    h.push_str("<h2>Headline</h2>\n");
    // The headline table takes the window's width: its money column is the widest text.
    h.push_str("<div class=\"table-wrap headline\"><table>\n<thead><tr>");
    for heading in headings(month, periods, reinvest_label) {
        h.push_str(&format!("<th scope=\"col\">{}</th>", html_escape(&heading)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in headlines {
        let [collaborative, numbers @ ..] = row.cells();
        h.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            html_escape(&collaborative)
        ));
        for (i, cell) in numbers.iter().enumerate() {
            // The name, the signals and the money (the first and the last two) are text that
            // wraps; the rest are numbers.
            let class = if i == 0 || i >= 8 { "" } else { " class=\"n\"" };
            match row.mdc_html() {
                Some(icons) if i == 8 => h.push_str(&format!("<td>{icons}</td>")),
                _ => h.push_str(&format!("<td{class}>{}</td>", html_escape(cell))),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n");
    for section in sections {
        if !section.heading.is_empty() {
            h.push_str(&format!("<h2>{}</h2>\n", html_escape(&section.heading)));
        }
        h.push_str("<ul>\n");
        for line in &section.lines {
            h.push_str(&format!("<li>{}</li>\n", html_escape(line)));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("<p class=\"key\">Chart key: <span>▲ blue: improvement</span><span>■ orange: concern</span><span>◆ purple: special cause, no better direction</span><span>● grey: common cause</span><span>dashed lines: process limits</span><span>shading: baseline</span><span>red dashed line: target</span><span>icons: variation of the latest point (H high, L low, grey dots common cause) and assurance (P passes, F fails, ? hits and misses the target)</span></p>\n");
    let mut current = "";
    for chart in charts {
        if chart.collaborative != current {
            current = &chart.collaborative;
            h.push_str(&format!("<h2>{}</h2>\n", html_escape(current)));
        }
        h.push_str(&format!(
            "<figure id=\"{}\">\n{}\n<figcaption>{} ({}). The chart's text alternative states the latest value, the mean and the signal.</figcaption>\n</figure>\n",
            html_escape(&chart.anchor),
            chart.svg,
            html_escape(&chart.measure_label),
            html_escape(&chart.file)
        ));
    }
    h.push_str("</body>\n</html>\n");
    h
}

//! The Making Data Count summary matrix for people: an HTML table with the reference's icons
//! (each with its letter, so it reads printed in greyscale) and links to the charts, and the same
//! matrix in words for Markdown.

use crate::render::icons;
use crate::spc::matrix::{row_heading, Cell, Column, Entry, ROWS};

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The anchor of a series' chart in the pack's page.
pub fn chart_anchor(collaborative: &str, measure: &str) -> String {
    format!("chart-{measure}-{collaborative}")
}

/// An entry in words: "NCM: inappropriate OAPs active at month end (special cause concern
/// (high); consistently fails the target)".
pub fn entry_words(e: &Entry, label: &dyn Fn(&str) -> String) -> String {
    let assurance = e
        .assurance
        .map_or("no target".to_string(), |a| a.words().to_string());
    format!(
        "{}: {} ({}; {assurance})",
        e.collaborative,
        label(&e.measure),
        e.variation.words()
    )
}

/// The two icons of a series, `size` pixels each, with their words.
pub fn icon_pair(e: &Entry, size: u32) -> String {
    let mut html = icons::svg(
        &icons::variation_shapes(e.variation),
        size,
        e.variation.words(),
    );
    if let Some(a) = e.assurance {
        html.push_str(&icons::svg(&icons::assurance_shapes(a), size, a.words()));
    }
    html
}

/// The colour (CSS) marking a column's heading.
fn column_colour(c: Column) -> &'static str {
    match c {
        Column::Concern => "#FF6600",
        Column::Neither => "#8000C0",
        Column::CommonCause => "#BFBFBF",
        Column::Improvement => "#0072C6",
    }
}

/// The matrix as an HTML section: variation across, assurance down, each series linking to its
/// chart (`#chart-MEASURE-COLLABORATIVE`) when `linked` says it has one.
pub fn html(
    cells: &[Cell],
    heading: &str,
    label: &dyn Fn(&str) -> String,
    linked: &dyn Fn(&Entry) -> bool,
) -> String {
    let mut h = String::new();
    h.push_str(&format!(
        "<section class=\"matrix\" aria-labelledby=\"matrix-heading\">\n<h2 id=\"matrix-heading\">{}</h2>\n",
        escape(heading)
    ));
    h.push_str("<p class=\"lead\">Each measure of each collaborative, placed by its latest point (variation, across) and by its last limits against its target (assurance, down): read first the top left, special cause concern that consistently fails its target. Icons: H high, L low, grey dots common cause, purple arrow special cause with no better direction; F fails, P passes, ? hits and misses the target.</p>\n");
    h.push_str("<div class=\"table-wrap\"><table class=\"mdc\">\n<thead><tr><td></td>");
    for c in Column::ALL {
        h.push_str(&format!(
            "<th scope=\"col\" style=\"border-top: 4px solid {}\">{}</th>",
            column_colour(c),
            escape(c.heading())
        ));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in ROWS {
        let icon = row.map_or(String::new(), |a| {
            icons::svg(&icons::assurance_shapes(a), 24, a.words())
        });
        h.push_str(&format!(
            "<tr><th scope=\"row\">{icon} {}</th>",
            escape(row_heading(row))
        ));
        for c in Column::ALL {
            let cell = cells
                .iter()
                .find(|x| x.assurance == row && x.column == c)
                .map_or(&[][..], |x| &x.entries[..]);
            h.push_str("<td>");
            if !cell.is_empty() {
                h.push_str("<ul>");
                for e in cell {
                    let text = format!(
                        "{} {} <span>{} · {}</span>",
                        icons::svg(
                            &icons::variation_shapes(e.variation),
                            26,
                            e.variation.words()
                        ),
                        e.assurance.map_or(String::new(), |a| icons::svg(
                            &icons::assurance_shapes(a),
                            26,
                            a.words()
                        )),
                        escape(&e.collaborative),
                        escape(&label(&e.measure))
                    );
                    let title = escape(&entry_words(e, label));
                    if linked(e) {
                        h.push_str(&format!(
                            "<li><a href=\"#{}\" title=\"{title}\">{text}</a></li>",
                            chart_anchor(&e.collaborative, &e.measure)
                        ));
                    } else {
                        h.push_str(&format!("<li title=\"{title}\">{text}</li>"));
                    }
                }
                h.push_str("</ul>");
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table></div>\n</section>\n");
    h
}

/// The CSS the matrix needs in a page.
pub const CSS: &str = "body > .matrix { max-width: 1240px; } .matrix h2 { margin-top: 0.5rem; } table.mdc { table-layout: fixed; font-size: 0.8rem; } table.mdc th[scope=row] { width: 12rem; } table.mdc td { padding: 0.2rem 0.35rem; } table.mdc ul { list-style: none; margin: 0; padding: 0; } table.mdc li { margin: 0.1rem 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; } table.mdc svg { vertical-align: middle; } table.mdc a { color: #231f20; text-decoration: none; } table.mdc a:hover span { text-decoration: underline; } .matrix .lead { font-size: 0.85rem; margin: 0.3rem 0; }";

/// The matrix in words, as a Markdown section: a row per assurance, a column per variation.
pub fn markdown(cells: &[Cell], heading: &str, label: &dyn Fn(&str) -> String) -> String {
    let mut md = format!("## {heading}\n\n");
    md.push_str("Variation (the latest point) across, assurance (the last limits against the target) down.\n\n");
    md.push_str("| |");
    for c in Column::ALL {
        md.push_str(&format!(" {} |", c.heading()));
    }
    md.push_str("\n|---|---|---|---|---|\n");
    for row in ROWS {
        md.push_str(&format!("| {} |", row_heading(row)));
        for c in Column::ALL {
            let words: Vec<String> = cells
                .iter()
                .filter(|x| x.assurance == row && x.column == c)
                .flat_map(|x| x.entries.iter())
                .map(|e| {
                    format!(
                        "{} {} ({})",
                        e.collaborative,
                        label(&e.measure),
                        e.variation.letter()
                    )
                    .replace('|', "\\|")
                })
                .collect();
            if words.is_empty() {
                md.push_str(" |");
            } else {
                md.push_str(&format!(" {} |", words.join("; ")));
            }
        }
        md.push('\n');
    }
    md.push_str("\n(H: special cause high, L: low, ~: common cause.)\n");
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spc::matrix::matrix;
    use crate::spc::{Assurance, Variation};

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                collaborative: "NCM".into(),
                measure: "inappropriate_oaps_active_end".into(),
                variation: Variation::ConcernHigh,
                assurance: Some(Assurance::ConsistentFail),
            },
            Entry {
                collaborative: "TGW".into(),
                measure: "los_median".into(),
                variation: Variation::CommonCause,
                assurance: None,
            },
        ]
    }

    fn label(m: &str) -> String {
        m.replace('_', " ")
    }

    #[test]
    fn html_places_each_series_with_icons_and_a_link_to_its_chart() {
        let cells = matrix(&entries());
        let page = html(&cells, "Summary matrix", &label, &|e| {
            e.collaborative == "NCM"
        });
        let doc = roxmltree::Document::parse(&page).unwrap();
        let rows: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("tr")).collect();
        assert_eq!(rows.len(), 5);
        // First body row, first column: NCM's concern that consistently fails, linked.
        let first = rows[1].children().find(|n| n.has_tag_name("td")).unwrap();
        let link = first.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(
            link.attribute("href"),
            Some("#chart-inappropriate_oaps_active_end-NCM")
        );
        let letters: Vec<&str> = link
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(letters, ["H", "F"]);
        // Last row (no target), third column (common cause): TGW, not linked.
        let last: Vec<_> = rows[4]
            .children()
            .filter(|n| n.has_tag_name("td"))
            .collect();
        let item = last[2]
            .descendants()
            .find(|n| n.has_tag_name("li"))
            .unwrap();
        assert!(item
            .attribute("title")
            .unwrap()
            .starts_with("TGW: los median (common cause; no target)"));
        assert!(!last[2].descendants().any(|n| n.has_tag_name("a")));
    }

    #[test]
    fn markdown_says_the_matrix_in_words() {
        let md = markdown(&matrix(&entries()), "Summary matrix", &label);
        assert!(
            md.contains(
                "| Consistently fails the target | NCM inappropriate oaps active end (H) | | | |"
            ),
            "{md}"
        );
        assert!(
            md.contains("| No target | | | TGW los median (~) | |"),
            "{md}"
        );
    }
}

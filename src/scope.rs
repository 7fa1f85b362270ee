//! Which collaboratives and service lines an analysis looks at (`--collaborative`,
//! `--service-line`).

use polars::prelude::*;

/// Filters shared by every analysis. Empty lists mean "all".
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Scope {
    pub collaboratives: Vec<String>,
    pub service_lines: Vec<String>,
}

impl Scope {
    /// Keeps the rows of a frame with `collaborative` and `service_line` columns that are in
    /// scope; the columns hold codes into `names` (see `validate::Checked`).
    pub fn apply(&self, frame: LazyFrame, names: &[String]) -> LazyFrame {
        let mut frame = frame;
        if !self.collaboratives.is_empty() {
            frame = frame.filter(in_list("collaborative", &self.collaboratives, names));
        }
        if !self.service_lines.is_empty() {
            frame = frame.filter(in_list("service_line", &self.service_lines, names));
        }
        frame
    }

    /// Whether a collaborative code is in scope.
    pub fn includes_collaborative(&self, code: &str) -> bool {
        self.collaboratives.is_empty() || self.collaboratives.iter().any(|c| c == code)
    }
}

/// Rows whose code in `column` names one of `values` (none, when no code does).
fn in_list(column: &str, values: &[String], names: &[String]) -> Expr {
    names
        .iter()
        .enumerate()
        .filter(|(_, name)| values.contains(name))
        .map(|(code, _)| col(column).eq(lit(code as u32)))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false))
}

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
    pub fn apply(&self, frame: &DataFrame, names: &[String]) -> PolarsResult<DataFrame> {
        let mut keep: Option<BooleanChunked> = None;
        for (column, values) in [
            ("collaborative", &self.collaboratives),
            ("service_line", &self.service_lines),
        ] {
            if values.is_empty() {
                continue;
            }
            let listed: Vec<bool> = names.iter().map(|n| values.contains(n)).collect();
            let in_list: BooleanChunked = frame
                .column(column)?
                .u32()?
                .iter()
                .map(|code| code.is_some_and(|c| listed.get(c as usize) == Some(&true)))
                .collect();
            keep = Some(match keep {
                Some(k) => &k & &in_list,
                None => in_list,
            });
        }
        match keep {
            Some(mask) => frame.filter(&mask),
            None => Ok(frame.clone()),
        }
    }

    /// Whether a collaborative code is in scope.
    pub fn includes_collaborative(&self, code: &str) -> bool {
        self.collaboratives.is_empty() || self.collaboratives.iter().any(|c| c == code)
    }

    /// Whether a service line is in scope.
    pub fn includes_service_line(&self, line: &str) -> bool {
        self.service_lines.is_empty() || self.service_lines.iter().any(|s| s == line)
    }
}

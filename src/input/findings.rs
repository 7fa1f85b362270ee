//! What checking finds: every problem is a [`Finding`] naming the file, the line (the CSV header
//! is line 1; a Parquet file's rows count from 1), the column, the value and the rule broken; and
//! where each row came from, to say so.

use super::columns::Lines;
use super::files::ExtractKind;

/// The rule a finding breaks; its snake_case name is part of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MissingColumn,
    MissingValue,
    InvalidDate,
    InvalidNumber,
    InvalidFlag,
    DischargeBeforeAdmission,
    EndBeforeStart,
    AfterExtractDate,
    DuplicateId,
    UnknownAdmission,
    RejectedAdmission,
    OutsideSpell,
    OverlappingPlacements,
    MissingReason,
    UnknownReason,
    /// An MHSDS `MHAdmittedPatientClass` that is no bed type of either code list.
    UnknownBedType,
    ReasonForInAreaPlacement,
    NegativeNumber,
    UnknownCollaborative,
    UnmappedValue,
    /// A valid spell that no placement names: the one rule that leaves its row valid (the spell
    /// happened; where the patient stayed is what is not known).
    NoPlacement,
    /// A quoted cell holding a line break (no column of the contract holds one: most often a
    /// stray quote, which took the lines after it into the cell).
    LineBreakInCell,
}

/// Input data problems: the command exits with code 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

/// One problem with one row (or, for a missing column, with a whole file).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub rule: Rule,
    pub column: Option<&'static str>,
    pub value: Option<String>,
    /// The message as shown to people, without the `file:line: ` prefix.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Rows read, valid and invalid in one file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FileCounts {
    pub path: String,
    pub extract: ExtractKind,
    pub rows_read: usize,
    pub rows_valid: usize,
    pub rows_invalid: usize,
    /// Lines of the file the invalid rows took: more than `rows_invalid` when a quoted cell of
    /// one spans lines (a stray quote takes the lines after it into its cell).
    pub lines_invalid: usize,
}

/// The longest value a message quotes whole, in characters.
const VALUE_SHOWN: usize = 60;

/// A value as a message or a finding shows it: whole when short, otherwise its start and its
/// length, so that every message stays readable whatever a cell holds.
pub(crate) fn short(value: &str) -> std::borrow::Cow<'_, str> {
    if value.len() <= VALUE_SHOWN {
        return value.into();
    }
    let characters = value.chars().count();
    if characters <= VALUE_SHOWN {
        return value.into();
    }
    let start: String = value.chars().take(VALUE_SHOWN - 20).collect();
    format!("{start}… ({characters} characters)").into()
}

/// One file of an extract: its path and its rows' place among the extract's rows.
pub(super) struct FileRows {
    pub(super) path: String,
    pub(super) kind: ExtractKind,
    pub(super) first_row: usize,
    pub(super) rows: usize,
    /// The file's columns a mapping renames: (the contract's name, as the file spells it).
    pub(super) renamed: Vec<(&'static str, String)>,
}

/// Where rows come from, and where findings go.
pub(super) struct Sources {
    pub(super) files: Vec<FileRows>,
    /// Index in `files` of the first placements file.
    pub(super) first_placement_file: usize,
    pub(super) findings: Vec<(usize, Finding)>,
}

impl Sources {
    /// The file index and line of row `row` of an extract.
    pub(super) fn at(&self, kind: ExtractKind, row: usize, lines: &Lines) -> (usize, usize) {
        let range = match kind {
            ExtractKind::Admissions => 0..self.first_placement_file,
            ExtractKind::Placements => self.first_placement_file..self.files.len(),
        };
        let files = &self.files[range.clone()];
        let index = files.partition_point(|f| f.first_row <= row) - 1;
        (range.start + index, lines.get(row) as usize)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn add(
        &mut self,
        kind: ExtractKind,
        row: usize,
        lines: &Lines,
        rule: Rule,
        column: &'static str,
        value: Option<&str>,
        message: String,
    ) {
        let finding = self.finding(kind, row, lines, rule, column, value, message);
        self.findings.push(finding);
    }

    /// A finding about row `row` of an extract, with the index of its file.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn finding(
        &self,
        kind: ExtractKind,
        row: usize,
        lines: &Lines,
        rule: Rule,
        column: &'static str,
        value: Option<&str>,
        message: String,
    ) -> (usize, Finding) {
        let (file, line) = self.at(kind, row, lines);
        let message = in_the_files_names(message, &self.files[file].renamed);
        (
            file,
            Finding {
                file: self.files[file].path.clone(),
                line,
                rule,
                column: Some(column),
                value: value.map(|v| short(v).into_owned()),
                message,
            },
        )
    }

    /// `line 5`, or `admissions-2.csv:5` when the row is in another file than `here`.
    pub(super) fn location(
        &self,
        kind: ExtractKind,
        row: usize,
        lines: &Lines,
        here: usize,
    ) -> String {
        let (file, line) = self.at(kind, row, lines);
        if file == here {
            format!("line {line}")
        } else {
            format!("{}:{line}", self.files[file].path)
        }
    }
}

/// Findings as CSV, one line each: `file, line, rule, column, value` and the message under the
/// heading `message_heading` (`validate` says `message`, a rejects file `problem`).
pub fn write_csv<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    message_heading: &str,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["file", "line", "rule", "column", "value", message_heading])?;
    for f in findings {
        let rule = serde_json::to_value(f.rule)?;
        writer.write_record([
            f.file.as_str(),
            &f.line.to_string(),
            rule.as_str().unwrap_or_default(),
            f.column.unwrap_or_default(),
            f.value.as_deref().unwrap_or_default(),
            &f.message,
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// A message with each contract column name it holds (as a whole word) written as the file
/// spells it, where a mapping renames the column.
fn in_the_files_names(message: String, renamed: &[(&'static str, String)]) -> String {
    let mut message = message;
    for (contract, shown) in renamed {
        let word = |at: Option<char>| at.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let mut out = String::with_capacity(message.len());
        let mut rest = message.as_str();
        while let Some(at) = rest.find(contract) {
            let (before, after) = (
                rest[..at].chars().last(),
                rest[at + contract.len()..].chars().next(),
            );
            out.push_str(&rest[..at]);
            out.push_str(if word(before) && word(after) {
                shown
            } else {
                contract
            });
            rest = &rest[at + contract.len()..];
        }
        out.push_str(rest);
        message = out;
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_columns_as_the_file_does() {
        let renamed = vec![
            ("admission_id", "SpellID".to_string()),
            ("start_date", "StartDateWardStay".to_string()),
        ];
        assert_eq!(
            in_the_files_names(
                "admission_id A1 is not in the admissions extract".into(),
                &renamed
            ),
            "SpellID A1 is not in the admissions extract"
        );
        assert_eq!(
            in_the_files_names("start_date 2024-01-01 is before the spell's admission_date 2024-01-02; not_start_date".into(), &renamed),
            "StartDateWardStay 2024-01-01 is before the spell's admission_date 2024-01-02; not_start_date"
        );
        assert_eq!(in_the_files_names("x".into(), &[]), "x");
    }
}

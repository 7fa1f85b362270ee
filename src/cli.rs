//! The command line: every option, its help text and its default. Nothing here computes.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::los::LosBreakdown;
use crate::periods::PeriodKind;
use crate::rates::Breakdown;
use crate::render::Format;
use crate::schema::measures::Improvement;

const ABOUT: &str = "Out-of-area placement, length-of-stay and reinvestment statistics for NHS mental health, learning disability and autism provider collaboratives.";

const AFTER: &str = "\
With no input options every command uses the sample data bundled with oapstat.

Exit codes:
  0  success (validate: no problems found)
  1  the input data has problems (validate lists them; other commands refuse to go on), or
     no spell has a placement, or more than 1% of the spells have none
  2  usage error, unreadable file or other failure
  3  summary: another run is writing to the output folder
  4  summary: the month's pack exists already (--force replaces it)";

#[derive(Debug, Parser)]
#[command(name = "oapstat", version, about = ABOUT, after_help = AFTER)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every row of the extracts and report every problem with its file and line.
    Validate(ValidateArgs),
    /// Out-of-area measures (OAPs started, ended, active, OAP days, bands, costs, rates) per collaborative and period.
    Rates(RatesArgs),
    /// Length of stay of discharged spells (mean, median, 90th percentile) and open spells, per collaborative and period.
    Los(LosArgs),
    /// Who is sent out of area, and who stays longest: the measures by age band, gender, ethnicity and deprivation, with intervals, compared with the collaborative's value.
    Equality(EqualityArgs),
    /// Is a change real? XmR (Making Data Count) charts of a measure per collaborative, with special-cause signals.
    Spc(SpcArgs),
    /// What reduced out-of-area use frees for community services: savings, cost pressures and reinvestment, with ranges.
    Reinvest(ReinvestArgs),
    /// How many local beds would bring inappropriate OAPs home: daily demand, beds needed by occupancy and by the chance of no bed, and their cost.
    Capacity(CapacityArgs),
    /// NHS England's published OAP measures (OAP01–OAP11, OAP01a–OAP11a) for a month or a range of months, M, Q and Y, per collaborative, service line and sending provider; from MHSDS tables (--mhsds), as NHS England's pipeline computes them, for England, collaboratives and sending and receiving providers.
    Nhs(NhsArgs),
    /// Read NHS England's published OAP files (Clinical Audit Platform 2016 onwards, MHSDS from 2023) into one tidy table.
    Published(PublishedArgs),
    /// A collaborative's own measures beside England's and its peers' from NHS England's published OAP files, per 1,000,000 population where known.
    Benchmark(BenchmarkArgs),
    /// Draw a measure's XmR chart per collaborative (SVG or PNG): values, mean, limits, special-cause points.
    Chart(ChartArgs),
    /// The monthly pack for cron: rates, LOS, reinvestment, SPC, a Markdown summary and a manifest, written whole or not at all.
    Summary(SummaryArgs),
    /// Write the sample extracts bundled with oapstat (the default input of every command) as files, to look at or edit.
    Sample(SampleArgs),
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print oapstat's man page (roff), or write one page per command into a folder.
    Man(ManArgs),
    /// Read your system's own export: draft a mapping file from its headers and first rows, or print a built-in table of codes.
    Mapping(MappingArgs),
    /// Write synthetic, realistic extracts: the bundled sample, or millions of rows for benchmarks.
    Generate(GenerateArgs),
}

/// Where the extracts and reference files come from.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Folder holding admissions*.csv|parquet, placements*.csv|parquet, collaboratives.csv, local_costs.csv and optionally mapping.toml (whose `files = "Spells_*.csv"` may name the extracts' files otherwise).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// A folder of MHSDS tables to read in place of the extracts: MHS101Referral*, MHS501HospProvSpell*, MHS502WardStay* and optionally MHS000Header* (.csv or .parquet, MHSDS column names in any case), with providers.csv (provider_code, collaborative) and optionally collaboratives.csv. A --data folder holding only an mhsds/ folder is read so too. See docs/mhsds.md.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["admissions", "placements", "mapping"])]
    pub mhsds: Option<PathBuf>,
    /// How to read extracts in your system's own layout (column names, codes, date formats, delimiter, encoding): a TOML file; see `oapstat mapping --suggest`. [default: mapping.toml in --data, if there]
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Admissions extract: a CSV or Parquet file or a glob; repeat for several files.
    #[arg(long, value_name = "PATH")]
    pub admissions: Vec<String>,
    /// Placements extract: a CSV or Parquet file or a glob; repeat for several files.
    #[arg(long, value_name = "PATH")]
    pub placements: Vec<String>,
    /// Collaboratives reference (collaborative, name, lead_provider, population).
    #[arg(long, value_name = "PATH")]
    pub collaboratives: Option<PathBuf>,
    /// Local daily bed cost reference (collaborative, service_line, local_daily_cost).
    #[arg(long, value_name = "PATH")]
    pub local_costs: Option<PathBuf>,
    /// IMD lookup (lsoa, imd_decile) for admissions giving an `lsoa`. [default: imd.csv in --data, if there]
    #[arg(long, value_name = "PATH")]
    pub imd: Option<PathBuf>,
    /// Populations by group (collaborative, dimension, group, age_band, population), for
    /// `equality`'s rates. [default: populations.csv in --data, if there]
    #[arg(long, value_name = "PATH")]
    pub populations: Option<PathBuf>,
    /// The date the extract was taken (YYYY-MM-DD): no date may be after it, and ongoing stays
    /// are ongoing on it. [default: the latest date in the extracts]
    #[arg(long, value_name = "DATE")]
    pub extract_date: Option<String>,
}

/// What to do with invalid rows.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InvalidRowArgs {
    /// Go on without the invalid rows, writing each problem (file, line, column, value, rule)
    /// to this CSV file. Without it, invalid input is refused.
    #[arg(long, value_name = "REJECTS_CSV")]
    pub skip_invalid: Option<PathBuf>,
}

/// The inputs of every analysis command: files, what to do with invalid rows, and the selection.
#[derive(Debug, Args)]
pub struct AnalysisInput {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub invalid: InvalidRowArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// Which collaboratives and service lines.
#[derive(Debug, Args)]
#[command(next_help_heading = "Selection")]
pub struct ScopeArgs {
    /// Only this collaborative (its code, in any case); repeat for several.
    #[arg(long, value_name = "CODE")]
    pub collaborative: Vec<String>,
    /// Only this service line (e.g. adult_acute); repeat for several.
    #[arg(long, value_name = "NAME")]
    pub service_line: Vec<String>,
}

/// Reporting periods.
#[derive(Debug, Args)]
#[command(
    next_help_heading = "Periods",
    after_long_help = "Windows: every period of --period lying wholly between --from and --to; --month picks one period, --last N the latest N. A period the extract does not cover (starting before the month of its earliest discharge, or ending after the extract date) is reported with empty figures, never 0."
)]
pub struct PeriodArgs {
    /// Period: calendar month, NHS financial quarter or year, or rolling 3 or 12 months.
    #[arg(long, value_enum, default_value = "month")]
    pub period: PeriodKind,
    /// First month (YYYY-MM) or day (YYYY-MM-DD). [default: the month the extract starts, that of its earliest discharge]
    #[arg(long, value_name = "WHEN")]
    pub from: Option<String>,
    /// Last month (YYYY-MM) or day (YYYY-MM-DD). [default: the last complete month of the extract]
    #[arg(long, value_name = "WHEN")]
    pub to: Option<String>,
    /// One period: the month YYYY-MM, `latest` (the last complete month of the extract) or `last`
    /// (the last complete month before today); with --period rolling3 or rolling12 the 3 or 12
    /// months ending with it, with quarter or year the one holding it.
    #[arg(long, value_name = "MONTH", conflicts_with_all = ["from", "to", "last"])]
    pub month: Option<String>,
    /// The latest N periods of --period, ending with the last complete month of the extract (or
    /// --to): `--last 12` is the last 12 months, `--period rolling12 --last 1` the last 12 months
    /// as one period.
    #[arg(long, value_name = "N", conflicts_with = "from")]
    pub last: Option<usize>,
}

/// The formats every report is written in.
const REPORT_FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Ndjson,
    Format::Csv,
    Format::Xlsx,
    Format::Parquet,
];

/// `validate`'s: its findings as a list.
const FINDING_FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Ndjson, Format::Csv];

/// `nhs`'s: those of every report, and NHS England's published layout.
const NHS_FORMATS: &[Format] = &[
    Format::Table,
    Format::Json,
    Format::Ndjson,
    Format::Csv,
    Format::NhsCsv,
    Format::Xlsx,
    Format::Parquet,
];

/// `--format` offering only the formats a command writes (in `--help`, completions and errors).
fn formats(offered: &'static [Format]) -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(offered.iter().filter_map(ValueEnum::to_possible_value))
        .map(|name| Format::from_str(&name, false).expect("an offered format"))
}

/// How results are written.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_parser = formats(REPORT_FORMATS), default_value = "table")]
    pub format: Format,
    /// Write to this file (complete or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print no messages (row counts, notes) on standard error; errors are still printed.
    #[arg(long, short)]
    pub quiet: bool,
    /// The fields the table shows, by name, comma-separated (see --format csv for the names).
    /// [default: the main measures, which fit 120 columns on a terminal]
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub columns: Vec<String>,
}

/// Small-number suppression of shared outputs.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct SuppressArgs {
    /// Apply NHS small-number suppression to the output (counts under 5 as *, others rounded to 5).
    #[arg(long)]
    pub suppress: bool,
    /// With --suppress: counts below this are shown as *.
    #[arg(long, value_name = "N", default_value_t = 5, requires = "suppress")]
    pub suppress_threshold: i64,
    /// With --suppress: other counts are rounded to the nearest multiple of this.
    #[arg(long, value_name = "N", default_value_t = 5, requires = "suppress")]
    pub suppress_rounding: i64,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format: `table` lists each problem as file:line: message, then the counts.
    #[arg(long, value_parser = formats(FINDING_FORMATS), default_value = "table", help_heading = "Output")]
    pub format: Format,
    /// Print no messages on standard error (which data is read); the findings and counts are the
    /// output, and errors are still printed.
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RatesArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// Extra breakdown; repeat for several.
    #[arg(long, value_enum, help_heading = "Selection")]
    pub by: Vec<Breakdown>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

#[derive(Debug, Args)]
#[command(mut_arg("format", |format| format.value_parser(formats(NHS_FORMATS))))]
pub struct NhsArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    /// The reporting month: YYYY-MM, `latest` (the last complete month of the extract) or `last`
    /// (the last complete month before today, as in `summary`). [default: latest]
    #[arg(long, value_name = "MONTH", conflicts_with_all = ["from", "to", "last"], help_heading = "Periods")]
    pub month: Option<String>,
    /// First reporting month of a series (YYYY-MM): every month from it to --to.
    #[arg(long, value_name = "MONTH", help_heading = "Periods")]
    pub from: Option<String>,
    /// Last reporting month of a series (YYYY-MM), with --from or --last. [default: the last
    /// complete month of the extract]
    #[arg(long, value_name = "MONTH", help_heading = "Periods")]
    pub to: Option<String>,
    /// The latest N reporting months, ending with the last complete month of the extract (or
    /// --to): `--last 12` is a year of months, each with its M, Q and Y.
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "from",
        help_heading = "Periods"
    )]
    pub last: Option<usize>,
    /// The service lines of the adult acute group (the `a` measures), comma-separated.
    /// [default: adult_acute,older_adult_acute,picu: MHSDS bed types 200, 201, 202]
    #[arg(
        long,
        value_name = "LINES",
        value_delimiter = ',',
        help_heading = "Selection"
    )]
    pub adult_acute: Vec<String>,
    /// The STATUS column's value (NHS England: Performance, Provisional, Final).
    #[arg(long, default_value = "Local", help_heading = "Output")]
    pub status: String,
    /// A population for rates per 1,000,000 (CODE=N; repeat): `England=57106398` for the
    /// England level of --mhsds, or a collaborative's code over the collaboratives reference.
    #[arg(long, value_name = "CODE=N", help_heading = "Selection")]
    pub population: Vec<String>,
    /// NHS England's `_RAW` file: unrounded values, rows whose value is 0 or empty left out.
    #[arg(long, conflicts_with = "suppress", help_heading = "Output")]
    pub raw: bool,
    /// Leave out the breakdowns by group of people (age band, gender, ethnicity, upper ethnicity,
    /// IMD decile), given by default when the admissions have the columns or MHSDS tables have
    /// MHS001MPI.
    #[arg(long, help_heading = "Output")]
    pub no_groups: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

#[derive(Debug, Args)]
pub struct PublishedArgs {
    /// Published files: CSV paths or glob patterns (`oaps-open-data-*.csv`); MHSDS-era dates
    /// DD/MM/YYYY as downloaded, or YYYY-MM-DD.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// The month (YYYY-MM) of a Clinical Audit Platform file that names none: no
    /// PublicationPeriod column and no month in its file name.
    #[arg(long, value_name = "MONTH")]
    pub period: Option<String>,
    /// Keep two files of the same collection and month (otherwise refused).
    #[arg(long)]
    pub keep_duplicates: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct BenchmarkArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    /// NHS England's published OAP files (paths or globs; see `oapstat published`).
    #[arg(long, required = true, value_name = "FILE", help_heading = "Benchmark")]
    pub published: Vec<String>,
    /// The month of a Clinical Audit Platform file that names none (as in `published`).
    #[arg(long, value_name = "MONTH", help_heading = "Benchmark")]
    pub period: Option<String>,
    /// Only this month: YYYY-MM, `latest` (the last complete month of the extract) or `last` (the
    /// last complete month before today). [default: every month both the extract and the files
    /// cover]
    #[arg(long, value_name = "MONTH", help_heading = "Benchmark")]
    pub month: Option<String>,
    /// A published level to compare with as well: BREAKDOWN:CODE as the file spells them
    /// (e.g. "Sending Provider:RX3", "ICB of GP Practice or Residence:QHM"); repeat for several.
    #[arg(long, value_name = "BREAKDOWN:CODE", help_heading = "Benchmark")]
    pub peer: Vec<String>,
    /// The population of a published level, for rates per 1,000,000 (CODE=N, e.g.
    /// England=57106398); repeat for several. Collaboratives' come from the reference.
    #[arg(long, value_name = "CODE=N", help_heading = "Benchmark")]
    pub population: Vec<String>,
    /// Draw the collaborative against England per 1,000,000 over the months (SVG) into this file.
    #[arg(long, value_name = "FILE", help_heading = "Benchmark")]
    pub chart: Option<PathBuf>,
    /// The measure the chart draws, at period M. [default: OAP06 for MHSDS-era files,
    /// oaps_active_end for Clinical Audit Platform ones]
    #[arg(
        long,
        value_name = "ID",
        requires = "chart",
        help_heading = "Benchmark"
    )]
    pub chart_measure: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct LosArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// Extra breakdown: service_line, or oap (whether the spell had any out-of-area placement).
    #[arg(long, value_enum, help_heading = "Selection")]
    pub by: Vec<LosBreakdown>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

#[derive(Debug, Args)]
#[command(mut_arg("period", |period| period.default_value("year")))]
pub struct EqualityArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// The dimensions to break down by; repeat for several. [default: every one the admissions
    /// have a column for]
    #[arg(long, value_enum, help_heading = "Selection")]
    pub dimension: Vec<crate::demographics::Dimension>,
    /// The group ratios are taken against, as DIMENSION=GROUP (a label, or a code: ethnicity=A,
    /// imd_decile=10); repeat for several. [default: ethnicity=British, upper_ethnicity="White or
    /// White British", imd_decile="10 Least deprived"; none for age band or gender]
    #[arg(long, value_name = "DIMENSION=GROUP", help_heading = "Selection")]
    pub reference: Vec<String>,
    /// The confidence level of every interval, and so of `higher` and `lower`.
    #[arg(long, value_name = "LEVEL", default_value = "0.95", value_parser = ["0.95", "0.998"], help_heading = "Selection")]
    pub confidence: String,
    /// Also draw a chart per collaborative and dimension of the last period into this folder:
    /// the share with an OAP, and the OAP rate per 100,000 where populations give one.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub chart: Option<PathBuf>,
    /// The charts' image format.
    #[arg(
        long,
        value_enum,
        default_value = "svg",
        requires = "chart",
        help_heading = "Output"
    )]
    pub chart_format: ImageFormat,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

/// How an XmR chart is judged.
#[derive(Debug, Args)]
#[command(next_help_heading = "Chart")]
pub struct XmrArgs {
    /// Which way is better. [default: down for OAP, LOS, open-spell and cost measures, up for
    /// cost_recorded_share, neither for the rest]
    #[arg(long, value_enum)]
    pub improvement: Option<Improvement>,
    /// Fix the mean and limits on the first N points of each series.
    #[arg(long, value_name = "N", conflicts_with_all = ["baseline_from", "baseline_to"])]
    pub baseline_months: Option<usize>,
    /// Fix the mean and limits on the periods from this month (YYYY-MM)...
    #[arg(long, value_name = "WHEN", requires = "baseline_to")]
    pub baseline_from: Option<String>,
    /// ... to this month (YYYY-MM), both included.
    #[arg(long, value_name = "WHEN", requires = "baseline_from")]
    pub baseline_to: Option<String>,
    /// A target for every series: assurance reads it against each series' last limits.
    /// [default: targets.csv in --data (or --targets), if there]
    #[arg(long, value_name = "VALUE", allow_negative_numbers = true)]
    pub target: Option<f64>,
    /// Targets per collaborative and measure: a CSV of collaborative (or *), measure, target and
    /// optionally improvement. [default: targets.csv in --data, if there]
    #[arg(long, value_name = "FILE", conflicts_with = "target")]
    pub targets: Option<PathBuf>,
    /// Start a new section of every series at this month (YYYY-MM, or YYYY-MM=REASON): its own
    /// mean, limits and rules. Repeat for several. [default: rebase.csv in --data (or
    /// --rebase-file), if there]
    #[arg(long, value_name = "MONTH")]
    pub rebase: Vec<String>,
    /// Rebases per collaborative and measure: a CSV of collaborative (or *), measure (or *),
    /// month and reason. [default: rebase.csv in --data, if there]
    #[arg(long, value_name = "FILE", conflicts_with = "rebase")]
    pub rebase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ChartArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// The measure to chart: any measure of `rates` or `los` (see `oapstat spc --help`).
    #[arg(long, default_value = "inappropriate_oap_days", help_heading = "Chart")]
    pub measure: String,
    #[command(flatten)]
    pub xmr: XmrArgs,
    /// Where to write: a file (.svg or .png) when one collaborative is charted, otherwise a
    /// folder that gets one file per collaborative, named MEASURE-COLLABORATIVE.svg|png.
    #[arg(long, value_name = "PATH", help_heading = "Output")]
    pub out: PathBuf,
    /// Image format. [default: from the file name, else svg]
    #[arg(long, value_enum, help_heading = "Output")]
    pub image: Option<ImageFormat>,
    /// Print no messages on standard error.
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageFormat {
    Svg,
    Png,
}

#[derive(Debug, Args)]
pub struct SpcArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    #[command(flatten)]
    pub periods: PeriodArgs,
    /// The measure to chart: any field of `los` (los_median, los_mean, los_p90, discharges,
    /// open_spells...) or of `rates` (oap_days, inappropriate_oap_days, oaps_active_end...).
    /// With --summary, repeat for several. [default: los_median; with --summary: oap_days,
    /// inappropriate_oap_days, inappropriate_oaps_active_end, los_median, oap_day_share]
    #[arg(long, help_heading = "Chart")]
    pub measure: Vec<String>,
    /// The Making Data Count summary: a row per collaborative and measure (its last section's
    /// mean, limits and counts, variation and assurance) and, in JSON, the summary matrix.
    #[arg(long, help_heading = "Chart")]
    pub summary: bool,
    #[command(flatten)]
    pub xmr: XmrArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct ReinvestArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    /// Baseline period: a financial year (2023-24) or dates (2023-04-01..2024-03-31).
    /// [default: the financial year before the current one]
    #[arg(long, value_name = "PERIOD", help_heading = "Estimate")]
    pub baseline: Option<String>,
    /// Current period: a financial year (2025-26) or dates; a year not yet over ends at the
    /// extract date and is annualised. [default: the last complete financial year]
    #[arg(long, value_name = "PERIOD", help_heading = "Estimate")]
    pub current: Option<String>,
    /// Share of the saving committed to community services (0 to 1).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 1.0,
        help_heading = "Estimate"
    )]
    pub reinvest_share: f64,
    /// OAP daily cost in pounds to use instead of the recorded mean of the baseline (no range).
    #[arg(long, value_name = "POUNDS", help_heading = "Estimate")]
    pub oap_daily_cost: Option<f64>,
    /// What-if on the current period's inappropriate OAP days: eliminate-inappropriate or
    /// reduce-inappropriate=N%.
    #[arg(long, value_name = "SCENARIO", help_heading = "Estimate")]
    pub scenario: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

#[derive(Debug, Args)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    /// Baseline period: a financial year (2025-26) or dates (2025-04-01..2026-03-31).
    /// [default: the last complete financial year]
    #[arg(long, value_name = "PERIOD", help_heading = "Capacity")]
    pub baseline: Option<String>,
    /// Share of inappropriate OAP days (reason 10) brought home (0 to 1).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 1.0,
        help_heading = "Capacity"
    )]
    pub repatriate: f64,
    /// Target bed occupancy (0 to 1; 0.85 is the Royal College of Psychiatrists' guidance).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.85,
        help_heading = "Capacity"
    )]
    pub occupancy: f64,
    /// Largest share of days on which demand may exceed the beds (0 up to 1).
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.05,
        help_heading = "Capacity"
    )]
    pub no_bed_risk: f64,
    /// A group of service lines reported beside its lines, as NAME=LINE,LINE (e.g.
    /// adult_acute_group=adult_acute,older_adult_acute,picu); repeat for several.
    #[arg(long, value_name = "NAME=LINES", help_heading = "Capacity")]
    pub group: Vec<String>,
    /// Current local beds: a CSV of collaborative, service_line, beds. [default: local_beds.csv
    /// in the --data folder, if there]
    #[arg(long, value_name = "PATH", help_heading = "Capacity")]
    pub beds: Option<PathBuf>,
    /// Also a row per calendar month of the baseline, so seasonal pressure shows.
    #[arg(long, help_heading = "Capacity")]
    pub by_month: bool,
    /// Also draw each collaborative and service line's nightly demand, with the current beds and
    /// both counts of beds needed, into this folder as capacity-COLLABORATIVE-LINE.svg.
    #[arg(long, value_name = "DIR", help_heading = "Capacity")]
    pub charts: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub analysis: AnalysisInput,
    /// The month of the pack: YYYY-MM; `last`, the last complete month before today (or before
    /// --as-of), for cron; or `latest`, the last complete month of the extract.
    #[arg(long, value_name = "MONTH", help_heading = "Pack")]
    pub month: String,
    /// With --month last: the date to count from instead of today, for reproducible runs.
    #[arg(long, value_name = "DATE", help_heading = "Pack")]
    pub as_of: Option<String>,
    /// Folder of packs: the pack is written to OUT/YYYY-MM/.
    #[arg(long, value_name = "OUT", help_heading = "Pack")]
    pub out: PathBuf,
    /// Replace an existing pack for the month.
    #[arg(long, help_heading = "Pack")]
    pub force: bool,
    /// Share of savings committed to community services, for the reinvestment estimate.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 1.0,
        help_heading = "Pack"
    )]
    pub reinvest_share: f64,
    /// Current local beds (collaborative, service_line, beds) for the pack's capacity section.
    /// [default: local_beds.csv in the --data folder, if there; without it, no capacity section]
    #[arg(long, value_name = "PATH", help_heading = "Pack")]
    pub beds: Option<PathBuf>,
    /// NHS England's published OAP files (paths or globs): the pack compares the collaboratives
    /// with England over the months both cover (benchmark.csv and a chart).
    #[arg(long, value_name = "FILE", help_heading = "Pack")]
    pub published: Vec<String>,
    /// With --published: a published level to compare with as well (BREAKDOWN:CODE).
    #[arg(
        long,
        value_name = "BREAKDOWN:CODE",
        requires = "published",
        help_heading = "Pack"
    )]
    pub peer: Vec<String>,
    /// With --published: the population of a published level (CODE=N, e.g. England=57106398).
    #[arg(
        long,
        value_name = "CODE=N",
        requires = "published",
        help_heading = "Pack"
    )]
    pub population: Vec<String>,
    /// Print the Markdown summary on standard output once the pack is written.
    #[arg(long, help_heading = "Output")]
    pub print: bool,
    /// Say what is being done on standard error.
    #[arg(long, short, help_heading = "Output")]
    pub verbose: bool,
    #[command(flatten)]
    pub suppress: SuppressArgs,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Folder to write admissions.csv, placements.csv, collaboratives.csv, local_costs.csv,
    /// targets.csv and README.md into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace files of those names in the folder.
    #[arg(long)]
    pub force: bool,
    /// Print no message on standard error; errors are still printed.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MappingArgs {
    /// Draft a mapping from the header and first rows of these files (the admissions and the
    /// placements export): printed, to save as mapping.toml and edit where it says EDIT.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub suggest: Vec<PathBuf>,
    /// Print a built-in table of codes as mapping entries, to see or copy.
    #[arg(long, value_name = "NAME", value_parser = ["mhsds-bed-type", "nhs-ethnic-category"])]
    pub preset: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write oapstat.1 and one oapstat-COMMAND.1 per command into this folder instead of printing
    /// the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Folder to write admissions, placements, collaboratives.csv, local_costs.csv and
    /// populations.csv into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Seed of the random generator: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of admissions (spells) from the start to the extract date; the spells already open
    /// on the start date (admitted before it) come on top. Placements are about 1.35 per spell.
    #[arg(long, default_value_t = 20_000)]
    pub admissions: usize,
    /// The day the extract starts: it holds the spells open on it or admitted after it.
    #[arg(long, value_name = "DATE", default_value = "2023-04-01")]
    pub start: String,
    /// The extract date: the last day of the data; stays still open on it are ongoing.
    #[arg(long, value_name = "DATE", default_value = "2026-10-31")]
    pub extract_date: String,
    /// File format of the extracts.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: GenerateFormat,
    /// Replace existing files in the folder.
    #[arg(long)]
    pub force: bool,
    /// Write the same spells as MHSDS record-level tables instead (MHS000Header, MHS001MPI,
    /// MHS101Referral, MHS501HospProvSpell, MHS502WardStay, one file per table per month, as
    /// MHS101Referral_2024-04.csv), with providers.csv and collaboratives.csv: for `--mhsds`.
    #[arg(long)]
    pub mhsds: bool,
    /// With --mhsds: referrals without a hospital spell (community care) begun over the data.
    /// [default: 3 per admission]
    #[arg(long, value_name = "N", requires = "mhsds")]
    pub community_referrals: Option<usize>,
    /// With --mhsds: one file per table holding every month (MHS101Referral.csv).
    #[arg(long, requires = "mhsds")]
    pub one_file_per_table: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenerateFormat {
    Csv,
    Parquet,
}

//! `oapstat generate`: synthetic extracts for the bundled sample, tests and benchmarks.

use anyhow::{bail, Result};

use crate::cli::{GenerateArgs, GenerateFormat};
use crate::figures::group_thousands;
use crate::generate::mhsds::{self as tables, MhsdsRequest};
use crate::generate::{generate, write, GenerateRequest};
use crate::periods::parse_date;

pub fn run(args: &GenerateArgs) -> Result<()> {
    let request = GenerateRequest {
        seed: args.seed,
        admissions: args.admissions,
        start: parse_date(&args.start, "--start")?,
        extract_date: parse_date(&args.extract_date, "--extract-date")?,
    };
    let parquet = args.format == GenerateFormat::Parquet;
    if args.mhsds {
        return mhsds(args, request, parquet);
    }
    if !args.force {
        let ext = if parquet { "parquet" } else { "csv" };
        for name in [
            format!("admissions.{ext}"),
            format!("placements.{ext}"),
            "collaboratives.csv".into(),
            "local_costs.csv".into(),
            "populations.csv".into(),
        ] {
            let path = args.out.join(&name);
            if path.exists() {
                bail!(
                    "{}: already exists (pass --force to replace it)",
                    path.display()
                );
            }
        }
    }
    let generated = generate(&request)?;
    let written = write(&generated, &args.out, parquet)?;
    eprintln!(
        "oapstat: wrote {} admissions and {} placements ({} to {}) to {}",
        group_thousands(generated.admission_id.len() as i64),
        group_thousands(generated.placement_id.len() as i64),
        request.start,
        request.extract_date,
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// `generate --mhsds`: the same spells as MHSDS tables.
fn mhsds(args: &GenerateArgs, extract: GenerateRequest, parquet: bool) -> Result<()> {
    if !args.force {
        tables::check_existing(&args.out, parquet)?;
    }
    let (start, end) = (extract.start, extract.extract_date);
    let request = MhsdsRequest {
        community_referrals: args.community_referrals.unwrap_or(3 * extract.admissions),
        extract,
        monthly_files: !args.one_file_per_table,
        parquet,
    };
    let written = tables::write(&request, &args.out)?;
    let counts = tables::TABLES
        .iter()
        .zip(written.rows)
        .map(|((name, _), rows)| format!("{} {name}", group_thousands(rows as i64)))
        .collect::<Vec<_>>()
        .join(", ");
    eprintln!(
        "oapstat: wrote MHSDS tables of {} months ({start} to {end}): {counts} rows; {} files in {}",
        written.months,
        written.files.len(),
        args.out.display()
    );
    Ok(())
}

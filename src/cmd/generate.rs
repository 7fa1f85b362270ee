//! `oapstat generate`: synthetic extracts for the bundled sample, tests and benchmarks.

use anyhow::{bail, Result};

use super::parse_date;
use crate::cli::{GenerateArgs, GenerateFormat};
use crate::generate::{generate, write, GenerateRequest};
use crate::render::group_thousands;

pub fn run(args: &GenerateArgs) -> Result<()> {
    let request = GenerateRequest {
        seed: args.seed,
        admissions: args.admissions,
        start: parse_date(&args.start, "--start")?,
        extract_date: parse_date(&args.extract_date, "--extract-date")?,
    };
    let parquet = args.format == GenerateFormat::Parquet;
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

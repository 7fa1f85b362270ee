//! `oapstat sample`, `completions` and `man`: oapstat at home in a shell, from its own
//! definitions (the bundled sample, and clap's).

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs, SampleArgs};

pub fn sample(args: &SampleArgs) -> Result<()> {
    let written = crate::sample::write_to(&args.out, args.force)?;
    if args.quiet {
        return Ok(());
    }
    eprintln!(
        "oapstat: wrote the bundled sample to {} ({})",
        args.out.display(),
        written
            .iter()
            .filter_map(|p| p.strip_prefix(&args.out).ok())
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "oapstat", &mut out);
    out.flush()?;
    Ok(())
}

pub fn man(args: &ManArgs) -> Result<()> {
    let command = Cli::command();
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(command).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("{}: cannot write the man pages", dir.display()))?;
            eprintln!("oapstat: wrote the man pages to {}", dir.display());
        }
    }
    Ok(())
}

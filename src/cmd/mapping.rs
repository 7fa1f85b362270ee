//! `oapstat mapping`: draft a mapping file from a system's own export, or print a built-in table.

use std::io::Write;

use anyhow::Result;

use crate::cli::MappingArgs;
use crate::input::mapping::{preset, suggest::suggest};

pub fn run(args: &MappingArgs) -> Result<()> {
    let text = match &args.preset {
        Some(name) => preset::find(name)
            .ok_or_else(|| anyhow::anyhow!("unknown preset {name:?}"))?
            .as_toml(),
        None => suggest(&args.suggest)?,
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

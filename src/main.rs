use clap::Parser;

fn main() {
    oapstat::memory::one_arena();
    let cli = oapstat::cli::Cli::parse();
    let code = match oapstat::run(cli) {
        Ok(code) => code,
        Err(error) if oapstat::is_broken_pipe(&error) => 0,
        Err(error) => {
            eprintln!("oapstat: error: {error:#}");
            oapstat::exit_code(&error)
        }
    };
    std::process::exit(code);
}

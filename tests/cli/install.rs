//! oapstat installed anywhere: the binary alone, run from an empty folder, uses the sample
//! inside it; completions and the man page come from the same definitions as --help.

use std::process::Command;

use super::workdir::Workdir;

const COMMANDS: [&str; 16] = [
    "validate",
    "rates",
    "los",
    "spc",
    "reinvest",
    "capacity",
    "nhs",
    "published",
    "benchmark",
    "chart",
    "summary",
    "sample",
    "completions",
    "man",
    "generate",
    "help",
];

#[test]
fn the_binary_alone_in_an_empty_folder_gives_the_repositorys_figures() {
    let w = Workdir::new();
    let copy = w.path("bin/oapstat");
    std::fs::create_dir(w.path("bin")).unwrap();
    std::fs::copy(assert_cmd::cargo::cargo_bin("oapstat"), &copy).unwrap();
    std::fs::create_dir(w.path("elsewhere")).unwrap();
    // No source tree, no cache: a fresh HOME and an empty working folder.
    let run = |args: &[&str]| {
        let output = Command::new(&copy)
            .args(args)
            .current_dir(w.path("elsewhere"))
            .env("HOME", w.path("home"))
            .env_remove("XDG_CACHE_HOME")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };
    let alone = run(&["rates", "--format", "csv"]);
    let stderr = String::from_utf8_lossy(&alone.stderr);
    assert!(
        stderr.contains("using the sample data bundled with oapstat"),
        "{stderr}"
    );
    let repository = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let from_repository = run(&["rates", "--data", repository, "--format", "csv", "-q"]);
    assert!(!alone.stdout.is_empty());
    assert_eq!(alone.stdout, from_repository.stdout);
    // A second run finds the sample in the cache as the first left it.
    assert_eq!(
        run(&["rates", "--format", "csv", "-q"]).stdout,
        alone.stdout
    );

    // `sample --out` writes the files of the repository's data/.
    run(&["sample", "--out", "sample"]);
    for name in [
        "admissions.csv",
        "placements.csv",
        "collaboratives.csv",
        "local_costs.csv",
        "populations.csv",
        "targets.csv",
        "README.md",
        "mhsds/MHS000Header.parquet",
        "mhsds/MHS001MPI.parquet",
        "mhsds/MHS101Referral.parquet",
        "mhsds/MHS501HospProvSpell.parquet",
        "mhsds/MHS502WardStay.parquet",
        "mhsds/providers.csv",
        "mhsds/collaboratives.csv",
    ] {
        assert_eq!(
            std::fs::read(w.path(&format!("elsewhere/sample/{name}"))).unwrap(),
            std::fs::read(format!("{repository}/{name}")).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn completions_and_man_pages_name_every_command() {
    let w = Workdir::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, script, stderr) = w.run(&["completions", shell]);
        assert_eq!(code, 0, "{stderr}");
        for command in COMMANDS {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
    let (code, page, _) = w.run(&["man"]);
    assert_eq!(code, 0);
    assert!(page.starts_with(".ie"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!("oapstat\\-{command}")) || page.contains(command),
            "man lacks {command}"
        );
    }
    let (code, _, _) = w.run(&["man", "--out", "man"]);
    assert_eq!(code, 0);
    for command in &COMMANDS[..15] {
        assert!(
            w.path(&format!("man/oapstat-{command}.1")).exists(),
            "no man page for {command}"
        );
    }
    // The help lists exactly these commands.
    let (_, help, _) = w.run(&["--help"]);
    for command in COMMANDS {
        assert!(
            help.contains(&format!("  {command} ")),
            "--help lacks {command}"
        );
    }
}

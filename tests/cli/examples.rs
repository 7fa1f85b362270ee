//! The scripts in examples/ work as documented.

use std::process::Command;

use super::fixtures::hand_built;

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("oapstat")
        .display()
        .to_string()
}

fn has_jq() -> bool {
    Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn rates_to_csv_through_jq() {
    if !has_jq() {
        eprintln!("jq is not installed: skipping the jq example");
        return;
    }
    let w = hand_built();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/rates-to-csv.sh");
    let output = Command::new("bash")
        .arg(script)
        .args([
            "--data",
            "data",
            "--extract-date",
            "2024-04-30",
            "--from",
            "2024-02",
            "--to",
            "2024-02",
        ])
        .current_dir(w.path("."))
        .env("OAPSTAT", binary())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "\"collaborative\",\"period\",\"oaps_active_end\",\"oap_days\",\"inappropriate_oap_days\",\"oap_day_share\",\"total_recorded_cost\"");
    assert_eq!(lines[1], "\"AAA\",\"2024-02\",3,68,39,0.85,21500");
    assert_eq!(lines[2], "\"BBB\",\"2024-02\",0,0,0,,0");
}

#[test]
fn monthly_pack_wrapper_is_idempotent() {
    let w = hand_built();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/monthly-pack.sh");
    let run = || {
        Command::new("bash")
            .arg(script)
            .current_dir(w.path("."))
            .env("OAPSTAT", binary())
            .env("DATA_DIR", "data")
            .env("OUT_DIR", "reports")
            .env(
                "EXTRA",
                "--extract-date 2024-04-30 --as-of 2024-04-15 --suppress",
            )
            .output()
            .unwrap()
    };
    let first = run();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("oapstat pack written to reports"));
    assert!(w.path("reports/2024-03/manifest.json").exists());
    let second = run();
    assert_eq!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stdout).contains("already there, nothing to do"));
}

//! A temporary folder with fixture files, and the binary run inside it.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn write(&self, name: &str, content: &str) -> &Workdir {
        std::fs::write(self.path(name), content).expect("write fixture");
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).expect("read output")
    }

    /// `oapstat ARGS` run in the folder, with today fixed for reproducible date checks.
    pub fn oapstat(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("oapstat").expect("binary");
        cmd.current_dir(self.dir.path())
            .env("OAPSTAT_TODAY", "2026-11-24")
            .args(args);
        cmd
    }

    /// Runs and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = self.oapstat(args).output().expect("run oapstat");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Runs, expects success, and parses standard output as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "oapstat {args:?} failed: {stderr}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    }
}

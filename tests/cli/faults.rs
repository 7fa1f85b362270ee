//! Faults while writing: a full disk under `-o FILE` and under the monthly pack. The disk is a
//! small tmpfs (mounting one needs root, as CI has); where it cannot be mounted, the tests say so
//! and pass without checking.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::workdir::Workdir;

/// A small tmpfs, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !mounted {
            eprintln!("skipped: cannot mount a tmpfs of {size} here (it needs root and a machine that allows it)");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Fills the disk but for `leave_kib` KiB.
    fn fill(&self, leave_kib: u64) {
        let df = Command::new("df")
            .args(["-k", "--output=avail"])
            .arg(self.dir.path())
            .output()
            .expect("df");
        let available: u64 = String::from_utf8_lossy(&df.stdout)
            .lines()
            .nth(1)
            .and_then(|line| line.trim().parse().ok())
            .expect("available space");
        let size = available.saturating_sub(leave_kib) * 1024;
        std::fs::write(self.path("filler"), vec![0u8; size as usize]).expect("fill the disk");
    }

    fn free(&self) {
        std::fs::remove_file(self.path("filler")).expect("free the disk");
    }

    /// The names in a folder of the disk, sorted.
    fn names(&self, folder: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.path(folder))
            .expect("a folder")
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

fn data() -> String {
    format!("{}/data", env!("CARGO_MANIFEST_DIR"))
}

/// Every file under a folder with its content.
fn contents(folder: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn output_files_on_a_full_disk_are_whole_or_absent() {
    // Room for the largest output (nhs on the sample, with its breakdowns by group: 4.8 MB).
    let Some(disk) = SmallDisk::mount("8m") else {
        return;
    };
    let w = Workdir::new();
    let data = data();
    let out = disk.path("out.csv");
    let out = out.to_str().unwrap();
    for command in ["rates", "los", "spc", "reinvest", "capacity", "nhs"] {
        let args = [
            command, "--data", &data, "--format", "csv", "-o", out, "--quiet",
        ];
        disk.fill(4);
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert!(
            stderr.starts_with(&format!("oapstat: error: {out}: cannot write"))
                && stderr
                    .trim_end()
                    .ends_with("No space left on device (os error 28)")
                && stderr.lines().count() == 1,
            "{command}: {stderr}"
        );
        assert_eq!(
            disk.names(""),
            ["filler"],
            "{command}: nothing else on the disk"
        );
        disk.free();
        let (code, _, stderr) = w.run(&args);
        assert_eq!(code, 0, "{command} once space is back: {stderr}");
        let (_, stdout, _) = w.run(&args[..5]);
        assert!(
            std::fs::read_to_string(out).unwrap() == stdout,
            "{command}: not whole"
        );
        std::fs::remove_file(out).unwrap();
    }
}

#[test]
fn a_pack_on_a_full_disk_is_not_written_and_earlier_packs_are_untouched() {
    let Some(disk) = SmallDisk::mount("16m") else {
        return;
    };
    let w = Workdir::new();
    let data = data();
    let packs = disk.path("packs");
    let packs = packs.to_str().unwrap();
    let summary = |month: &str, force: bool| {
        let mut args = vec!["summary", "--data", &data, "--month", month, "--out", packs];
        if force {
            args.push("--force");
        }
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        w.run(&args)
    };
    let (code, _, stderr) = summary("2026-08", false);
    assert_eq!(code, 0, "{stderr}");
    let august = contents(&disk.path("packs/2026-08"));
    disk.fill(100);
    for (month, force) in [("2026-09", false), ("2026-08", true)] {
        let (code, _, stderr) = summary(month, force);
        assert_eq!(code, 2, "{month}: {stderr}");
        let error = stderr.lines().last().unwrap();
        assert!(
            error.starts_with(&format!("oapstat: error: {packs}/{month}/"))
                && error.contains(": cannot write (the pack is not written; packs already there are untouched): No space left on device"),
            "{month}: {stderr}"
        );
        // No partial pack under its name, no folder being built left behind.
        assert_eq!(disk.names("packs"), [".oapstat-summary.lock", "2026-08"]);
        assert!(
            contents(&disk.path("packs/2026-08")) == august,
            "the August pack changed"
        );
    }
    disk.free();
    let (code, _, stderr) = summary("2026-09", false);
    assert_eq!(code, 0, "once space is back: {stderr}");
    assert_eq!(
        disk.names("packs"),
        [".oapstat-summary.lock", "2026-08", "2026-09"]
    );
    assert!(contents(&disk.path("packs/2026-08")) == august);
}

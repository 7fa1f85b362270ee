//! The documentation stays true: every command example of README.md and docs/*.md runs as the page
//! says, every relative link between the pages reaches its file and heading, every page of docs/
//! is entered from the README, and the README's table names every command. The convention the
//! pages follow is in docs/development.md ("The documentation and its examples").

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// README.md, then the pages of docs/ in name order.
fn pages() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut all = vec![Path::new(ROOT).join("README.md")];
    all.extend(docs);
    all
}

fn shown(page: &Path) -> String {
    page.strip_prefix(ROOT)
        .unwrap_or(page)
        .display()
        .to_string()
}

/// One line of a ```sh block: where it is, the command, and the exit code it must give.
#[derive(Debug, PartialEq)]
struct Example {
    line: usize,
    command: String,
    exit: i32,
}

/// The page's fenced blocks, each as its info string and its lines (numbered from 1).
fn fenced_blocks(text: &str) -> Vec<(String, Vec<(usize, String)>)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, Vec<(usize, String)>)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match open.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some((info.trim().to_string(), Vec::new()));
                }
            }
            Some((info, mut lines)) => {
                if trimmed.trim_end() == "```" {
                    blocks.push((info, lines));
                } else {
                    lines.push((i + 1, line.to_string()));
                    open = Some((info, lines));
                }
            }
        }
    }
    assert!(open.is_none(), "a fenced block is never closed");
    blocks
}

/// The byte offset of the first `pattern` outside single or double quotes.
fn unquoted_find(line: &str, pattern: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if line[i..].starts_with(pattern) => return Some(i),
            None => {}
        }
    }
    None
}

/// A line of a ```sh block as an example: `Ok(None)` for a comment or a blank line, `Err` for a
/// line that breaks the convention.
fn example(line: usize, text: &str) -> Result<Option<Example>, String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    if !text.starts_with("oapstat ") {
        return Err(format!(
            "line {line}: a ```sh line must be one command starting with `oapstat `: {text}"
        ));
    }
    if text.ends_with('\\') {
        return Err(format!(
            "line {line}: one command a line, not continued with \\: {text}"
        ));
    }
    let (command, comment) = match unquoted_find(text, " #") {
        Some(at) => (text[..at].trim_end(), text[at + 2..].trim()),
        None => (text, ""),
    };
    let exit = match comment.strip_prefix("exit ") {
        Some(rest) => {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits
                .parse()
                .map_err(|_| format!("line {line}: `# exit` without a code: {text}"))?
        }
        None => 0,
    };
    Ok(Some(Example {
        line,
        command: command.to_string(),
        exit,
    }))
}

/// The ```sh blocks of a page, each as its examples in order.
fn examples(text: &str) -> Result<Vec<Vec<Example>>, String> {
    let mut blocks = Vec::new();
    for (info, lines) in fenced_blocks(text) {
        if info != "sh" {
            continue;
        }
        let mut block = Vec::new();
        for (line, text) in lines {
            if let Some(e) = example(line, &text)? {
                block.push(e);
            }
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// The programs a command pipes into (the first word after each unquoted `|`).
fn piped_programs(command: &str) -> Vec<String> {
    let mut programs = Vec::new();
    let mut rest = command;
    while let Some(at) = unquoted_find(rest, "|") {
        rest = &rest[at + 1..];
        if let Some(word) = rest.split_whitespace().next() {
            programs.push(word.to_string());
        }
    }
    programs
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

/// A new empty folder as a reader's, with the repository's tests/data/ and examples/ in it.
fn reader_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::os::unix::fs::symlink(
        Path::new(ROOT).join("tests/data"),
        dir.path().join("tests/data"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        Path::new(ROOT).join("examples"),
        dir.path().join("examples"),
    )
    .unwrap();
    dir
}

/// Runs a block's examples in order in one new folder; returns what went wrong.
fn run_block(page: &str, block: &[Example], path_env: &std::ffi::OsStr) -> Vec<String> {
    let dir = reader_folder();
    let mut failures = Vec::new();
    for e in block {
        if let Some(missing) = piped_programs(&e.command).into_iter().find(|p| !on_path(p)) {
            eprintln!(
                "{page}:{}: {missing} is not installed: skipping `{}`",
                e.line, e.command
            );
            continue;
        }
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail; {}", e.command))
            .current_dir(dir.path())
            .env("PATH", path_env)
            .output()
            .expect("run bash");
        let code = output.status.code().unwrap_or(-1);
        if code != e.exit {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(4).collect();
            failures.push(format!(
                "{page}:{}: `{}` exited {code}, not {}:\n    {}",
                e.line,
                e.command,
                e.exit,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n    ")
            ));
        }
    }
    failures
}

#[test]
fn every_command_example_in_the_readme_and_docs_runs_as_the_page_says() {
    let binary = assert_cmd::cargo::cargo_bin("oapstat");
    let mut path = vec![binary.parent().unwrap().to_path_buf()];
    path.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let path_env = std::env::join_paths(path).unwrap();

    let mut work: Vec<(String, Vec<Example>)> = Vec::new();
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        match examples(&text) {
            Ok(blocks) => work.extend(blocks.into_iter().map(|b| (shown(&page), b))),
            Err(e) => broken.push(format!("{}: {e}", shown(&page))),
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let readme = work.iter().filter(|(p, _)| p == "README.md").count();
    assert!(readme >= 1, "README.md has no ```sh block of examples");
    let count: usize = work.iter().map(|(_, b)| b.len()).sum();
    assert!(
        count >= 50,
        "only {count} examples found: is the parser broken?"
    );

    // Two blocks at a time: the machine running the tests has other tests to run too.
    let next = std::sync::Mutex::new(work.iter());
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((page, block)) = next.lock().unwrap().next() else {
                    break;
                };
                let found = run_block(page, block, &path_env);
                failures.lock().unwrap().extend(found);
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {count} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_example_line_says_its_exit_code_in_a_trailing_comment() {
    let e = |text| example(7, text).unwrap();
    assert_eq!(
        e("oapstat rates --period fortnight   # exit 2"),
        Some(Example {
            line: 7,
            command: "oapstat rates --period fortnight".into(),
            exit: 2
        })
    );
    assert_eq!(e("oapstat rates   # the measures").unwrap().exit, 0);
    assert_eq!(
        e("oapstat summary --out reports/ # exit 4: the pack is there already")
            .unwrap()
            .exit,
        4
    );
    // A # inside quotes is the command's, not a comment.
    assert_eq!(
        e("oapstat published 'a #exit 3.csv'").unwrap().command,
        "oapstat published 'a #exit 3.csv'"
    );
    assert_eq!(e("# a comment"), None);
    assert!(example(1, "cargo install --path .").is_err());
    assert!(example(1, "$ oapstat rates").is_err());
    assert!(example(1, "oapstat rates \\").is_err());
    assert_eq!(
        piped_programs("oapstat rates --format json | jq '.rows | length' | head -1"),
        ["jq", "head"]
    );
}

/// The text of a line with its inline code spans taken out (CommonMark: a run of n backticks
/// opens a span that the next run of exactly n backticks closes).
fn without_code_spans(line: &str) -> String {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            let next = line[i..].find('`').map_or(line.len(), |at| i + at);
            out.push_str(&line[i..next]);
            i = next;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => i = end,
            None => {
                out.push_str(&line[i..i + n]);
                i += n;
            }
        }
    }
    out
}

/// The page's lines outside fenced blocks.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            lines.push((i + 1, line));
        }
    }
    lines
}

/// The targets of the page's links, `[text](target)`, outside code.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (line, raw) in prose(text) {
        let plain = without_code_spans(raw);
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                found.push((line, rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
    found
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
fn anchor(heading: &str) -> String {
    without_code_spans_kept(heading)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A heading's text with the backticks of its code spans dropped and their text kept.
fn without_code_spans_kept(heading: &str) -> String {
    heading.replace('`', "")
}

fn anchors(text: &str) -> Vec<String> {
    prose(text)
        .into_iter()
        .filter_map(|(_, l)| {
            let hashes = l.chars().take_while(|&c| c == '#').count();
            (hashes > 0 && l[hashes..].starts_with(' ')).then(|| anchor(l[hashes..].trim()))
        })
        .collect()
}

#[test]
fn every_link_between_the_pages_reaches_its_file_and_heading() {
    assert_eq!(anchor("Is a change real? (`spc`)"), "is-a-change-real-spc");
    assert_eq!(
        anchor("NHS England's OAP measures (`nhs`)"),
        "nhs-englands-oap-measures-nhs"
    );
    assert_eq!(
        without_code_spans("a ` ```sh ` block [x](y.md) `[a](b)`"),
        "a  block [x](y.md) "
    );

    let mut broken = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for (line, target) in links(&text) {
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            checked += 1;
            let (file, fragment) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let resolved = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            let here = format!("{}:{line}: ({target})", shown(&page));
            if !resolved.exists() {
                broken.push(format!("{here}: no file {}", resolved.display()));
                continue;
            }
            if let Some(fragment) = fragment {
                let target_text = std::fs::read_to_string(&resolved).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == fragment) {
                    broken.push(format!("{here}: no heading #{fragment} in {file}"));
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} links found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_page_of_the_guide_is_entered_from_the_readme() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let linked: Vec<String> = links(&readme).into_iter().map(|(_, t)| t).collect();
    for page in pages().into_iter().skip(1) {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        assert!(
            linked
                .iter()
                .any(|t| t == &name || t.starts_with(&format!("{name}#"))),
            "README.md links nowhere to {name}"
        );
    }
}

#[test]
fn the_readme_names_every_command() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let help = Command::new(assert_cmd::cargo::cargo_bin("oapstat"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's line; its help may go on in lines indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 15, "{help}");
    for command in commands {
        assert!(
            readme.contains(&format!("`oapstat {command}`")),
            "README.md's command table lacks `oapstat {command}`"
        );
    }
}

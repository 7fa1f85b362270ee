//! Reading a CSV extract. The file is read in blocks of whole lines. While the text holds no quote
//! character, each line is a record and each comma separates two fields, so blocks are parsed on
//! every core at once; from the first block holding a quote to the end of the file the `csv`
//! crate reads the records one after the other (a quoted field may hold commas and line breaks).
//! Only the blocks being parsed are held as text.
//!
//! Line numbers are those of the file (the header is line 1), counting blank lines and line
//! breaks inside quoted fields.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;

use anyhow::{bail, Context, Result};

use super::files::{open_extract, ExtractKind};
use super::header::{read_header, Header};
use super::mapping::Mapping;
use super::rows::{Cell, FileContext, Reading};
use super::rules::{cell_lines, RowRules};

/// How much text a block of a CSV file holds (whole lines are added to reach the next line end).
const BLOCK_BYTES: usize = 4 << 20;

/// Reads one CSV file into rows, and what its header says. `reading.forced` fixes the date
/// formats (second pass); `reading.mapping` gives the delimiter, the encoding and the columns.
pub fn read_csv<R: RowRules>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
) -> Result<(R, Header)> {
    read_csv_in_blocks(path, file, kind, reading, BLOCK_BYTES)
}

fn read_csv_in_blocks<R: RowRules>(
    path: &Path,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
    block_bytes: usize,
) -> Result<(R, Header)> {
    let expected = format!("a header line naming the {} columns", kind.name());
    let (shown, size) = open_extract(path, &expected)?;
    let file_reader = File::open(path).with_context(|| format!("{shown}: cannot open"))?;
    let delimiter = reading.mapping.delimiter;
    // Text in another encoding is decoded to UTF-8 as it is read.
    let mut reader: Box<dyn Read + Send> = match reading.mapping.encoding {
        None => Box::new(file_reader),
        Some(encoding) => Box::new(Decoded::new(file_reader, encoding)),
    };
    let mut first = Vec::with_capacity(block_bytes + 4096);
    let mut at_end = fill(&mut reader, &mut first, block_bytes, &shown)?;
    while !at_end && memchr::memchr(b'\n', &first).is_none() {
        let wanted = first.len() * 2;
        at_end = fill(&mut reader, &mut first, wanted, &shown)?;
    }
    if first.starts_with(b"\xef\xbb\xbf") {
        first.drain(..3);
    }
    let header_end = memchr::memchr(b'\n', &first).map_or(first.len(), |i| i + 1);
    if memchr::memchr(b'"', &first[..header_end]).is_some() {
        // A quoted header: the csv crate reads the whole file.
        let stream = std::io::Cursor::new(first).chain(reader);
        return read_quoted(stream, None, 1, &shown, file, kind, reading);
    }
    let header_text = std::str::from_utf8(&first[..header_end])
        .map_err(|_| anyhow::anyhow!("{shown}:1: {NOT_UTF8}"))?;
    let names: Vec<&str> = header_text
        .trim_end_matches(['\n', '\r'])
        .split(char::from(delimiter))
        .collect();
    let columns = reading.mapping.columns(kind);
    let header = read_header(&shown, kind, &names, columns)?;
    let ctx = FileContext::new(file, &shown, kind, &header, reading);
    first.drain(..header_end);
    // Rows per block, to size the vectors: a first guess from the first block's lines.
    let expected_rows = {
        let lines = memchr::memchr_iter(b'\n', &first).count().max(1);
        (size as usize / first.len().max(1) + 1) * lines
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (sender, receiver) = sync_channel::<(usize, Vec<u8>, u32)>(workers);
    let receiver = Mutex::new(receiver);
    // Blocks are appended in file order as soon as they are parsed, so that only the blocks in
    // flight are held twice.
    let merged = Mutex::new(InOrder {
        next: 0,
        waiting: std::collections::BTreeMap::new(),
        rows: Ok(R::with_capacity(expected_rows)),
    });
    let mut tail: Option<Result<R>> = None;
    let mut blocks = 0;
    std::thread::scope(|scope| -> Result<()> {
        // Owned here so that the workers stop however the reading ends.
        let sender = sender;
        for _ in 0..workers {
            scope.spawn(|| loop {
                let job = receiver.lock().expect("block queue").recv();
                let Ok((index, block, line)) = job else { break };
                let rows = parse_plain_block::<R>(&block, line, &ctx, &header, delimiter);
                drop(block);
                merged.lock().expect("parsed blocks").arrive(index, rows);
            });
        }
        let mut line: u32 = 2;
        let mut block = first;
        loop {
            let mut at_end = fill(&mut reader, &mut block, block_bytes, &shown)?;
            // A block ends at a line end: a longer line makes a longer block.
            while !at_end && memchr::memchr(b'\n', &block).is_none() {
                let wanted = block.len() * 2;
                at_end = fill(&mut reader, &mut block, wanted, &shown)?;
            }
            if memchr::memchr(b'"', &block).is_some() {
                // From here on a field may be quoted: one reader to the end of the file.
                let stream = std::io::Cursor::new(block).chain(&mut reader);
                tail = Some(
                    read_quoted(stream, Some(&header), line, &shown, file, kind, reading)
                        .map(|(rows, _)| rows),
                );
                break;
            }
            let cut = if at_end {
                block.len()
            } else {
                memchr::memrchr(b'\n', &block).map_or(block.len(), |i| i + 1)
            };
            let rest = block.split_off(cut);
            let lines = memchr::memchr_iter(b'\n', &block).count() as u32;
            if !block.is_empty() {
                sender
                    .send((blocks, block, line))
                    .map_err(|_| anyhow::anyhow!("{shown}: a parsing thread stopped"))?;
                blocks += 1;
            }
            line += lines;
            block = rest;
            if at_end && block.is_empty() {
                break;
            }
        }
        Ok(())
    })?;
    let merged = merged.into_inner().expect("parsed blocks");
    debug_assert!(merged.rows.is_err() || merged.next == blocks);
    let mut rows = merged.rows?;
    if let Some(tail) = tail {
        rows.append(tail?)?;
    }
    Ok((rows, header))
}

/// The column names of a CSV file's header, read through the mapping's delimiter and encoding
/// (to check the mapping against every file before any row is read).
pub fn header_names(path: &Path, mapping: &Mapping) -> Result<Vec<String>> {
    let shown = path.display().to_string();
    let file = File::open(path).with_context(|| format!("{shown}: cannot open"))?;
    let reader: Box<dyn Read> = match mapping.encoding {
        None => Box::new(file),
        Some(encoding) => Box::new(Decoded::new(file, encoding)),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    if !reader
        .read_record(&mut record)
        .with_context(|| format!("{shown}:1: cannot read the header"))?
    {
        bail!("{shown}: the file is empty");
    }
    Ok(record
        .iter()
        .map(|name| name.trim_start_matches('\u{feff}').to_string())
        .collect())
}

/// Rows of blocks parsed in any order, appended in the order of the blocks.
struct InOrder<R> {
    next: usize,
    waiting: std::collections::BTreeMap<usize, Result<R>>,
    /// The rows so far, or the first error in file order.
    rows: Result<R>,
}

impl<R: RowRules> InOrder<R> {
    fn arrive(&mut self, index: usize, block: Result<R>) {
        self.waiting.insert(index, block);
        while let Some(block) = self.waiting.remove(&self.next) {
            self.next += 1;
            if let Ok(rows) = &mut self.rows {
                if let Err(error) = block.and_then(|block| rows.append(block)) {
                    self.rows = Err(error);
                }
            }
        }
    }
}

/// Reads until `buffer` holds at least `at_least` bytes or the file ends; true at the end.
fn fill(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
    at_least: usize,
    shown: &str,
) -> Result<bool> {
    let wanted = at_least.saturating_sub(buffer.len());
    if wanted == 0 {
        return Ok(false);
    }
    buffer.reserve_exact(wanted);
    let read = reader
        .take(wanted as u64)
        .read_to_end(buffer)
        .with_context(|| format!("{shown}: cannot read"))?;
    Ok(read < wanted)
}

/// Parses a block of whole lines holding no quote character, its first line being `line`.
fn parse_plain_block<R: RowRules>(
    block: &[u8],
    line: u32,
    ctx: &FileContext,
    header: &Header,
    delimiter: u8,
) -> Result<R> {
    let text = match std::str::from_utf8(block) {
        Ok(text) => text,
        Err(error) => {
            let before = memchr::memchr_iter(b'\n', &block[..error.valid_up_to()]).count();
            bail!("{}:{}: {NOT_UTF8}", ctx.path, line as usize + before);
        }
    };
    if let Some(at) = bare_carriage_return(block) {
        let before = memchr::memchr_iter(b'\n', &block[..at]).count();
        bail!("{}:{}: {BARE_CR}", ctx.path, line as usize + before);
    }
    let mut rows = R::with_capacity(memchr::memchr_iter(b'\n', block).count() + 1);
    let mut fields: Vec<Cell> = Vec::with_capacity(header.fields);
    for (i, record) in text.split('\n').enumerate() {
        let record = record.strip_suffix('\r').unwrap_or(record);
        if record.is_empty() {
            continue;
        }
        let at = line + i as u32;
        fields.clear();
        // The delimiter is one ASCII byte: every field lies between two of them.
        let mut start = 0;
        for at in memchr::memchr_iter(delimiter, record.as_bytes()) {
            fields.push(Cell::Text(&record[start..at]));
            start = at + 1;
        }
        fields.push(Cell::Text(&record[start..]));
        // Fewer fields: the last cells are empty (as many extracts write them); more: an error.
        if fields.len() > header.fields {
            bail!(
                "{}:{at}: has {} fields, but the header has {}",
                ctx.path,
                fields.len(),
                header.fields
            );
        }
        rows.parse(ctx, at, &fields);
    }
    Ok(rows)
}

/// Reads records with the `csv` crate (quoted fields), one after the other. With `header`, the
/// stream starts after the header, at line `line`; without, at the header.
fn read_quoted<R: RowRules>(
    stream: impl Read,
    header: Option<&Header>,
    line: u32,
    shown: &str,
    file: usize,
    kind: ExtractKind,
    reading: Reading,
) -> Result<(R, Header)> {
    // The csv crate's own line count leaves out blank lines: lines are counted here from the
    // line ends seen in the stream. A record's first line is found from where it ends.
    let seen = Rc::new(RefCell::new(Seen::default()));
    let counted = LineEnds {
        inner: stream,
        offset: 0,
        seen: Rc::clone(&seen),
    };
    let (mut passed, mut last_end) = (0u32, None);
    // The first line of a record ending at `record_end`, whether its last quote never closed
    // (the record ran to the end of the file inside a quoted cell), and whether a carriage
    // return alone ended it.
    let mut first_line =
        move |record_end: u64, record: &csv::ByteRecord| -> (u32, bool, Option<u32>) {
            let mut seen = seen.borrow_mut();
            // Carriage returns alone up to the record's end: more than its cells hold are line ends
            // (before it, among blank lines, or ending it), which the contract refuses.
            let (mut bare_crs, mut first_bare_cr_line, mut last_bare_cr) = (0, None, None);
            while let Some(cr) = seen.bare_crs.front().copied().filter(|&cr| cr < record_end) {
                seen.bare_crs.pop_front();
                while seen.ends.front().is_some_and(|&end| end < cr) {
                    last_end = seen.ends.pop_front();
                    passed += 1;
                }
                bare_crs += 1;
                first_bare_cr_line.get_or_insert(line + passed);
                last_bare_cr = Some(cr);
            }
            while seen.ends.front().is_some_and(|&end| end < record_end) {
                last_end = seen.ends.pop_front();
                passed += 1;
            }
            // A record that ends the file with a line break inside its cell: the file's last line
            // break is the cell's, unless a quote closed the cell before it.
            let unclosed = seen.length == Some(record_end)
                && record.as_slice().ends_with(b"\n")
                && seen.last[0] != b'"';
            let terminated = record_end > 0 && last_end == Some(record_end - 1) && !unclosed;
            let inside = memchr::memchr_iter(b'\n', record.as_slice()).count() as u32;
            let first = line + passed - u32::from(terminated) - inside;
            let in_cells: usize = record.iter().filter_map(bare_carriage_returns).sum();
            // Named on the record's first line when one ends it, on its own line otherwise.
            let bare_cr_line = (bare_crs > in_cells && !unclosed).then(|| {
                if last_bare_cr == Some(record_end - 1) {
                    first
                } else {
                    first_bare_cr_line.unwrap_or(first)
                }
            });
            (first, unclosed, bare_cr_line)
        };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(reading.mapping.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, counted));
    let mut record = csv::ByteRecord::new();
    // Reads the next record; its first line, and whether its last quote never closed.
    let mut next = |record: &mut csv::ByteRecord| -> Result<Option<(u32, bool)>> {
        let more = reader.read_byte_record(record).map_err(|error| {
            let at = error
                .position()
                .map_or(line, |p| p.line() as u32 + line - 1);
            anyhow::anyhow!("{shown}:{at}: {error}")
        })?;
        if !more {
            return Ok(None);
        }
        let (at, unclosed, bare_cr_line) = first_line(reader.position().byte(), record);
        if let Some(bare_cr_line) = bare_cr_line {
            bail!("{shown}:{bare_cr_line}: {BARE_CR}");
        }
        Ok(Some((at, unclosed)))
    };
    // The record as text (its buffer is handed back with `into_byte_record`).
    let text = |record: &mut csv::ByteRecord, at: u32| -> Result<csv::StringRecord> {
        csv::StringRecord::from_byte_record(std::mem::take(record))
            .map_err(|_| anyhow::anyhow!("{shown}:{at}: {NOT_UTF8}"))
    };
    let header = match header {
        Some(header) => header.clone(),
        None => {
            let Some((at, _)) = next(&mut record)? else {
                bail!(
                    "{shown}: the file is empty (expected a header line naming the {} columns)",
                    kind.name()
                );
            };
            let names = text(&mut record, at)?;
            let names: Vec<&str> = names.iter().collect();
            read_header(shown, kind, &names, reading.mapping.columns(kind))?
        }
    };
    let ctx = FileContext::new(file, shown, kind, &header, reading);
    let fields_wanted = header.fields;
    let mut rows = R::default();
    while let Some((at, unclosed)) = next(&mut record)? {
        let string_record = text(&mut record, at)?;
        let fields: Vec<Cell> = string_record.iter().map(Cell::Text).collect();
        if matches!(fields[..], [Cell::Text("")]) {
            continue;
        }
        // Lines the record takes after its first (the line breaks inside its quoted cells).
        let breaks = memchr::memchr_iter(b'\n', string_record.as_slice().as_bytes()).count() as u32;
        let more_lines =
            breaks - u32::from(unclosed && string_record.as_slice().as_bytes().ends_with(b"\n"));
        if fields.len() > fields_wanted {
            let mut error = format!(
                "{shown}:{at}: has {} fields, but the header has {fields_wanted}",
                fields.len()
            );
            if let Some(index) = fields
                .iter()
                .position(|f| matches!(f, Cell::Text(t) if t.contains('\n')))
            {
                let (opened, closed) = cell_lines(&fields, index, at);
                error.push_str(&format!(
                    " (the quote that opens field {} on line {opened} closes only on line {closed}: a stray quote?)",
                    index + 1
                ));
            }
            bail!(error);
        }
        let before = rows.common().findings.len();
        let row = rows.len() as u32;
        rows.parse(&ctx, at, &fields);
        if more_lines > 0 || unclosed {
            let common = rows.common_mut();
            common.spans.push((row, more_lines));
            common.flag_line_breaks(&ctx, &fields, at, before, unclosed);
        }
        drop(fields);
        record = string_record.into_byte_record();
    }
    Ok((rows, header))
}

/// Where a carriage return stands alone (not before a line feed, nor at the end of the file).
fn bare_carriage_return(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\r', text).find(|&i| i + 1 < text.len() && text[i + 1] != b'\n')
}

/// How many carriage returns stand alone in a cell; `None` when none.
fn bare_carriage_returns(cell: &[u8]) -> Option<usize> {
    memchr::memchr(b'\r', cell)?;
    let alone = memchr::memchr_iter(b'\r', cell).filter(|&i| cell.get(i + 1) != Some(&b'\n'));
    Some(alone.count())
}

/// What is said of a line broken by a carriage return alone.
const BARE_CR: &str = "a carriage return alone ends a line here (old Mac line ends?): only LF and CRLF end lines, so save the file with one of them";

/// What is said of a file that is not UTF-8.
const NOT_UTF8: &str = "is not valid UTF-8 text (for a file saved by Excel or another Windows program, give a mapping with [csv] encoding = \"windows-1252\")";

/// A stream of text in another encoding, read as UTF-8: decoded straight into the reader's
/// buffer.
struct Decoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    /// The undecoded part of `input`.
    pending: std::ops::Range<usize>,
    /// The inner stream has ended.
    inner_done: bool,
    /// Decoded text that did not fit a small read, not yet handed out.
    carried: Vec<u8>,
    at_end: bool,
}

impl<R: Read> Decoded<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Decoded<R> {
        Decoded {
            inner,
            decoder: encoding.new_decoder(),
            input: vec![0; 1 << 20],
            pending: 0..0,
            inner_done: false,
            carried: Vec::new(),
            at_end: false,
        }
    }

    /// Decodes into `buffer` (at least 4 bytes: one character fits) as much as is ready.
    fn decode(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let mut written = 0;
        while !self.at_end && written < buffer.len() {
            if self.pending.is_empty() && !self.inner_done {
                let read = self.inner.read(&mut self.input)?;
                self.pending = 0..read;
                self.inner_done = read == 0;
            }
            let (result, read, wrote, _) = self.decoder.decode_to_utf8(
                &self.input[self.pending.clone()],
                &mut buffer[written..],
                self.inner_done,
            );
            self.pending.start += read;
            written += wrote;
            match result {
                encoding_rs::CoderResult::OutputFull => break,
                encoding_rs::CoderResult::InputEmpty => self.at_end = self.inner_done,
            }
        }
        Ok(written)
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.carried.is_empty() && buffer.len() >= 16 {
            return self.decode(buffer);
        }
        if self.carried.is_empty() {
            let mut small = [0u8; 64];
            let n = self.decode(&mut small)?;
            self.carried.extend_from_slice(&small[..n]);
        }
        let n = buffer.len().min(self.carried.len());
        buffer[..n].copy_from_slice(&self.carried[..n]);
        self.carried.drain(..n);
        Ok(n)
    }
}

/// What a stream has shown of itself so far.
#[derive(Default)]
struct Seen {
    /// Where its line ends are, from the first not yet passed.
    ends: VecDeque<u64>,
    /// Its last two bytes.
    last: [u8; 2],
    /// Its length, once its end has been reached.
    length: Option<u64>,
    /// Where a carriage return stands alone, from the first not yet passed.
    bare_crs: VecDeque<u64>,
    /// A carriage return that ended the last read (alone or not, as the next byte tells).
    pending_cr: Option<u64>,
}

/// A stream that notes where its line ends are, and where it ends.
struct LineEnds<R> {
    inner: R,
    offset: u64,
    seen: Rc<RefCell<Seen>>,
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let mut seen = self.seen.borrow_mut();
        let read_bytes = &buffer[..read];
        (seen.ends).extend(memchr::memchr_iter(b'\n', read_bytes).map(|i| self.offset + i as u64));
        if let Some(cr) = seen.pending_cr.take() {
            if read_bytes.first().is_some_and(|&b| b != b'\n') {
                seen.bare_crs.push_back(cr);
            }
        }
        for i in memchr::memchr_iter(b'\r', read_bytes) {
            match read_bytes.get(i + 1) {
                Some(b'\n') => {}
                Some(_) => seen.bare_crs.push_back(self.offset + i as u64),
                None => seen.pending_cr = Some(self.offset + i as u64),
            }
        }
        match read_bytes {
            [] if !buffer.is_empty() => seen.length = Some(self.offset),
            [] => {}
            [one] => seen.last = [seen.last[1], *one],
            [.., a, b] => seen.last = [*a, *b],
        }
        self.offset += read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::findings::Rule;
    use crate::input::rows::{keep_ids, AdmissionRows, Rows};

    use crate::periods::day_of;
    use chrono::NaiveDate;

    const HEADER: &str =
        "admission_id,patient_id,collaborative,service_line,admission_date,discharge_date,provider_code\n";

    /// An admissions file of `rows` rows whose row `i` is admitted `i` days after 2024-01-01,
    /// with the changes given as (row, line text).
    fn admissions_file(rows: usize, changes: &[(usize, &str)]) -> tempfile::NamedTempFile {
        let mut text = HEADER.to_string();
        for i in 0..rows {
            match changes.iter().find(|(row, _)| *row == i) {
                Some((_, line)) => text.push_str(line),
                None => {
                    let day =
                        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(i as u64);
                    text.push_str(&format!("A{i},P{i},AAA,adult_acute,{day},,R1\n"));
                }
            }
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    fn read(file: &tempfile::NamedTempFile, block_bytes: usize) -> Result<AdmissionRows> {
        read_csv_in_blocks::<AdmissionRows>(
            file.path(),
            0,
            ExtractKind::Admissions,
            keep_ids(),
            block_bytes,
        )
        .map(|(rows, _)| rows)
    }

    fn problem_lines(rows: &AdmissionRows) -> Vec<(usize, Rule)> {
        let mut lines: Vec<_> = rows
            .common
            .findings
            .iter()
            .map(|(_, f)| (f.line, f.rule))
            .collect();
        lines.sort();
        lines
    }

    #[test]
    fn small_blocks_read_the_same_rows_and_lines_as_one_block() {
        // Row i is on line i + 2 (row 40 is a blank line: 199 rows in all); the quote on row
        // 120 hands the rest of the file to the csv crate, and the line break inside the
        // quoted field of row 130 puts later rows one line further down.
        let file = admissions_file(
            200,
            &[
                (40, "\n"),
                (60, "A60,P60,AAA,adult_acute,2024-02-30,,R1\n"),
                (100, "A100,,AAA,adult_acute,2024-04-10,,R1\n"),
                (120, "A120,P120,\"AAA\",adult_acute,2024-04-30,,R1\n"),
                (130, "A130,P130,AAA,\"adult\nacute\",2024-05-10,,R1\n"),
                (150, "A150,P150,AAA,adult_acute,2024-05-30,2024-05-01,R1\n"),
            ],
        );
        // No column holds a line break: the quoted one of row 130 is a finding of its own.
        let expected = vec![
            (62, Rule::InvalidDate),
            (102, Rule::MissingValue),
            (132, Rule::LineBreakInCell),
            (153, Rule::DischargeBeforeAdmission),
        ];
        for block_bytes in [40, 64, 1000, 1 << 20] {
            let rows = read(&file, block_bytes).unwrap();
            assert_eq!(rows.len(), 199, "block of {block_bytes} bytes");
            assert_eq!(
                problem_lines(&rows),
                expected,
                "block of {block_bytes} bytes"
            );
            let lines: Vec<u32> = (0..rows.len()).map(|r| rows.common.line.get(r)).collect();
            assert_eq!(lines[0], 2);
            assert_eq!(lines[39], 41);
            assert_eq!(lines[40], 43, "row 41 after the blank line");
            assert_eq!(
                lines[129], 132,
                "row 130 starts on line 132 and ends on 133"
            );
            assert_eq!(lines[130], 134, "row 131 after the quoted line break");
            assert_eq!(lines[198], 202);
            assert_eq!(rows.id.get(198), Some("A199"));
            assert_eq!(
                rows.admitted[198],
                day_of(NaiveDate::from_ymd_opt(2024, 7, 18).unwrap())
            );
            assert_eq!(
                rows.dictionary.values[rows.service_line.get(129) as usize],
                "adult\nacute"
            );
        }
    }

    #[test]
    fn a_stray_quote_is_named_where_it_opens_and_the_lines_it_takes_are_counted() {
        // Row 150 (line 152) ends with a quote that opens its last cell: the csv crate, like
        // every RFC 4180 reader, reads the rest of the file into that cell.
        let stray = "A150,P150,AAA,adult_acute,2024-05-30,,\"\n";
        let file = admissions_file(200, &[(150, stray)]);
        for block_bytes in [40, 64, 1000, 1 << 20] {
            let rows = read(&file, block_bytes).unwrap();
            assert_eq!(rows.len(), 151, "block of {block_bytes} bytes");
            assert_eq!(
                rows.common.line.get(150),
                152,
                "the line the quote opens on"
            );
            assert_eq!(
                problem_lines(&rows),
                vec![(152, Rule::LineBreakInCell)],
                "block of {block_bytes} bytes"
            );
            assert_eq!(
                rows.common.spans,
                vec![(150, 49)],
                "lines 153 to 201 taken in"
            );
            let finding = &rows.common.findings[0].1;
            assert_eq!(finding.column, Some("provider_code"));
            assert!(
                finding.message.starts_with("provider_code: a quote opens this cell on line 152 and never closes, so the cell takes in every line to the end of the file (line 201); no column holds a line break (a stray quote?); the cell: \"\\nA151,P151,AAA,"),
                "{}",
                finding.message
            );
            assert!(finding.message.len() < 300, "{}", finding.message);
            let value = finding.value.as_ref().unwrap();
            let whole = std::fs::read_to_string(file.path()).unwrap();
            let cell = &whole[whole.find(",\"\n").unwrap() + 2..];
            assert!(
                value.ends_with(&format!("… ({} characters)", cell.len())),
                "{value}"
            );
            assert!(value.chars().count() < 70, "{value}");
        }
        // A second stray quote closes the cell: the rows after it are read again.
        let file = admissions_file(
            200,
            &[
                (150, stray),
                (160, "A160,P160,AAA,adult_acute,2024-06-09,,R1\"\n"),
            ],
        );
        let rows = read(&file, 64).unwrap();
        assert_eq!(rows.len(), 200 - 10);
        assert_eq!(rows.common.spans, vec![(150, 10)]);
        assert_eq!(rows.common.line.get(151), 163);
        assert!(rows.common.findings[0]
            .1
            .message
            .starts_with("provider_code: a quote opens this cell on line 152 and closes only on line 162, so the cell takes in 11 lines;"));
        // A quote opening a cell before the last: more fields than the header are an error
        // naming both lines.
        let file = admissions_file(
            200,
            &[
                (150, "A150,P150,\"AAA,adult_acute,2024-05-30,,R1\n"),
                (152, "A152\",P152,AAA,adult_acute,2024-06-01,,R1\n"),
            ],
        );
        let error = read(&file, 64).err().unwrap().to_string();
        assert!(
            error.ends_with(":152: has 9 fields, but the header has 7 (the quote that opens field 3 on line 152 closes only on line 154: a stray quote?)"),
            "{error}"
        );
    }

    #[test]
    fn a_carriage_return_alone_is_refused_naming_its_line() {
        // Found by the differential tests: the csv crate ends a record at a carriage return
        // alone, the block reader did not; the contract's line ends are LF and CRLF.
        let bare = "A70,P70,AAA,adult_acute,2024-03-11,,R1\r";
        let quoted = "A10,P10,\"AAA\",adult_acute,2024-01-11,,R1\n";
        for changes in [vec![(70, bare)], vec![(10, quoted), (70, bare)]] {
            for block_bytes in [40, 1 << 20] {
                let file = admissions_file(120, &changes);
                let error = read(&file, block_bytes).err().unwrap().to_string();
                assert!(error.ends_with(&format!(":72: {BARE_CR}")), "{error}");
            }
        }
        // One alone on a line of its own, before a row (where the csv crate skips it as a
        // blank line): the line it is on.
        for changes in [vec![(69, "\r")], vec![(10, quoted), (69, "\r")]] {
            for block_bytes in [40, 1 << 20] {
                let file = admissions_file(120, &changes);
                let error = read(&file, block_bytes).err().unwrap().to_string();
                assert!(error.ends_with(&format!(":71: {BARE_CR}")), "{error}");
            }
        }
        // One at the very end of the file ends the last line.
        let file = admissions_file(3, &[(2, bare)]);
        assert_eq!(read(&file, 1 << 20).unwrap().len(), 3);
    }

    #[test]
    fn bad_lines_are_named_whatever_the_block() {
        let long = format!(
            "A50,P50,AAA,adult_acute,2024-02-20,,R1,{}\n",
            "x".repeat(300)
        );
        let file = admissions_file(120, &[(50, &long)]);
        for block_bytes in [40, 1 << 20] {
            let error = read(&file, block_bytes).err().unwrap().to_string();
            assert!(
                error.ends_with(":52: has 8 fields, but the header has 7"),
                "{error}"
            );
        }
        let file = admissions_file(120, &[(90, "A90,P90,AAA,adult_acute,2024-03-31\n")]);
        let rows = read(&file, 40).unwrap();
        assert_eq!(rows.len(), 120, "a short row has its last cells empty");
        assert_eq!(problem_lines(&rows), vec![(92, Rule::MissingValue)]);
    }

    #[test]
    fn text_in_another_encoding_reads_the_same_whatever_the_read_sizes() {
        // Windows-1252: 0x92 is the right single quote, 0xE9 é; UTF-16LE: two bytes a unit.
        let line = b"St Andrew\x92s;Caf\xe9;\r\n".repeat(50_000);
        let expected = "St Andrew\u{2019}s;Caf\u{e9};\r\n".repeat(50_000);
        let utf16: Vec<u8> = expected.encode_utf16().flat_map(u16::to_le_bytes).collect();
        for (bytes, encoding) in [
            (&line[..], encoding_rs::WINDOWS_1252),
            (&utf16[..], encoding_rs::UTF_16LE),
        ] {
            for size in [1, 3, 16, 4096, 1 << 22] {
                let mut decoded = Decoded::new(bytes, encoding);
                let mut text = Vec::new();
                let mut buffer = vec![0; size];
                loop {
                    let n = decoded.read(&mut buffer).unwrap();
                    if n == 0 {
                        break;
                    }
                    text.extend_from_slice(&buffer[..n]);
                }
                assert!(text == expected.as_bytes(), "{encoding:?}, reads of {size}");
            }
        }
        // fill() with a decoder: whole blocks.
        let mut decoded = Decoded::new(&line[..], encoding_rs::WINDOWS_1252);
        let mut block = Vec::new();
        assert!(!fill(&mut decoded, &mut block, 1 << 20, "x").unwrap());
        assert_eq!(block.len(), 1 << 20);
        assert!(fill(&mut decoded, &mut block, 1 << 24, "x").unwrap());
        assert_eq!(block, expected.as_bytes());
    }
}

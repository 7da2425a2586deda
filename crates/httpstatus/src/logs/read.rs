//! Reading logs: files, `.gz` files and standard input, split into blocks of whole lines that worker threads
//! parse and count in parallel; W3C logs (whose `#Fields` header changes the meaning of later lines) are read
//! in order on one thread.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use httpstatus_logs::{Filter, Format, Line, Parser, Stats, detect};

/// Bytes per block handed to a worker.
const BLOCK: usize = 4 << 20;
/// Lines read to detect the format.
const SAMPLE_LINES: usize = 64;

/// Opens a file, or standard input for `-`; gzip is recognised by its magic bytes.
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let raw: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(io::stdin())
    } else {
        Box::new(
            File::open(path)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot be opened: {e}")))?,
        )
    };
    let mut reader = BufReader::with_capacity(1 << 16, raw);
    let magic = io::BufRead::fill_buf(&mut reader)?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Ok(Box::new(reader))
    }
}

/// Reads about `BLOCK` bytes of whole lines (the line in progress waits in `carry` for the next block);
/// empty at the end of input. At the end, a last line without a newline is included as it is.
pub fn read_block(input: &mut dyn Read, carry: &mut Vec<u8>) -> io::Result<Vec<u8>> {
    let mut block = std::mem::take(carry);
    let start = block.len();
    block.resize(start + BLOCK, 0);
    let mut filled = start;
    let mut end_of_input = false;
    while filled < block.len() {
        match input.read(&mut block[filled..]) {
            Ok(0) => {
                end_of_input = true;
                break;
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    block.truncate(filled);
    if !end_of_input {
        if let Some(end) = memchr::memrchr(b'\n', &block) {
            carry.extend_from_slice(&block[end + 1..]);
            block.truncate(end + 1);
        }
    }
    Ok(block)
}

/// Detects the format from the start of a block.
pub fn detect_block(block: &[u8]) -> Result<Format, String> {
    let lines: Vec<&[u8]> = block.split(|&b| b == b'\n').take(SAMPLE_LINES).collect();
    detect(&lines).map(|d| d.format).map_err(|e| e.to_string())
}

/// Parses and counts every line of `block`; `first_line` is the number of its first line.
pub fn count_block(
    parser: &mut Parser,
    filter: &Filter,
    stats: &mut Stats,
    block: &[u8],
    first_line: u64,
) {
    let body = block.strip_suffix(b"\n").unwrap_or(block);
    if block.is_empty() {
        return;
    }
    for (number, line) in (first_line..).zip(body.split(|&b| b == b'\n')) {
        match parser.parse(line) {
            Line::Record(r) if filter.is_empty() || filter.matches(&r) => stats.add(&r),
            Line::Record(_) => stats.add_filtered(),
            Line::Skip => stats.add_skipped(),
            Line::Bad(why) => stats.add_bad(number, why, line),
        }
    }
}

fn lines_in(block: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', block).count() as u64;
    n + u64::from(!block.is_empty() && !block.ends_with(b"\n"))
}

/// Reads a whole input: the format is `forced` or detected from the first block. Returns the format and
/// the counts. `threads` workers parse in parallel unless the format must be read in order.
pub fn analyse(
    input: &mut dyn Read,
    forced: Option<Format>,
    filter: &Filter,
    threads: usize,
) -> Result<(Format, Stats), String> {
    let mut carry = Vec::new();
    let first = read_block(input, &mut carry).map_err(|e| e.to_string())?;
    let format = match forced {
        Some(f) => f,
        None => detect_block(&first)?,
    };
    if format.is_stateful() || threads <= 1 {
        let mut parser = Parser::new(format);
        let mut stats = Stats::default();
        let mut block = first;
        let mut line = 1;
        while !block.is_empty() {
            count_block(&mut parser, filter, &mut stats, &block, line);
            line += lines_in(&block);
            block = read_block(input, &mut carry).map_err(|e| e.to_string())?;
        }
        return Ok((format, stats));
    }
    let (send, receive) = mpsc::sync_channel::<(u64, Vec<u8>)>(threads * 2);
    let receive = Arc::new(Mutex::new(receive));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let receive = Arc::clone(&receive);
            let filter = filter.clone();
            std::thread::spawn(move || {
                let mut parser = Parser::new(format);
                let mut stats = Stats::default();
                loop {
                    let next = receive.lock().map(|r| r.recv());
                    let Ok(Ok((line, block))) = next else { break };
                    count_block(&mut parser, &filter, &mut stats, &block, line);
                }
                stats
            })
        })
        .collect();
    let mut block = first;
    let mut line = 1;
    let mut failure = None;
    while !block.is_empty() {
        let n = lines_in(&block);
        if send.send((line, block)).is_err() {
            break;
        }
        line += n;
        match read_block(input, &mut carry) {
            Ok(b) => block = b,
            Err(e) => {
                failure = Some(e.to_string());
                break;
            }
        }
    }
    drop(send);
    let mut total = Stats::default();
    for w in workers {
        total.merge(
            w.join()
                .map_err(|_| "a worker thread panicked".to_owned())?,
        );
    }
    match failure {
        Some(e) => Err(e),
        None => Ok((format, total)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(lines: usize) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..lines {
            let status = if i % 10 == 0 { 502 } else { 200 };
            out.extend_from_slice(
                format!("10.0.0.{} - - [01/May/2024:10:{:02}:00 +0000] \"GET /p{} HTTP/1.1\" {status} 5 \"-\" \"t\"\n", i % 9, i % 60, i % 3).as_bytes(),
            );
            if i == 7 {
                out.extend_from_slice(b"not a log line\n");
            }
        }
        out
    }

    #[test]
    fn parallel_and_serial_counts_agree() {
        let data = log(30_000);
        let (f1, serial) = analyse(&mut &data[..], None, &Filter::default(), 1).unwrap();
        let (f2, parallel) = analyse(&mut &data[..], None, &Filter::default(), 3).unwrap();
        assert_eq!((f1, f2), (Format::Combined, Format::Combined));
        let counts = |s: &Stats| s.codes().map(|(c, s)| (c, s.count)).collect::<Vec<_>>();
        assert_eq!(counts(&serial), counts(&parallel));
        assert_eq!(serial.bad_lines[0].line, 9);
        assert_eq!(parallel.bad_lines[0].line, 9);
        assert_eq!(parallel.lines, 30_001);
    }

    #[test]
    fn a_truncated_last_line_is_read() {
        let mut data = log(3);
        data.extend_from_slice(b"10.0.0.1 - - [01/May/2024:10:00:00 +0000] \"GET /x HTT");
        let (_, s) = analyse(&mut &data[..], None, &Filter::default(), 1).unwrap();
        assert_eq!((s.requests, s.bad), (3, 1));
        assert_eq!(s.bad_lines[0].line, 4);
    }
}

//! `--follow`: keep reading a growing file, refresh the report every interval, and survive rotation (the
//! file renamed and a new one created, or the file truncated in place).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use httpstatus_logs::report::Report;
use httpstatus_logs::{Format, Parser, Stats};

use super::{Args, Settings, emit, fail, read};
use crate::{Context, Outcome};

/// Bytes read from the followed file per step.
const CHUNK: u64 = 4 << 20;

/// The file being followed: its handle, identity, and the bytes of a line not yet complete.
struct Tail {
    file: File,
    inode: u64,
    offset: u64,
    partial: Vec<u8>,
    line: u64,
}

impl Tail {
    fn open(path: &Path) -> io::Result<Tail> {
        let file = File::open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("cannot be opened: {e}")))?;
        let inode = file.metadata()?.ino();
        Ok(Tail {
            file,
            inode,
            offset: 0,
            partial: Vec::new(),
            line: 1,
        })
    }

    /// Whole lines appended since the last call, at most about [`CHUNK`] bytes at a time (call again until
    /// it returns nothing), so a large file is followed in bounded memory.
    fn read_new(&mut self) -> io::Result<Vec<u8>> {
        let mut fresh = Vec::new();
        self.file.seek(SeekFrom::Start(self.offset))?;
        (&mut self.file).take(CHUNK).read_to_end(&mut fresh)?;
        self.offset += fresh.len() as u64;
        self.partial.extend_from_slice(&fresh);
        let whole = match memchr::memrchr(b'\n', &self.partial) {
            Some(end) => {
                let rest = self.partial.split_off(end + 1);
                std::mem::replace(&mut self.partial, rest)
            }
            None => Vec::new(),
        };
        Ok(whole)
    }
}

fn count(
    parser: &mut Parser,
    settings: &Settings,
    stats: &mut Stats,
    tail: &mut Tail,
    block: &[u8],
) {
    read::count_block(parser, &settings.filter, stats, block, tail.line);
    tail.line += memchr::memchr_iter(b'\n', block).count() as u64;
}

pub fn run(
    context: &Context,
    args: &Args,
    settings: &Settings,
    out: &mut dyn Write,
) -> io::Result<Outcome> {
    let path = args.files[0].as_path();
    let mut tail = match Tail::open(path) {
        Ok(t) => t,
        Err(e) => return fail(path, &e.to_string()),
    };
    let mut stats = Stats::default();
    let mut parser: Option<Parser> = settings.format.map(Parser::new);
    let interval = Duration::from_secs_f64(args.interval);
    loop {
        let block = tail.read_new()?;
        let more = block.len() as u64 >= CHUNK / 2;
        if parser.is_none() && !block.is_empty() {
            match read::detect_block(&block) {
                Ok(f) => parser = Some(Parser::new(f)),
                Err(message) => return fail(path, &message),
            }
        }
        if let Some(p) = parser.as_mut() {
            count(p, settings, &mut stats, &mut tail, &block);
        }
        if more {
            continue;
        }
        // Rotation: a new file at the path (finish the old one first), or this one truncated.
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.ino() != tail.inode {
                loop {
                    let rest = tail.read_new()?;
                    if rest.is_empty() {
                        break;
                    }
                    if let Some(p) = parser.as_mut() {
                        count(p, settings, &mut stats, &mut tail, &rest);
                    }
                }
                tail = Tail::open(path)?;
                continue;
            }
            if meta.len() < tail.offset {
                tail.offset = 0;
                tail.partial.clear();
                tail.line = 1;
            }
        }
        let format = parser.as_ref().map_or(Format::Combined, Parser::format);
        let report = Report::build(format, &stats, &settings.options);
        refresh(context, args, &report, out)?;
        std::thread::sleep(interval);
    }
}

/// Redraws the terminal report, or prints one JSON object per line with --json.
fn refresh(context: &Context, args: &Args, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if context.json {
        serde_json::to_writer(&mut *out, report)?;
        writeln!(out)?;
    } else {
        if std::io::IsTerminal::is_terminal(&io::stdout()) {
            write!(out, "\x1b[H\x1b[2J")?;
        } else {
            writeln!(out, "---")?;
        }
        emit(context, args, report, out)?;
    }
    out.flush()
}

//! Bad input never panics: every parser and the detector take arbitrary bytes, mangled log lines and
//! hostile lengths, and answer with a record, a skip or a reason. And the crate stays pure: its manifest
//! names no async runtime and no command-line parser.

use httpstatus_logs::report::{Options, Report};
use httpstatus_logs::{Format, Line, Parser, Stats, detect};

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const SEEDS: [&[u8]; 6] = [
    br#"203.0.113.7 - - [01/May/2024:10:00:01 +0000] "GET /a?b HTTP/1.1" 499 0 "-" "curl/8" 10.001 502, 504 : 200"#,
    br#"https 2024-05-01T10:00:01.000001Z app/lb/1 203.0.113.7:5 10.0.1.20:80 -1 -1 -1 502 - 1 2 "GET https://e.com:443/x HTTP/1.1" "ua" - - arn "Root" "d" "c" 1 2024-05-01T10:00:00Z "forward" "-" "Target.Timeout""#,
    b"2019-12-04\t21:02:31\tLAX1-C1\t392\t192.0.2.100\tGET\td.net\t/i\t502\t-\tMozilla%2520x\t-\t-\tError",
    br#"{"EdgeResponseStatus":520,"OriginResponseStatus":0,"EdgeStartTimestamp":"2024-05-01T10:00:00Z","ClientRequestURI":"/"}"#,
    br#"{"logger":"http.log.access","ts":1e300,"request":{"uri":5,"headers":{"User-Agent":[1]}},"status":"abc","duration":"9999999h"}"#,
    b"2024-05-01 10:00:01 10.0.0.5 GET /x - 443 - ::1 a+b - 500 19 13 -5",
];

#[test]
fn mangled_lines_never_panic() {
    let mut rng = Bytes(0x9e37_79b9_7f4a_7c15);
    for format in Format::ALL {
        let mut parser = Parser::new(format);
        let mut stats = Stats::default();
        parser.parse(b"#Fields: date time sc-status cs-uri-stem c-ip time-taken");
        for round in 0..1000u64 {
            let seed = SEEDS[(round as usize) % SEEDS.len()];
            let mut line = seed.to_vec();
            for _ in 0..(rng.next() % 6) {
                let at = (rng.next() as usize) % (line.len() + 1);
                match rng.next() % 4 {
                    0 if at < line.len() => line[at] = rng.next() as u8,
                    1 => line.insert(at, b"\"[]{}\\\t %:-"[(rng.next() % 11) as usize]),
                    2 => line.truncate(at),
                    _ => line.extend_from_slice(&line.clone()[..at.min(line.len())]),
                }
            }
            match parser.parse(&line) {
                Line::Record(r) => stats.add(&r),
                Line::Skip => stats.add_skipped(),
                Line::Bad(why) => stats.add_bad(round, why, &line),
            }
            let _ = detect(&[&line[..], seed]);
        }
        let report = Report::build(format, &stats, &Options::default());
        assert_eq!(report.lines, 1000);
    }
}

#[test]
fn hostile_sizes_never_panic() {
    let long = vec![b'"'; 100_000];
    let spaces = vec![b' '; 100_000];
    let brackets = [b"[".repeat(50_000), b"]".repeat(10)].concat();
    for format in Format::ALL {
        let mut parser = Parser::new(format);
        for line in [
            &long[..],
            &spaces[..],
            &brackets[..],
            b"",
            b"\r",
            b"\xff\xfe",
            b"{",
            b"#Fields:",
        ] {
            let _ = parser.parse(line);
        }
    }
    assert!(detect(&[]).is_err());
}

#[test]
fn the_crate_depends_on_no_runtime_and_no_cli_parser() {
    let manifest = include_str!("../Cargo.toml");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("a [dependencies] table");
    let deps = deps.split("\n[").next().unwrap_or(deps);
    let names: Vec<&str> = deps
        .lines()
        .filter_map(|l| l.split(['.', ' ', '=']).next())
        .filter(|n| !n.is_empty())
        .collect();
    for name in &names {
        assert!(
            [
                "httpstatus-catalog",
                "serde",
                "serde_json",
                "thiserror",
                "memchr"
            ]
            .contains(name),
            "httpstatus-logs must stay pure over lines; `{name}` is not one of its allowed dependencies"
        );
    }
}

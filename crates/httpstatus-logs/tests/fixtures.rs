//! Every sample log in `tests/logs/fixtures`: the format is detected, the awkward lines are counted as bad
//! (never fatal), and the report carries the vendor meaning and the attribution that fit the source.

use std::path::PathBuf;

use httpstatus_logs::attribution::Side;
use httpstatus_logs::report::{CodeReport, Options, Report};
use httpstatus_logs::{Filter, Format, Line, Parser, Stats, detect};

fn analyse(name: &str, filter: &Filter) -> Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/logs/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines: Vec<&[u8]> = bytes
        .strip_suffix(b"\n")
        .unwrap_or(&bytes)
        .split(|&b| b == b'\n')
        .collect();
    let format = detect(&lines[..lines.len().min(64)])
        .expect("a format")
        .format;
    let mut parser = Parser::new(format);
    let mut stats = Stats::default();
    for (i, line) in lines.iter().enumerate() {
        match parser.parse(line) {
            Line::Record(r) if filter.matches(&r) => stats.add(&r),
            Line::Record(_) => stats.add_filtered(),
            Line::Skip => stats.add_skipped(),
            Line::Bad(why) => stats.add_bad(i as u64 + 1, why, line),
        }
    }
    Report::build(format, &stats, &Options::default())
}

fn code<'a>(r: &'a Report, label: &str) -> &'a CodeReport {
    r.codes
        .iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| {
            panic!(
                "no {label} in {:?}",
                r.codes.iter().map(|c| &c.label).collect::<Vec<_>>()
            )
        })
}

#[test]
fn nginx_combined_with_upstream_fields() {
    let r = analyse("nginx-combined.log", &Filter::default());
    assert_eq!(r.format, Format::Combined);
    assert_eq!((r.requests, r.bad_lines), (11, 2));
    assert_eq!(
        r.bad.iter().map(|b| b.line).collect::<Vec<_>>(),
        vec![10, 13]
    );
    let c499 = code(&r, "499");
    assert_eq!(c499.explanation.vendor.as_ref().unwrap().vendor, "nginx");
    assert!(
        c499.produced_by
            .iter()
            .any(|p| p.second.as_deref() == Some("504") && p.explanation.contains("client closed"))
    );
    assert!(c499.latency.as_ref().unwrap().max_ms >= 29_000.0);
    assert_eq!(
        code(&r, "504").produced_by[0].second.as_deref(),
        Some("504")
    );
    assert_eq!(code(&r, "400").count, 2);
    assert_eq!(code(&r, "-").count, 1);
    assert!(code(&r, "404").paths[0].value.starts_with("/caf"));
    assert!(code(&r, "502").clients[0].value == "2001:db8::5");
}

#[test]
fn apache_common() {
    let r = analyse("apache-common.log", &Filter::default());
    assert_eq!((r.format, r.requests, r.bad_lines), (Format::Common, 5, 0));
    assert_eq!(code(&r, "408").count, 2);
    assert_eq!(r.first.as_deref(), Some("2000-10-10T20:55:36Z"));
}

#[test]
fn alb_says_which_side_answered() {
    let r = analyse("aws-alb.log", &Filter::default());
    assert_eq!((r.format, r.requests, r.bad_lines), (Format::Alb, 6, 1));
    let c460 = code(&r, "460");
    assert_eq!(
        c460.explanation.vendor.as_ref().unwrap().vendor,
        "AWS Application Load Balancer"
    );
    let c502 = &code(&r, "502").produced_by[0];
    assert_eq!(
        (c502.side, c502.second.as_deref()),
        (Side::Front, Some("-"))
    );
    assert!(c502.explanation.contains("the target never answered"));
    assert_eq!(c502.detail.as_deref(), Some("Target.ConnectionError"));
    assert_eq!(code(&r, "503").produced_by[0].side, Side::Back);
    assert_eq!(code(&r, "301").produced_by[0].side, Side::Front);
}

#[test]
fn classic_elb() {
    let r = analyse("aws-elb-classic.log", &Filter::default());
    assert_eq!((r.format, r.requests, r.bad_lines), (Format::Elb, 4, 0));
    assert_eq!(code(&r, "503").produced_by[0].side, Side::Front);
    assert_eq!(code(&r, "404").produced_by[0].side, Side::Back);
}

#[test]
fn cloudfront_result_types() {
    let r = analyse("cloudfront.log", &Filter::default());
    assert_eq!(
        (r.format, r.requests, r.bad_lines),
        (Format::Cloudfront, 6, 1)
    );
    let p = &code(&r, "502").produced_by[0];
    assert_eq!(p.side, Side::Front);
    assert!(p.explanation.contains("OriginConnectError"));
    assert_eq!(code(&r, "502").user_agents[0].value, "curl/8.5.0");
    assert_eq!(code(&r, "403").user_agents[0].value, "sqlmap/1.7");
    assert_eq!(code(&r, "504").latency.as_ref().unwrap().max_ms, 30_002.0);
}

#[test]
fn cloudflare_edge_and_origin() {
    let r = analyse("cloudflare-logpush.json", &Filter::default());
    assert_eq!(
        (r.format, r.requests, r.bad_lines),
        (Format::Cloudflare, 6, 1)
    );
    let c520 = code(&r, "520");
    assert!(
        c520.explanation
            .vendor
            .as_ref()
            .unwrap()
            .vendor
            .starts_with("Cloudflare")
    );
    assert_eq!(
        (
            c520.produced_by[0].side,
            c520.produced_by[0].second.as_deref()
        ),
        (Side::Front, Some("-"))
    );
    assert_eq!(code(&r, "502").produced_by[0].side, Side::Back);
    assert!(
        code(&r, "499")
            .explanation
            .vendor
            .as_ref()
            .unwrap()
            .vendor
            .starts_with("Cloudflare")
    );
}

#[test]
fn caddy_traefik_and_iis() {
    let r = analyse("caddy.json", &Filter::default());
    assert_eq!((r.format, r.requests, r.bad_lines), (Format::Caddy, 3, 1));
    assert_eq!(code(&r, "502").latency.as_ref().unwrap().max_ms, 3002.0);

    let r = analyse("traefik.log", &Filter::default());
    assert_eq!(
        (r.format, r.requests, r.bad_lines),
        (Format::TraefikClf, 4, 0)
    );
    assert_eq!(code(&r, "504").latency.as_ref().unwrap().max_ms, 30_001.0);

    let r = analyse("traefik.json", &Filter::default());
    assert_eq!((r.format, r.requests), (Format::TraefikJson, 3));
    assert_eq!(code(&r, "502").produced_by[0].side, Side::Front);
    assert_eq!(code(&r, "503").produced_by[0].side, Side::Back);

    let r = analyse("iis-w3c.log", &Filter::default());
    assert_eq!((r.format, r.requests, r.bad_lines), (Format::Iis, 4, 1));
    assert_eq!(
        code(&r, "500").produced_by[0].detail.as_deref(),
        Some("sub-status 19, Win32 status 13")
    );
    assert_eq!(code(&r, "500").clients[0].value, "2001:db8::80");
}

#[test]
fn filters_apply_to_fixtures() {
    let filter = Filter {
        codes: httpstatus_logs::filter::parse_codes("5xx").unwrap(),
        path_prefix: Some("/api".to_owned()),
        ..Filter::default()
    };
    let r = analyse("nginx-combined.log", &filter);
    let labels: Vec<&str> = r.codes.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, vec!["502", "504"]);
    assert_eq!(r.filtered_out, 9);
}

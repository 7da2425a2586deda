//! The access-log formats we read: their names, who writes them, and which catalog vendor meanings fit.

/// An access-log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// nginx or Apache `combined`, with optional trailing `$request_time`, `$upstream_status`,
    /// `$upstream_response_time` (bare or as `rt=`, `us=`, `urt=`).
    Combined,
    /// The Common Log Format (`common`): no referer, no user agent.
    Common,
    /// Traefik's text access log: CLF plus request count, router, server URL and duration.
    TraefikClf,
    /// Traefik's JSON access log (`DownstreamStatus`, `OriginStatus`, `Duration`).
    TraefikJson,
    /// AWS Application Load Balancer access log.
    Alb,
    /// AWS Classic Load Balancer access log.
    Elb,
    /// Amazon CloudFront standard log (tab-separated W3C, `#Fields` header).
    Cloudfront,
    /// Cloudflare Logpush `http_requests` dataset as JSON lines.
    Cloudflare,
    /// Caddy's JSON access log (`http.log.access`).
    Caddy,
    /// Microsoft IIS W3C extended log (`#Fields` header, space-separated).
    Iis,
}

impl Format {
    pub const ALL: [Format; 10] = [
        Format::Combined,
        Format::Common,
        Format::TraefikClf,
        Format::TraefikJson,
        Format::Alb,
        Format::Elb,
        Format::Cloudfront,
        Format::Cloudflare,
        Format::Caddy,
        Format::Iis,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Combined => "combined",
            Format::Common => "common",
            Format::TraefikClf => "traefik",
            Format::TraefikJson => "traefik-json",
            Format::Alb => "alb",
            Format::Elb => "elb",
            Format::Cloudfront => "cloudfront",
            Format::Cloudflare => "cloudflare",
            Format::Caddy => "caddy",
            Format::Iis => "iis",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Format::Combined => "nginx/Apache combined",
            Format::Common => "Common Log Format (nginx/Apache common)",
            Format::TraefikClf => "Traefik access log (text)",
            Format::TraefikJson => "Traefik access log (JSON)",
            Format::Alb => "AWS Application Load Balancer",
            Format::Elb => "AWS Classic Load Balancer",
            Format::Cloudfront => "Amazon CloudFront standard log",
            Format::Cloudflare => "Cloudflare Logpush (http_requests, JSON)",
            Format::Caddy => "Caddy access log (JSON)",
            Format::Iis => "Microsoft IIS (W3C extended)",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        let name = match name.as_str() {
            "nginx" | "apache" => "combined",
            "clf" => "common",
            "traefik-clf" => "traefik",
            "aws-alb" => "alb",
            "aws-elb" | "classic-elb" => "elb",
            "w3c" => "iis",
            other => other,
        };
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Catalog vendor names (prefixes) whose meaning of a code applies to this log, best first: 499 in an
    /// nginx log is nginx's, 460 in an ALB log is AWS's.
    pub fn vendors(self) -> &'static [&'static str] {
        match self {
            Format::Combined | Format::Common => &["nginx", "Apache"],
            Format::Alb => &[
                "AWS Application Load Balancer",
                "AWS Elastic Load Balancing",
            ],
            Format::Elb => &["AWS Elastic Load Balancing"],
            Format::Cloudfront => &["Amazon CloudFront", "AWS CloudFront"],
            Format::Cloudflare => &["Cloudflare"],
            Format::Iis => &["Microsoft IIS", "Microsoft"],
            Format::TraefikClf | Format::TraefikJson => &["Traefik"],
            Format::Caddy => &["Caddy"],
        }
    }

    /// Who wrote the main status, and who the second status belongs to.
    pub fn sides(self) -> (&'static str, Option<&'static str>) {
        match self {
            Format::Combined => ("nginx", Some("upstream")),
            Format::Common => ("the server", None),
            Format::TraefikClf => ("Traefik", None),
            Format::TraefikJson => ("Traefik", Some("origin")),
            Format::Alb | Format::Elb => ("the load balancer", Some("target")),
            Format::Cloudfront => ("CloudFront", None),
            Format::Cloudflare => ("Cloudflare's edge", Some("origin")),
            Format::Caddy => ("Caddy", None),
            Format::Iis => ("IIS", None),
        }
    }

    /// W3C formats carry a `#Fields` header that later lines depend on, so they are read in order.
    pub fn is_stateful(self) -> bool {
        matches!(self, Format::Cloudfront | Format::Iis)
    }
}

impl serde::Serialize for Format {
    /// The `--format` name.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

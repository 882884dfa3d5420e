//! How harsh the sandbox is where AWS is harsh: the knobs for log ingestion,
//! GetLogEvents paging and tokens, and how long PROVISIONING takes. The
//! defaults are AWS's; `--lenient` turns the timing parts off.
//!
//! SPEC for `--realism` is comma-separated:
//! `ingest=0.5s-5s,partial=0.05,token-ttl=24h,provisioning=3s`.

use std::str::FromStr;
use std::time::Duration;

use super::chaos::parse_duration;

#[derive(Clone, Debug, PartialEq)]
pub struct Realism {
    /// How long after a build prints a line it becomes readable: a random
    /// delay in (min, max), as the CodeBuild agent ships logs in batches.
    pub ingest_delay: (Duration, Duration),
    /// Chance that a GetLogEvents page with more events to give is cut short
    /// (partial or empty) with a new token (CloudWatch Logs API Reference,
    /// GetLogEvents: "A returned page might only be partially full, or even empty").
    pub partial_page_probability: f64,
    /// How long a GetLogEvents token stays usable ("The token expires after 24 hours").
    pub token_ttl: Duration,
    /// How long a build stays in PROVISIONING; its log stream is created when
    /// PROVISIONING ends. Not documented; AWS's examples show 3-4 s.
    pub provisioning: Duration,
}

impl Default for Realism {
    fn default() -> Self {
        Self {
            ingest_delay: (Duration::from_millis(500), Duration::from_secs(5)),
            partial_page_probability: 0.05,
            token_ttl: Duration::from_secs(24 * 3600),
            provisioning: Duration::from_secs(3),
        }
    }
}

impl Realism {
    /// The timing parts off: lines readable at once, full pages, a short
    /// PROVISIONING. Token expiry stays as configured.
    pub fn lenient(&self) -> Self {
        Self {
            ingest_delay: (Duration::ZERO, Duration::ZERO),
            partial_page_probability: 0.0,
            provisioning: Duration::from_millis(300),
            ..self.clone()
        }
    }
}

/// A duration as `--chaos` takes it, or whole hours (`24h`).
fn duration(s: &str) -> Result<Duration, String> {
    match s.trim().strip_suffix('h') {
        Some(hours) => hours
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && *h >= 0.0)
            .map(|h| Duration::from_secs_f64(h * 3600.0))
            .ok_or_else(|| format!("'{s}' is not a duration like 250ms, 2s, 1m or 24h")),
        None => parse_duration(s),
    }
}

impl FromStr for Realism {
    type Err = String;
    /// Keys not given keep AWS's defaults.
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut r = Realism::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item.split_once('=').ok_or_else(|| format!("'{item}' is not KEY=VALUE"))?;
            match key.trim() {
                "ingest" => {
                    let (lo, hi) = value.split_once('-').unwrap_or((value, value));
                    let (lo, hi) = (duration(lo)?, duration(hi)?);
                    if hi < lo {
                        return Err(format!("ingest={value}: the upper bound is below the lower"));
                    }
                    r.ingest_delay = (lo, hi);
                }
                "partial" => {
                    r.partial_page_probability = value
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| format!("partial={value}: expected a probability between 0 and 1"))?;
                }
                "token-ttl" => {
                    r.token_ttl = duration(value)?;
                    if r.token_ttl.is_zero() {
                        return Err(format!("token-ttl={value}: a token must live longer than 0"));
                    }
                }
                "provisioning" => r.provisioning = duration(value)?,
                other => {
                    return Err(format!(
                        "unknown realism key '{other}' (use ingest, partial, token-ttl, provisioning)"
                    ));
                }
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_aws_figures() {
        let r = Realism::default();
        assert_eq!(r.ingest_delay, (Duration::from_millis(500), Duration::from_secs(5)));
        assert_eq!(r.token_ttl, Duration::from_secs(86_400));
        assert!(r.partial_page_probability > 0.0);
        assert_eq!("".parse::<Realism>().unwrap(), r);
    }

    #[test]
    fn parses_the_documented_spec() {
        let r: Realism = "ingest=1s-2s, token-ttl=2h,partial=0.5,provisioning=250ms".parse().unwrap();
        assert_eq!(r.ingest_delay, (Duration::from_secs(1), Duration::from_secs(2)));
        assert_eq!(r.token_ttl, Duration::from_secs(7200));
        assert_eq!(r.partial_page_probability, 0.5);
        assert_eq!(r.provisioning, Duration::from_millis(250));
        let fixed: Realism = "ingest=0".parse().unwrap();
        assert_eq!(fixed.ingest_delay, (Duration::ZERO, Duration::ZERO));
    }

    #[test]
    fn rejects_bad_specs_in_one_line() {
        for (spec, want) in [
            ("partial=2", "probability"),
            ("ingest=5s-1s", "upper bound"),
            ("token-ttl=0s", "longer than 0"),
            ("token-ttl=xh", "24h"),
            ("speed=1", "unknown realism key"),
            ("ingest", "KEY=VALUE"),
        ] {
            let err = spec.parse::<Realism>().unwrap_err();
            assert!(err.contains(want) && !err.contains('\n'), "{spec}: {err}");
        }
    }

    #[test]
    fn lenient_turns_the_timing_off_and_keeps_the_token_ttl() {
        let r: Realism = "token-ttl=1m".parse().unwrap();
        let l = r.lenient();
        assert_eq!(l.ingest_delay, (Duration::ZERO, Duration::ZERO));
        assert_eq!(l.partial_page_probability, 0.0);
        assert_eq!(l.token_ttl, Duration::from_secs(60));
        assert!(l.provisioning < r.provisioning);
    }
}

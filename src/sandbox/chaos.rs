//! `--chaos SPEC`: injected throttling, latency, outages and server errors, so
//! the app's backoff and gap-free log tailing can be exercised locally.
//! SPEC is comma-separated: `throttle=0.3,latency=100ms-500ms,outage=30s@60s,error=0.05`,
//! plus `bandwidth=2MiB/s`, a cap on how fast uploads (PutObject, UploadPart) are read.

use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chaos {
    pub throttle: f64,
    pub error: f64,
    pub latency: Option<(Duration, Duration)>,
    /// (length, start after sandbox start)
    pub outage: Option<(Duration, Duration)>,
    /// Upload bytes per second, shared by every upload.
    pub bandwidth: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
    Throttle,
    Outage,
    Error,
}

#[derive(Debug, Default)]
pub struct Decision {
    pub delay: Option<Duration>,
    pub fault: Option<Fault>,
}

impl Chaos {
    pub fn decide(&self, since_start: Duration) -> Decision {
        use rand::RngExt;
        let mut rng = rand::rng();
        let delay = self.latency.map(|(lo, hi)| if hi > lo { lo + (hi - lo).mul_f64(rng.random::<f64>()) } else { lo });
        let in_outage = self.outage.is_some_and(|(len, at)| since_start >= at && since_start < at + len);
        let fault = if in_outage {
            Some(Fault::Outage)
        } else if self.throttle > 0.0 && rng.random::<f64>() < self.throttle {
            Some(Fault::Throttle)
        } else if self.error > 0.0 && rng.random::<f64>() < self.error {
            Some(Fault::Error)
        } else {
            None
        };
        Decision { delay, fault }
    }
}

/// `250ms`, `2s`, `1m`, or a bare number of milliseconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => s.split_at(i),
        None => (s, "ms"),
    };
    let n: f64 = num.parse().map_err(|_| format!("'{s}' is not a duration like 250ms, 2s or 1m"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("'{s}' has unknown unit '{unit}' (use ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

/// `2MiB/s`, `500KiB/s`, `1MB/s`, `64kB/s` or a bare number of bytes per second.
pub fn parse_bandwidth(s: &str) -> Result<u64, String> {
    let bad = || format!("bandwidth={s}: expected bytes per second like 2MiB/s, 500KiB/s or 1MB/s");
    let t = s.trim();
    let t = t.strip_suffix("/s").unwrap_or(t);
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let scale = match unit {
        "" | "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let rate = n * scale;
    if !(rate >= 1.0 && rate.is_finite()) {
        return Err(bad());
    }
    Ok(rate as u64)
}

fn parse_probability(key: &str, v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{key}={v}: expected a probability between 0 and 1")),
    }
}

impl FromStr for Chaos {
    type Err = String;
    fn from_str(spec: &str) -> Result<Self, String> {
        let mut chaos = Chaos::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = item.split_once('=').ok_or_else(|| format!("'{item}' is not KEY=VALUE"))?;
            match key {
                "throttle" => chaos.throttle = parse_probability(key, value)?,
                "error" => chaos.error = parse_probability(key, value)?,
                "latency" => {
                    let (lo, hi) = value.split_once('-').unwrap_or((value, value));
                    let (lo, hi) = (parse_duration(lo)?, parse_duration(hi)?);
                    if hi < lo {
                        return Err(format!("latency={value}: the upper bound is below the lower"));
                    }
                    chaos.latency = Some((lo, hi));
                }
                "outage" => {
                    let (len, at) = value
                        .split_once('@')
                        .ok_or_else(|| format!("outage={value}: expected LENGTH@START, e.g. 30s@60s"))?;
                    chaos.outage = Some((parse_duration(len)?, parse_duration(at)?));
                }
                "bandwidth" => chaos.bandwidth = Some(parse_bandwidth(value)?),
                _ => {
                    return Err(format!("unknown chaos key '{key}' (use throttle, latency, outage, error, bandwidth)"));
                }
            }
        }
        Ok(chaos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_spec() {
        let c: Chaos = "throttle=0.3,latency=100ms-500ms,outage=30s@60s,error=0.05".parse().unwrap();
        assert_eq!(c.throttle, 0.3);
        assert_eq!(c.error, 0.05);
        assert_eq!(c.latency, Some((Duration::from_millis(100), Duration::from_millis(500))));
        assert_eq!(c.outage, Some((Duration::from_secs(30), Duration::from_secs(60))));
        assert_eq!(c.bandwidth, None);
    }

    #[test]
    fn bandwidth_takes_binary_and_decimal_units() {
        let c: Chaos = "bandwidth=2MiB/s".parse().unwrap();
        assert_eq!(c.bandwidth, Some(2 * 1024 * 1024));
        assert_eq!(parse_bandwidth("500KiB/s"), Ok(500 * 1024));
        assert_eq!(parse_bandwidth("1MB/s"), Ok(1_000_000));
        assert_eq!(parse_bandwidth("64kB"), Ok(64_000));
        assert_eq!(parse_bandwidth("4096"), Ok(4096));
        assert!(parse_bandwidth("2Mbit/s").unwrap_err().contains("bytes per second"));
        assert!(parse_bandwidth("0").is_err());
        assert!(c.decide(Duration::ZERO).fault.is_none(), "a bandwidth cap injects no faults");
    }

    #[test]
    fn rejects_bad_specs_with_a_reason() {
        assert!("throttle=2".parse::<Chaos>().unwrap_err().contains("probability"));
        assert!("outage=30s".parse::<Chaos>().unwrap_err().contains("LENGTH@START"));
        assert!("jitter=1".parse::<Chaos>().unwrap_err().contains("unknown chaos key"));
        assert!("latency=5x".parse::<Chaos>().unwrap_err().contains("unit"));
    }

    #[test]
    fn outage_window_and_certain_throttle() {
        let c: Chaos = "outage=10s@5s".parse().unwrap();
        assert_eq!(c.decide(Duration::from_secs(1)).fault, None);
        assert_eq!(c.decide(Duration::from_secs(6)).fault, Some(Fault::Outage));
        assert_eq!(c.decide(Duration::from_secs(16)).fault, None);
        let t: Chaos = "throttle=1".parse().unwrap();
        assert_eq!(t.decide(Duration::ZERO).fault, Some(Fault::Throttle));
        let none = Chaos::default();
        assert!(none.decide(Duration::ZERO).fault.is_none());
    }
}

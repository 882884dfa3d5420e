//! The cron expressions of the DeploymentWindow rule (CodePipeline User Guide,
//! "Rule reference: DeploymentWindow", which takes EventBridge's six-field
//! form: minutes hours day-of-month month day-of-week year). A time is inside
//! the window when every field matches it. The sandbox understands `*`, `?`,
//! numbers, names (JAN-DEC, SUN-SAT), ranges, lists and `/` steps; `L`, `W`
//! and `#` are refused rather than guessed.

use chrono::{DateTime, Datelike, Timelike, Utc};

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// One field: which values in `lo..=hi` it allows.
fn field(text: &str, lo: u32, hi: u32, names: &[&str], first_name: u32) -> Result<Vec<bool>, String> {
    let mut allowed = vec![false; hi as usize + 1];
    let value = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + first_name);
        }
        if s.contains(['L', 'W', '#']) {
            return Err(format!("`{s}`: L, W and # are not supported by the sandbox"));
        }
        let n: u32 = s.parse().map_err(|_| format!("`{s}` is not a value of this cron field"))?;
        if n < lo || n > hi { Err(format!("{n} is outside {lo}-{hi}")) } else { Ok(n) }
    };
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| format!("`{s}` is not a step"))?.max(1)),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" | "?" => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if step > 1 => (value(r)?, hi),
                None => (value(r)?, value(r)?),
            },
        };
        let mut v = from;
        while v <= to {
            allowed[v as usize] = true;
            v += step;
        }
    }
    Ok(allowed)
}

/// True if `at` is inside the window `expr` describes.
pub fn matches(expr: &str, at: DateTime<Utc>) -> Result<bool, String> {
    let parts: Vec<&str> = expr.split_whitespace().collect();
    let [min, hour, dom, month, dow, year] = parts[..] else {
        return Err(format!("`{expr}` needs six fields: minutes hours day-of-month month day-of-week year"));
    };
    let ok = |allowed: Vec<bool>, v: u32| allowed.get(v as usize).copied().unwrap_or(false);
    let year_ok = year == "*"
        || year.split(',').any(|y| match y.split_once('-') {
            Some((a, b)) => {
                a.parse::<i32>().is_ok_and(|a| a <= at.year()) && b.parse::<i32>().is_ok_and(|b| at.year() <= b)
            }
            None => y.parse::<i32>().is_ok_and(|y| y == at.year()),
        });
    // Day of week: 1 = SUN ... 7 = SAT in EventBridge.
    let weekday = at.weekday().num_days_from_sunday() + 1;
    Ok(year_ok
        && ok(field(min, 0, 59, &[], 0)?, at.minute())
        && ok(field(hour, 0, 23, &[], 0)?, at.hour())
        && ok(field(dom, 1, 31, &[], 1)?, at.day())
        && ok(field(month, 1, 12, &MONTHS, 1)?, at.month())
        && ok(field(dow, 1, 7, &DAYS, 1)?, weekday))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_match_by_every_field() {
        // Wednesday 2 December 2026, 09:30 UTC.
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap();
        assert_eq!(matches("* * * * ? *", at), Ok(true));
        assert_eq!(matches("* 9-17 ? * MON-FRI *", at), Ok(true));
        assert_eq!(matches("* 9-17 ? * SAT,SUN *", at), Ok(false));
        assert_eq!(matches("0/15 * * * ? *", at), Ok(true));
        assert_eq!(matches("0/20 * * * ? *", at), Ok(false));
        assert_eq!(matches("* * * DEC ? 2026", at), Ok(true));
        assert_eq!(matches("* * * * ? 2099", at), Ok(false));
        assert!(matches("* * * *", at).is_err_and(|e| e.contains("six fields")));
        assert!(matches("* * L * ? *", at).is_err_and(|e| e.contains("not supported")));
        assert!(matches("99 * * * ? *", at).is_err());
    }
}

//! The two timestamp formats of OSS signatures, parsed and printed without a date library:
//! RFC 1123 (`Wed, 28 Dec 2022 10:27:41 GMT`, the `Date` header and the V1 Date line) and
//! ISO 8601 basic (`20231216T162057Z`, `x-oss-date` of signature V4). Times are Unix seconds.

use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/// Day names indexed from Sunday; 1970-01-01 was a Thursday (index 4).
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SECS_PER_DAY: i64 = 86_400;

/// Unix seconds of a `SystemTime` (negative before 1970).
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map(|s| -s).unwrap_or(i64::MIN),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (i64::from(m) + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The date `(year, month 1-12, day 1-31)` of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Unix seconds of a validated calendar date and time of day (UTC).
fn to_unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    // Leap seconds (s = 60) are not accepted: neither format produces them in practice.
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * SECS_PER_DAY + i64::from(h * 3600 + mi * 60 + s))
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 1123 date (`Wed, 28 Dec 2022 10:27:41 GMT`) to Unix seconds. The day name is
/// not checked against the date (HTTP servers ignore it too); the zone must be `GMT` or `UTC`.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let mut parts = s.split_ascii_whitespace();
    let dow = parts.next()?;
    if !dow.ends_with(',') {
        return None;
    }
    let day = digits(parts.next()?)?;
    let mon = parts.next()?;
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(mon))? as u32 + 1;
    let year = digits(parts.next()?)?;
    let mut hms = parts.next()?.split(':');
    let (h, mi, sec) = (digits(hms.next()?)?, digits(hms.next()?)?, digits(hms.next()?)?);
    let zone = parts.next()?;
    if hms.next().is_some() || parts.next().is_some() || !(zone == "GMT" || zone == "UTC") {
        return None;
    }
    to_unix(i64::from(year), month, day, h, mi, sec)
}

/// Parses an ISO 8601 basic UTC timestamp (`20231216T162057Z`) to Unix seconds.
pub fn parse_iso8601_basic(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // Exactly `YYYYMMDD` `T` `HHMMSS` `Z`: 16 ASCII bytes (the slices below need char
    // boundaries; a percent-decoded query value may hold any UTF-8).
    if b.len() != 16 || !s.is_ascii() || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let (y, mo, d) = (digits(&s[0..4])?, digits(&s[4..6])?, digits(&s[6..8])?);
    let (h, mi, sec) = (digits(&s[9..11])?, digits(&s[11..13])?, digits(&s[13..15])?);
    to_unix(i64::from(y), mo, d, h, mi, sec)
}

fn split(t: i64) -> (i64, u32, u32, u32, u32, u32, usize) {
    let days = t.div_euclid(SECS_PER_DAY);
    let secs = t.rem_euclid(SECS_PER_DAY) as u32;
    let (y, mo, d) = civil_from_days(days);
    let dow = (days + 4).rem_euclid(7) as usize;
    (y, mo, d, secs / 3600, secs / 60 % 60, secs % 60, dow)
}

/// Formats Unix seconds as an RFC 1123 date (`Wed, 28 Dec 2022 10:27:41 GMT`).
pub fn format_http_date(t: i64) -> String {
    let (y, mo, d, h, mi, s, dow) = split(t);
    format!("{}, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT", DAYS[dow], MONTHS[mo as usize - 1])
}

/// Formats Unix seconds as ISO 8601 basic (`20231216T162057Z`); its first 8 bytes are the
/// `yyyymmdd` of a V4 scope.
pub fn format_iso8601_basic(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = split(t);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// Formats Unix seconds as ISO 8601 extended with milliseconds (`2023-11-12T16:43:40.000Z`), the
/// shape OSS uses for times inside XML bodies.
pub fn format_iso8601(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = split(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_round_trips() {
        // 1672223261 = Wed, 28 Dec 2022 10:27:41 GMT (the Go V2 SDK's V1 vector date).
        assert_eq!(parse_http_date("Wed, 28 Dec 2022 10:27:41 GMT"), Some(1_672_223_261));
        assert_eq!(format_http_date(1_672_223_261), "Wed, 28 Dec 2022 10:27:41 GMT");
        assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"), Some(1_709_251_199));
        assert_eq!(format_http_date(1_709_251_199), "Thu, 29 Feb 2024 23:59:59 GMT");
    }

    #[test]
    fn http_date_rejects_garbage() {
        for bad in [
            "",
            "Wed 28 Dec 2022 10:27:41 GMT",
            "Wed, 28 Dec 2022 10:27:41 PST",
            "Wed, 29 Feb 2023 10:27:41 GMT",
            "Wed, 28 Foo 2022 10:27:41 GMT",
            "Wed, 28 Dec 2022 24:00:00 GMT",
            "Wed, 28 Dec 2022 10:27 GMT",
            "Wed, 28 Dec 2022 10:27:41 GMT extra",
            "Wed, -1 Dec 2022 10:27:41 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn iso8601_basic_round_trips() {
        // 1702743657 = 2023-12-16T16:20:57Z (the Go V2 SDK's TestV4AuthHeader time).
        assert_eq!(parse_iso8601_basic("20231216T162057Z"), Some(1_702_743_657));
        assert_eq!(format_iso8601_basic(1_702_743_657), "20231216T162057Z");
        assert_eq!(format_iso8601(1_699_807_420), "2023-11-12T16:43:40.000Z");
        for bad in [
            "20231216T162057",
            "20231316T162057Z",
            "2023121GT162057Z",
            "20231216 162057Z",
            "20231216T162057Zx",
            // 16 bytes, but `é` straddles the year/month boundary: refused, not a panic.
            "202\u{e9}121T162057Z",
        ] {
            assert_eq!(parse_iso8601_basic(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn civil_conversion_is_a_bijection_over_centuries() {
        // Every 37th day from 1600 to 2400 survives days → civil → days.
        let start = days_from_civil(1600, 1, 1);
        let end = days_from_civil(2400, 12, 31);
        let mut z = start;
        while z <= end {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            z += 37;
        }
    }
}

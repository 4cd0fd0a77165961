//! Turns criterion's saved estimates into the tables of `BENCHMARKS.md`.
//!
//! Criterion writes `<target>/criterion/<group>/<function>/<baseline>/estimates.json` for every
//! benchmark (`new` for the latest run, or the name given to `--save-baseline`); this reads the
//! median and the median absolute deviation of each, and computes the ratios the targets are
//! stated in, each from one run.
//!
//! Given several runs (baselines), every ratio is computed within each run and the table shows
//! the median of those ratios, and the median of the runs' times: a neighbour's burst that
//! slows one benchmark of one run moves that run's ratio, not the figure reported.

use std::fmt::Write as _;
use std::path::Path;

/// Median and spread of one benchmark, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The median time per iteration.
    pub median: f64,
    /// The median absolute deviation of the samples.
    pub mad: f64,
}

/// Reads one benchmark's estimate in one run (`baseline`), if criterion saved it.
pub fn read_estimate(
    criterion_dir: &Path,
    group: &str,
    function: &str,
    baseline: &str,
) -> Option<Estimate> {
    let path = criterion_dir
        .join(group)
        .join(function)
        .join(baseline)
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(Estimate {
        median: json["median"]["point_estimate"].as_f64()?,
        mad: json["median_abs_dev"]["point_estimate"].as_f64()?,
    })
}

/// A time in the unit that suits it.
pub fn format_time(nanoseconds: f64) -> String {
    if nanoseconds >= 1_000_000.0 {
        format!("{:.2} ms", nanoseconds / 1_000_000.0)
    } else if nanoseconds >= 1_000.0 {
        format!("{:.2} µs", nanoseconds / 1_000.0)
    } else {
        format!("{nanoseconds:.0} ns")
    }
}

/// One benchmark in each run, in the order of the runs (`None` where a run lacks it).
type Runs = Vec<Option<Estimate>>;

/// The median of `values` (the mean of the middle two for an even count); `None` if empty.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    match values.len() {
        0 => None,
        len if len % 2 == 1 => Some(values[middle]),
        _ => Some((values[middle - 1] + values[middle]) / 2.0),
    }
}

fn cell(runs: &Runs) -> String {
    let times = |field: fn(&Estimate) -> f64| median(runs.iter().flatten().map(field).collect());
    match (times(|e| e.median), times(|e| e.mad)) {
        (Some(time), Some(mad)) => format!("{} ± {}", format_time(time), format_time(mad)),
        _ => "—".to_owned(),
    }
}

/// The median, over the runs that have both, of `numerator ÷ denominator` within one run.
fn ratio(numerator: &Runs, denominator: &Runs) -> String {
    let ratios = numerator
        .iter()
        .zip(denominator)
        .filter_map(|pair| match pair {
            (Some(n), Some(d)) if d.median > 0.0 => Some(n.median / d.median),
            _ => None,
        })
        .collect();
    median(ratios).map_or_else(|| "—".to_owned(), |ratio| format!("{ratio:.2}×"))
}

/// The signing cases: (criterion group, the function timing discogs-auth, label). Case 2 is
/// timed twice: `OAuthClient::sign_request`, and a `RequestSigner` made once for the token.
pub const SIGNING_GROUPS: [(&str, &str, &str); 8] = [
    (
        "case1_request_token_plaintext",
        "discogs-auth",
        "1. request-token header, PLAINTEXT",
    ),
    (
        "case1_request_token_hmac_sha1",
        "discogs-auth",
        "1. request-token header, HMAC-SHA1",
    ),
    (
        "case2_signed_search_plaintext",
        "discogs-auth",
        "2. signed search GET, PLAINTEXT",
    ),
    (
        "case2_signed_search_plaintext",
        "discogs-auth-signer",
        "2. signed search GET, PLAINTEXT, `RequestSigner`",
    ),
    (
        "case2_signed_search_hmac_sha1",
        "discogs-auth",
        "2. signed search GET, HMAC-SHA1",
    ),
    (
        "case2_signed_search_hmac_sha1",
        "discogs-auth-signer",
        "2. signed search GET, HMAC-SHA1, `RequestSigner`",
    ),
    (
        "case3_access_token_plaintext",
        "discogs-auth",
        "3. access-token request, PLAINTEXT",
    ),
    (
        "case3_access_token_hmac_sha1",
        "discogs-auth",
        "3. access-token request, HMAC-SHA1",
    ),
];

/// The parsers: (criterion group, label).
pub const PARSING_GROUPS: [(&str, &str); 5] = [
    ("case4_parse_request_token_reply", "4. request-token reply"),
    ("case4_parse_access_token_reply", "4. access-token reply"),
    ("case4_parse_approved_callback", "4. approved callback URL"),
    ("case4_parse_denied_callback", "4. denied callback URL"),
    ("case4_parse_identity_json", "4. identity JSON"),
];

/// Verification: (criterion group, the case 2 group it is compared with, label).
pub const VERIFY_GROUPS: [(&str, &str, &str); 2] = [
    (
        "case5_verify_plaintext",
        "case2_signed_search_plaintext",
        "5. verify signed search, PLAINTEXT",
    ),
    (
        "case5_verify_hmac_sha1",
        "case2_signed_search_hmac_sha1",
        "5. verify signed search, HMAC-SHA1",
    ),
];

/// Transports: (criterion group, label).
pub const TRANSPORT_GROUPS: [(&str, &str); 3] = [
    ("transport_ureq", "ureq (blocking)"),
    ("transport_reqwest_blocking", "reqwest::blocking"),
    (
        "transport_reqwest_async",
        "reqwest (async, current-thread tokio)",
    ),
];

/// Every table, in Markdown, from the estimates of the runs `baselines` under `criterion_dir`.
pub fn render(criterion_dir: &Path, baselines: &[&str]) -> String {
    let get = |group: &str, function: &str| -> Runs {
        baselines
            .iter()
            .map(|baseline| read_estimate(criterion_dir, group, function, baseline))
            .collect()
    };
    let mut out = String::new();

    out.push_str(
        "| case | discogs-auth | oauth1-request (header) | oauth1-request + http | floor (header) \
         | ÷ oauth1-request (header) | ÷ oauth1-request + http | ÷ floor |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for (group, function, label) in SIGNING_GROUPS {
        let ours = get(group, function);
        let theirs = get(group, "oauth1-request");
        let theirs_http = get(group, "oauth1-request+http");
        let floor = get(group, "floor");
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} | {} | {} |",
            cell(&ours),
            cell(&theirs),
            cell(&theirs_http),
            cell(&floor),
            ratio(&ours, &theirs),
            ratio(&ours, &theirs_http),
            ratio(&ours, &floor)
        );
    }

    out.push_str("\n| parser | discogs-auth | floor | ÷ floor |\n|---|---|---|---|\n");
    for (group, label) in PARSING_GROUPS {
        let ours = get(group, "discogs-auth");
        let floor = get(group, "floor");
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            cell(&ours),
            cell(&floor),
            ratio(&ours, &floor)
        );
    }

    out.push_str(
        "\n| verification | verify | sign, pinned nonce | sign, fresh nonce (case 2) \
         | verify ÷ sign pinned | verify ÷ sign fresh |\n|---|---|---|---|---|---|\n",
    );
    for (group, signing_group, label) in VERIFY_GROUPS {
        let verify = get(group, "verify");
        let sign = get(group, "sign");
        let sign_fresh = get(signing_group, "discogs-auth");
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} |",
            cell(&verify),
            cell(&sign),
            cell(&sign_fresh),
            ratio(&verify, &sign),
            ratio(&verify, &sign_fresh)
        );
    }

    out.push_str("\n| transport (one full flow) | adapter | raw client | adapter ÷ raw |\n|---|---|---|---|\n");
    for (group, label) in TRANSPORT_GROUPS {
        let adapter = get(group, "adapter");
        let raw = get(group, "raw");
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            cell(&adapter),
            cell(&raw),
            ratio(&adapter, &raw)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_no_values() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }

    /// Three runs, one slowed down for one benchmark: the ratios are taken within each run,
    /// and the reported one is their median.
    #[test]
    fn ratios_are_medians_of_per_run_ratios() {
        let dir = std::env::temp_dir().join(format!("report-test-{}", std::process::id()));
        let write = |function: &str, run: &str, median: f64| {
            let path = dir
                .join("case4_parse_identity_json")
                .join(function)
                .join(run);
            std::fs::create_dir_all(&path).unwrap();
            let json = format!(
                r#"{{"median": {{"point_estimate": {median}}}, "median_abs_dev": {{"point_estimate": 2.0}}}}"#
            );
            std::fs::write(path.join("estimates.json"), json).unwrap();
        };
        for (run, ours, floor) in [
            ("a", 100.0, 200.0),
            ("b", 300.0, 200.0),
            ("c", 110.0, 200.0),
        ] {
            write("discogs-auth", run, ours);
            write("floor", run, floor);
        }
        let table = render(&dir, &["a", "b", "c"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            table.contains("| 4. identity JSON | 110 ns ± 2 ns | 200 ns ± 2 ns | 0.55× |"),
            "{table}"
        );
        assert!(
            table.contains("| 4. request-token reply | — | — | — |"),
            "{table}"
        );
    }
}

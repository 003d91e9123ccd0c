//! Settings validation: every value GCP, GKE or Kubernetes would refuse
//! at apply is refused here, at its file, line and key.

use std::collections::BTreeSet;

use super::names;
use super::risks;
use super::settings::{
    ServiceSettings, Settings, StateBackend, StateChoice, StateSettings, Valid, ValidService,
    full_name,
};
use crate::constructs::{
    Armor, AuthorizedNetwork, Cidr, MAX_CERTIFICATES, MaintenanceWindow, PodResources, PoolSize,
};
use crate::diagnostic::Diagnostic;
use crate::settings::Validate;
use crate::tf::Cloud;

/// The units of a kind of Kubernetes quantity as settings write them: the
/// suffixes taken, each with its size in base units, the size of a
/// number without one, and an example for messages.
struct Units {
    suffixes: &'static [(&'static str, u128)],
    plain: u128,
    example: &'static str,
}

/// CPU in millicores: `250m`, or cores (`0.5`).
const CPU: Units = Units {
    suffixes: &[("m", 1)],
    plain: 1000,
    example: "250m",
};

/// Memory in bytes: `128Mi`, with Kubernetes' binary suffixes (`Ki` to
/// `Ei`) or decimal ones (`k` to `E`), as its quantity syntax allows
/// ("Resource Management for Pods and Containers").
const MEMORY: Units = Units {
    suffixes: &[
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("Pi", 1 << 50),
        ("Ei", 1 << 60),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("E", 1_000_000_000_000_000_000),
    ],
    plain: 1,
    example: "128Mi",
};

/// `s` split into its number and the size of its unit.
fn split_quantity<'s>(s: &'s str, units: &Units) -> (&'s str, u128) {
    units
        .suffixes
        .iter()
        .find_map(|(suffix, scale)| s.strip_suffix(suffix).map(|n| (n, *scale)))
        .unwrap_or((s, units.plain))
}

/// A Kubernetes quantity as settings write them: digits with an optional
/// fraction, not zero, and one of `units`' suffixes or none.
fn is_quantity(s: &str, units: &Units) -> bool {
    let (number, _) = split_quantity(s, units);
    let mut parts = number.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|c| c.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
        && number.bytes().any(|c| c != b'0' && c != b'.')
}

/// A quantity `is_quantity` accepted, as a fraction of base units
/// (millicores for CPU, bytes for memory): numerator and denominator, or
/// `None` when it is too large to compare.
fn quantity_value(s: &str, units: &Units) -> Option<(u128, u128)> {
    let (number, scale) = split_quantity(s, units);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = format!("{whole}{fraction}");
    let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let numerator = digits.parse::<u128>().ok()?.checked_mul(scale)?;
    Some((numerator, denominator))
}

/// Whether quantity `a` is larger than `b` (both accepted by
/// `is_quantity`); `false` when either is too large to compare.
fn quantity_exceeds(a: &str, b: &str, units: &Units) -> bool {
    match (quantity_value(a, units), quantity_value(b, units)) {
        (Some((an, ad)), Some((bn, bd))) => match (an.checked_mul(bd), bn.checked_mul(ad)) {
            (Some(left), Some(right)) => left > right,
            _ => false,
        },
        _ => false,
    }
}

/// Whether `key` is a Kubernetes label key: an optional prefix (a DNS
/// subdomain of at most 253 characters) and `/`, then a name of 1 to 63
/// letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit (Kubernetes, "Labels and Selectors: Syntax and character set").
fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            })
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

/// Whether `value` is a Kubernetes label value: empty, or 1 to 63
/// letters, digits, `-`, `_` and `.`, beginning and ending with a letter
/// or digit.
fn is_label_value(value: &str) -> bool {
    let edge = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    value.is_empty()
        || (value.len() <= 63
            && value
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && edge(value.bytes().next())
            && edge(value.bytes().last()))
}

/// Compute Engine's regions and zones, from `zones.tsv` (its header says
/// where they come from and how to refresh them).
const ZONES: &str = include_str!("zones.tsv");

/// The table's lines: a region, then its zones' suffixes.
fn zone_lines() -> impl Iterator<Item = (&'static str, std::str::Split<'static, char>)> {
    ZONES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut fields = l.split('\t');
            fields.next().map(|region| (region, fields))
        })
}

/// Every region the table knows.
fn regions() -> impl Iterator<Item = &'static str> {
    zone_lines().map(|(region, _)| region)
}

/// The zones of `region` (`us-central1-a`, ...), or `None` for a region
/// the table does not know.
pub(super) fn zones_of(region: &str) -> Option<Vec<String>> {
    zone_lines()
        .find(|(r, _)| *r == region)
        .map(|(r, suffixes)| suffixes.map(|z| format!("{r}-{z}")).collect())
}

/// Google Cloud project ids: 6 to 30 lowercase letters, digits or hyphens,
/// starting with a letter and not ending with a hyphen.
pub fn is_project_id(s: &str) -> bool {
    (6..=30).contains(&s.len()) && is_lower_name(s)
}

/// Regions look like `us-central1` or `europe-west4`.
pub fn is_region(s: &str) -> bool {
    let Some((area, rest)) = s.split_once('-') else {
        return false;
    };
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_lowercase());
    !area.is_empty()
        && area.bytes().all(|c| c.is_ascii_lowercase())
        && digits.len() < rest.len()
        && !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
}

/// Compute Engine resource names: 1 to 63 characters, a lowercase letter
/// first, then lowercase letters, digits or hyphens, not ending with a hyphen.
pub fn is_resource_name(s: &str) -> bool {
    (1..=63).contains(&s.len()) && is_lower_name(s)
}

fn is_lower_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Seconds since 1970 of a time [`is_utc_time`] accepted, or `None` when
/// its date or time does not exist (month 13, February 30, hour 24).
///
/// Days are counted with the civil-from-days algorithm of H. Hinnant
/// ("chrono-Compatible Low-Level Date Algorithms"): one subtraction does
/// not justify a date crate in every library user's build.
fn utc_seconds(s: &str) -> Option<i64> {
    if !is_utc_time(s) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    let (y, m, d) = (n(0..4)?, n(5..7)?, n(8..10)?);
    let (hh, mm, ss) = (n(11..13)?, n(14..16)?, n(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let days_in_month = *month_days.get(usize::try_from(m - 1).ok()?)?;
    if !(1..=days_in_month).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60 + ss)
}

/// Whether `rrule` is an RFC 5545 recurrence [`maintenance_problem`] can
/// count: `FREQ=DAILY` or `FREQ=WEEKLY` first, then at most an
/// `INTERVAL` of 1 or more and, weekly, a `BYDAY` of distinct days.
fn is_checkable_rrule(rrule: &str) -> bool {
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let mut parts = rrule.split(';');
    let weekly = match parts.next() {
        Some("FREQ=DAILY") => false,
        Some("FREQ=WEEKLY") => true,
        _ => return false,
    };
    let mut seen = BTreeSet::new();
    parts.all(|part| {
        let Some((name, value)) = part.split_once('=') else {
            return false;
        };
        seen.insert(name)
            && match name {
                "INTERVAL" => value.parse::<u32>().is_ok_and(|i| (1..=52).contains(&i)),
                "BYDAY" if weekly => {
                    let days: Vec<&str> = value.split(',').collect();
                    let distinct: BTreeSet<&&str> = days.iter().collect();
                    days.iter().all(|d| DAYS.contains(d)) && distinct.len() == days.len()
                }
                _ => false,
            }
    })
}

/// Why GKE would refuse a maintenance window `seconds` long that recurs
/// by `rrule`, or `None`. GKE ("Configure maintenance windows and
/// exclusions") needs at least 48 hours of maintenance availability in
/// any 32 days, and counts only contiguous windows of at least 4 hours.
/// The occurrences in 32 days are counted for `FREQ=DAILY` and
/// `FREQ=WEEKLY` (with `BYDAY` and `INTERVAL`); for any other rule only
/// the 4 hours are checked.
fn maintenance_problem(seconds: i64, rrule: &str) -> Option<String> {
    const HOUR: i64 = 3_600;
    const DAY: i64 = 24 * HOUR;
    let long = |s: i64| {
        if s % HOUR == 0 {
            format!("{} hour{}", s / HOUR, if s == HOUR { "" } else { "s" })
        } else if s >= HOUR {
            format!("{}h{:02}m", s / HOUR, s % HOUR / 60)
        } else {
            format!("{} minute{}", s / 60, if s / 60 == 1 { "" } else { "s" })
        }
    };
    if seconds < 4 * HOUR {
        return Some(format!(
            "the window is {} long; GKE counts only windows of at least 4 hours \
             (and needs 48 hours of them in any 32 days)",
            long(seconds)
        ));
    }
    let mut freq = None;
    let mut interval = 1i64;
    let mut days = None;
    for part in rrule.split(';') {
        match part.split_once('=') {
            Some(("FREQ", f)) => freq = Some(f),
            Some(("INTERVAL", i)) => interval = i.parse().ok().filter(|i| *i >= 1)?,
            Some(("BYDAY", d)) => days = Some(i64::try_from(d.split(',').count()).ok()?),
            _ => return None,
        }
    }
    // The fewest occurrences any 32 days hold.
    // The fewest occurrences any 32 days hold, and the longest one can be
    // before it runs into the next.
    let (occurrences, period) = match (freq, days) {
        (Some("DAILY"), None) => (32 / interval, DAY * interval),
        (Some("WEEKLY"), None) => (32 / (7 * interval), 7 * DAY * interval),
        (Some("WEEKLY"), Some(days)) => ((32 / (7 * interval)) * days, DAY),
        _ => return None,
    };
    let available = (seconds.min(period) * occurrences).min(32 * DAY);
    (available < 48 * HOUR).then(|| {
        format!(
            "{rrule} with windows of {} gives {} of maintenance in 32 days; \
             GKE needs at least 48 hours",
            long(seconds),
            long(available)
        )
    })
}

/// `2025-01-04T03:00:00Z`: an RFC 3339 time in UTC, to the second.
fn is_utc_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z'
}

/// Most nodes of one node pool in one zone (GKE, "Quotas and limits":
/// nodes per node pool zone).
const NODES_PER_POOL_ZONE: u32 = 1_000;

/// Most nodes of a Standard cluster (GKE, "Quotas and limits": nodes per
/// cluster, GKE 1.18 and later).
const NODES_PER_CLUSTER: u32 = 15_000;

const DISK_TYPES: [&str; 3] = ["pd-balanced", "pd-standard", "pd-ssd"];
const PERIODS: [&str; 4] = ["60s", "300s", "600s", "900s"];
const CHECK_REGIONS: [&str; 4] = ["ASIA_PACIFIC", "EUROPE", "SOUTH_AMERICA", "USA"];

/// A Docker tag: 1 to 128 of letters, digits, `_`, `.` and `-`, not
/// starting with `.` or `-`.
fn is_image_tag(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && !s.starts_with(['.', '-'])
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// A DNS name with at least two labels, each 1 to 63 of letters, digits
/// and inner hyphens, and a top-level label that is not all digits.
pub fn is_domain(s: &str) -> bool {
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
        && !labels[labels.len() - 1].bytes().all(|c| c.is_ascii_digit())
}

/// An e-mail address: something before a single `@`, a domain after it.
pub fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains(char::is_whitespace)
                && !local.contains(['@', '"', ',', '<', '>'])
                && is_domain(domain)
        }
        None => false,
    }
}

/// The most a count may be: Kubernetes (replicas) and the GKE and Compute
/// APIs (node counts, disk sizes, rate limits) hold counts as 32-bit
/// signed integers, and refuse anything larger at apply.
pub const MAX_COUNT: u32 = i32::MAX.unsigned_abs();

/// Refuses a count above [`MAX_COUNT`], at `key`.
fn at_most_max_count(key: &str, value: u32, p: &mut Vec<Diagnostic>) {
    if value > MAX_COUNT {
        p.push(Diagnostic::at_key(
            key,
            format!("{value} is more than the API accepts (at most {MAX_COUNT})"),
        ));
    }
}

/// The HPA's bounds: at least `replicas_per_zone` in each of `zones`
/// zones, and at most `max_replicas` (twice the minimum when unset). The
/// arithmetic is checked: a product or a default that does not fit a
/// Kubernetes replica count is a problem at the key that causes it, never
/// a wrapped number.
fn replicas(app: &ServiceSettings, at: &str, zones: usize, p: &mut Vec<Diagnostic>) -> (u32, u32) {
    let per_zone = app.replicas_per_zone;
    if per_zone == 0 {
        p.push(Diagnostic::at_key(
            format!("{at}.replicas_per_zone"),
            "must be at least 1",
        ));
    }
    let min = u32::try_from(zones)
        .ok()
        .and_then(|zones| per_zone.checked_mul(zones))
        .filter(|min| *min <= MAX_COUNT);
    let Some(min) = min else {
        p.push(Diagnostic::at_key(
            format!("{at}.replicas_per_zone"),
            format!(
                "{per_zone} replicas in each of {zones} zone{} is more than Kubernetes accepts (at most {MAX_COUNT} replicas)",
                if zones == 1 { "" } else { "s" }
            ),
        ));
        return (0, 0);
    };
    let max = match app.max_replicas {
        Some(max) => {
            at_most_max_count(&format!("{at}.max_replicas"), max, p);
            if max < min {
                p.push(Diagnostic::at_key(
                    format!("{at}.max_replicas"),
                    format!("{max} is below the minimum ({min}: replicas_per_zone × zones)"),
                ));
            }
            max
        }
        None => match min.checked_mul(2).filter(|max| *max <= MAX_COUNT) {
            Some(max) => max,
            None => {
                p.push(Diagnostic::at_key(
                    format!("{at}.replicas_per_zone"),
                    format!(
                        "the default max_replicas, twice the minimum of {min}, is more than Kubernetes accepts (at most {MAX_COUNT}); set {at}.max_replicas"
                    ),
                ));
                min
            }
        },
    };
    (min, max)
}

impl Validate for Settings {
    type Valid = Valid;

    fn validate(self) -> Result<Valid, Vec<Diagnostic>> {
        let mut p = Vec::new();
        if !is_project_id(&self.project) {
            p.push(Diagnostic::at_key(
                "project",
                format!(
                    "{:?} is not a project id (6-30 lowercase letters, digits or hyphens, starting with a letter)",
                    self.project
                ),
            ));
        }
        let region_zones = zones_of(&self.region);
        if !is_region(&self.region) {
            p.push(Diagnostic::at_key(
                "region",
                format!("{:?} is not a region like us-central1", self.region),
            ));
        } else if region_zones.is_none() {
            p.push(Diagnostic::at_key(
                "region",
                format!(
                    "{:?} is not a Compute Engine region{}; the regions known are in \
                     src/stacks/gke_web_service/zones.tsv, which says how to refresh them",
                    self.region,
                    crate::schema::closest(&self.region, regions())
                ),
            ));
        }
        if self.zones.is_empty() {
            p.push(Diagnostic::at_key(
                "zones",
                "name at least one zone of the region",
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, zone) in self.zones.iter().enumerate() {
            if let Some(known) = &region_zones {
                if !known.contains(zone) {
                    p.push(Diagnostic::at_key(
                        format!("zones[{i}]"),
                        format!(
                            "{zone:?} is not a zone of {}; its zones are {}",
                            self.region,
                            known.join(", ")
                        ),
                    ));
                }
            }
            if !seen.insert(zone) {
                p.push(Diagnostic::at_key(
                    format!("zones[{i}]"),
                    format!("{zone:?} is listed twice"),
                ));
            }
        }

        let mut named = BTreeSet::new();
        for d in names::derived(&self) {
            if named.contains(&d.key) {
                continue;
            }
            if let Some(why) = d.name.rule.check(&d.name.name) {
                let message = if d.name.name == d.setting {
                    format!("{:?} is not {} ({why})", d.setting, d.noun)
                } else {
                    format!(
                        "{:?} makes {} {:?}, which is not {} ({why})",
                        d.setting, d.name.what, d.name.name, d.name.rule.what
                    )
                };
                p.push(Diagnostic::at_key(d.key.clone(), message));
                named.insert(d.key);
            }
        }

        // The app gets a namespace of its own name; these exist already.
        let app = self.app.name.as_str();
        if !named.contains("app.name")
            && (matches!(
                app,
                "default" | "kube-system" | "kube-public" | "kube-node-lease"
            ) || app.starts_with("kube-")
                || app.starts_with("gke-"))
        {
            p.push(Diagnostic::at_key(
                "app.name",
                format!(
                    "{app:?} names a namespace Kubernetes or GKE keeps for itself (default, kube-*, \
                     gke-*); the app gets a namespace of its own name"
                ),
            ));
        }

        let n = &self.network;
        let mut ranges = Vec::new();
        for (key, text) in [
            ("network.subnet_cidr", &n.subnet_cidr),
            ("network.pods_cidr", &n.pods_cidr),
            ("network.services_cidr", &n.services_cidr),
            ("network.master_cidr", &n.master_cidr),
        ] {
            match text.parse::<Cidr>() {
                Ok(c) => ranges.push((key, c)),
                Err(e) => p.push(Diagnostic::at_key(key, e.to_string())),
            }
        }
        for (i, (ka, a)) in ranges.iter().enumerate() {
            for (kb, b) in &ranges[i + 1..] {
                if a.overlaps(b) {
                    p.push(Diagnostic::at_key(*kb, format!("{b} overlaps {ka} ({a})")));
                }
            }
        }
        let range = |key: &str| ranges.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
        if let Some(m) = range("network.master_cidr") {
            if m.prefix() != 28 {
                p.push(Diagnostic::at_key(
                    "network.master_cidr",
                    format!("{m} must be a /28: GKE gives the control plane exactly 16 addresses"),
                ));
            }
        }

        let c = &self.cluster;
        let mut authorized = Vec::new();
        for (i, net) in c.authorized_networks.iter().enumerate() {
            match net.cidr.parse::<Cidr>() {
                Ok(cidr) => authorized.push(AuthorizedNetwork {
                    cidr,
                    name: net.name.clone(),
                }),
                Err(e) => p.push(Diagnostic::at_key(
                    format!("cluster.authorized_networks[{i}].cidr"),
                    e.to_string(),
                )),
            }
        }
        if let Some(m) = &c.maintenance {
            for (key, value) in [("start", &m.start), ("end", &m.end)] {
                if utc_seconds(value).is_none() {
                    p.push(Diagnostic::at_key(
                        format!("cluster.maintenance.{key}"),
                        if is_utc_time(value) {
                            format!("{value:?} is no such date or time")
                        } else {
                            format!("{value:?} is not a UTC time like 2025-01-04T03:00:00Z")
                        },
                    ));
                }
            }
            if let (Some(start), Some(end)) = (utc_seconds(&m.start), utc_seconds(&m.end)) {
                if end <= start {
                    p.push(Diagnostic::at_key(
                        "cluster.maintenance.end",
                        "must be after start",
                    ));
                } else if let Some(why) = maintenance_problem(end - start, &m.recurrence) {
                    p.push(Diagnostic::at_key("cluster.maintenance.end", why));
                }
            }
            if !is_checkable_rrule(&m.recurrence) {
                p.push(Diagnostic::at_key(
                    "cluster.maintenance.recurrence",
                    format!(
                        "{:?} is not a recurrence tfsynth can check against GKE's 48 hours in \
                         32 days: FREQ=DAILY or FREQ=WEEKLY, with an optional INTERVAL and, \
                         weekly, BYDAY of MO, TU, WE, TH, FR, SA, SU (like \
                         FREQ=WEEKLY;BYDAY=SA,SU)",
                        m.recurrence
                    ),
                ));
            }
        }

        if self.node_pools.is_empty() {
            p.push(Diagnostic::at_key(
                "node_pools",
                "add at least one [[node_pools]]",
            ));
        }
        let mut pool_names = BTreeSet::new();
        let mut pools = Vec::new();
        let mut most_nodes = 0u32;
        for (i, pool) in self.node_pools.iter().enumerate() {
            let at = |key: &str| format!("node_pools[{i}].{key}");
            for (key, value) in &pool.labels {
                let place = at(&format!("labels.{key:?}"));
                if !is_label_key(key) {
                    p.push(Diagnostic::at_key(
                        place.clone(),
                        format!(
                            "{key:?} is not a Kubernetes label key (an optional DNS prefix and /, \
                             then 1 to 63 letters, digits, -, _ and ., a letter or digit at each end)"
                        ),
                    ));
                }
                if !is_label_value(value) {
                    p.push(Diagnostic::at_key(
                        place,
                        format!(
                            "{value:?} is not a Kubernetes label value (at most 63 letters, \
                             digits, -, _ and ., a letter or digit at each end)"
                        ),
                    ));
                }
            }
            if !pool_names.insert(&pool.name) {
                p.push(Diagnostic::at_key(
                    at("name"),
                    format!("{:?} is used by another pool", pool.name),
                ));
            }
            if !pool.machine_type.contains('-') || !is_lower_name(&pool.machine_type) {
                p.push(Diagnostic::at_key(
                    at("machine_type"),
                    format!(
                        "{:?} is not a machine type like e2-medium",
                        pool.machine_type
                    ),
                ));
            }
            if pool.disk_size_gb < 10 {
                p.push(Diagnostic::at_key(
                    at("disk_size_gb"),
                    "must be at least 10",
                ));
            }
            at_most_max_count(&at("disk_size_gb"), pool.disk_size_gb, &mut p);
            let zones = self.zones.len().max(1);
            let in_all_zones =
                NODES_PER_POOL_ZONE.saturating_mul(u32::try_from(zones).unwrap_or(u32::MAX));
            let mut over_limit = false;
            for (key, count, most) in [
                (
                    "min_nodes_per_zone",
                    pool.min_nodes_per_zone,
                    NODES_PER_POOL_ZONE,
                ),
                (
                    "max_nodes_per_zone",
                    pool.max_nodes_per_zone,
                    NODES_PER_POOL_ZONE,
                ),
                ("total_min_nodes", pool.total_min_nodes, in_all_zones),
                ("total_max_nodes", pool.total_max_nodes, in_all_zones),
            ] {
                if let Some(count) = count.filter(|c| *c > most) {
                    over_limit = true;
                    let per = if key.ends_with("per_zone") {
                        format!("in one zone ({most})")
                    } else {
                        format!(
                            "in its {zones} zone{} ({NODES_PER_POOL_ZONE} per zone: {most})",
                            if zones == 1 { "" } else { "s" }
                        )
                    };
                    p.push(Diagnostic::at_key(
                        at(key),
                        format!("{count} nodes is more than GKE allows a node pool {per}"),
                    ));
                }
            }
            if !DISK_TYPES.contains(&pool.disk_type.as_str()) {
                p.push(Diagnostic::at_key(
                    at("disk_type"),
                    format!(
                        "{:?} is not one of {}",
                        pool.disk_type,
                        DISK_TYPES.join(", ")
                    ),
                ));
            }
            let size = match (
                pool.min_nodes_per_zone,
                pool.max_nodes_per_zone,
                pool.total_min_nodes,
                pool.total_max_nodes,
            ) {
                (Some(min), Some(max), None, None) => Some((
                    "max_nodes_per_zone",
                    PoolSize::PerZone { min, max },
                    min,
                    max,
                )),
                (None, None, Some(min), Some(max)) => {
                    Some(("total_max_nodes", PoolSize::Total { min, max }, min, max))
                }
                _ => {
                    p.push(Diagnostic::at_key(
                        format!("node_pools[{i}]"),
                        "set either min_nodes_per_zone and max_nodes_per_zone, or total_min_nodes and total_max_nodes",
                    ));
                    None
                }
            };
            if let Some((max_key, size, min, max)) = size {
                if max == 0 {
                    p.push(Diagnostic::at_key(
                        at(max_key),
                        "must be at least 1, or the pool can never run a pod",
                    ));
                } else if min > max {
                    p.push(Diagnostic::at_key(
                        at(max_key),
                        format!("{max} is below the minimum ({min})"),
                    ));
                } else {
                    // A pool over its own limit is said above; counting it in
                    // the cluster's total would only repeat it.
                    if !over_limit {
                        most_nodes = most_nodes.saturating_add(match size {
                            PoolSize::PerZone { max, .. } => {
                                max.saturating_mul(u32::try_from(zones).unwrap_or(u32::MAX))
                            }
                            PoolSize::Total { max, .. } => max,
                        });
                    }
                    pools.push((pool.clone(), size));
                }
            }
        }

        if most_nodes > NODES_PER_CLUSTER {
            p.push(Diagnostic::at_key(
                "node_pools",
                format!(
                    "the pools can grow to {most_nodes} nodes in all, more than GKE allows a \
                     cluster ({NODES_PER_CLUSTER})"
                ),
            ));
        }
        for key in self.app.moved.keys() {
            let hint = match key.as_str() {
                "domain" => "is now app.domains, a list: domains = [\"...\"]".to_owned(),
                "port" | "image_tag" | "replicas_per_zone" | "max_replicas" | "cpu_target"
                | "cpu_request" | "memory_request" | "cpu_limit" | "memory_limit" => {
                    "is now a setting of each service: move it to a [[services]] entry \
                     (name = the app's name keeps every object as it is)"
                        .to_owned()
                }
                _ => format!(
                    "is not a setting of [app] (it takes name and domains; services are \
                     [[services]]){}",
                    crate::schema::closest(key, ["name", "domains"].into_iter())
                ),
            };
            p.push(Diagnostic::at_key(
                format!("app.{key}"),
                format!("{key} {hint}"),
            ));
        }
        let mut domains = BTreeSet::new();
        for (i, domain) in self.app.domains.iter().enumerate() {
            let key = format!("app.domains[{i}]");
            if !is_domain(domain) {
                p.push(Diagnostic::at_key(
                    key,
                    format!(
                        "{domain:?} is not a domain name (dot-separated labels of letters, digits and inner hyphens, like app.example.com)"
                    ),
                ));
            } else if domain.bytes().any(|c| c.is_ascii_uppercase()) {
                p.push(Diagnostic::at_key(
                    key,
                    format!(
                        "{domain:?} has capitals; write {:?}: Kubernetes takes Ingress hosts in \
                         lowercase only, and the certificate is for the same names",
                        domain.to_ascii_lowercase()
                    ),
                ));
            } else if !domains.insert(domain.as_str()) {
                p.push(Diagnostic::at_key(
                    key,
                    format!("{domain:?} is listed twice"),
                ));
            }
        }
        // Each domain has a certificate of its own, and the load
        // balancer's HTTPS proxy takes at most MAX_CERTIFICATES.
        if self.app.domains.len() > MAX_CERTIFICATES {
            p.push(Diagnostic::at_key(
                "app.domains",
                format!(
                    "{} domains are more than one load balancer serves ({MAX_CERTIFICATES} \
                     certificates, one per domain)",
                    self.app.domains.len()
                ),
            ));
        }
        let m = &self.monitoring;
        if m.emails.is_empty() {
            p.push(Diagnostic::at_key(
                "monitoring.emails",
                "name at least one address: an alert nobody receives is no alert",
            ));
        }
        let mut seen_emails = BTreeSet::new();
        for (i, email) in m.emails.iter().enumerate() {
            if !is_email(email) {
                p.push(Diagnostic::at_key(
                    format!("monitoring.emails[{i}]"),
                    format!("{email:?} is not an e-mail address"),
                ));
            } else if !seen_emails.insert(email.to_ascii_lowercase()) {
                p.push(Diagnostic::at_key(
                    format!("monitoring.emails[{i}]"),
                    format!("{email:?} is listed twice"),
                ));
            }
        }
        if !PERIODS.contains(&m.uptime_period.as_str()) {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_period",
                format!("{:?} is not one of {}", m.uptime_period, PERIODS.join(", ")),
            ));
        }
        let regions: BTreeSet<&str> = m.uptime_regions.iter().map(String::as_str).collect();
        if let Some(bad) = regions.iter().find(|r| !CHECK_REGIONS.contains(r)) {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_regions",
                format!("{bad:?} is not one of {}", CHECK_REGIONS.join(", ")),
            ));
        } else if regions.len() < 3 {
            p.push(Diagnostic::at_key(
                "monitoring.uptime_regions",
                "name at least three regions: Cloud Monitoring requires them",
            ));
        }
        if !(m.error_ratio > 0.0 && m.error_ratio < 1.0) {
            p.push(Diagnostic::at_key(
                "monitoring.error_ratio",
                format!(
                    "{} is not a share between 0 and 1 (e.g. 0.05)",
                    m.error_ratio
                ),
            ));
        }
        let services = services(&self, &mut p);
        let mut armor = None;
        if let Some(a) = &self.cloud_armor {
            let mut deny = Vec::new();
            for (i, range) in a.deny_ranges.iter().enumerate() {
                match range.parse::<Cidr>() {
                    Ok(c) => deny.push(c),
                    Err(e) => p.push(Diagnostic::at_key(
                        format!("cloud_armor.deny_ranges[{i}]"),
                        e.to_string(),
                    )),
                }
            }
            if let Some(limit) = a.rate_limit_per_minute {
                at_most_max_count("cloud_armor.rate_limit_per_minute", limit, &mut p);
            }
            if a.rate_limit_per_minute == Some(0) {
                p.push(Diagnostic::at_key(
                    "cloud_armor.rate_limit_per_minute",
                    "0 would refuse every request; leave it out for no limit",
                ));
            }
            armor = Some(Armor {
                deny,
                rate_limit_per_minute: a.rate_limit_per_minute,
            });
        }
        let state = match &self.state {
            None => StateChoice::Local,
            Some(state) => state_choice(state, &mut p),
        };
        if self.atlantis.is_some() {
            atlantis_problems(&state, &mut p);
        }
        if let Some(group) = &self.cluster.security_group {
            if !is_email(group) || !group.starts_with("gke-security-groups@") {
                p.push(Diagnostic::at_key(
                    "cluster.security_group",
                    format!(
                        "{group:?} is not a group GKE accepts: it must be \
                         gke-security-groups@<your domain>"
                    ),
                ));
            }
        }
        // Findings are judged on settings that are otherwise right: on
        // others (a missing table, an unparsable range) they would only be
        // noise, or wrong.
        let tidy = p.is_empty();
        let open = risks::open(&self);
        for (check, what, instead) in open.iter().filter(|_| tidy) {
            if !self.accepted_risks.contains_key(*check) {
                p.push(Diagnostic::at_key(
                    "accepted_risks",
                    match instead {
                        Ok(fix) => format!(
                            "{check} is open: {what}; {fix}, or accept it with a one-line \
                             reason: [accepted_risks] {check} = \"...\""
                        ),
                        Err(why) => format!(
                            "{check} is open: {what} (no setting closes it yet: {why}); accept \
                             it with a one-line reason: [accepted_risks] {check} = \"...\""
                        ),
                    },
                ));
            }
        }
        for (check, reason) in self.accepted_risks.iter().filter(|_| tidy) {
            let key = format!("accepted_risks.{check}");
            if !open.iter().any(|(c, _, _)| c == check) {
                let design = risks::DESIGN.iter().any(|(c, _, _)| c == check);
                p.push(Diagnostic::at_key(
                    key,
                    if design {
                        format!("{check} is accepted by the blueprint itself; remove it here")
                    } else {
                        format!(
                            "{check} is not a finding these settings leave open; remove it (open: {})",
                            if open.is_empty() {
                                "none".to_owned()
                            } else {
                                open.iter().map(|(c, _, _)| *c).collect::<Vec<_>>().join(", ")
                            }
                        )
                    },
                ));
            } else if !reason.chars().any(char::is_alphanumeric)
                || reason
                    .chars()
                    .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
            {
                p.push(Diagnostic::at_key(
                    key,
                    "give the reason in one line of text (no control characters or line breaks)",
                ));
            }
        }
        if !p.is_empty() {
            return Err(p);
        }
        let accepted_risks = risks::accepted(&self.accepted_risks, &open);
        let got = |key: &str| range(key).expect("every range parsed when there are no problems");
        Ok(Valid {
            subnet: got("network.subnet_cidr"),
            pods: got("network.pods_cidr"),
            services: got("network.services_cidr"),
            master: got("network.master_cidr"),
            description: self.description,
            project: self.project,
            region: self.region,
            zones: self.zones,
            network_name: self.network.name,
            cluster_name: self.cluster.name,
            release_channel: self.cluster.release_channel,
            deletion_protection: self.cluster.deletion_protection,
            authorized_networks: authorized,
            maintenance: self.cluster.maintenance.map(|m| MaintenanceWindow {
                start: m.start,
                end: m.end,
                recurrence: m.recurrence,
            }),
            node_pools: pools,
            app_name: self.app.name,
            domains: self.app.domains,
            web_services: services,
            monitoring: self.monitoring,
            armor,
            state,
            atlantis: self.atlantis.map(|a| crate::atlantis::Options {
                autoplan: a.autoplan,
            }),
            security_group: self.cluster.security_group,
            accepted_risks,
        })
    }
}

/// Names of the blueprint's own objects in the cluster root that a
/// service's name would collide with: a service's Google service account
/// is `google_service_account.SERVICE`, beside the nodes' one.
const RESERVED_SERVICE_NAMES: [&str; 1] = ["nodes"];

/// The Terraform name the single-service layout gave a service's objects
/// (`kubernetes_deployment_v1.app`): a service of this name beside one
/// named like the app would take the addresses the `moved` blocks move
/// from, and Terraform would replace its objects instead of moving them.
const SINGLE_SERVICE_ADDRESS: &str = "app";

/// A path prefix the load balancer can route: `/`, or `/` followed by
/// segments of URL path characters, without a trailing `/`, `*`, `?`,
/// `#` or `//` (GKE Ingress, `pathType: Prefix`).
fn is_route_path(path: &str) -> bool {
    path == "/"
        || (path.starts_with('/')
            && !path.ends_with('/')
            && !path.contains("//")
            && path[1..].bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        b'/' | b'-'
                            | b'.'
                            | b'_'
                            | b'~'
                            | b'%'
                            | b'!'
                            | b'$'
                            | b'&'
                            | b'\''
                            | b'('
                            | b')'
                            | b'+'
                            | b','
                            | b';'
                            | b'='
                            | b':'
                            | b'@'
                    )
            }))
}

/// Every `[[services]]` entry checked, at `services[i].key`; the valid
/// ones, when all are.
fn services(s: &Settings, p: &mut Vec<Diagnostic>) -> Vec<ValidService> {
    if s.services.is_empty() {
        p.push(Diagnostic::at_key(
            "services",
            "name at least one service: add a [[services]] entry with name, port and image_tag",
        ));
    }
    let mut names = BTreeSet::new();
    let mut routes = std::collections::BTreeMap::new();
    let mut valid = Vec::new();
    for (i, service) in s.services.iter().enumerate() {
        let at = format!("services[{i}]");
        let key = |k: &str| format!("{at}.{k}");
        let name = service.name.as_str();
        if !names.insert(name) {
            p.push(Diagnostic::at_key(
                key("name"),
                format!("{name:?} names two services"),
            ));
        }
        if name == SINGLE_SERVICE_ADDRESS && s.app.name != SINGLE_SERVICE_ADDRESS {
            p.push(Diagnostic::at_key(
                key("name"),
                format!(
                    "{name:?} is the Terraform name of the objects of a stack from before \
                     [[services]] (kubernetes_deployment_v1.app, ...), which moved blocks carry \
                     to the service named like the app; choose another"
                ),
            ));
        }
        if RESERVED_SERVICE_NAMES.contains(&name) {
            p.push(Diagnostic::at_key(
                key("name"),
                format!(
                    "{name:?} is the name of the blueprint's node identity in the cluster root; \
                     choose another"
                ),
            ));
        }
        let tag = service.image_tag.as_str();
        if tag.is_empty() || tag.eq_ignore_ascii_case("latest") {
            p.push(Diagnostic::at_key(
                key("image_tag"),
                format!(
                    "{tag:?} names no version; use the service's version (e.g. \"0.1.0\") so every deploy is a reviewed change"
                ),
            ));
        } else if !is_image_tag(tag) {
            p.push(Diagnostic::at_key(
                key("image_tag"),
                format!(
                    "{tag:?} is not a Docker tag (up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-')"
                ),
            ));
        }
        if service.port == 0 {
            p.push(Diagnostic::at_key(
                key("port"),
                "0 is not a port the service can listen on (1024-65535)",
            ));
        } else if service.port < 1024 {
            p.push(Diagnostic::at_key(
                key("port"),
                format!(
                    "{} is a privileged port; the service runs as a non-root user",
                    service.port
                ),
            ));
        }
        let dockerfile = std::path::Path::new(&service.dockerfile);
        if service.dockerfile.trim().is_empty() {
            p.push(Diagnostic::at_key(key("dockerfile"), "name a Dockerfile"));
        } else if dockerfile.is_absolute()
            || dockerfile
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        {
            p.push(Diagnostic::at_key(
                key("dockerfile"),
                format!(
                    "{:?} is outside the project; docker builds with the project as its \
                     context, so name a path inside it, like app/Dockerfile",
                    service.dockerfile
                ),
            ));
        }
        if let Some(host) = &service.host {
            if host.bytes().any(|c| c.is_ascii_uppercase()) {
                p.push(Diagnostic::at_key(
                    key("host"),
                    format!(
                        "{host:?} has capitals; write {:?}: Kubernetes takes Ingress hosts in \
                         lowercase only",
                        host.to_ascii_lowercase()
                    ),
                ));
            } else if !s.app.domains.iter().any(|d| d == host) {
                p.push(Diagnostic::at_key(
                    key("host"),
                    if s.app.domains.is_empty() {
                        format!(
                            "{host:?} is not one of app.domains, which lists none; add it there, \
                             so the certificate covers it"
                        )
                    } else {
                        format!(
                            "{host:?} is not one of app.domains ({}); the certificate covers \
                             those only",
                            s.app.domains.join(", ")
                        )
                    },
                ));
            }
        }
        if !is_route_path(&service.path) {
            p.push(Diagnostic::at_key(
                key("path"),
                format!(
                    "{:?} is not a path prefix like / or /api (a leading /, no trailing /, no \
                     //, and only letters, digits and - . _ ~ % ! $ & ' ( ) + , ; = : @)",
                    service.path
                ),
            ));
        } else if let Some(other) =
            routes.insert((service.host.as_deref(), service.path.as_str()), name)
        {
            p.push(Diagnostic::at_key(
                key("path"),
                format!(
                    "{} on {} is already the route of service {other:?}",
                    service.path,
                    service.host.as_deref().unwrap_or("any host")
                ),
            ));
        }
        for (k, path) in [
            ("health_path", Some(&service.health_path)),
            ("uptime_path", service.uptime_path.as_ref()),
        ] {
            if let Some(path) = path {
                if !path.starts_with('/')
                    || path.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    p.push(Diagnostic::at_key(
                        key(k),
                        format!("{path:?} is not a URL path (a leading /, no spaces)"),
                    ));
                }
            }
        }
        let (min_replicas, max_replicas) = replicas(service, &at, s.zones.len(), p);
        if !(1..=100).contains(&service.cpu_target) {
            p.push(Diagnostic::at_key(
                key("cpu_target"),
                format!("{} is not a percentage from 1 to 100", service.cpu_target),
            ));
        }
        for (k, value, units) in [
            ("cpu_request", &service.cpu_request, &CPU),
            ("cpu_limit", &service.cpu_limit, &CPU),
            ("memory_request", &service.memory_request, &MEMORY),
            ("memory_limit", &service.memory_limit, &MEMORY),
        ] {
            if !is_quantity(value, units) {
                p.push(Diagnostic::at_key(
                    key(k),
                    format!("{value:?} is not a quantity like {}", units.example),
                ));
            }
        }
        // Kubernetes refuses a container whose request is above its limit.
        for (what, request, limit, units) in [
            ("cpu", &service.cpu_request, &service.cpu_limit, &CPU),
            (
                "memory",
                &service.memory_request,
                &service.memory_limit,
                &MEMORY,
            ),
        ] {
            if is_quantity(request, units)
                && is_quantity(limit, units)
                && quantity_exceeds(request, limit, units)
            {
                p.push(Diagnostic::at_key(
                    key(&format!("{what}_request")),
                    format!(
                        "{request} is more than {at}.{what}_limit {limit}; Kubernetes refuses a \
                         request above its limit"
                    ),
                ));
            }
        }
        let uptime_path = service.uptime_path.clone().unwrap_or_else(|| {
            if service.path == "/" {
                service.health_path.clone()
            } else {
                format!("{}{}", service.path, service.health_path)
            }
        });
        valid.push(ValidService {
            name: service.name.clone(),
            full_name: full_name(&s.app.name, &service.name),
            port: service.port,
            image_tag: service.image_tag.clone(),
            dockerfile: service.dockerfile.clone(),
            host: service.host.clone(),
            path: service.path.clone(),
            health_path: service.health_path.clone(),
            uptime_path,
            min_replicas,
            max_replicas,
            cpu_target: service.cpu_target,
            resources: PodResources {
                cpu_request: service.cpu_request.clone(),
                memory_request: service.memory_request.clone(),
                cpu_limit: service.cpu_limit.clone(),
                memory_limit: service.memory_limit.clone(),
            },
        });
    }
    valid
}

/// The longest root name, which a workspace prefix must leave room for
/// in HCP Terraform's 90 characters.
const LONGEST_ROOT: &str = "workload";

/// Why `prefix` cannot begin the Cloud Storage object names of a root's
/// state (`PREFIX/ROOT/default.tfstate`), or `None`: object names are
/// UTF-8 of at most 1024 bytes without line breaks or other control
/// characters, and `.` and `..` are no names (Cloud Storage's object
/// naming rules); an empty or blank part
/// (`a//b`, a leading or trailing `/`) would be kept as written, so
/// `tfsynth/hello/` would keep state under `tfsynth/hello//cluster`.
fn gcs_prefix_problem(prefix: &str) -> Option<&'static str> {
    if prefix.is_empty() {
        return Some("is empty: leave state.prefix out for tfsynth/<stack>");
    }
    if prefix.split('/').any(str::is_empty) {
        return Some("has an empty part (a leading, trailing or doubled '/')");
    }
    if prefix.split('/').any(|part| part == "." || part == "..") {
        return Some("has a part '.' or '..', which Cloud Storage object names cannot have");
    }
    if prefix
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Some(
            "has a control character or line break, which Cloud Storage object names cannot \
             have (or should not: XML 1.0 refuses them)",
        );
    }
    if prefix.split('/').any(|part| part.trim().is_empty()) {
        return Some("has a part of only spaces");
    }
    // The longest root name and "/default.tfstate" must fit too.
    if prefix.len() > 900 {
        return Some("is longer than 900 bytes: object names are at most 1024");
    }
    None
}

/// `[state]` as a choice of backend: each setting must belong to the
/// backend chosen, and each name be one the backend accepts.
fn state_choice(state: &StateSettings, p: &mut Vec<Diagnostic>) -> StateChoice {
    let backend = match state.backend.as_deref() {
        None => StateBackend::Gcs,
        Some("local") => StateBackend::Local,
        Some("gcs") => StateBackend::Gcs,
        Some("cloud") => StateBackend::Cloud,
        Some(other) => {
            // The other keys cannot be judged against a backend unknown.
            p.push(Diagnostic::at_key(
                "state.backend",
                format!("{other:?} is not a backend: \"local\", \"gcs\" or \"cloud\""),
            ));
            return StateChoice::Local;
        }
    };
    let name = match backend {
        StateBackend::Local => "local",
        StateBackend::Gcs => "gcs",
        StateBackend::Cloud => "cloud",
    };
    let given = [
        ("bucket", state.bucket.is_some(), StateBackend::Gcs),
        ("prefix", state.prefix.is_some(), StateBackend::Gcs),
        (
            "organization",
            state.organization.is_some(),
            StateBackend::Cloud,
        ),
        ("hostname", state.hostname.is_some(), StateBackend::Cloud),
        ("project", state.project.is_some(), StateBackend::Cloud),
        (
            "workspace_prefix",
            state.workspace_prefix.is_some(),
            StateBackend::Cloud,
        ),
    ];
    for (key, set, owner) in given {
        if set && owner != backend {
            let owner = if owner == StateBackend::Gcs {
                "gcs"
            } else {
                "cloud"
            };
            p.push(Diagnostic::at_key(
                format!("state.{key}"),
                format!(
                    "a setting of backend \"{owner}\", and this stack's backend is \"{name}\"{}",
                    if state.backend.is_none() {
                        " (the default when state.backend is not set)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    match backend {
        StateBackend::Local => StateChoice::Local,
        StateBackend::Gcs => {
            let Some(b) = &state.bucket else {
                p.push(Diagnostic::at_key(
                    "state",
                    if state.backend.is_none() {
                        "no backend and no bucket: set backend = \"local\", \"gcs\" (with bucket) or \"cloud\" (with organization); without backend, [state] means gcs"
                    } else {
                        "bucket is missing: backend \"gcs\" keeps state in an existing Cloud Storage bucket"
                    },
                ));
                return StateChoice::Local;
            };
            let ok = (3..=63).contains(&b.len())
                && b.bytes().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
                })
                && b.as_bytes()[0].is_ascii_alphanumeric()
                && b.as_bytes()[b.len() - 1].is_ascii_alphanumeric();
            if !ok {
                p.push(Diagnostic::at_key(
                    "state.bucket",
                    format!(
                        "{b:?} is not a Cloud Storage bucket name (3-63 lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"
                    ),
                ));
            }
            if let Some(prefix) = &state.prefix
                && let Some(why) = gcs_prefix_problem(prefix)
            {
                p.push(Diagnostic::at_key(
                    "state.prefix",
                    format!("{prefix:?} {why}; each root's state is kept under PREFIX/ROOT/"),
                ));
            }
            StateChoice::Gcs {
                bucket: b.clone(),
                prefix: state.prefix.clone(),
            }
        }
        StateBackend::Cloud => {
            let organization = state.organization.clone().unwrap_or_default();
            if state.organization.is_none() {
                p.push(Diagnostic::at_key(
                    "state",
                    "organization is missing: backend \"cloud\" keeps state in workspaces of an HCP Terraform or Terraform Enterprise organization",
                ));
            } else if !Cloud::is_organization(&organization) {
                p.push(Diagnostic::at_key(
                    "state.organization",
                    format!(
                        "{organization:?} is not an organization name (letters, digits, '-', '_' and '.')"
                    ),
                ));
            }
            if let Some(host) = state.hostname.as_ref().filter(|h| !Cloud::is_hostname(h)) {
                p.push(Diagnostic::at_key(
                    "state.hostname",
                    format!(
                        "{host:?} is not a host name (a DNS name such as tfe.example.com, with :PORT if need be; no https://, no path)"
                    ),
                ));
            }
            if let Some(project) = state.project.as_ref().filter(|n| !Cloud::is_project(n)) {
                p.push(Diagnostic::at_key(
                    "state.project",
                    format!("{project:?} is not a project name (3 to 40 letters, digits, '_', '-' and spaces, no space first or last)"),
                ));
            }
            if let Some(prefix) = &state.workspace_prefix {
                let room = 90 - LONGEST_ROOT.len();
                if !Cloud::is_workspace_name(&format!("{prefix}{LONGEST_ROOT}"))
                    || prefix.len() > room
                {
                    p.push(Diagnostic::at_key(
                        "state.workspace_prefix",
                        format!(
                            "{prefix:?} cannot start a workspace name: at most {room} letters, digits, '-' and '_' (HCP Terraform workspace names are at most 90 characters, and the root's name follows)"
                        ),
                    ));
                }
            }
            StateChoice::Cloud {
                organization,
                hostname: state.hostname.clone(),
                project: state.project.clone(),
                workspace_prefix: state.workspace_prefix.clone(),
            }
        }
    }
}

/// What keeps Atlantis from running a stack whose settings ask for it
/// (`[atlantis]`): local state, which a pull request's fresh clone does
/// not have (Atlantis, "Requirements": every backend but local state),
/// and a workspace name it refuses (one starting with `-` or `~`).
fn atlantis_problems(state: &StateChoice, p: &mut Vec<Diagnostic>) {
    match state {
        StateChoice::Local => p.push(Diagnostic::at_key(
            "atlantis",
            "Atlantis runs each pull request in a fresh clone, where a local state file \
             does not survive; keep the state elsewhere ([state] backend = \"gcs\" or \"cloud\")",
        )),
        StateChoice::Cloud {
            workspace_prefix: Some(prefix),
            ..
        } if prefix.starts_with(['-', '~']) => p.push(Diagnostic::at_key(
            "state.workspace_prefix",
            format!(
                "{prefix:?} starts the workspace names with {:?}, which Atlantis refuses in a \
                 workspace name, and [atlantis] lists this stack",
                &prefix[..1]
            ),
        )),
        StateChoice::Gcs { .. } | StateChoice::Cloud { .. } => {}
    }
}

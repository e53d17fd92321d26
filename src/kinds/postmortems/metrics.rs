//! Incident metrics computed from milestones, and the distribution summaries the insights
//! page uses instead of means.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::timeline::{Milestone, Timeline};

/// One computed interval of a post-mortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    TimeToDetect,
    TimeToAcknowledge,
    TimeToMitigate,
    TimeToResolve,
    ImpactDuration,
}

impl MetricKind {
    pub const ALL: [MetricKind; 5] = [
        MetricKind::TimeToDetect,
        MetricKind::TimeToAcknowledge,
        MetricKind::TimeToMitigate,
        MetricKind::TimeToResolve,
        MetricKind::ImpactDuration,
    ];

    pub fn id(self) -> &'static str {
        match self {
            MetricKind::TimeToDetect => "time_to_detect",
            MetricKind::TimeToAcknowledge => "time_to_acknowledge",
            MetricKind::TimeToMitigate => "time_to_mitigate",
            MetricKind::TimeToResolve => "time_to_resolve",
            MetricKind::ImpactDuration => "impact_duration",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MetricKind::TimeToDetect => "Time to detect",
            MetricKind::TimeToAcknowledge => "Time to acknowledge",
            MetricKind::TimeToMitigate => "Time to mitigate",
            MetricKind::TimeToResolve => "Time to resolve",
            MetricKind::ImpactDuration => "Impact duration",
        }
    }

    /// The two milestones the interval runs between. Every "time to" starts at
    /// impact-start (when users were first affected, not when someone noticed). Impact
    /// lasts until it is mitigated, or until resolution when no mitigation is marked.
    pub fn ends(self, timeline: &Timeline) -> Option<(Timestamp, Timestamp, Milestone)> {
        let start = timeline.milestone(Milestone::ImpactStart)?;
        let end = match self {
            MetricKind::TimeToDetect => Milestone::Detected,
            MetricKind::TimeToAcknowledge => Milestone::Acknowledged,
            MetricKind::TimeToMitigate => Milestone::Mitigated,
            MetricKind::TimeToResolve => Milestone::Resolved,
            MetricKind::ImpactDuration => {
                if timeline.milestone(Milestone::Mitigated).is_some() {
                    Milestone::Mitigated
                } else {
                    Milestone::Resolved
                }
            }
        };
        Some((start, timeline.milestone(end)?, end))
    }

    pub fn explanation(self) -> &'static str {
        match self {
            MetricKind::TimeToDetect => "impact-start → detected",
            MetricKind::TimeToAcknowledge => "impact-start → acknowledged",
            MetricKind::TimeToMitigate => "impact-start → mitigated",
            MetricKind::TimeToResolve => "impact-start → resolved",
            MetricKind::ImpactDuration => "impact-start → mitigated (or resolved)",
        }
    }
}

/// One metric with both ends present.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    pub id: &'static str,
    pub label: &'static str,
    pub explanation: &'static str,
    pub seconds: i64,
    /// Human form, e.g. `2 h 48 min`.
    pub text: String,
    /// Milestone that ends the interval.
    pub until: Milestone,
}

/// Every metric of a post-mortem whose two milestones exist.
pub fn compute(timeline: &Timeline) -> Vec<Metric> {
    MetricKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let (from, to, until) = kind.ends(timeline)?;
            let d = to.duration_since(from);
            Some(Metric {
                id: kind.id(),
                label: kind.label(),
                explanation: kind.explanation(),
                seconds: d.as_secs(),
                text: human_duration(d),
                until,
            })
        })
        .collect()
}

/// `45 s`, `27 min`, `2 h 48 min`, `24 h 11 min`: hours are not rolled into days, because
/// incident reports quote long outages in hours.
pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.as_secs();
    if secs == 0 {
        // Timelines are mostly written to the minute: two milestones in the same minute
        // are "under a minute" apart, not a measured "0 s".
        return "< 1 min".to_string();
    }
    let sign = if secs < 0 { "−" } else { "" };
    let secs = secs.unsigned_abs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let body = if h > 0 {
        if m > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{h} h")
        }
    } else if m > 0 {
        if s > 0 && m < 10 {
            format!("{m} min {s} s")
        } else {
            format!("{m} min")
        }
    } else {
        format!("{s} s")
    };
    format!("{sign}{body}")
}

pub fn human_seconds(secs: i64) -> String {
    human_duration(SignedDuration::from_secs(secs))
}

/// Median and 90th percentile of a set of durations. The median of an even count is the
/// mean of the two middle values; p90 is the nearest-rank value (the smallest value with
/// at least 90% of the incidents at or below it), so it is always a real incident's figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Distribution {
    pub count: usize,
    pub median: i64,
    pub p90: i64,
    pub min: i64,
    pub max: i64,
}

pub fn distribution(values: &[i64]) -> Option<Distribution> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    };
    let rank = (9 * n).div_ceil(10).max(1);
    Some(Distribution {
        count: n,
        median,
        p90: v[rank - 1],
        min: v[0],
        max: v[n - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::super::timeline::{TimelinePoint, resolve_at, time_zone};
    use super::*;

    fn timeline(zone: Option<&str>, entries: &[(&str, Option<Milestone>)]) -> Timeline {
        let tz = zone.and_then(time_zone);
        Timeline {
            points: entries
                .iter()
                .enumerate()
                .map(|(index, (at, marks))| TimelinePoint {
                    index,
                    at: resolve_at(at, tz.as_ref()).unwrap(),
                    event: String::new(),
                    marks: *marks,
                    source: None,
                })
                .collect(),
            display_zone: tz,
            zone_name: zone.map(String::from),
        }
    }

    fn metric(t: &Timeline, id: &str) -> Option<i64> {
        compute(t)
            .into_iter()
            .find(|m| m.id == id)
            .map(|m| m.seconds)
    }

    #[test]
    fn each_metric_from_impact_start() {
        use Milestone::*;
        let t = timeline(
            None,
            &[
                ("2021-06-08T09:47:00Z", Some(ImpactStart)),
                ("2021-06-08T09:48:00Z", Some(Detected)),
                ("2021-06-08T09:50:30Z", Some(Acknowledged)),
                ("2021-06-08T12:35:00Z", Some(Mitigated)),
                ("2021-06-08T12:44:00Z", Some(Resolved)),
            ],
        );
        assert_eq!(metric(&t, "time_to_detect"), Some(60));
        assert_eq!(metric(&t, "time_to_acknowledge"), Some(210));
        assert_eq!(metric(&t, "time_to_mitigate"), Some(2 * 3600 + 48 * 60));
        assert_eq!(metric(&t, "time_to_resolve"), Some(2 * 3600 + 57 * 60));
        assert_eq!(metric(&t, "impact_duration"), Some(2 * 3600 + 48 * 60));
    }

    #[test]
    fn only_where_both_ends_exist() {
        use Milestone::*;
        let t = timeline(
            None,
            &[
                ("2017-02-28T17:37:00Z", Some(ImpactStart)),
                ("2017-02-28T21:54:00Z", Some(Resolved)),
            ],
        );
        assert_eq!(metric(&t, "time_to_detect"), None);
        assert_eq!(metric(&t, "time_to_mitigate"), None);
        // Without a mitigation, impact lasts until resolution.
        assert_eq!(metric(&t, "impact_duration"), Some(4 * 3600 + 17 * 60));
        let none = timeline(None, &[("2017-02-28T21:54:00Z", Some(Resolved))]);
        assert!(compute(&none).is_empty());
    }

    #[test]
    fn dst_spring_forward_hour_is_not_counted() {
        use Milestone::*;
        // Paris, 2026-03-29: 02:00 CET jumps to 03:00 CEST. 01:30 → 03:30 local is 1 hour.
        let t = timeline(
            Some("Europe/Paris"),
            &[
                ("2026-03-29T01:30:00", Some(ImpactStart)),
                ("2026-03-29T03:30:00", Some(Resolved)),
            ],
        );
        assert_eq!(metric(&t, "time_to_resolve"), Some(3600));
    }

    #[test]
    fn dst_fall_back_hour_is_counted_twice() {
        use Milestone::*;
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST. 00:30 → 03:30 is 4 hours.
        let t = timeline(
            Some("America/New_York"),
            &[
                ("2026-11-01T00:30:00", Some(ImpactStart)),
                ("2026-11-01T01:30:00-04:00", Some(Detected)),
                ("2026-11-01T01:10:00-05:00", Some(Mitigated)),
                ("2026-11-01T03:30:00", Some(Resolved)),
            ],
        );
        assert_eq!(metric(&t, "time_to_detect"), Some(3600));
        // 01:10 EST is after 01:30 EDT: 1 h 40 min after impact.
        assert_eq!(metric(&t, "time_to_mitigate"), Some(6000));
        assert_eq!(metric(&t, "time_to_resolve"), Some(4 * 3600));
    }

    #[test]
    fn offsets_across_zones_and_midnight() {
        use Milestone::*;
        let t = timeline(
            None,
            &[
                ("2018-10-21T22:52:00Z", Some(ImpactStart)),
                ("2018-10-22T00:54:00+02:00", Some(Detected)),
                ("2018-10-22T23:03:00Z", Some(Resolved)),
            ],
        );
        assert_eq!(metric(&t, "time_to_detect"), Some(120));
        assert_eq!(metric(&t, "time_to_resolve"), Some(24 * 3600 + 11 * 60));
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_seconds(0), "< 1 min");
        assert_eq!(human_seconds(45), "45 s");
        assert_eq!(human_seconds(90), "1 min 30 s");
        assert_eq!(human_seconds(27 * 60), "27 min");
        assert_eq!(human_seconds(3600), "1 h");
        assert_eq!(human_seconds(24 * 3600 + 11 * 60), "24 h 11 min");
    }

    #[test]
    fn distributions() {
        assert_eq!(distribution(&[]), None);
        let d = distribution(&[5, 1, 3]).unwrap();
        assert_eq!((d.median, d.p90, d.min, d.max), (3, 5, 1, 5));
        let d = distribution(&[10, 20, 30, 40]).unwrap();
        assert_eq!((d.median, d.p90), (25, 40));
        // Ten values: nearest-rank p90 is the 9th.
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(distribution(&ten).unwrap().p90, 9);
    }
}

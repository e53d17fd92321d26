//! A post-mortem's timeline as data: timestamps resolved to instants (offsets, IANA zones
//! and DST handled by `jiff`), milestones, and the rules that keep them consistent.

use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Timestamp, Zoned};
use serde::Serialize;

use crate::content::Page;
use crate::content::positions::FrontMatterPositions;
use crate::diagnostics::Diagnostic;
use crate::kinds::postmortems::front_matter::PostMortem;

/// What a timeline entry can mark. Outage times (impact-start, mitigated, resolved) and
/// incident-process times (detected, acknowledged, declared, closed) are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Milestone {
    ImpactStart,
    Detected,
    Acknowledged,
    Declared,
    Mitigated,
    Resolved,
    Closed,
}

impl Milestone {
    pub const ALL: [Milestone; 7] = [
        Milestone::ImpactStart,
        Milestone::Detected,
        Milestone::Acknowledged,
        Milestone::Declared,
        Milestone::Mitigated,
        Milestone::Resolved,
        Milestone::Closed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Milestone::ImpactStart => "impact-start",
            Milestone::Detected => "detected",
            Milestone::Acknowledged => "acknowledged",
            Milestone::Declared => "declared",
            Milestone::Mitigated => "mitigated",
            Milestone::Resolved => "resolved",
            Milestone::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Milestone::ImpactStart => "Impact starts",
            Milestone::Detected => "Detected",
            Milestone::Acknowledged => "Acknowledged",
            Milestone::Declared => "Incident declared",
            Milestone::Mitigated => "Mitigated",
            Milestone::Resolved => "Resolved",
            Milestone::Closed => "Incident closed",
        }
    }

    /// Whether the milestone belongs to the outage (what users felt) rather than the
    /// incident process (what responders did).
    pub fn is_outage(self) -> bool {
        matches!(
            self,
            Milestone::ImpactStart | Milestone::Mitigated | Milestone::Resolved
        )
    }

    pub fn parse(s: &str) -> Option<Milestone> {
        Milestone::ALL.into_iter().find(|m| m.id() == s)
    }
}

/// One timeline entry with its instant resolved.
#[derive(Debug, Clone)]
pub struct TimelinePoint {
    /// Index in the front matter's `timeline` list.
    pub index: usize,
    pub at: Zoned,
    pub event: String,
    pub marks: Option<Milestone>,
    /// Index into the post-mortem's `sources` of the entry's `source:`, when it names one.
    pub source: Option<usize>,
}

/// The parsed timeline: entries that could be read, and each milestone's instant.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub points: Vec<TimelinePoint>,
    /// The zone times are shown in: the post-mortem's `timezone`, else UTC.
    pub display_zone: Option<TimeZone>,
    pub zone_name: Option<String>,
}

impl Timeline {
    pub fn milestone(&self, m: Milestone) -> Option<Timestamp> {
        self.points
            .iter()
            .find(|p| p.marks == Some(m))
            .map(|p| p.at.timestamp())
    }
}

/// Time zones come from jiff's bundled copy of the tz database, so a site builds to the
/// same figures on every machine whatever its system zoneinfo.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    static DB: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Some(TimeZone::UTC);
    }
    DB.get_or_init(jiff::tz::TimeZoneDatabase::bundled)
        .get(name)
        .ok()
}

/// Resolve one `at` value: an RFC 3339 timestamp with offset, or a local date-time in
/// `zone`. Errors say what to write instead.
pub fn resolve_at(text: &str, zone: Option<&TimeZone>) -> Result<Zoned, String> {
    let text = text.trim();
    let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(|e| {
        format!("`{text}` is not a timestamp ({e}); write e.g. 2026-03-12T09:05:00Z")
    })?;
    let Some(time) = pieces.time() else {
        return Err(format!(
            "`{text}` has a date but no time of day; write e.g. {}T09:05:00Z",
            pieces.date()
        ));
    };
    let civil = pieces.date().to_datetime(time);
    let shown_in = |ts: Timestamp| ts.to_zoned(zone.cloned().unwrap_or(TimeZone::UTC));
    if let Some(offset) = pieces.to_numeric_offset() {
        let ts = offset
            .to_timestamp(civil)
            .map_err(|e| format!("`{text}` is out of range: {e}"))?;
        return Ok(shown_in(ts));
    }
    let Some(zone) = zone else {
        return Err(format!(
            "`{text}` has no UTC offset; add one (`{text}Z` or `{text}+01:00`) or set `timezone:` (an IANA zone such as Europe/Paris) at the top"
        ));
    };
    match zone.to_ambiguous_zoned(civil).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset
            .to_timestamp(civil)
            .map(shown_in)
            .map_err(|e| format!("`{text}` is out of range: {e}")),
        AmbiguousOffset::Gap { before, after } => Err(format!(
            "`{text}` does not exist in {}: clocks jumped from {} to {} (a DST change); write the intended offset explicitly",
            zone.iana_name().unwrap_or("the time zone"),
            offset_text(before),
            offset_text(after)
        )),
        AmbiguousOffset::Fold { before, after } => Err(format!(
            "`{text}` happens twice in {} (clocks went back, a DST change): add the offset, {text}{} for the first or {text}{} for the second",
            zone.iana_name().unwrap_or("the time zone"),
            offset_text(before),
            offset_text(after)
        )),
    }
}

/// `+02:00`, as RFC 3339 writes an offset.
fn offset_text(offset: jiff::tz::Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// Parse and check a post-mortem's timeline; every problem goes into `errors`.
pub fn read_timeline(
    page: &Page,
    pm: &PostMortem,
    pos: &FrontMatterPositions<'_>,
    errors: &mut Vec<Diagnostic>,
) -> Timeline {
    let mut timeline = Timeline::default();
    let mut zone = None;
    if let Some(name) = pm.timezone.as_deref() {
        match time_zone(name.trim()) {
            Some(tz) => {
                zone = Some(tz);
                timeline.zone_name = Some(name.trim().to_string());
            }
            None => {
                let (l, c) = pos.key("timezone");
                errors.push(page.error(
                    l,
                    c,
                    format!("unknown time zone `{name}`: use an IANA name such as UTC, Europe/Paris or America/New_York"),
                ));
            }
        }
    }
    timeline.display_zone = zone.clone();

    let mut seen: Vec<(Milestone, usize)> = Vec::new();
    let mut previous: Option<(Timestamp, usize)> = None;
    for (index, entry) in pm.timeline.iter().enumerate() {
        let marks = match entry.marks.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(id) => match Milestone::parse(id) {
                Some(m) => {
                    if let Some((_, first)) = seen.iter().find(|(s, _)| *s == m) {
                        let (l, c) = pos.item_field("timeline", index, "marks");
                        errors.push(page.error(
                            l,
                            c,
                            format!(
                                "milestone `{id}` is marked twice (first on timeline entry {}); each milestone marks one moment",
                                first + 1
                            ),
                        ));
                        None
                    } else {
                        seen.push((m, index));
                        Some(m)
                    }
                }
                None => {
                    let (l, c) = pos.item_field("timeline", index, "marks");
                    let hint = crate::config::nearest(id, Milestone::ALL.iter().map(|m| m.id()))
                        .map(|s| format!("did you mean `{s}`? "))
                        .unwrap_or_default();
                    errors.push(page.error(
                        l,
                        c,
                        format!(
                            "unknown milestone `{id}`; {hint}milestones are {}",
                            Milestone::ALL.map(|m| m.id()).join(", ")
                        ),
                    ));
                    None
                }
            },
        };
        let source = entry
            .source
            .as_deref()
            .map(str::trim)
            .and_then(|id| source_index(page, pm, pos, index, id, errors));
        let at = match resolve_at(&entry.at, zone.as_ref()) {
            Ok(at) => at,
            Err(message) => {
                let (l, c) = pos.item_field("timeline", index, "at");
                errors.push(page.error(l, c, message));
                continue;
            }
        };
        let ts = at.timestamp();
        if let Some((prev, prev_index)) = previous
            && ts < prev
        {
            let (l, c) = pos.item_field("timeline", index, "at");
            errors.push(page.error(
                l,
                c,
                format!(
                    "timeline out of order: this entry ({}) is earlier than entry {} ({}); list entries chronologically",
                    ts,
                    prev_index + 1,
                    prev
                ),
            ));
        }
        if previous.is_none_or(|(p, _)| ts >= p) {
            previous = Some((ts, index));
        }
        timeline.points.push(TimelinePoint {
            index,
            at,
            event: entry.event.clone(),
            marks,
            source,
        });
    }
    check_milestone_order(page, pos, &timeline, errors);
    timeline
}

/// The `sources` entry a timeline entry's `source:` names; an unknown id is an error at
/// the `source:` value.
fn source_index(
    page: &Page,
    pm: &PostMortem,
    pos: &FrontMatterPositions<'_>,
    index: usize,
    id: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let ids = || pm.sources.iter().filter_map(|s| s.id.as_deref());
    if let Some(i) = pm.sources.iter().position(|s| s.id.as_deref() == Some(id)) {
        return Some(i);
    }
    let (l, c) = pos.item_field("timeline", index, "source");
    let message = if ids().next().is_none() {
        format!(
            "unknown source `{id}`: no entry of `sources` has an `id`; give the source an id, e.g. `sources: [{{id: {id}, title: ..., url: ...}}]`"
        )
    } else {
        let hint = crate::config::nearest(id, ids())
            .map(|s| format!("did you mean `{s}`? "))
            .unwrap_or_default();
        format!(
            "unknown source `{id}`; {hint}source ids are {}",
            ids().collect::<Vec<_>>().join(", ")
        )
    };
    errors.push(page.error(l, c, message));
    None
}

/// No milestone before impact starts, and mitigation cannot come after resolution.
fn check_milestone_order(
    page: &Page,
    pos: &FrontMatterPositions<'_>,
    timeline: &Timeline,
    errors: &mut Vec<Diagnostic>,
) {
    let point = |m: Milestone| timeline.points.iter().find(|p| p.marks == Some(m));
    let at = |p: &TimelinePoint| pos.item_field("timeline", p.index, "marks");
    if let Some(start) = point(Milestone::ImpactStart) {
        for p in &timeline.points {
            let Some(m) = p.marks else { continue };
            if m != Milestone::ImpactStart && p.at.timestamp() < start.at.timestamp() {
                let (l, c) = at(p);
                let what = if m == Milestone::Resolved {
                    "resolved before impact started".to_string()
                } else {
                    format!("milestone `{}` is before impact-start", m.id())
                };
                errors.push(page.error(
                    l,
                    c,
                    format!(
                        "{what} ({} < {}); time to {} would be negative",
                        p.at.timestamp(),
                        start.at.timestamp(),
                        m.id()
                    ),
                ));
            }
        }
    }
    if let (Some(mitigated), Some(resolved)) =
        (point(Milestone::Mitigated), point(Milestone::Resolved))
        && mitigated.at.timestamp() > resolved.at.timestamp()
    {
        let (l, c) = at(mitigated);
        errors.push(page.error(
            l,
            c,
            format!(
                "mitigated after resolved ({} > {}): impact is mitigated on or before resolution",
                mitigated.at.timestamp(),
                resolved.at.timestamp()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        time_zone("Europe/Paris").unwrap()
    }

    #[test]
    fn offsets_and_zulu() {
        let a = resolve_at("2021-06-08T09:47:00Z", None).unwrap();
        let b = resolve_at("2021-06-08T11:47:00+02:00", None).unwrap();
        assert_eq!(a.timestamp(), b.timestamp());
    }

    #[test]
    fn local_time_needs_a_zone() {
        let e = resolve_at("2021-06-08T09:47:00", None).unwrap_err();
        assert!(e.contains("no UTC offset"), "{e}");
        let z = resolve_at("2021-06-08T09:47:00", Some(&paris())).unwrap();
        assert_eq!(z.timestamp().to_string(), "2021-06-08T07:47:00Z");
    }

    #[test]
    fn dst_gap_and_fold_are_errors() {
        // 2026-03-29 02:30 does not exist in Paris; 2026-10-25 02:30 happens twice.
        let gap = resolve_at("2026-03-29T02:30:00", Some(&paris())).unwrap_err();
        assert!(gap.contains("does not exist"), "{gap}");
        let fold = resolve_at("2026-10-25T02:30:00", Some(&paris())).unwrap_err();
        assert!(fold.contains("happens twice"), "{fold}");
        assert!(fold.contains("+02:00") && fold.contains("+01:00"), "{fold}");
        // With the offset written, the fold is resolved.
        let second = resolve_at("2026-10-25T02:30:00+01:00", Some(&paris())).unwrap();
        assert_eq!(second.timestamp().to_string(), "2026-10-25T01:30:00Z");
    }

    #[test]
    fn garbage_and_date_only() {
        assert!(
            resolve_at("yesterday", None)
                .unwrap_err()
                .contains("not a timestamp")
        );
        assert!(
            resolve_at("2026-01-01", None)
                .unwrap_err()
                .contains("no time")
        );
    }

    #[test]
    fn unknown_zone() {
        assert!(time_zone("Mars/Olympus").is_none());
        assert!(time_zone("America/New_York").is_some());
    }
}

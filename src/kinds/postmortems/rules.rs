//! Validation of a post-mortem's fields other than the timeline: vocabularies from
//! `book.toml`, action items, and the warnings for published write-ups with gaps.

use jiff::civil::Date;

use crate::config::PostmortemConfig;
use crate::content::Page;
use crate::content::positions::FrontMatterPositions;
use crate::diagnostics::Diagnostic;
use crate::kinds::postmortems::front_matter::PostMortem;

pub const STATUSES: [&str; 4] = ["draft", "in-review", "reviewed", "published"];
pub const ACTION_TYPES: [&str; 4] = ["prevent", "mitigate", "detect", "process"];
pub const ACTION_STATUSES: [&str; 4] = ["open", "in-progress", "done", "wont-do"];

/// "unknown X `v`; did you mean `w`? X is one of a, b, c".
fn unknown(what: &str, value: &str, allowed: &[&str]) -> String {
    let hint = allowed
        .iter()
        .find(|a| a.eq_ignore_ascii_case(value))
        .copied()
        .or_else(|| crate::config::nearest(value, allowed.iter().copied()))
        .map(|s| format!("did you mean `{s}`? "))
        .unwrap_or_default();
    format!(
        "unknown {what} `{value}`; {hint}expected one of: {}",
        allowed.join(", ")
    )
}

/// Check every field rule; returns each action item's parsed `due` date.
pub fn check_fields(
    page: &Page,
    pm: &PostMortem,
    config: &PostmortemConfig,
    pos: &FrontMatterPositions<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<Date>> {
    let severities: Vec<&str> = config.severities.iter().map(|s| s.id.as_str()).collect();
    if let Some(sev) = &pm.severity
        && !severities.contains(&sev.as_str())
    {
        let (l, c) = pos.key("severity");
        diags.push(page.error(
            l,
            c,
            unknown("severity", sev, &severities) + " (set in book.toml [postmortems] severities)",
        ));
    }
    if let Some(status) = &pm.status
        && !STATUSES.contains(&status.as_str())
    {
        let (l, c) = pos.key("status");
        diags.push(page.error(l, c, unknown("status", status, &STATUSES)));
    }
    let categories: Vec<&str> = config
        .factor_categories
        .iter()
        .map(String::as_str)
        .collect();
    for (i, f) in pm.contributing_factors.iter().enumerate() {
        if !categories.contains(&f.category.as_str()) {
            let (l, c) = pos.item_field("contributing_factors", i, "category");
            diags.push(page.error(
                l,
                c,
                unknown("contributing-factor category", &f.category, &categories)
                    + " (set in book.toml [postmortems] factor-categories)",
            ));
        }
    }
    let mut due_dates = Vec::with_capacity(pm.action_items.len());
    for (i, a) in pm.action_items.iter().enumerate() {
        if !ACTION_TYPES.contains(&a.kind.as_str()) {
            let (l, c) = pos.item_field("action_items", i, "type");
            diags.push(page.error(l, c, unknown("action-item type", &a.kind, &ACTION_TYPES)));
        }
        if let Some(status) = &a.status
            && !ACTION_STATUSES.contains(&status.as_str())
        {
            let (l, c) = pos.item_field("action_items", i, "status");
            diags.push(page.error(
                l,
                c,
                unknown("action-item status", status, &ACTION_STATUSES),
            ));
        }
        // Owner, priority and status are optional: a public report's remediations often
        // name no owner and give no status. An item still being worked on needs an owner.
        if a.owner.as_deref().is_none_or(|o| o.trim().is_empty())
            && super::views::is_open(a.status.as_deref())
        {
            let (l, c) = pos.item("action_items", i);
            diags.push(page.warning(
                l,
                c,
                format!(
                    "open action item `{}` has no owner: an item nobody owns does not get done; add `owner:` (a team or role)",
                    a.title
                ),
            ));
        }
        due_dates.push(match a.due.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => match d.parse::<Date>() {
                Ok(date) if d.len() == 10 => Some(date),
                _ => {
                    let (l, c) = pos.item_field("action_items", i, "due");
                    diags.push(page.error(
                        l,
                        c,
                        format!("`due: {d}` is not a date; write YYYY-MM-DD, e.g. 2026-04-30"),
                    ));
                    None
                }
            },
        });
    }
    check_sources(page, pm, pos, diags);
    if pm.status.as_deref() == Some("published") {
        let (l, c) = pos.key("status");
        if pm.action_items.is_empty() {
            diags.push(page.warning(
                l,
                c,
                "published post-mortem without action items: list what will change, even if it is \"no action\" with a reason",
            ));
        }
        if pm.detection.as_deref().is_none_or(|d| d.trim().is_empty()) {
            diags.push(page.warning(
                l,
                c,
                "published post-mortem without `detection`: say how the incident was noticed (alert, customer report, ...)",
            ));
        }
    }
    due_dates
}

/// Each source has a URL or a title, and ids are unique (timeline entries cite them).
fn check_sources(
    page: &Page,
    pm: &PostMortem,
    pos: &FrontMatterPositions<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, s) in pm.sources.iter().enumerate() {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
        if blank(&s.url) && blank(&s.title) {
            let (l, c) = pos.item("sources", i);
            diags.push(page.error(
                l,
                c,
                "source without `url` or `title`: say where the facts come from",
            ));
        }
        let Some(id) = s.id.as_deref().map(str::trim) else {
            continue;
        };
        let (l, c) = pos.item_field("sources", i, "id");
        if id.is_empty() {
            diags.push(page.error(l, c, "empty source `id`; remove it or name the source"));
        } else if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
            diags.push(page.error(
                l,
                c,
                format!(
                    "source id `{id}` is used twice (first on source {}); each source needs its own id",
                    first + 1
                ),
            ));
        } else {
            seen.push((id, i));
        }
    }
}

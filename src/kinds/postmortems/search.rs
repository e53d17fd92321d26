//! What search reads of a post-mortem: the text its page shows beside the body, by
//! section, and its facets (severity, services).

use crate::kinds::kind::{SearchFacets, ShownText, shown};

use super::front_matter::PostMortem;

/// A post-mortem's facets: its severity and services.
pub fn facets(pm: &PostMortem) -> SearchFacets {
    SearchFacets {
        severity: pm.severity.clone(),
        services: pm.services.clone(),
    }
}

/// A post-mortem's sections as its page lays them out (see `postmortem.html`).
pub fn shown_text(pm: &PostMortem, summary: &str) -> Vec<Option<ShownText>> {
    fn text(o: &Option<String>) -> &str {
        o.as_deref().unwrap_or("")
    }
    let impact = pm.impact.as_ref().map_or("", |i| text(&i.description));
    let mut causes = vec![text(&pm.trigger)];
    causes.extend(pm.root_causes.iter().map(String::as_str));
    causes.extend(
        pm.contributing_factors
            .iter()
            .map(|f| f.description.as_str()),
    );
    let events: Vec<&str> = pm.timeline.iter().map(|t| t.event.as_str()).collect();
    let actions: Vec<&str> = pm.action_items.iter().map(|a| a.title.as_str()).collect();
    let lessons: Vec<&str> = pm
        .lessons
        .iter()
        .flat_map(|l| l.went_well.iter().chain(&l.went_wrong).chain(&l.got_lucky))
        .map(String::as_str)
        .collect();
    vec![
        shown("", "", &[summary, impact, text(&pm.blast_radius)]),
        shown("Trigger and causes", "pm-causes", &causes),
        shown("Detection", "pm-detection", &[text(&pm.detection)]),
        shown("Resolution", "pm-resolution", &[text(&pm.resolution)]),
        shown("Timeline", "pm-timeline", &events),
        shown("Action items", "pm-actions", &actions),
        shown("Lessons", "pm-lessons", &lessons),
    ]
}

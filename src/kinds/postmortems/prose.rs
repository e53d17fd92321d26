//! The prose of a post-mortem's front matter (impact, causes, detection, resolution, timeline
//! events, lessons) gets glossary term links and tooltips like its body: a reader of the
//! timeline can hover "failover" as well as a reader of the narrative. The markdown stage
//! links the fields in the order the page shows them ([`prose_fields`]); the post-mortem view
//! hands the linked HTML to the template shaped like the front matter ([`linked_view`]).

use serde_json::{Value, json};

use crate::kinds::postmortems::front_matter::PostMortem;

/// One front-matter field that holds prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProseField {
    Impact,
    BlastRadius,
    Trigger,
    RootCause,
    Factor,
    Detection,
    Resolution,
    /// A timeline event, in the front matter's order.
    Event,
    WentWell,
    WentWrong,
    GotLucky,
}

impl ProseField {
    /// Shown above the narrative (the body); the rest comes after it.
    pub fn before_body(self) -> bool {
        matches!(self, ProseField::Impact | ProseField::BlastRadius)
    }

    fn view_key(self) -> &'static str {
        match self {
            ProseField::Impact => "impact",
            ProseField::BlastRadius => "blast_radius",
            ProseField::Trigger => "trigger",
            ProseField::RootCause => "root_causes",
            ProseField::Factor => "factors",
            ProseField::Detection => "detection",
            ProseField::Resolution => "resolution",
            ProseField::Event => "events",
            ProseField::WentWell => "went_well",
            ProseField::WentWrong => "went_wrong",
            ProseField::GotLucky => "got_lucky",
        }
    }
}

/// The prose fields of `pm` in the order the page shows them: those before the body first.
pub fn prose_fields(pm: &PostMortem) -> Vec<(ProseField, &str)> {
    use ProseField::*;
    let mut fields: Vec<(ProseField, &str)> = Vec::new();
    let impact = pm.impact.as_ref().and_then(|i| i.description.as_deref());
    fields.extend(impact.map(|t| (Impact, t)));
    fields.extend(pm.blast_radius.as_deref().map(|t| (BlastRadius, t)));
    fields.extend(pm.trigger.as_deref().map(|t| (Trigger, t)));
    fields.extend(pm.root_causes.iter().map(|t| (RootCause, t.as_str())));
    let factors = pm.contributing_factors.iter();
    fields.extend(factors.map(|f| (Factor, f.description.as_str())));
    fields.extend(pm.detection.as_deref().map(|t| (Detection, t)));
    fields.extend(pm.resolution.as_deref().map(|t| (Resolution, t)));
    fields.extend(pm.timeline.iter().map(|e| (Event, e.event.as_str())));
    if let Some(l) = &pm.lessons {
        fields.extend(l.went_well.iter().map(|t| (WentWell, t.as_str())));
        fields.extend(l.went_wrong.iter().map(|t| (WentWrong, t.as_str())));
        fields.extend(l.got_lucky.iter().map(|t| (GotLucky, t.as_str())));
    }
    fields
}

/// `page.derived.postmortems.linked`: the HTML of each prose field (`html`, in
/// [`prose_fields`] order), under the front matter's names; lists keep their order.
pub fn linked_view(pm: &PostMortem, html: &[String]) -> Value {
    let mut view = serde_json::Map::new();
    for name in LISTS {
        view.insert(name.into(), json!([]));
    }
    for ((field, _), html) in prose_fields(pm).into_iter().zip(html) {
        let key = field.view_key();
        match view.get_mut(key) {
            Some(Value::Array(list)) if LISTS.contains(&key) => list.push(json!(html)),
            _ => {
                view.insert(key.into(), json!(html));
            }
        }
    }
    Value::Object(view)
}

/// The view's names that hold one entry per list item.
const LISTS: [&str; 6] = [
    "root_causes",
    "factors",
    "events",
    "went_well",
    "went_wrong",
    "got_lucky",
];

//! What the script template renders: the parsed dialogue with speakers, time boxes and
//! technique links resolved.

use std::collections::HashMap;

use serde::Serialize;

use super::script::{Block, ParsedScript};
use super::{Links, Technique};
use crate::content::Page;
use crate::kinds::training::front_matter::Script;

#[derive(Debug, Serialize)]
struct RoleView {
    name: String,
    description: String,
    initials: String,
    /// Colour slot of the speaker's badge (the learner has the accent colour).
    hue: usize,
    learner: bool,
    lines: usize,
}

#[derive(Debug, Serialize)]
struct TechniqueLink {
    id: String,
    name: String,
    /// Site-relative URL of the technique on its guideline page.
    url: String,
}

#[derive(Debug, Serialize)]
struct BlockView {
    kind: &'static str,
    html: String,
    speaker: Option<String>,
    role: Option<String>,
    initials: Option<String>,
    hue: usize,
    learner: bool,
    /// The speaker's first line in the script: the role is spelled out there.
    first: bool,
    anchor: Option<String>,
    technique: Option<TechniqueLink>,
}

impl BlockView {
    /// A block nobody speaks: a stage direction or prose between lines.
    fn narration(kind: &'static str, html: String) -> BlockView {
        BlockView {
            kind,
            html,
            speaker: None,
            role: None,
            initials: None,
            hue: 0,
            learner: false,
            first: false,
            anchor: None,
            technique: None,
        }
    }
}

#[derive(Debug, Serialize)]
struct PhaseView {
    title: String,
    id: String,
    minutes: u32,
    /// Minutes from the start of the meeting to this phase.
    start: u32,
    end: u32,
    /// Share of the whole meeting, in percent, for the phase bar.
    share: f64,
    blocks: Vec<BlockView>,
}

/// `page.derived.training.script`.
#[derive(Debug, Serialize)]
pub struct ScriptView {
    scenario: Option<String>,
    learner: String,
    roles: Vec<RoleView>,
    /// Minutes: front matter `duration`, else the sum of the phases.
    duration: u32,
    phase_minutes: u32,
    intro: Vec<BlockView>,
    phases: Vec<PhaseView>,
    learner_lines: usize,
    techniques: Vec<TechniqueLink>,
    postmortem: Option<serde_json::Value>,
}

impl ScriptView {
    /// Every id the script page adds: phases and lines.
    pub fn anchors(&self) -> impl Iterator<Item = String> + '_ {
        let phases = self.phases.iter().map(|p| p.id.clone());
        let lines = self
            .intro
            .iter()
            .chain(self.phases.iter().flat_map(|p| p.blocks.iter()))
            .filter_map(|b| b.anchor.clone());
        phases.chain(lines)
    }
}

/// Badge letters of a speaker: short all-caps names as they are (`CTO`), else the initials
/// of the capitalised words (`Team Lead A` → `TA`, `VP of Engineering` → `VE`).
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() == 1 {
        let w = words[0];
        if w.chars().count() <= 4 {
            return w.to_string();
        }
        return w.chars().take(1).collect();
    }
    let caps: Vec<char> = words
        .iter()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase() || c.is_numeric())
        .collect();
    match caps.as_slice() {
        [] => name.chars().take(2).collect(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}{last}"),
    }
}

pub fn script_view(
    fm: &Script,
    learner: &str,
    parsed: &ParsedScript,
    postmortem: Option<&Page>,
    techniques: &HashMap<String, Technique>,
    links: &Links<'_>,
) -> ScriptView {
    let mut hues: HashMap<&str, usize> = HashMap::new();
    let mut next_hue = 0;
    for name in fm.roles.keys() {
        if name != learner {
            hues.insert(name, next_hue % 6);
            next_hue += 1;
        }
    }
    let mut line_counts: HashMap<&str, usize> = HashMap::new();
    for l in parsed.lines() {
        *line_counts.entry(l.speaker.as_str()).or_default() += 1;
    }
    let technique_link = |id: &str| {
        techniques.get(id).map(|t| TechniqueLink {
            id: t.id.clone(),
            name: t.name.clone(),
            url: format!("{}#{}", links.pages[t.guideline].url, t.anchor()),
        })
    };
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut block_view = |b: &Block| match b {
        Block::Line(l) => BlockView {
            first: seen.insert(l.speaker.clone()),
            kind: "line",
            html: links.render_inline(&l.text),
            speaker: Some(l.speaker.clone()),
            role: fm.roles.get(&l.speaker).cloned(),
            initials: Some(initials(&l.speaker)),
            hue: hues.get(l.speaker.as_str()).copied().unwrap_or(0),
            learner: l.speaker == learner,
            anchor: Some(l.anchor.clone()),
            technique: l.technique.as_deref().and_then(technique_link),
        },
        Block::Direction(md) => BlockView::narration("direction", links.render_inline(md)),
        Block::Prose(md) => BlockView::narration("prose", links.render(md)),
    };
    let intro = parsed.intro.iter().map(&mut block_view).collect();
    let phase_minutes = parsed.phase_minutes();
    let mut start = 0;
    let phases = parsed
        .phases
        .iter()
        .map(|p| {
            let view = PhaseView {
                title: p.title.clone(),
                id: p.id.clone(),
                minutes: p.minutes,
                start,
                end: start + p.minutes,
                share: if phase_minutes == 0 {
                    0.0
                } else {
                    (f64::from(p.minutes) * 1000.0 / f64::from(phase_minutes)).round() / 10.0
                },
                blocks: p.blocks.iter().map(&mut block_view).collect(),
            };
            start += p.minutes;
            view
        })
        .collect();
    let mut used: Vec<TechniqueLink> = Vec::new();
    for l in parsed.lines() {
        if let Some(t) = l.technique.as_deref()
            && !used.iter().any(|u| u.id == t)
            && let Some(link) = technique_link(t)
        {
            used.push(link);
        }
    }
    ScriptView {
        scenario: fm.scenario.clone(),
        learner: learner.to_string(),
        roles: fm
            .roles
            .iter()
            .map(|(name, description)| RoleView {
                name: name.clone(),
                description: description.clone(),
                initials: initials(name),
                hue: hues.get(name.as_str()).copied().unwrap_or(0),
                learner: name == learner,
                lines: line_counts.get(name.as_str()).copied().unwrap_or(0),
            })
            .collect(),
        duration: fm.duration.unwrap_or(phase_minutes),
        phase_minutes,
        intro,
        phases,
        learner_lines: line_counts.get(learner).copied().unwrap_or(0),
        techniques: used,
        postmortem: postmortem.map(|p| serde_json::json!({"title": p.meta.title, "url": p.url})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_initials() {
        assert_eq!(initials("CTO"), "CTO");
        assert_eq!(initials("You"), "You");
        assert_eq!(initials("Team Lead A"), "TA");
        assert_eq!(initials("VP of Engineering"), "VE");
        assert_eq!(initials("Director of Engineering"), "DE");
        assert_eq!(initials("Platform"), "P");
    }
}

//! The role-play script format: a Markdown body read as a dialogue.
//!
//! - a phase is a `##` heading with a time box: `## Opening {minutes=2}`;
//! - a line is a paragraph starting `Speaker:` where Speaker is a declared role, optionally
//!   ending in a technique tag `{technique=redirect-blame}`;
//! - a stage direction is a paragraph entirely in italics or in parentheses.
//!
//! Anything before the first phase is an introduction and may also hold ordinary prose.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

use crate::diagnostics::line_col;
use crate::markdown::{heading_id, markdown_options};

/// What a script body is checked against: its front matter and the site's techniques.
pub struct ScriptRules<'a> {
    /// Declared speaker names, in front-matter order.
    pub roles: Vec<&'a str>,
    /// Technique ids declared by guidelines.
    pub techniques: &'a std::collections::HashSet<&'a str>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedScript {
    /// Blocks before the first phase.
    pub intro: Vec<Block>,
    pub phases: Vec<Phase>,
}

impl ParsedScript {
    /// Total of the phases' time boxes, in minutes.
    pub fn phase_minutes(&self) -> u32 {
        self.phases.iter().map(|p| p.minutes).sum()
    }

    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.intro
            .iter()
            .chain(self.phases.iter().flat_map(|p| p.blocks.iter()))
            .filter_map(|b| match b {
                Block::Line(l) => Some(l),
                _ => None,
            })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub title: String,
    /// Heading id, the same the page's table of contents links to.
    pub id: String,
    /// The time box; 0 only when the heading had none (which is an error).
    pub minutes: u32,
    /// 1-based line in the source file.
    pub line: usize,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Line(Line),
    /// A stage direction's Markdown, as written (italics or parentheses included).
    Direction(String),
    /// Any other Markdown block (only in the introduction).
    Prose(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub speaker: String,
    /// The spoken text as Markdown, without the speaker prefix and the technique tag.
    pub text: String,
    pub technique: Option<String>,
    /// Anchor on the script page, stable while the phase keeps its title and the line its place.
    pub anchor: String,
    /// 1-based line in the source file.
    pub line: usize,
}

/// A problem at a 1-based line and column of the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Parse a script body that starts at `body_line` of its file. Returns the structure and
/// every problem found (the structure is still usable for the parts that were valid).
pub fn parse_script(
    body: &str,
    body_line: usize,
    rules: &ScriptRules<'_>,
) -> (ParsedScript, Vec<ScriptError>) {
    let mut script = ParsedScript::default();
    let mut errors = Vec::new();
    let at = |offset: usize| {
        let (l, c) = line_col(body, offset);
        (l + body_line - 1, c)
    };
    let mut error = |offset: usize, message: String| {
        let (line, column) = at(offset);
        errors.push(ScriptError {
            line,
            column,
            message,
        });
    };
    let mut ids: std::collections::HashMap<String, usize> = Default::default();

    for block in top_level_blocks(body) {
        let src = &body[block.range.clone()];
        match block.shape {
            Shape::Phase { title, explicit_id } => {
                let base = explicit_id.unwrap_or_else(|| heading_id(&title));
                let n = ids.entry(base.clone()).or_insert(0);
                let id = if *n == 0 { base } else { format!("{base}-{n}") };
                *n += 1;
                let minutes = match find_attribute(src, "minutes") {
                    None => {
                        error(
                            block.range.start,
                            format!(
                                "phase `{title}` has no time box: end the heading with `{{minutes=N}}`"
                            ),
                        );
                        0
                    }
                    Some((value, offset)) => match value.parse::<u32>() {
                        Ok(m) if m > 0 => m,
                        _ => {
                            error(
                                block.range.start + offset,
                                format!(
                                    "invalid time box `minutes={value}`: expected a whole number of minutes, at least 1"
                                ),
                            );
                            0
                        }
                    },
                };
                script.phases.push(Phase {
                    title,
                    id,
                    minutes,
                    line: at(block.range.start).0,
                    blocks: Vec::new(),
                });
            }
            Shape::Paragraph { all_emphasis } => {
                let in_phase = !script.phases.is_empty();
                if let Some(i) = split_technique_tag(src).0.find("{technique=") {
                    error(
                        block.range.start + i,
                        "a technique tag must end its line, and a line has at most one".into(),
                    );
                }
                let parsed = classify_paragraph(src, all_emphasis, rules);
                let block = match parsed {
                    Paragraph::Direction => Some(Block::Direction(src.trim().to_string())),
                    Paragraph::Line {
                        speaker,
                        text,
                        technique,
                    } => {
                        if text.trim().is_empty() {
                            error(block.range.start, format!("line of `{speaker}` is empty"));
                        }
                        let technique = technique.and_then(|(id, offset)| {
                            if rules.techniques.contains(id.as_str()) {
                                Some(id)
                            } else {
                                let hint = crate::config::nearest(&id, rules.techniques.iter().copied())
                                    .map(|s| format!("; did you mean `{s}`?"))
                                    .unwrap_or_default();
                                error(
                                    block.range.start + offset,
                                    format!(
                                        "unknown technique `{id}`: no guideline declares it under `techniques`{hint}"
                                    ),
                                );
                                None
                            }
                        });
                        let (scope, count) = match script.phases.last() {
                            Some(p) => (p.id.clone(), line_count(&p.blocks)),
                            None => ("intro".to_string(), line_count(&script.intro)),
                        };
                        Some(Block::Line(Line {
                            speaker,
                            text,
                            technique,
                            anchor: format!("{scope}-line-{}", count + 1),
                            line: at(block.range.start).0,
                        }))
                    }
                    Paragraph::UndeclaredSpeaker(name) => {
                        let hint = crate::config::nearest(&name, rules.roles.iter().copied())
                            .map(|s| format!("; did you mean `{s}`?"))
                            .unwrap_or_else(|| {
                                format!(" (declared: {})", quoted_list(&rules.roles))
                            });
                        error(
                            block.range.start,
                            format!("undeclared speaker `{name}`: add it under `roles`{hint}"),
                        );
                        None
                    }
                    Paragraph::Tagged(offset) => {
                        error(
                            block.range.start + offset,
                            "a technique tag belongs on a line (`Speaker: ...`), not on a stage direction"
                                .into(),
                        );
                        None
                    }
                    Paragraph::Other if in_phase => {
                        error(
                            block.range.start,
                            "expected a line (`Speaker: text`) or a stage direction in *italics* or (parentheses)"
                                .into(),
                        );
                        None
                    }
                    Paragraph::Other => Some(Block::Prose(src.to_string())),
                };
                if let Some(b) = block {
                    match script.phases.last_mut() {
                        Some(p) => p.blocks.push(b),
                        None => script.intro.push(b),
                    }
                }
            }
            Shape::Other => match script.phases.last_mut() {
                Some(p) => p.blocks.push(Block::Prose(src.to_string())),
                None => script.intro.push(Block::Prose(src.to_string())),
            },
        }
    }
    (script, errors)
}

fn line_count(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .filter(|b| matches!(b, Block::Line(_)))
        .count()
}

fn quoted_list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

enum Shape {
    Phase {
        title: String,
        explicit_id: Option<String>,
    },
    Paragraph {
        /// The paragraph is one emphasis span, i.e. a stage direction in italics.
        all_emphasis: bool,
    },
    Other,
}

struct TopBlock {
    range: Range<usize>,
    shape: Shape,
}

/// The body's top-level blocks with their byte ranges.
fn top_level_blocks(body: &str) -> Vec<TopBlock> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut shape = Shape::Other;
    let mut heading_text = String::new();
    // For paragraphs: depth-1 children seen, and whether the first opened an emphasis that is still the only one.
    let mut children = 0usize;
    let mut emphasis_only = false;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    start = range.start;
                    heading_text.clear();
                    children = 0;
                    emphasis_only = false;
                    shape = match tag {
                        Tag::Heading {
                            level: HeadingLevel::H2,
                            id,
                            ..
                        } => Shape::Phase {
                            title: String::new(),
                            explicit_id: id.map(|s| s.to_string()),
                        },
                        Tag::Paragraph => Shape::Paragraph {
                            all_emphasis: false,
                        },
                        _ => Shape::Other,
                    };
                } else if depth == 1 {
                    children += 1;
                    emphasis_only = children == 1 && matches!(tag, Tag::Emphasis);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let shape = match std::mem::replace(&mut shape, Shape::Other) {
                        Shape::Phase { explicit_id, .. } => Shape::Phase {
                            title: heading_text.trim().to_string(),
                            explicit_id,
                        },
                        Shape::Paragraph { .. } => Shape::Paragraph {
                            all_emphasis: emphasis_only,
                        },
                        Shape::Other => Shape::Other,
                    };
                    blocks.push(TopBlock {
                        range: start..range.end,
                        shape,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if depth == 1 {
                    children += 1;
                    emphasis_only = false;
                }
                if matches!(shape, Shape::Phase { .. }) {
                    heading_text.push_str(&t);
                }
            }
            Event::Rule if depth == 0 => blocks.push(TopBlock {
                range,
                shape: Shape::Other,
            }),
            _ => {
                if depth == 1 {
                    children += 1;
                    emphasis_only = false;
                }
            }
        }
    }
    blocks
}

/// `{key=value}` in a heading's source; returns the value and its byte offset in `src`.
fn find_attribute<'s>(src: &'s str, key: &str) -> Option<(&'s str, usize)> {
    let first_line = src.lines().next().unwrap_or(src);
    let open = first_line.rfind('{')?;
    let attrs = &first_line[open + 1..];
    let attrs = &attrs[..attrs.find('}').unwrap_or(attrs.len())];
    let mut offset = open + 1;
    for part in attrs.split(' ') {
        if let Some(value) = part.strip_prefix(key).and_then(|r| r.strip_prefix('=')) {
            return Some((value, offset));
        }
        offset += part.len() + 1;
    }
    None
}

enum Paragraph {
    Line {
        speaker: String,
        text: String,
        /// The technique id and its byte offset in the paragraph.
        technique: Option<(String, usize)>,
    },
    Direction,
    UndeclaredSpeaker(String),
    /// A technique tag on something that is not a line; offset of the tag.
    Tagged(usize),
    Other,
}

fn classify_paragraph(src: &str, all_emphasis: bool, rules: &ScriptRules<'_>) -> Paragraph {
    let (content, tag) = split_technique_tag(src);
    let trimmed = content.trim();
    let parenthesised = trimmed.starts_with('(') && trimmed.ends_with(')');
    if all_emphasis || parenthesised {
        return match tag {
            Some((_, offset)) => Paragraph::Tagged(offset),
            None => Paragraph::Direction,
        };
    }
    let Some((name, rest)) = speaker_prefix(content) else {
        return match tag {
            Some((_, offset)) => Paragraph::Tagged(offset),
            None => Paragraph::Other,
        };
    };
    if !rules.roles.contains(&name) {
        return Paragraph::UndeclaredSpeaker(name.to_string());
    }
    Paragraph::Line {
        speaker: name.to_string(),
        text: rest.trim().to_string(),
        technique: tag,
    }
}

/// Split a trailing `{technique=id}` off a paragraph: (the rest, Some((id, offset of id))).
pub(crate) fn split_technique_tag(src: &str) -> (&str, Option<(String, usize)>) {
    let trimmed = src.trim_end();
    const TAG: &str = "{technique=";
    if trimmed.ends_with('}')
        && let Some(open) = trimmed.rfind(TAG)
    {
        let id = &trimmed[open + TAG.len()..trimmed.len() - 1];
        if !id.contains(['{', '}', '\n']) {
            return (
                &src[..open],
                Some((id.trim().to_string(), open + TAG.len())),
            );
        }
    }
    (src, None)
}

/// `Name: text` → (Name, text), when the start of the paragraph reads like a speaker's name:
/// a few words of letters, digits, spaces, hyphens, apostrophes or dots before a colon.
fn speaker_prefix(src: &str) -> Option<(&str, &str)> {
    let first_line = src.lines().next()?;
    let colon = first_line.find(':')?;
    let name = first_line[..colon].trim();
    let rest = &src[colon + 1..];
    let plausible = !name.is_empty()
        && name.chars().count() <= 40
        && name.split_whitespace().count() <= 6
        && name.chars().next().is_some_and(char::is_alphanumeric)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.' | '&' | '/'))
        && (rest.is_empty() || rest.starts_with(char::is_whitespace));
    plausible.then_some((name, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> (ParsedScript, Vec<ScriptError>) {
        let known = ["redirect-blame", "time-box"].into_iter().collect();
        parse_script(
            body,
            10,
            &ScriptRules {
                roles: vec!["You", "CTO", "Team Lead A"],
                techniques: &known,
            },
        )
    }

    #[test]
    fn phases_with_time_boxes_and_ids() {
        let (s, e) = parse(
            "## Opening {minutes=2}\n\nYou: Hello.\n\n## Root cause & blame {minutes=10}\n\nCTO: Who?\n\n## Opening {minutes=3}\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let titles: Vec<_> = s.phases.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, ["Opening", "Root cause & blame", "Opening"]);
        let ids: Vec<_> = s.phases.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["opening", "root-cause-blame", "opening-1"]);
        assert_eq!(
            s.phases.iter().map(|p| p.minutes).collect::<Vec<_>>(),
            [2, 10, 3]
        );
        assert_eq!(s.phase_minutes(), 15);
        assert_eq!(s.phases[1].line, 14);
    }

    #[test]
    fn explicit_phase_id_and_minutes_together() {
        let (s, e) = parse("## Opening the meeting {#open minutes=4}\n\nYou: Hi.\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!((s.phases[0].id.as_str(), s.phases[0].minutes), ("open", 4));
        assert_eq!(s.phases[0].title, "Opening the meeting");
        assert_eq!(s.lines().next().unwrap().anchor, "open-line-1");
    }

    #[test]
    fn lines_speakers_and_anchors() {
        let (s, e) = parse(
            "## Opening {minutes=2}\n\nYou: Good *morning*.\nSecond line of the same paragraph.\n\nTeam Lead A: Hi.\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let lines: Vec<&Line> = s.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].speaker, "You");
        assert_eq!(
            lines[0].text,
            "Good *morning*.\nSecond line of the same paragraph."
        );
        assert_eq!(lines[0].anchor, "opening-line-1");
        assert_eq!(lines[0].line, 12);
        assert_eq!(lines[1].speaker, "Team Lead A");
        assert_eq!(lines[1].anchor, "opening-line-2");
    }

    #[test]
    fn stage_directions_in_italics_or_parentheses() {
        let (s, e) = parse(
            "## A {minutes=1}\n\n*The CTO leans forward.*\n\n_Silence._\n\n(Team Lead A looks down.)\n\nYou: *Quietly* we go on.\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let kinds: Vec<&str> = s.phases[0]
            .blocks
            .iter()
            .map(|b| match b {
                Block::Direction(_) => "direction",
                Block::Line(_) => "line",
                Block::Prose(_) => "prose",
            })
            .collect();
        assert_eq!(kinds, ["direction", "direction", "direction", "line"]);
        assert_eq!(
            s.phases[0].blocks[0],
            Block::Direction("*The CTO leans forward.*".into())
        );
    }

    #[test]
    fn technique_tags() {
        let (s, e) = parse(
            "## A {minutes=1}\n\nYou: Let's hold the who. {technique=redirect-blame}\n\nCTO: Fine.\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let l: Vec<&Line> = s.lines().collect();
        assert_eq!(l[0].technique.as_deref(), Some("redirect-blame"));
        assert_eq!(l[0].text, "Let's hold the who.");
        assert_eq!(l[1].technique, None);
    }

    #[test]
    fn intro_allows_prose_before_first_phase() {
        let (s, e) = parse("Some context.\n\n- a list\n\n## A {minutes=1}\n\nYou: Hi.\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.intro.len(), 2);
        assert_eq!(s.phases[0].blocks.len(), 1);
    }

    fn only_error(body: &str) -> ScriptError {
        let (_, e) = parse(body);
        assert_eq!(e.len(), 1, "{e:?}");
        e.into_iter().next().unwrap()
    }

    #[test]
    fn undeclared_speaker_has_position_and_hint() {
        let e = only_error("## A {minutes=1}\n\nYou: Hi.\n\nCTo: Who did it?\n");
        assert_eq!((e.line, e.column), (14, 1));
        assert!(
            e.message.contains("undeclared speaker `CTo`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("did you mean `CTO`"), "{}", e.message);
    }

    #[test]
    fn unknown_technique_points_at_the_id() {
        let e = only_error("## A {minutes=1}\n\nYou: Hi. {technique=redirect-blam}\n");
        assert_eq!((e.line, e.column), (12, 21));
        assert!(e.message.contains("unknown technique `redirect-blam`"));
        assert!(
            e.message.contains("did you mean `redirect-blame`?"),
            "{}",
            e.message
        );
    }

    #[test]
    fn missing_minutes() {
        let e = only_error("Intro.\n\n## Opening\n\nYou: Hi.\n");
        assert_eq!((e.line, e.column), (12, 1));
        assert!(e.message.contains("no time box"), "{}", e.message);
    }

    #[test]
    fn invalid_minutes_points_at_value() {
        let e = only_error("## Opening {minutes=two}\n\nYou: Hi.\n");
        assert_eq!((e.line, e.column), (10, 13));
        assert!(e.message.contains("minutes=two"), "{}", e.message);
        let e = only_error("## Opening {minutes=0}\n");
        assert!(e.message.contains("at least 1"));
    }

    #[test]
    fn paragraph_that_is_neither_line_nor_direction() {
        let e = only_error("## A {minutes=1}\n\nThe meeting starts, tense.\n");
        assert_eq!((e.line, e.column), (12, 1));
        assert!(e.message.contains("stage direction"));
    }

    #[test]
    fn technique_tag_on_direction_is_an_error() {
        let e = only_error("## A {minutes=1}\n\n*Silence.* {technique=time-box}\n");
        assert_eq!(e.line, 12);
        assert!(e.message.contains("belongs on a line"));
    }

    #[test]
    fn technique_tag_must_end_the_line() {
        let e = only_error("## A {minutes=1}\n\nYou: Hi {technique=time-box} there.\n");
        assert_eq!((e.line, e.column), (12, 9));
        assert!(e.message.contains("must end its line"), "{}", e.message);
        let e = only_error(
            "## A {minutes=1}\n\nYou: Hi. {technique=time-box} {technique=redirect-blame}\n",
        );
        assert_eq!((e.line, e.column), (12, 10));
    }

    #[test]
    fn all_errors_reported_together() {
        let (_, e) = parse("## A\n\nBob: Hi.\n\nYou: x {technique=nope}\n");
        assert_eq!(e.len(), 3, "{e:?}");
    }
}

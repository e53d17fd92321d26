//! Splitting a Markdown file into YAML front matter and body, and parsing the YAML with
//! positions that point into the whole file.

use serde::de::DeserializeOwned;

/// A file split at its `---` fences.
#[derive(Debug)]
pub struct SplitSource<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where the YAML starts (2 when the file opens with `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// The file has front matter (a plain Markdown file has none: all of it is body).
    pub present: bool,
}

/// Where a problem is, relative to the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Split a file at its front matter. A file whose first line is not `---` has none: it is
/// all body (plain Markdown, as mdBook and most editors write it).
pub fn split_front_matter(text: &str) -> Result<SplitSource<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(SplitSource {
            yaml: "",
            yaml_line: 1,
            body: text,
            body_line: 1,
            present: false,
        });
    }
    let mut offset = first_line_end;
    for (i, l) in text[first_line_end..].split_inclusive('\n').enumerate() {
        let line = i + 2;
        if l.trim_end() == "---" || l.trim_end() == "..." {
            let yaml = &text[first_line_end..offset];
            let body_start = offset + l.len();
            return Ok(SplitSource {
                yaml,
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
                present: true,
            });
        }
        offset += l.len();
    }
    Err(FrontMatterError {
        line: 1,
        column: 1,
        message: "front matter is not closed: add a `---` line after it".into(),
    })
}

/// Deserialize YAML into a typed struct; error positions are converted to file lines.
pub fn parse_yaml<T: DeserializeOwned>(split: &SplitSource<'_>) -> Result<T, FrontMatterError> {
    // An empty front matter block is an empty mapping, not a null document.
    let yaml = if split.yaml.trim().is_empty() {
        "{}"
    } else {
        split.yaml
    };
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(yaml_budget());
    serde_saphyr::from_str_with_options::<T>(yaml, options).map_err(|e| {
        let (line, column) = e.location().map_or((split.yaml_line, 1), |l| {
            (l.line() as usize + split.yaml_line - 1, l.column() as usize)
        });
        FrontMatterError {
            line,
            column,
            message: budget_message(&e).unwrap_or_else(|| clean_message(&e)),
        }
    })
}

/// The limits of one front matter block, so that a hostile or broken file costs bounded
/// time and memory (an alias bomb expands a few lines into billions of nodes). Stated in
/// docs/writing.md; generous for any real page.
pub mod limits {
    /// Total bytes of text in the values.
    pub const TEXT_BYTES: usize = 16 * 1024 * 1024;
    /// Values, lists and mappings.
    pub const NODES: usize = 250_000;
    /// Lists and mappings nested in one another.
    pub const DEPTH: usize = 64;
    /// Uses of an anchor (`*name`).
    pub const ALIASES: usize = 10_000;
    /// Anchors defined (`&name`).
    pub const ANCHORS: usize = 10_000;
    /// Parser events (every value, start and end of a list or mapping, alias).
    pub const EVENTS: usize = 1_000_000;
}

fn yaml_budget() -> serde_saphyr::budget::Budget {
    let mut budget = serde_saphyr::budget::Budget::default();
    budget.max_total_scalar_bytes = limits::TEXT_BYTES;
    budget.max_nodes = limits::NODES;
    budget.max_depth = limits::DEPTH;
    budget.max_aliases = limits::ALIASES;
    budget.max_anchors = limits::ANCHORS;
    budget.max_events = limits::EVENTS;
    budget
}

/// A breached limit in words, naming the limit (serde-saphyr prints its Debug text).
fn budget_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::budget::BudgetBreach;
    let mut e = e;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = e
    {
        e = error;
    }
    let serde_saphyr::Error::Budget { breach, .. } = e else {
        return None;
    };
    let n = |n: usize| crate::diagnostics::thousands(n);
    let what = match breach {
        BudgetBreach::Nodes { .. } => format!(
            "has more than {} YAML nodes (values, lists and mappings)",
            n(limits::NODES)
        ),
        BudgetBreach::Depth { .. } => format!(
            "nests lists and mappings more than {} deep",
            n(limits::DEPTH)
        ),
        BudgetBreach::Aliases { .. } => {
            format!(
                "uses anchors (`*name`) more than {} times",
                n(limits::ALIASES)
            )
        }
        BudgetBreach::Anchors { .. } => {
            format!("defines more than {} anchors (`&name`)", n(limits::ANCHORS))
        }
        BudgetBreach::Events { .. } => {
            format!("has more than {} YAML parser events", n(limits::EVENTS))
        }
        BudgetBreach::ScalarBytes { .. } => format!(
            "has more than {} MiB of text in its values",
            limits::TEXT_BYTES / (1024 * 1024)
        ),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => format!(
            "uses its {} anchors {} times, more than 10 uses per anchor (an alias bomb?)",
            n(*anchors),
            n(*aliases)
        ),
        _ => "is larger or more deeply nested than the YAML reader allows".to_string(),
    };
    Some(format!(
        "front matter {what}: that is the limit for one page; split the data or move it into the body"
    ))
}

/// serde-saphyr's message without its own position suffix or snippet (we print ours).
fn clean_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or(&full).trim();
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    first.trim_end_matches(',').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // Only deserialization errors are under test.
    struct Fm {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn splits_and_counts_body_line() {
        let s = split_front_matter("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        let plain = split_front_matter("\u{feff}# no\n").unwrap();
        assert!(!plain.present);
        assert_eq!((plain.yaml, plain.body, plain.body_line), ("", "# no\n", 1));
        assert!(
            split_front_matter("---\ntitle: A\n")
                .unwrap_err()
                .message
                .contains("not closed")
        );
    }

    #[test]
    fn unknown_key_points_at_file_line() {
        let s = split_front_matter("---\ntitle: A\ntilte: B\n---\n").unwrap();
        let e = parse_yaml::<Fm>(&s).unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(e.message.contains("tilte"), "{e:?}");
    }

    #[test]
    fn wrong_type_points_at_value() {
        let s = split_front_matter("---\ntitle: A\ntags: 3\n---\n").unwrap();
        let e = parse_yaml::<Fm>(&s).unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn budget_breaches_are_told_in_words() {
        let parse = |yaml: String| {
            let text = format!("---\n{yaml}---\n");
            let s = split_front_matter(&text).unwrap();
            parse_yaml::<serde_json::Value>(&s).unwrap_err().message
        };
        let nodes = parse(format!("t: [{}]\n", "1,".repeat(limits::NODES + 1)));
        assert!(nodes.contains("more than 250,000 YAML nodes"), "{nodes}");
        let depth = parse(format!("t: {}{}\n", "[".repeat(100), "]".repeat(100)));
        assert!(depth.contains("more than 64 deep"), "{depth}");
        let aliases = parse(format!(
            "a: &a x\nt: [{}]\n",
            "*a,".repeat(limits::ALIASES + 1)
        ));
        assert!(
            aliases.contains("anchors (`*name`) more than 10,000 times"),
            "{aliases}"
        );
        let text = parse(format!("t: {}\n", "x".repeat(limits::TEXT_BYTES + 1)));
        assert!(text.contains("more than 16 MiB of text"), "{text}");
        // A billion laughs: ten levels of ten aliases each.
        let mut bomb = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 1..10 {
            let uses = vec![format!("*a{}", i - 1); 10].join(",");
            bomb.push_str(&format!("a{i}: &a{i} [{uses}]\n"));
        }
        let bomb = parse(bomb);
        assert!(bomb.contains("more than 250,000 YAML nodes"), "{bomb}");
        for m in [nodes, depth, aliases, text, bomb] {
            assert!(
                !m.contains('{') && !m.contains("breach"),
                "Debug text in {m}"
            );
        }
    }

    #[test]
    fn malformed_yaml() {
        let s = split_front_matter("---\ntitle: [A\n---\n").unwrap();
        let e = parse_yaml::<Fm>(&s).unwrap_err();
        assert!(e.line >= 2, "{e:?}");
    }
}

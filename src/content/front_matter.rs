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
}

/// Where a problem is, relative to the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

pub fn split_front_matter(text: &str) -> Result<SplitSource<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Err(FrontMatterError {
            line: 1,
            column: 1,
            message: "missing front matter: the file must start with a `---` line".into(),
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
    serde_saphyr::from_str::<T>(yaml).map_err(|e| {
        let (line, column) = e.location().map_or((split.yaml_line, 1), |l| {
            (l.line() as usize + split.yaml_line - 1, l.column() as usize)
        });
        FrontMatterError {
            line,
            column,
            message: clean_message(&e),
        }
    })
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
        assert!(split_front_matter("# no\n").is_err());
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
    fn malformed_yaml() {
        let s = split_front_matter("---\ntitle: [A\n---\n").unwrap();
        let e = parse_yaml::<Fm>(&s).unwrap_err();
        assert!(e.line >= 2, "{e:?}");
    }
}

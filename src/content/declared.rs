//! What `book.toml` declares about kinds, as content sees it. A declared kind
//! (`[kinds.runbook]`) becomes a [`KindDescription`] like a built-in kind's ([`describe`]),
//! so both go through one path; fields declared for any kind (`[kinds.<name>.fields]`) ride
//! on its description ([`page_kinds`]), and each page's values are checked against their
//! types, every violation an error at the value with a suggestion. The typed front matter
//! of a kind never sees these keys: [`without_keys`] blanks them first.

use indexmap::IndexMap;
use serde::Serialize;

use crate::config::{DeclaredKind, DeclaredKinds, FieldSpec, FieldType, nearest};
use crate::content::Page;
use crate::content::kinds::{KindDescription, PageKinds};
use crate::content::positions::FrontMatterPositions;
use crate::diagnostics::Diagnostic;

/// The kinds of a build: the built-in ones (`builtin`, in order) with the fields `book.toml`
/// adds to them, then the kinds it declares.
pub fn page_kinds(
    builtin: impl IntoIterator<Item = KindDescription>,
    declared: &'static DeclaredKinds,
) -> PageKinds {
    let builtin = builtin.into_iter().map(|kind| KindDescription {
        fields: declared.builtin(kind.id),
        ..kind
    });
    PageKinds::new(builtin.chain(declared.kinds.iter().map(describe)))
}

/// A kind `book.toml` declares, described like a built-in one: plain front matter closed to
/// any key but the common ones and its fields, listed by title.
pub fn describe(kind: &'static DeclaredKind) -> KindDescription {
    KindDescription {
        id: &kind.id,
        folder: &kind.folder,
        section_title: &kind.title,
        template: kind.template.as_deref().unwrap_or("page.html"),
        label: (&kind.label, &kind.title),
        fields: Some(&kind.fields),
        declared: true,
        ..KindDescription::PLAIN
    }
}

/// Keys every kind accepts besides its own (see `content::kinds`).
pub const COMMON_KEYS: [&str; 8] = [
    "title", "summary", "tags", "date", "draft", "autolink", "weight", "extra",
];

/// One checked value of a declared field.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// string, text, date, datetime, enum, url and page fields, as written.
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    /// list and pages fields.
    List(Vec<String>),
}

impl FieldValue {
    /// The page references a `page`/`pages` value holds.
    pub fn references(&self) -> Vec<&str> {
        match self {
            FieldValue::Text(s) => vec![s.as_str()],
            FieldValue::List(l) => l.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// A page's declared fields: their specs (from `book.toml`) and checked values, in the
/// declared order.
#[derive(Debug, Clone)]
pub struct DeclaredFields {
    pub spec: &'static IndexMap<String, FieldSpec>,
    pub values: IndexMap<String, FieldValue>,
}

/// How a field's name reads as a label: `last_tested` → "Last tested".
pub fn field_label(name: &str) -> String {
    let mut label = name.replace('_', " ");
    if let Some(first) = label.get(0..1) {
        label.replace_range(0..1, &first.to_uppercase());
    }
    label
}

impl FieldValue {
    /// The value as a reader sees it in text (page references as written), or `None` for
    /// values with no words (booleans).
    pub fn as_text(&self) -> Option<String> {
        match self {
            FieldValue::Text(s) => Some(s.clone()),
            FieldValue::Integer(i) => Some(i.to_string()),
            FieldValue::Number(n) => Some(n.to_string()),
            FieldValue::Boolean(_) => None,
            FieldValue::List(l) => Some(l.join(", ")),
        }
    }
}

/// The YAML with the top-level keys `drop` names blanked (lines kept, so positions hold).
pub fn without_keys(yaml: &str, drop: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(yaml.len());
    let mut dropping = false;
    for line in yaml.split_inclusive('\n') {
        let top_level = !line.starts_with([' ', '\t', '#', '-']) && !line.trim().is_empty();
        if top_level {
            let key = line.split(':').next().unwrap_or("").trim();
            dropping = drop(key.trim_matches(['"', '\'']));
        }
        if dropping {
            out.push_str(if line.ends_with('\n') { "\n" } else { "" });
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Check `found` (the page's front matter as data) against `spec`. With `closed`, a key that
/// is neither common nor declared is an error too (declared kinds; built-in kinds check their
/// own keys). Returns the values and the problems.
pub fn check_fields(
    page: &Page,
    kind_label: &str,
    spec: &'static IndexMap<String, FieldSpec>,
    found: &IndexMap<String, serde_json::Value>,
    closed: bool,
) -> (DeclaredFields, Vec<Diagnostic>) {
    let pos = FrontMatterPositions::new(page);
    let mut problems = Vec::new();
    let declared = || {
        spec.keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if closed {
        for key in found.keys() {
            if COMMON_KEYS.contains(&key.as_str()) || spec.contains_key(key) {
                continue;
            }
            let (line, _) = pos.key(key);
            let hint = nearest(key, spec.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            problems.push(page.error(
                line,
                1,
                format!(
                    "unknown field `{key}`: {hint}a {kind_label} has {}",
                    declared()
                ),
            ));
        }
    }
    let mut values = IndexMap::new();
    for (name, field) in spec {
        match found.get(name).filter(|v| !v.is_null()) {
            Some(value) => match check_value(name, field, value) {
                Ok(v) => {
                    values.insert(name.clone(), v);
                }
                Err(message) => {
                    let (line, col) = pos.key(name);
                    problems.push(page.error(line, col, message));
                }
            },
            None if field.required => problems.push(missing_field(page, name, field)),
            None => {}
        }
    }
    (DeclaredFields { spec, values }, problems)
}

/// A required field the page does not set, at the front matter's first line, or at the
/// file's when it has none.
fn missing_field(page: &Page, name: &str, field: &FieldSpec) -> Diagnostic {
    let message = format!("missing required field `{name}` ({})", type_name(field));
    if page.front_matter {
        page.error(2, 1, message)
    } else {
        page.error(
            1,
            1,
            format!("{message}; this file has no front matter: start it with a `---` line, `{name}: ...` and `---`"),
        )
    }
}

fn type_name(field: &FieldSpec) -> String {
    match field.ty {
        FieldType::Enum => format!("one of {}", field.values.join(", ")),
        FieldType::Page | FieldType::Pages => {
            let what = if field.ty == FieldType::Page {
                "a page"
            } else {
                "a list of pages"
            };
            match &field.kind {
                Some(k) => format!("{what} of kind `{k}`"),
                None => what.to_string(),
            }
        }
        ty => FieldType::NAMES[ty as usize].to_string(),
    }
}

/// One value against its field's type; the message says what was expected.
fn check_value(
    name: &str,
    field: &FieldSpec,
    value: &serde_json::Value,
) -> Result<FieldValue, String> {
    use serde_json::Value;
    let expected = || format!("field `{name}` must be {}", article(&type_name(field)));
    let text = || value.as_str().map(str::to_string).ok_or_else(expected);
    match field.ty {
        FieldType::String | FieldType::Text | FieldType::Page => text().map(FieldValue::Text),
        FieldType::Integer => value.as_i64().map(FieldValue::Integer).ok_or_else(expected),
        FieldType::Number => value.as_f64().map(FieldValue::Number).ok_or_else(expected),
        FieldType::Boolean => value
            .as_bool()
            .map(FieldValue::Boolean)
            .ok_or_else(expected),
        FieldType::Date => {
            let s = text()?;
            match s.parse::<jiff::civil::Date>() {
                Ok(_) => Ok(FieldValue::Text(s)),
                Err(_) => Err(format!(
                    "field `{name}` must be a date such as 2026-03-12, not `{s}`"
                )),
            }
        }
        FieldType::Datetime => {
            let s = text()?;
            let valid =
                s.parse::<jiff::Timestamp>().is_ok() || s.parse::<jiff::civil::DateTime>().is_ok();
            if valid {
                Ok(FieldValue::Text(s))
            } else {
                Err(format!(
                    "field `{name}` must be a date and time such as 2026-03-12T09:30:00Z, not `{s}`"
                ))
            }
        }
        FieldType::Enum => {
            let s = text()?;
            if field.values.contains(&s) {
                return Ok(FieldValue::Text(s));
            }
            let hint = nearest(&s, field.values.iter().map(String::as_str))
                .map(|v| format!("; did you mean `{v}`?"))
                .unwrap_or_default();
            Err(format!(
                "field `{name}` must be one of {}, not `{s}`{hint}",
                field.values.join(", ")
            ))
        }
        FieldType::Url => {
            let s = text()?;
            let scheme = s.starts_with("https://") || s.starts_with("http://");
            if scheme && !s.contains(char::is_whitespace) && s.len() > "https://".len() {
                Ok(FieldValue::Text(s))
            } else {
                Err(format!(
                    "field `{name}` must be a URL starting with https:// or http://, not `{s}`"
                ))
            }
        }
        FieldType::List | FieldType::Pages => match value {
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    Value::Number(n) if field.ty == FieldType::List => Ok(n.to_string()),
                    Value::Bool(b) if field.ty == FieldType::List => Ok(b.to_string()),
                    _ => Err(expected()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(FieldValue::List),
            _ => Err(format!(
                "{}; write it as [a, b] or one `- item` per line",
                expected()
            )),
        },
    }
}

fn article(what: &str) -> String {
    if what.starts_with("one of") || what.starts_with("a ") {
        what.to_string()
    } else if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {what}")
    } else {
        format!("a {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanking_keeps_lines_and_other_keys() {
        let yaml = "title: A\nteam: x\nowners:\n  - a\n  - b\nsummary: s\n";
        let out = without_keys(yaml, &|k| k == "owners" || k == "team");
        assert_eq!(out, "title: A\n\n\n\n\nsummary: s\n");
    }
}

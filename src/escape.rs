//! HTML escaping, for every piece of HTML the build writes outside templates (bodies,
//! term links, feeds, charts), and CSS strings (the term definitions' stylesheet). The one
//! copy: templates escape with Tera's autoescape.

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_html_into(&mut out, s);
    out
}

/// Append `s` to `out` with `<`, `>`, `&` and `"` escaped.
pub fn escape_html_into(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

pub fn escape_attr(s: &str) -> String {
    escape_html(s).replace('\'', "&#39;")
}

/// `s` as a double-quoted CSS string: `"` and `\` escaped, and every control character
/// (newlines included) as a hexadecimal escape, so no text can end the string or the rule.
pub fn css_string(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\{:x} ", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_be_escaped_from() {
        assert_eq!(css_string("plain"), "\"plain\"");
        assert_eq!(css_string("a \"b\" \\c"), r#""a \"b\" \\c""#);
        assert_eq!(css_string("two\nlines"), r#""two\a lines""#);
        assert_eq!(css_string("nul\0}"), r#""nul\0 }""#);
    }
}

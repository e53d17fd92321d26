//! Server-side syntax highlighting of fenced code, as CSS classes so one markup serves the
//! light and the dark theme.
//!
//! A token gets the colour it has in each theme, as a class naming that colour's place in
//! the theme's palette (`hl3 hd7`: light colour 3, dark colour 7; `h4` when both are 4, the
//! usual case as the two Coldark themes share their rules), plus `hb`/`hi`/`hu` for bold,
//! italic and underline; neighbours alike share one span. The palettes are the
//! themes' own colours, so the class names are the same in every build and on every page,
//! and the stylesheet has one short rule a colour. (Classes naming the scopes, as syntect
//! writes them, cost 3–6 nested spans with up to five classes each: a code block's markup
//! was ~20 times its text.)

use std::sync::OnceLock;

use syntect::highlighting::{
    Color, FontStyle, HighlightIterator, HighlightState, Highlighter, Style, Theme,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::escape::escape_html_into;

/// two-face's set adds TOML, HCL/Terraform, Dockerfile and more to syntect's defaults.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// One theme and its palette: its default foreground first, then every other foreground
/// its rules set, in rule order.
struct Palette {
    theme: Theme,
    colors: Vec<Color>,
}

impl Palette {
    fn new(theme: &Theme) -> Palette {
        let default = theme.settings.foreground.unwrap_or(Color::BLACK);
        let mut colors = vec![default];
        for item in &theme.scopes {
            if let Some(c) = item.style.foreground
                && !colors.contains(&c)
            {
                colors.push(c);
            }
        }
        Palette {
            theme: theme.clone(),
            colors,
        }
    }

    fn place(&self, color: Color) -> usize {
        self.colors.iter().position(|&c| c == color).unwrap_or(0)
    }
}

/// The light theme (Coldark Cold) and the dark one (Coldark Dark), both WCAG AA.
fn palettes() -> &'static (Palette, Palette) {
    static THEMES: OnceLock<(Palette, Palette)> = OnceLock::new();
    THEMES.get_or_init(|| {
        let themes = two_face::theme::extra();
        (
            Palette::new(themes.get(two_face::theme::EmbeddedThemeName::ColdarkCold)),
            Palette::new(themes.get(two_face::theme::EmbeddedThemeName::ColdarkDark)),
        )
    })
}

/// What a run of code looks like: its colour in each theme (places in the palettes) and
/// its font style. `(0, 0, empty)` is plain text.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Look(usize, usize, FontStyle);

impl Look {
    fn of(light: Style, dark: Style) -> Look {
        let (l, d) = palettes();
        Look(
            l.place(light.foreground),
            d.place(dark.foreground),
            light.font_style,
        )
    }

    fn is_plain(self) -> bool {
        self == Look(0, 0, FontStyle::empty())
    }

    fn push_open(self, html: &mut String) {
        use std::fmt::Write;
        let mut classes = String::new();
        if self.0 == self.1 && self.0 != 0 {
            let _ = write!(classes, "h{}", self.0);
        } else if (self.0, self.1) != (0, 0) {
            let _ = write!(classes, "hl{} hd{}", self.0, self.1);
        }
        for (flag, class) in [
            (FontStyle::BOLD, "hb"),
            (FontStyle::ITALIC, "hi"),
            (FontStyle::UNDERLINE, "hu"),
        ] {
            if self.2.contains(flag) {
                if !classes.is_empty() {
                    classes.push(' ');
                }
                classes.push_str(class);
            }
        }
        let _ = write!(html, "<span class=\"{classes}\">");
    }
}

/// Appends runs of code, merging neighbours that look alike.
struct Runs {
    html: String,
    look: Look,
    text: String,
}

impl Runs {
    fn push(&mut self, look: Look, text: &str) {
        if look != self.look {
            self.flush();
            self.look = look;
        }
        self.text.push_str(text);
    }

    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        if self.look.is_plain() {
            escape_html_into(&mut self.html, &self.text);
        } else {
            self.look.push_open(&mut self.html);
            escape_html_into(&mut self.html, &self.text);
            self.html.push_str("</span>");
        }
        self.text.clear();
    }
}

/// Highlighted HTML (the inside of `<code>`) for a known language, `None` otherwise.
pub fn highlight_code(lang: &str, code: &str) -> Option<String> {
    let lang = match lang {
        "sh" | "shell" | "console" => "bash",
        "yml" => "yaml",
        "tf" | "terraform" => "hcl",
        "py" => "python",
        "golang" => "go",
        "rs" => "rust",
        other => other,
    };
    let ss = syntaxes();
    let syntax = ss.find_syntax_by_token(lang)?;
    let (light, dark) = palettes();
    let (light, dark) = (
        Highlighter::new(&light.theme),
        Highlighter::new(&dark.theme),
    );
    let mut light_state = HighlightState::new(&light, ScopeStack::new());
    let mut dark_state = HighlightState::new(&dark, ScopeStack::new());
    let mut parse = ParseState::new(syntax);
    let mut runs = Runs {
        html: String::with_capacity(code.len() * 2),
        look: Look(0, 0, FontStyle::empty()),
        text: String::new(),
    };
    for line in LinesWithEndings::from(code) {
        let ops = parse.parse_line(line, ss).ok()?;
        // Both themes see the same scope changes, so they cut the line in the same places.
        let dark_styles = HighlightIterator::new(&mut dark_state, &ops, line, &dark);
        let light_runs = HighlightIterator::new(&mut light_state, &ops, line, &light);
        for ((light_style, text), (dark_style, _)) in light_runs.zip(dark_styles) {
            runs.push(Look::of(light_style, dark_style), text);
        }
    }
    runs.flush();
    Some(runs.html)
}

/// The stylesheet for highlighted code: the light palette, and the dark one that applies
/// under `prefers-color-scheme: dark` unless the reader chose light, or when the reader
/// chose dark. A palette's first colour is the theme's default: the page's text colour.
pub fn highlight_css() -> String {
    use std::fmt::Write;
    let (light, dark) = palettes();
    let mut out = String::from(
        "/* Generated by hindsight: code highlighting (Coldark themes, WCAG AA). */\n\
         .hb{font-weight:bold}.hi{font-style:italic}.hu{text-decoration:underline}\n",
    );
    let hex = |c: &Color| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
    let both = light.colors.len().min(dark.colors.len());
    for (n, c) in light.colors.iter().enumerate().skip(1) {
        let same = if n < both {
            format!(",.h{n}")
        } else {
            String::new()
        };
        let _ = writeln!(out, ".hl{n}{same}{{color:{}}}", hex(c));
    }
    let dark_rules = |scope: &str| {
        let mut rules = String::new();
        for (n, c) in dark.colors.iter().enumerate() {
            let color = if n == 0 { "inherit".into() } else { hex(c) };
            let same = if n < both && n > 0 {
                format!(",{scope} .h{n}")
            } else {
                String::new()
            };
            let _ = writeln!(rules, "{scope} .hd{n}{same}{{color:{color}}}");
        }
        rules
    };
    out.push_str(&dark_rules("html[data-theme=\"dark\"]"));
    out.push_str("@media (prefers-color-scheme: dark) {\n");
    out.push_str(&dark_rules("html:not([data-theme=\"light\"])"));
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_languages_highlight() {
        for lang in [
            "bash", "yaml", "json", "sql", "hcl", "python", "go", "rust", "toml",
        ] {
            let html = highlight_code(lang, "x = 1\n# note\n");
            assert!(
                html.as_deref()
                    .is_some_and(|h| h.contains("<span class=\"h")),
                "{lang}: {html:?}"
            );
        }
        assert!(highlight_code("no-such-language", "x").is_none());
    }

    #[test]
    fn runs_alike_share_a_span_and_text_is_escaped() {
        let html = highlight_code("yaml", "service: cdn # a <b> & c\n").unwrap();
        let text: String = html
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
            .collect();
        assert_eq!(text, "service: cdn # a &lt;b&gt; &amp; c\n");
        // Key, colon, value, comment: a handful of spans, none empty, none nested.
        let spans = html.matches("<span").count();
        assert!((2..=5).contains(&spans), "{html}");
        assert!(!html.contains("\"></span>") && !html.contains("<span class=\"hl0 hd0\">"));
        assert_eq!(html.matches("</span>").count(), spans);
    }

    #[test]
    fn every_class_used_has_a_rule_in_both_themes() {
        let css = highlight_css();
        let html =
            highlight_code("rust", "/// Doc\nfn main() { let x = \"s\"; 1 + 2; }\n").unwrap();
        for class in html
            .split("class=\"")
            .skip(1)
            .flat_map(|s| s.split('"').next().unwrap().split(' '))
        {
            let rule = |scope: &str| {
                css.lines().any(|l| {
                    l.split('{')
                        .next()
                        .unwrap()
                        .split(',')
                        .any(|s| s == format!("{scope}.{class}"))
                })
            };
            let dark = "html[data-theme=\"dark\"] ";
            match class {
                "hb" | "hi" | "hu" | "hl0" => {}
                c if c.starts_with("hl") => assert!(rule(""), "{class}: {css}"),
                c if c.starts_with("hd") => assert!(rule(dark), "{class}: {css}"),
                _ => assert!(rule("") && rule(dark), "{class}: {css}"),
            }
        }
        assert!(css.contains("prefers-color-scheme: dark"));
    }
}

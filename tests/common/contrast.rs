//! WCAG 2 contrast of the theme's colour variables, light and dark: every text colour on
//! every background the theme puts it on reaches 4.5:1 (AA, normal text), and the focus
//! ring reaches 3:1 (non-text contrast). axe-core checks rendered pages too; this covers
//! colour pairs the sample pages may not show.

use std::collections::BTreeMap;

/// Text colour on background, both variable names, that the default theme uses.
const TEXT_PAIRS: &[(&str, &str)] = &[
    ("--fg", "--bg"),
    ("--fg", "--bg-soft"),
    ("--fg", "--bg-raised"),
    ("--fg", "--accent-soft"),
    ("--fg", "--code-bg"),
    ("--fg", "--mark"),
    ("--fg-muted", "--bg"),
    ("--fg-muted", "--bg-soft"),
    ("--fg-muted", "--bg-raised"),
    ("--fg-muted", "--accent-soft"),
    ("--fg-muted", "--code-bg"),
    ("--link", "--bg"),
    ("--link", "--bg-soft"),
    ("--link", "--bg-raised"),
    ("--link", "--accent-soft"),
    ("--accent", "--bg"),
    ("--accent", "--accent-soft"),
    ("--accent-contrast", "--accent"),
    ("--ok", "--bg"),
    ("--warn", "--bg"),
    ("--danger", "--bg"),
];

/// Non-text pairs (WCAG 1.4.11): the focus outline against the page.
const UI_PAIRS: &[(&str, &str)] = &[("--accent", "--bg"), ("--accent", "--bg-soft")];

const LIGHT: &str = ":root";
const DARK: &str = "html[data-theme=\"dark\"]";
/// The same dark palette, applied when the reader's system prefers dark.
const DARK_BY_PREFERENCE: &str = "html:not([data-theme=\"light\"])";

/// The custom properties declared in one rule of a stylesheet.
pub struct Palette {
    vars: BTreeMap<String, String>,
}

impl Palette {
    /// The custom properties of the first rule whose selector is exactly `selector`.
    pub fn parse(css: &str, selector: &str) -> Option<Palette> {
        let mut from = 0;
        while let Some(at) = css[from..].find(selector) {
            let start = from + at;
            let after = css[start + selector.len()..].trim_start();
            let preceded_ok = css[..start]
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || c == '}' || c == '{' || c == '/');
            if preceded_ok && after.starts_with('{') {
                let open = css.len() - after.len();
                let close = open + css[open..].find('}')?;
                let vars = css[open + 1..close]
                    .split(';')
                    .filter_map(|decl| {
                        let (k, v) = decl.split_once(':')?;
                        let k = k.trim();
                        k.starts_with("--")
                            .then(|| (k.to_string(), v.trim().to_string()))
                    })
                    .collect();
                return Some(Palette { vars });
            }
            from = start + selector.len();
        }
        None
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// This palette with `other`'s declarations taking precedence.
    fn overlaid(&self, other: &Palette) -> Palette {
        let mut vars = self.vars.clone();
        vars.extend(other.vars.clone());
        Palette { vars }
    }
}

/// Every contrast failure of the light and dark palettes in `css`, as
/// `mode: --text on --background: ratio < minimum`.
pub fn theme_problems(css: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(light) = Palette::parse(css, LIGHT) else {
        return vec![format!("no `{LIGHT}` rule with the light palette")];
    };
    let Some(dark) = Palette::parse(css, DARK) else {
        return vec![format!("no `{DARK}` rule with the dark palette")];
    };
    match Palette::parse(css, DARK_BY_PREFERENCE) {
        None => problems.push(format!(
            "no `{DARK_BY_PREFERENCE}` rule for prefers-color-scheme: dark"
        )),
        Some(by_pref) if by_pref.vars != dark.vars => problems.push(format!(
            "dark: the `{DARK}` and `{DARK_BY_PREFERENCE}` palettes differ"
        )),
        Some(_) => {}
    }
    // Dark mode redefines some variables; the rest come from the light palette.
    let dark = light.overlaid(&dark);
    for (mode, palette) in [("light", &light), ("dark", &dark)] {
        for (pairs, minimum) in [(TEXT_PAIRS, 4.5), (UI_PAIRS, 3.0)] {
            for (fg, bg) in pairs {
                let colour = |name: &str| {
                    palette
                        .get(name)
                        .ok_or_else(|| format!("{mode}: {name} is not defined"))
                        .and_then(|v| {
                            parse_colour(v)
                                .ok_or_else(|| format!("{mode}: {name}: cannot read colour `{v}`"))
                        })
                };
                match (colour(fg), colour(bg)) {
                    (Ok(f), Ok(b)) => {
                        let ratio = contrast_ratio(f, b);
                        if ratio < minimum {
                            problems.push(format!(
                                "{mode}: {fg} on {bg}: {ratio:.2}:1, below {minimum}:1"
                            ));
                        }
                    }
                    (f, b) => problems.extend([f.err(), b.err()].into_iter().flatten()),
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// `#rgb`, `#rrggbb` or `rgb(r, g, b)` as 0–255 channels.
pub fn parse_colour(v: &str) -> Option<[f64; 3]> {
    let v = v.trim();
    if let Some(hex) = v.strip_prefix('#') {
        let full: String = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_string(),
            _ => return None,
        };
        let ch = |i: usize| u8::from_str_radix(&full[i..i + 2], 16).ok().map(f64::from);
        return Some([ch(0)?, ch(2)?, ch(4)?]);
    }
    let inner = v.strip_prefix("rgb(")?.strip_suffix(')')?;
    let nums: Vec<f64> = inner
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    (nums.len() == 3).then(|| [nums[0], nums[1], nums[2]])
}

/// WCAG 2 relative luminance.
fn luminance([r, g, b]: [f64; 3]) -> f64 {
    let lin = |c: f64| {
        let c = c / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn contrast_ratio(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

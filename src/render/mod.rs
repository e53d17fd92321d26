//! Stage 5: render pages with Tera templates.

pub mod files;
pub mod outputs;
pub mod tags;
pub mod theme;
pub mod views;

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use theme::Theme;

/// The loaded templates, ready to render any page in parallel.
pub struct Renderer {
    tera: Tera,
    origins: HashMap<String, PathBuf>,
    /// The fields of [`OPTIONAL_FIELDS`] some template names.
    read_fields: Vec<&'static str>,
}

/// Page fields costly enough to build only for a theme that reads them: `terms_used` is
/// ~90 terms with their summaries on every page of a densely linked site, and the default
/// theme shows none of it.
pub const OPTIONAL_FIELDS: [&str; 1] = ["terms_used"];

impl Renderer {
    /// Compile every template of the theme; syntax errors name template, line and column.
    pub fn new(theme: &Theme, site_globals: &Context) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        let mut origins = HashMap::new();
        let mut sources = Vec::new();
        let mut errors = Vec::new();
        for (name, file) in &theme.templates {
            origins.insert(name.clone(), file.origin.clone());
            match std::str::from_utf8(&file.bytes) {
                Ok(s) => sources.push((name.clone(), s.to_string())),
                Err(_) => errors.push(Diagnostic::error(
                    &file.origin,
                    0,
                    0,
                    "template is not valid UTF-8",
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let read_fields = OPTIONAL_FIELDS
            .into_iter()
            .filter(|field| sources.iter().any(|(_, text)| text.contains(field)))
            .collect();
        if let Err(e) = tera.add_raw_templates(sources) {
            return Err(template_errors(&e, &origins));
        }
        tera.global_context().extend(site_globals.clone());
        Ok(Renderer {
            tera,
            origins,
            read_fields,
        })
    }

    /// Whether a template names `field` (one of [`OPTIONAL_FIELDS`]).
    pub fn reads(&self, field: &str) -> bool {
        self.read_fields.contains(&field)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    pub fn render(&self, template: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| template_error(&e, &self.origins))
    }
}

/// Tera reports several template problems at once as one message of
/// `error: …` / ` --> name:line:col` blocks; split it into one diagnostic each.
fn template_errors(e: &tera::Error, origins: &HashMap<String, PathBuf>) -> Vec<Diagnostic> {
    if !matches!(e.kind(), tera::ErrorKind::Msg(_)) {
        return vec![template_error(e, origins)];
    }
    let text = e.to_string();
    let mut found = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let Some(place) = line.trim_start().strip_prefix("--> ") {
            let mut parts = place.rsplitn(3, ':');
            let (col, line_no, name) = (parts.next(), parts.next(), parts.next());
            if let (Some(col), Some(line_no), Some(name), Some(m)) =
                (col, line_no, name, message.take())
            {
                let origin = origins
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| PathBuf::from(name));
                found.push(Diagnostic::error(
                    origin,
                    line_no.parse().unwrap_or(0),
                    col.parse().unwrap_or(0),
                    format!("template error: {m}"),
                ));
            }
        }
    }
    if found.is_empty() {
        vec![template_error(e, origins)]
    } else {
        found
    }
}

/// Turn a Tera error into `path:line:col: message` pointing at the template file.
fn template_error(e: &tera::Error, origins: &HashMap<String, PathBuf>) -> Diagnostic {
    use tera::ErrorKind;
    let origin = |name: &str| {
        origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let span = r.span();
            Diagnostic::error(
                origin(r.filename()),
                span.start_line,
                span.start_col + 1,
                format!("template error: {}", r.message()),
            )
        }
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error("templates", 0, 0, format!("template `{name}` not found"))
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            origin(current),
            1,
            1,
            format!("template extends `{parent}`, which does not exist"),
        ),
        _ => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error("templates", 0, 0, format!("template error: {msg}"))
        }
    }
}

/// Site-wide template values, set once per build rather than per page.
pub fn site_globals(
    config: &Config,
    nav: &[views::NavItem],
    has_tags: bool,
    term_tips: Option<String>,
    live_reload: bool,
) -> Context {
    let mut ctx = Context::new();
    ctx.insert(
        "site",
        &views::SiteView {
            title: config.book.title.clone(),
            description: config.book.description.clone(),
            language: config.book.language.clone(),
            authors: config.book.authors.clone(),
            base_path: config.base_path(),
            search_enabled: config.search.enabled,
            additional_css: config.output.html.additional_css.clone(),
            nav: nav.to_vec(),
            nav_inline_from: views::header_fits_from(&config.book.title, nav),
            tags_url: has_tags.then(|| crate::content::tags::TAGS_URL.to_string()),
            term_tips,
            live_reload,
            generator: concat!("Hindsight ", env!("CARGO_PKG_VERSION")),
        },
    );
    ctx
}

/// mimalloc instead of glibc's allocator: a build allocates and frees millions of small
/// strings across two threads, where glibc's malloc took ~12 % of `check`'s CPU
/// (dense 10,000-page site: `check` user CPU 7.4 → 6.6 s, wall 4.45 → 4.05 s).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Commit mimalloc's arena memory as it is used, not all at once: without this a 10,000-page
/// build peaked ~55 MB higher than with glibc's allocator; with it, as low. It must be set
/// before the first allocation reserves the first arena, so it runs as a constructor,
/// before `main`. (`mi_option_arena_eager_commit` in mimalloc.h; the Rust bindings do not
/// name it.)
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_ARENAS_LAZILY: extern "C" fn() = {
    extern "C" fn commit_arenas_lazily() {
        const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
        // SAFETY: sets an option's value; it allocates nothing.
        unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) };
    }
    commit_arenas_lazily
};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hindsight::diagnostics::Diagnostics;
use hindsight::pipeline::{BuildError, BuildOptions, build, check};
use hindsight::scaffold::{CiProvider, init_site, new_page};

/// Hindsight builds an incident knowledge base (glossary, post-mortems, role-play scripts,
/// guidelines) into a searchable, cross-linked static site.
#[derive(Parser)]
#[command(name = "hindsight", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct SiteArgs {
    /// Folder of the site (holding book.toml and content/).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Also build pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Report broken links as warnings instead of failing.
    #[arg(long)]
    warn_links: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the build dir (default `site/`), replacing it only on success.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Write the site here instead of `build.build-dir`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the output folder even if hindsight did not build it (it is deleted).
        #[arg(long)]
        force: bool,
        /// Override `build.base-url`, e.g. the URL a CI host publishes the site at.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Run every validation of a build and write nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Serve the site locally; every save rebuilds it and reloads open pages.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on [default: 3000, or the next free one].
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on; 0.0.0.0 exposes the server to your network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Poll for changes instead of using OS events (network drives, WSL, containers).
        #[arg(long)]
        poll: bool,
    },
    /// Create a new site with sample entries of each kind, ready to build.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
        /// Also write a workflow that builds and publishes the site.
        #[arg(long, value_enum)]
        ci: Option<CiProvider>,
    },
    /// Bring an mdBook book or a folder of Markdown into the content dir as one section.
    Import {
        /// The book (a folder with book.toml and src/SUMMARY.md) or folder of Markdown.
        source: PathBuf,
        /// Folder of the site to import into.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The section's name [default: the book's title or the folder's name].
        #[arg(long)]
        section: Option<String>,
    },
    /// Internal: delete the site a build replaced, in the background (see `output::swap`).
    #[command(hide = true)]
    DiscardSite {
        /// The build's output folder.
        #[arg(long)]
        site: PathBuf,
        /// The previous site beside it.
        old: PathBuf,
    },
    /// Create a new page from its kind's template; the slug comes from the title.
    New {
        /// glossary, postmortem, script, guideline, path, page, or a kind declared in
        /// book.toml ([kinds.<name>]).
        kind: String,
        /// The page's title, e.g. "Blast Radius".
        title: String,
        /// Folder of the site.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn report(diags: &Diagnostics) {
    if !diags.is_empty() {
        hindsight::console::err(format_args!("{diags}"));
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let options = |s: &SiteArgs, out: Option<PathBuf>| BuildOptions {
        include_drafts: s.drafts,
        warn_links: s.warn_links,
        out_dir: out,
        ..BuildOptions::default()
    };
    match cli.command {
        Command::Build {
            site,
            out,
            force,
            base_url,
        } => {
            let options = BuildOptions {
                force,
                base_url,
                ..options(&site, out)
            };
            build_site(&site.root, &options)
        }
        Command::Check { site } => match check(&site.root, &options(&site, None)) {
            Ok(w) => {
                report(&w);
                hindsight::outln!("No errors found.");
                ExitCode::SUCCESS
            }
            Err(d) => fail(&d),
        },
        Command::Serve {
            site,
            port,
            bind,
            open,
            poll,
        } => {
            let options = hindsight::serve::ServeOptions {
                root: site.root,
                port,
                bind,
                poll,
                include_drafts: site.drafts,
                warn_links: site.warn_links,
                quiet: false,
            };
            match hindsight::serve::run(options, open) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    hindsight::errln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir, ci } => match init_site(&dir, ci) {
            Ok(()) => {
                hindsight::outln!(
                    "Created a new site in {}. Build it with: hindsight build --root {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                hindsight::errln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Import {
            source,
            root,
            section,
        } => import_into(&root, &source, section.as_deref()),
        Command::DiscardSite { site, old } => match hindsight::output::discard_site(&site, &old) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                hindsight::errln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::New { kind, title, root } => match new_page(&root, &kind, &title) {
            Ok(path) => {
                hindsight::outln!("Created {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                hindsight::errln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}

fn import_into(
    root: &std::path::Path,
    source: &std::path::Path,
    section: Option<&str>,
) -> ExitCode {
    let mut diags = Diagnostics::default();
    let Some(config) = hindsight::pipeline::read_config(root, &mut diags) else {
        return fail(&diags);
    };
    let imported = match hindsight::import::import(root, &config.content_dir(), source, section) {
        Ok(r) => r,
        Err(e) => {
            hindsight::errln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let what = match &imported.book_title {
        Some(title) => format!("the mdBook book \"{title}\""),
        None => format!("{}", source.display()),
    };
    hindsight::outln!(
        "Imported {} pages and {} other files from {what} into {}",
        imported.pages,
        imported.assets,
        imported.section_dir.display()
    );
    if let Some(path) = &imported.path_file {
        hindsight::outln!("Wrote the learning path {}", path.display());
    }
    for note in &imported.notes {
        hindsight::outln!("note: {note}");
    }
    match check(root, &BuildOptions::default()) {
        Ok(w) => {
            report(&w);
            hindsight::outln!("The site builds: run `hindsight serve` to read it.");
            ExitCode::SUCCESS
        }
        Err(d) => {
            report(&d);
            hindsight::errln!(
                "error: the imported pages were kept, but the site does not build yet: fix the errors above"
            );
            ExitCode::from(1)
        }
    }
}

fn build_site(root: &std::path::Path, options: &BuildOptions) -> ExitCode {
    match build(root, options) {
        Ok(mut r) => {
            if let (Some(old), Ok(program)) = (r.old_site.take(), std::env::current_exe()) {
                old.discard_in_background(&program);
            }
            report(&r.warnings);
            hindsight::outln!(
                "Built {} pages ({} files) into {} in {:.0?}",
                r.pages,
                r.files,
                r.out_dir.display(),
                r.elapsed
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(d)) => fail(&d),
        Err(BuildError::Output(refusal)) => {
            hindsight::errln!("error: {refusal}");
            ExitCode::from(2)
        }
    }
}

fn fail(diags: &Diagnostics) -> ExitCode {
    report(diags);
    let n = diags.errors().count();
    hindsight::errln!(
        "error: build failed with {n} error{}; the previous output was left untouched",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::from(1)
}

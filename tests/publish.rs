//! `hindsight init --ci github|gitlab`: the workflow parses as YAML, and its build command,
//! run as the CI host would run it (with a sub-path base URL), builds a site whose sitemap
//! and robots.txt carry absolute URLs.

use std::path::Path;
use std::process::Command;

fn hindsight(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hindsight"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

/// The `run` lines of every step (GitHub) or the `script` lines of the `pages` job (GitLab).
fn commands(workflow: &serde_json::Value) -> Vec<String> {
    let github = workflow["jobs"]["build"]["steps"].as_array().map(|steps| {
        steps
            .iter()
            .filter_map(|s| s["run"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    });
    github.unwrap_or_else(|| {
        workflow["pages"]["script"]
            .as_array()
            .expect("a pages job with a script")
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect()
    })
}

/// Runs the workflow's `hindsight build` line in a shell, with this build of hindsight first
/// on PATH and the host's base URL put in as the host would.
fn run_build_step(site: &Path, workflow_path: &str, expand: &dyn Fn(&str) -> String) {
    let text = std::fs::read_to_string(site.join(workflow_path)).unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let build = commands(&workflow)
        .into_iter()
        .find(|c| c.starts_with("hindsight build"))
        .expect("a hindsight build step");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hindsight")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let out = Command::new("sh")
        .arg("-c")
        .arg(expand(&build))
        .current_dir(site)
        .env("PATH", path)
        .env("CI_PAGES_URL", "https://team.gitlab.io/kb")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{build}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_published_under(site: &Path, url: &str) {
    let public = site.join("public");
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains(&format!("<loc>{url}/glossary/")),
        "{sitemap}"
    );
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {url}/sitemap.xml")),
        "{robots}"
    );
    // Pages link relatively, so the site works under the host's sub-path.
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(
        !home.contains("href=\"/glossary"),
        "absolute link in the home page"
    );
}

#[test]
fn github_pages_workflow_builds_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let out = hindsight(tmp.path(), &["init", "kb", "--ci", "github"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = tmp.path().join("kb");
    run_build_step(&site, ".github/workflows/pages.yml", &|c| {
        c.replace(
            "${{ steps.pages.outputs.base_url }}",
            "https://team.github.io/kb",
        )
    });
    assert_published_under(&site, "https://team.github.io/kb");
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public/") && ignore.lines().any(|l| l == "/site/"));
}

#[test]
fn gitlab_pages_job_builds_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        hindsight(tmp.path(), &["init", "kb", "--ci", "gitlab"])
            .status
            .success()
    );
    let site = tmp.path().join("kb");
    run_build_step(&site, ".gitlab-ci.yml", &|c| c.to_owned());
    assert_published_under(&site, "https://team.gitlab.io/kb");
    assert!(!site.join(".github").exists());
}

#[test]
fn a_bare_path_base_url_leaves_the_sitemap_line_out_and_check_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(hindsight(tmp.path(), &["init", "kb"]).status.success());
    let site = tmp.path().join("kb");
    assert!(hindsight(&site, &["build"]).status.success());
    let robots = std::fs::read_to_string(site.join("site/robots.txt")).unwrap();
    assert!(!robots.contains("Sitemap"), "{robots}");
    // Without the key the warning points at the file's start; with it, at the key.
    let check = hindsight(&site, &["check"]);
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains("book.toml:1:1: warning: base-url is a path"),
        "{err}"
    );
    let book = std::fs::read_to_string(site.join("book.toml")).unwrap();
    let book = book.replace("[build]\n", "[build]\nbase-url = \"/kb/\"\n");
    std::fs::write(site.join("book.toml"), &book).unwrap();
    let line = 1 + book
        .lines()
        .position(|l| l.starts_with("base-url"))
        .unwrap();
    let check = hindsight(&site, &["check"]);
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        check.status.success()
            && err.contains(&format!("book.toml:{line}:1: warning: base-url is a path")),
        "{err}"
    );
}

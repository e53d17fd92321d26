//! Training pages built from small fixture sites: scripts as dialogues, guidelines with the
//! lines that demonstrate their techniques, learning paths, flashcards and quiz, and the
//! errors bad training content produces.

use std::path::{Path, PathBuf};

use hindsight::pipeline::{BuildOptions, build};
use scraper::{Html, Selector};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("book.toml"),
            "[book]\ntitle = \"Fixture\"\n",
        )
        .unwrap();
        for (rel, text) in files {
            let path = dir.path().join("content").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Fixture { dir }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn build(&self) -> Result<(), Vec<String>> {
        let options = BuildOptions {
            out_dir: Some(self.out()),
            ..BuildOptions::default()
        };
        build(self.dir.path(), &options).map(|_| ()).map_err(|d| {
            hindsight::diagnostics::Diagnostics::from(d)
                .errors()
                .map(|e| e.to_string())
                .collect()
        })
    }

    fn page(&self, url: &str) -> Html {
        let text = std::fs::read_to_string(self.out().join(url).join("index.html"))
            .unwrap_or_else(|e| panic!("{url}: {e}"));
        Html::parse_document(&text)
    }

    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap()
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &Html, s: &str) -> Vec<String> {
    doc.select(&sel(s))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

fn attrs(doc: &Html, s: &str, attr: &str) -> Vec<String> {
    doc.select(&sel(s))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

const GUIDELINE: &str = "---
title: Facts not blame
summary: Steer to the system.
techniques:
  - id: redirect-blame
    name: Redirect blame to the system
    description: Turn who into why.
  - id: time-box
    name: Time-box the discussion
---

## The principle

Facilitate, don't judge.

## Do

- Ask what happened.

## Don't

- Don't accept human error.
";

const SCRIPT: &str = "---
title: Replication review
summary: Lead it.
scenario: Replicas fell behind.
roles:
  You: Post-mortem lead
  CTO: Chief Technology Officer
learner: You
postmortem: db-failure
---

Read this before the meeting, and see [[Runbook]].

## Opening {minutes=2}

*The CTO arrives late.*

You: Thanks for coming. {technique=time-box}

CTO: Who was monitoring this?

(A long pause.)

## Root cause {minutes=10}

You: Let's hold the *who* and check the [[Runbook]]. {technique=redirect-blame}

CTO: Fine.
";

fn good_site() -> Fixture {
    Fixture::new(&[
        ("guidelines/facts-not-blame.md", GUIDELINE),
        ("scripts/replication.md", SCRIPT),
        (
            "postmortems/db-failure.md",
            "---\ntitle: DB failure\n---\nBody.\n",
        ),
        (
            "glossary/runbook.md",
            "---\ntitle: Runbook\nsummary: Steps for a known failure.\ntags: [ops]\nrelated: [on-call]\n---\nText.\n",
        ),
        (
            "glossary/on-call.md",
            "---\ntitle: On-call\nsummary: Being reachable to respond.\ntags: [ops]\n---\nText.\n",
        ),
        (
            "glossary/slo.md",
            "---\ntitle: SLO\nsummary: A target for a service level.\ntags: [metrics]\n---\nText.\n",
        ),
        (
            "glossary/sli.md",
            "---\ntitle: SLI\nsummary: A measured service level.\ntags: [metrics]\n---\nText.\n",
        ),
        (
            "glossary/toil.md",
            "---\ntitle: Toil\nsummary: Manual, repetitive work.\ntags: [ops]\n---\nText.\n",
        ),
        (
            "paths/first-week.md",
            "---\ntitle: First week\nsummary: Start here.\nsteps:\n  - glossary/runbook\n  - guidelines/facts-not-blame\n  - scripts/replication\n---\nIntro.\n",
        ),
    ])
}

#[test]
fn script_renders_as_a_dialogue() {
    let site = good_site();
    site.build().unwrap();
    let doc = site.page("scripts/replication");

    assert_eq!(
        texts(&doc, ".dialogue .line .speaker strong"),
        ["You", "CTO", "You", "CTO"]
    );
    assert_eq!(doc.select(&sel(".dialogue .line.learner")).count(), 2);
    assert_eq!(
        texts(&doc, ".dialogue .line .badge"),
        ["You", "CTO", "You", "CTO"]
    );
    // The role is spelled out on each speaker's first line, and in the cast.
    assert_eq!(
        texts(&doc, ".line .role"),
        ["Post-mortem lead", "Chief Technology Officer"]
    );
    assert_eq!(texts(&doc, ".cast li.learner strong"), ["You"]);
    assert_eq!(
        texts(&doc, ".dialogue .direction"),
        ["The CTO arrives late.", "(A long pause.)"]
    );
    assert_eq!(texts(&doc, ".dialogue .says")[0], "Thanks for coming.");
    // Inline Markdown and wikilinks inside a line are rendered and resolved.
    let says = doc.select(&sel(".line .says")).nth(2).unwrap().inner_html();
    assert!(says.contains("<em>who</em>"), "{says}");
    assert!(says.contains("href=\"../../glossary/runbook/\""), "{says}");
    // The introduction before the first phase is prose.
    assert_eq!(texts(&doc, ".script-prose a"), ["Runbook"]);

    // Line anchors, technique tags pointing at the technique on its guideline.
    assert_eq!(
        attrs(&doc, ".dialogue .line", "id"),
        [
            "opening-line-1",
            "opening-line-2",
            "root-cause-line-1",
            "root-cause-line-2"
        ]
    );
    assert_eq!(
        attrs(&doc, ".line .technique-tag", "href"),
        [
            "../../guidelines/facts-not-blame/#technique-time-box",
            "../../guidelines/facts-not-blame/#technique-redirect-blame"
        ]
    );

    // Phase bar: time boxes and the total (the sum of the phases, no `duration` given).
    assert_eq!(texts(&doc, ".phase-bar .phase-time"), ["2 min", "10 min"]);
    assert_eq!(
        attrs(&doc, ".phase-bar a", "href"),
        ["#opening", "#root-cause"]
    );
    assert_eq!(texts(&doc, ".phase-total"), ["12 min"]);
    assert_eq!(attrs(&doc, ".phase > h2", "id"), ["opening", "root-cause"]);
    assert!(texts(&doc, ".rehearses")[0].contains("DB failure"));

    // Without JavaScript the practice toggle stays hidden and a note says why.
    let toggle = doc.select(&sel(".practice-toggle")).next().unwrap();
    assert!(toggle.value().attr("hidden").is_some());
    assert!(texts(&doc, ".needs-js")[0].contains("needs JavaScript"));
    assert_eq!(
        attrs(&doc, "script[src$='training.js']", "src"),
        ["../../training.js"]
    );
    assert_eq!(
        attrs(&doc, "link[href$='training.css']", "href"),
        ["../../training.css"]
    );
}

#[test]
fn front_matter_duration_wins_over_the_phase_sum() {
    let site = Fixture::new(&[
        ("guidelines/g.md", GUIDELINE),
        (
            "scripts/s.md",
            "---\ntitle: S\nroles:\n  You: Lead\nduration: 15\n---\n## A {minutes=5}\n\nYou: Hi.\n\n## B {minutes=5}\n\nYou: Bye.\n",
        ),
    ]);
    site.build().unwrap();
    let doc = site.page("scripts/s");
    assert_eq!(texts(&doc, ".phase-total"), ["15 min (10 min of phases)"]);
}

#[test]
fn guideline_quotes_each_demonstrating_line() {
    let site = good_site();
    site.build().unwrap();
    let doc = site.page("guidelines/facts-not-blame");
    assert_eq!(
        attrs(&doc, ".technique", "id"),
        ["technique-redirect-blame", "technique-time-box"]
    );
    assert_eq!(
        texts(&doc, "#technique-redirect-blame h3"),
        ["Redirect blame to the system#"]
    );
    let quotes = texts(&doc, "#technique-redirect-blame .demos blockquote");
    assert_eq!(quotes, ["Let’s hold the who and check the Runbook."]);
    let links = attrs(&doc, "#technique-redirect-blame .demo-source a", "href");
    assert_eq!(links, ["../../scripts/replication/#root-cause-line-1"]);
    // The line anchor the guideline links to exists on the script page.
    let script = site.page("scripts/replication");
    assert_eq!(script.select(&sel("#root-cause-line-1")).count(), 1);
    // The link inside the quoted line is relative to the guideline page.
    let quote = doc
        .select(&sel("#technique-redirect-blame blockquote"))
        .next()
        .unwrap()
        .inner_html();
    assert!(
        quote.contains("href=\"../../glossary/runbook/\""),
        "{quote}"
    );
    // The table of contents lists the techniques after the body's sections.
    assert_eq!(
        attrs(&doc, ".toc a", "href"),
        [
            "#the-principle",
            "#do",
            "#don-t",
            "#techniques-title",
            "#technique-redirect-blame",
            "#technique-time-box"
        ]
    );
    // Body sections laid out by role.
    assert_eq!(
        doc.select(&sel(".guideline-section.role-principle"))
            .count(),
        1
    );
    assert_eq!(
        texts(&doc, ".guideline-section.role-do li"),
        ["Ask what happened."]
    );
    assert_eq!(
        doc.select(&sel(".guideline-section.role-dont li")).count(),
        1
    );
}

#[test]
fn learning_path_lists_steps_and_step_pages_show_where_they_are() {
    let site = good_site();
    site.build().unwrap();
    let path = site.page("paths/first-week");
    assert_eq!(
        texts(&path, ".path-step .step-link"),
        ["Runbook", "Facts not blame", "Replication review"]
    );
    assert_eq!(
        attrs(&path, ".path-step .step-link", "href"),
        [
            "../../glossary/runbook/?path=first-week",
            "../../guidelines/facts-not-blame/?path=first-week",
            "../../scripts/replication/?path=first-week"
        ]
    );
    assert_eq!(
        texts(&path, ".path-step .kind-badge"),
        ["term", "guideline", "script"]
    );

    let step = site.page("guidelines/facts-not-blame");
    let nav = step
        .select(&sel(".path-nav"))
        .next()
        .expect("step navigation");
    assert_eq!(nav.value().attr("data-path-nav"), Some("first-week"));
    assert!(
        nav.value().attr("hidden").is_some(),
        "shown by JS only with ?path="
    );
    let where_ = texts(&step, ".path-nav-where")[0].clone();
    assert!(where_.contains("Step 2 of 3"), "{where_}");
    // The next step is named once, on its link, not again beside the step count.
    assert!(!where_.contains("next:"), "{where_}");
    assert!(
        texts(&step, ".path-nav .path-next")[0].contains("Next: Replication review"),
        "{:?}",
        texts(&step, ".path-nav .path-next")
    );
    assert_eq!(
        attrs(&step, ".path-nav .path-next", "href"),
        ["../../scripts/replication/?path=first-week"]
    );
    assert_eq!(
        attrs(&step, ".path-nav .path-prev", "href"),
        ["../../glossary/runbook/?path=first-week"]
    );
    // A glossary step gets the navigation and the training script, other terms do not.
    let term = site.page("glossary/runbook");
    assert_eq!(term.select(&sel(".path-nav")).count(), 1);
    assert_eq!(term.select(&sel("script[src$='training.js']")).count(), 1);
    let other = site.page("glossary/slo");
    assert_eq!(other.select(&sel(".path-nav")).count(), 0);
    assert_eq!(other.select(&sel("script[src$='training.js']")).count(), 0);
    assert_eq!(other.select(&sel("link[href$='training.css']")).count(), 0);
}

#[test]
fn flashcards_and_quiz_pages_embed_the_glossary_deck() {
    let site = good_site();
    site.build().unwrap();
    for url in ["train/flashcards", "train/quiz"] {
        let doc = site.page(url);
        assert_eq!(
            attrs(&doc, "script[src$='cards.js']", "src"),
            ["../../train/cards.js"],
            "{url}"
        );
        assert_eq!(attrs(&doc, "[data-trainer]", "data-root"), ["../../"]);
        let tags: Vec<String> = texts(&doc, "select option").into_iter().collect();
        assert!(
            tags.contains(&"ops".to_string()) && tags.contains(&"metrics".to_string()),
            "{tags:?}"
        );
    }
    let js = site.file("train/cards.js");
    let json = js
        .split_once("window.HINDSIGHT_CARDS = ")
        .unwrap()
        .1
        .trim_end()
        .trim_end_matches(';');
    let cards: serde_json::Value = serde_json::from_str(json).unwrap();
    let cards = cards.as_array().unwrap();
    let terms: Vec<&str> = cards.iter().map(|c| c["t"].as_str().unwrap()).collect();
    assert_eq!(terms, ["On-call", "Runbook", "SLI", "SLO", "Toil"]);
    let runbook = &cards[1];
    assert_eq!(runbook["d"], "Steps for a known failure.");
    assert_eq!(runbook["u"], "glossary/runbook/");
    // Distractors: the related term first, then the other term sharing the `ops` tag.
    let plausible: Vec<&str> = runbook["p"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| terms[i.as_u64().unwrap() as usize])
        .collect();
    assert_eq!(plausible, ["On-call", "Toil"]);
    let hub = site.page("train");
    assert_eq!(
        texts(&hub, ".card-list a"),
        ["Replication review", "First week"]
    );
}

#[test]
fn bad_training_content_reports_every_error_with_its_position() {
    let site = Fixture::new(&[
        ("guidelines/g.md", GUIDELINE),
        (
            "scripts/bad.md",
            "---
title: Bad
roles:
  You: Lead
  CTO: Chief
learner: Lead
postmortem: db-failur
---
## Opening

Bob: Hello.

## Middle {minutes=ten}

You: Fine. {technique=redirect-blam}
",
        ),
        ("postmortems/db-failure.md", "---\ntitle: DB\n---\n"),
        (
            "paths/p.md",
            "---\ntitle: P\nsteps:\n  - scripts/bad\n  - glossary/nope\n---\n",
        ),
    ]);
    let errors = site.build().unwrap_err();
    let expected = [
        "content/paths/p.md:5:5: error: unknown step `glossary/nope`",
        "content/scripts/bad.md:6:10: error: learner `Lead` is not among the script's `roles`",
        "content/scripts/bad.md:7:13: error: unknown post-mortem `db-failur`; did you mean `db-failure`?",
        "content/scripts/bad.md:9:1: error: phase `Opening` has no time box",
        "content/scripts/bad.md:11:1: error: undeclared speaker `Bob`",
        "content/scripts/bad.md:13:12: error: invalid time box `minutes=ten`",
        "content/scripts/bad.md:15:23: error: unknown technique `redirect-blam`",
    ];
    assert_eq!(errors.len(), expected.len(), "{errors:#?}");
    for (e, want) in errors.iter().zip(expected) {
        assert!(
            e.replace('\\', "/").starts_with(want),
            "expected `{want}`, got `{e}`"
        );
    }
    assert!(!site.out().exists(), "nothing written on failure");
}

#[test]
fn duplicate_technique_ids_are_errors() {
    let site = Fixture::new(&[
        ("guidelines/a.md", GUIDELINE),
        (
            "guidelines/b.md",
            "---\ntitle: B\ntechniques:\n  - id: time-box\n    name: Again\n---\n",
        ),
    ]);
    let errors = site.build().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("b.md:4:"), "{}", errors[0]);
    assert!(
        errors[0].contains("technique `time-box` is already declared"),
        "{}",
        errors[0]
    );
}

#[test]
fn practice_hub_is_in_the_navigation_when_there_is_something_to_practise() {
    let term = "---\ntitle: Runbook\nsummary: Steps for a known failure.\n---\n\nBody.\n";
    let site = Fixture::new(&[("glossary/runbook.md", term)]);
    site.build().unwrap();
    let home = site.page("");
    let nav = texts(&home, ".site-nav a");
    assert_eq!(nav.last().map(String::as_str), Some("Practice"), "{nav:?}");
    assert!(attrs(&home, ".site-nav a", "href").contains(&"train/".to_string()));
    // Flashcards and a quiz for the glossary.
    let cards = texts(&home, ".section-card");
    assert!(
        cards
            .iter()
            .any(|c| c.starts_with("Practice") && c.contains("2 activities")),
        "{cards:?}"
    );
    let hub = site.page("train");
    assert_eq!(
        attrs(&hub, ".site-nav a[aria-current]", "href"),
        ["../train/"],
        "the hub marks its own entry"
    );

    let plain = Fixture::new(&[("guides/a.md", "---\ntitle: A\n---\n\nText.\n")]);
    plain.build().unwrap();
    assert!(!texts(&plain.page(""), ".site-nav a").contains(&"Practice".to_string()));
    assert!(!plain.out().join("train").exists());
}

#[test]
fn bundled_content_builds_with_its_scripts_guidelines_and_path() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        out_dir: Some(out.path().join("site")),
        ..BuildOptions::default()
    };
    if let Err(d) = build(repo, &options) {
        panic!("bundled site failed to build:\n{d:?}");
    }
    let page = |url: &str| {
        Html::parse_document(
            &std::fs::read_to_string(out.path().join("site").join(url).join("index.html")).unwrap(),
        )
    };
    for script in [
        "scripts/database-replication-failure",
        "scripts/executive-wants-a-culprit",
        "scripts/vendor-dependency-dispute",
    ] {
        let doc = page(script);
        assert!(doc.select(&sel(".line.learner")).count() > 5, "{script}");
        assert!(doc.select(&sel(".phase-bar li")).count() >= 5, "{script}");
        assert!(
            doc.select(&sel(".line .technique-tag")).count() > 5,
            "{script}"
        );
    }
    let path = page("paths/architect-onboarding");
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/paths/architect-onboarding.md"),
    )
    .unwrap();
    let steps = source
        .lines()
        .skip_while(|l| *l != "steps:")
        .skip(1)
        .take_while(|l| l.starts_with("  - "))
        .count();
    assert!(steps >= 10);
    assert_eq!(path.select(&sel(".path-step")).count(), steps);
    let guideline = page("guidelines/facts-not-blame");
    assert!(
        guideline
            .select(&sel("#technique-redirect-blame .demos li"))
            .count()
            >= 2
    );
}

#[test]
fn no_glossary_means_no_cards_and_no_practice_pages_without_content() {
    let empty = Fixture::new(&[("notes/a.md", "---\ntitle: A\n---\nText.\n")]);
    empty.build().unwrap();
    for missing in ["train/index.html", "train/flashcards", "train/cards.js"] {
        assert!(!empty.out().join(missing).exists(), "{missing}");
    }
    let scripts_only = Fixture::new(&[
        ("guidelines/g.md", GUIDELINE),
        (
            "scripts/s.md",
            "---\ntitle: S\nroles:\n  You: Lead\n---\n## A {minutes=1}\n\nYou: Hi.\n",
        ),
    ]);
    scripts_only.build().unwrap();
    let hub = scripts_only.page("train");
    assert_eq!(texts(&hub, ".card-list a"), ["S"]);
    assert_eq!(hub.select(&sel("a[href$='flashcards/']")).count(), 0);
    assert!(!scripts_only.out().join("train/quiz").exists());
}

#[test]
fn links_to_script_lines_and_techniques_are_checked() {
    let with_link = |body: &str| {
        let site = good_site();
        std::fs::write(
            site.dir.path().join("content/postmortems/db-failure.md"),
            format!("---\ntitle: DB failure\n---\n{body}\n"),
        )
        .unwrap();
        site
    };
    let ok = with_link(
        "Rehearse [[scripts/replication#root-cause-line-1|this line]] and [[guidelines/facts-not-blame#technique-time-box|time boxes]].",
    );
    ok.build().unwrap();
    let doc = ok.page("postmortems/db-failure");
    assert_eq!(
        attrs(&doc, ".prose a", "href"),
        [
            "../../scripts/replication/#root-cause-line-1",
            "../../guidelines/facts-not-blame/#technique-time-box"
        ]
    );
    let broken = with_link("See [[scripts/replication#root-cause-line-9]].");
    let errors = broken.build().unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("missing anchor `#root-cause-line-9`"),
        "{}",
        errors[0]
    );
}

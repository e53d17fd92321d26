//! Generates a synthetic Hindsight site for benchmarks: N pages, of which 10% glossary terms
//! with aliases, 60% post-mortems and 30% guides, each about 1,000 words that mention terms
//! often, with a code block and a table. Deterministic for a given N.
//!
//! `--dense` is the corpus the build-speed figures are measured on: glossary entries as long
//! as the other pages (~1,000 words), a term mentioned about every 11 words, and relative
//! `.md` cross-links between pages.
//!
//! cargo run --release --example synth_site -- --pages 10000 [--dense] --out /tmp/synth

use std::fmt::Write as _;
use std::path::PathBuf;

const ADJECTIVES: &[&str] = &[
    "adaptive",
    "async",
    "blue",
    "bounded",
    "cached",
    "canary",
    "cold",
    "durable",
    "dynamic",
    "elastic",
    "eventual",
    "fenced",
    "global",
    "graceful",
    "green",
    "hot",
    "idle",
    "immutable",
    "layered",
    "leased",
    "linear",
    "local",
    "managed",
    "mirrored",
    "partial",
    "passive",
    "primary",
    "quorum",
    "regional",
    "rolling",
    "sharded",
    "silent",
    "soft",
    "stale",
    "sticky",
    "strict",
    "synthetic",
    "tiered",
    "warm",
    "zonal",
];
const NOUNS: &[&str] = &[
    "backoff",
    "barrier",
    "budget",
    "bulkhead",
    "checkpoint",
    "cluster",
    "cutover",
    "drain",
    "failover",
    "fence",
    "flag",
    "gateway",
    "handoff",
    "heartbeat",
    "index",
    "journal",
    "lease",
    "ledger",
    "limiter",
    "lock",
    "mesh",
    "migration",
    "probe",
    "queue",
    "quota",
    "replica",
    "retry",
    "rollout",
    "runbook",
    "snapshot",
    "spillover",
    "throttle",
    "timeout",
    "token",
    "tracer",
    "vault",
    "watchdog",
    "window",
    "worker",
    "zone",
];
const FILLER: &[&str] = &[
    "the",
    "team",
    "noticed",
    "that",
    "during",
    "deploy",
    "traffic",
    "increased",
    "and",
    "alerts",
    "fired",
    "while",
    "engineers",
    "checked",
    "dashboards",
    "for",
    "latency",
    "errors",
    "in",
    "each",
    "region",
    "before",
    "rolling",
    "back",
    "configuration",
    "service",
    "requests",
    "database",
    "customers",
    "reported",
    "slow",
    "pages",
    "because",
    "capacity",
    "was",
    "limited",
    "by",
    "an",
    "old",
    "setting",
    "which",
    "nobody",
    "had",
    "reviewed",
    "since",
    "last",
    "quarter",
    "so",
    "we",
    "added",
    "monitoring",
    "with",
    "clear",
    "owners",
    "to",
    "prevent",
    "recurrence",
];
const SERVICES: &[&str] = &[
    "api", "auth", "billing", "cdn", "database", "dns", "queue", "search", "storage", "web",
];
const CATEGORIES: &[&str] = &[
    "change",
    "config",
    "capacity",
    "dependency",
    "monitoring",
    "process",
    "software",
];

/// xorshift64*: small, fast and reproducible without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Term {
    slug: String,
    title: String,
    alias: String,
}

fn terms(count: usize) -> Vec<Term> {
    (0..count)
        .map(|i| {
            let a = ADJECTIVES[i % ADJECTIVES.len()];
            let n = NOUNS[(i / ADJECTIVES.len()) % NOUNS.len()];
            let round = i / (ADJECTIVES.len() * NOUNS.len());
            let suffix = if round == 0 {
                String::new()
            } else {
                format!(" {round}")
            };
            let title = format!("{} {n}{suffix}", capitalize(a));
            Term {
                slug: format!("{a}-{n}{}", suffix.replace(' ', "-")),
                alias: format!("{n} of {a} kind{suffix}"),
                title,
            }
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// How densely the corpus is cross-linked.
#[derive(Clone, Copy)]
struct Profile {
    dense: bool,
}

impl Profile {
    /// Whether word `w` (0..12) of a sentence is a term mention.
    fn mentions_term(self, rng: &mut Rng, w: usize) -> bool {
        if self.dense {
            // 11 candidate words at 1 in 10: about one mention every 11 words.
            rng.below(10) == 0
        } else {
            rng.below(25) == 0 || w == 6 && rng.below(2) == 0
        }
    }

    fn glossary_words(self) -> usize {
        if self.dense { 1_000 } else { 300 }
    }

    /// Relative `.md` links to two other pages (dense corpus only).
    fn cross_links(self, rng: &mut Rng, postmortems: usize, guides: usize) -> String {
        if !self.dense || postmortems == 0 || guides == 0 {
            return String::new();
        }
        format!(
            "\nSee also [incident {p}](../postmortems/incident-{p}.md) and [guide {g}](../guides/guide-{g}.md).\n",
            p = rng.below(postmortems),
            g = rng.below(guides)
        )
    }
}

/// About `words` words of prose in paragraphs and sections, mentioning terms often.
fn prose(rng: &mut Rng, terms: &[Term], words: usize, profile: Profile) -> String {
    let mut out = String::new();
    let mut written = 0;
    let mut section = 0;
    while written < words {
        if written % 250 == 0 {
            section += 1;
            let _ = write!(out, "\n## Section {section}: {}\n\n", rng.pick(FILLER));
        }
        let mut sentence = String::new();
        for w in 0..12 {
            if w == 0 {
                sentence.push_str(&capitalize(rng.pick(FILLER)));
            } else if profile.mentions_term(rng, w) {
                let t = &terms[rng.below(terms.len())];
                sentence.push(' ');
                sentence.push_str(if rng.below(3) == 0 {
                    &t.alias
                } else {
                    &t.title
                });
            } else {
                sentence.push(' ');
                sentence.push_str(rng.pick(FILLER));
            }
        }
        sentence.push_str(". ");
        out.push_str(&sentence);
        written += 12;
        if written % 60 < 12 {
            out.push_str("\n\n");
        }
    }
    out
}

fn code_and_table(rng: &mut Rng) -> String {
    let svc = rng.pick(SERVICES);
    format!(
        "\n\n```yaml\nservice: {svc}\nreplicas: {}\nalerts:\n  - name: {svc}-latency\n    threshold_ms: {}\n```\n\n| Metric | Before | After |\n|---|---|---|\n| p99 latency (ms) | {} | {} |\n| error rate (%) | {} | {} |\n\n",
        rng.below(10) + 2,
        rng.below(900) + 100,
        rng.below(900) + 100,
        rng.below(300) + 50,
        rng.below(20),
        rng.below(3)
    )
}

fn main() {
    let mut pages = 10_000usize;
    let mut out = PathBuf::from("/tmp/hindsight-synth");
    let mut term_count: Option<usize> = None;
    let mut profile = Profile { dense: false };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => pages = args.next().and_then(|v| v.parse().ok()).expect("--pages N"),
            "--terms" => {
                term_count = Some(args.next().and_then(|v| v.parse().ok()).expect("--terms N"))
            }
            "--out" => out = PathBuf::from(args.next().expect("--out DIR")),
            "--dense" => profile.dense = true,
            other => {
                panic!("unknown argument {other}; use --pages N [--terms N] [--dense] --out DIR")
            }
        }
    }
    let n_terms = term_count.unwrap_or((pages / 10).max(1));
    let n_postmortems = pages * 6 / 10;
    let n_guides = pages.saturating_sub(n_terms + n_postmortems);
    let _ = std::fs::remove_dir_all(&out);
    for dir in ["content/glossary", "content/postmortems", "content/guides"] {
        std::fs::create_dir_all(out.join(dir)).unwrap();
    }
    std::fs::write(
        out.join("book.toml"),
        "[book]\ntitle = \"Synthetic knowledge base\"\n",
    )
    .unwrap();
    std::fs::write(
        out.join("content/index.md"),
        "---\ntitle: Synthetic knowledge base\n---\n\nGenerated for benchmarks.\n",
    )
    .unwrap();
    let terms = terms(n_terms);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    for (i, t) in terms.iter().enumerate() {
        let related = &terms[(i + 1) % terms.len()].slug;
        let body = prose(&mut rng, &terms, profile.glossary_words(), profile);
        let related_line = if terms.len() > 1 {
            format!("related: [{related}]\n")
        } else {
            String::new()
        };
        let text = format!(
            "---\ntitle: {}\nsummary: A synthetic definition of {} used to measure build speed.\naliases: [\"{}\"]\n{related_line}tags: [synthetic]\n---\n\n## What it is\n{body}{}{}",
            t.title,
            t.title.to_lowercase(),
            t.alias,
            code_and_table(&mut rng),
            profile.cross_links(&mut rng, n_postmortems, n_guides)
        );
        std::fs::write(out.join(format!("content/glossary/{}.md", t.slug)), text).unwrap();
    }
    for i in 0..n_postmortems {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 2015 + (i / 336) % 11;
        let svc = rng.pick(SERVICES);
        let cat = rng.pick(CATEGORIES);
        let detect = 1 + rng.below(40);
        let resolve = detect + 5 + rng.below(300);
        let at = |minutes: usize| {
            format!(
                "{year}-{month:02}-{day:02}T{:02}:{:02}:00Z",
                8 + minutes / 60,
                minutes % 60
            )
        };
        let text = format!(
            "---\ntitle: Incident {i} in {svc}\ndate: {year}-{month:02}-{day:02}\nseverity: SEV{}\nstatus: published\nauthors: [Synthetic]\nservices: [{svc}]\nsummary: A synthetic incident in {svc}.\ntrigger: A synthetic change.\ncontributing_factors:\n  - category: {cat}\n    description: A synthetic factor.\ndetection: An alert.\nresolution: A rollback.\ntimeline:\n  - at: {}\n    event: Impact starts.\n    marks: impact-start\n  - at: {}\n    event: Alert fires.\n    marks: detected\n  - at: {}\n    event: Service restored.\n    marks: resolved\naction_items:\n  - title: Add a guard.\n    type: prevent\n    owner: Team {}\n    priority: P2\n    status: open\n---\n{}{}{}{}",
            1 + rng.below(4),
            at(0),
            at(detect),
            at(resolve),
            rng.below(20),
            prose(&mut rng, &terms, 500, profile),
            code_and_table(&mut rng),
            prose(&mut rng, &terms, 500, profile),
            profile.cross_links(&mut rng, n_postmortems, n_guides),
        );
        std::fs::write(
            out.join(format!("content/postmortems/incident-{i}.md")),
            text,
        )
        .unwrap();
    }
    for i in 0..n_guides {
        let text = format!(
            "---\ntitle: Guide {i}\nsummary: A synthetic guide.\n---\n{}{}{}{}",
            prose(&mut rng, &terms, 500, profile),
            code_and_table(&mut rng),
            prose(&mut rng, &terms, 500, profile),
            profile.cross_links(&mut rng, n_postmortems, n_guides)
        );
        std::fs::write(out.join(format!("content/guides/guide-{i}.md")), text).unwrap();
    }
    println!(
        "Wrote {} pages ({n_terms} terms, {n_postmortems} post-mortems, {n_guides} guides) to {}",
        n_terms + n_postmortems + n_guides + 1,
        out.display()
    );
}

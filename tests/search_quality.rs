//! Search quality on the bundled knowledge base, in headless Chromium: a set of realistic
//! queries (tests/search/queries.json: exact words, prefixes being typed, typos, questions,
//! partial matches, front-matter fields, aliases, a short word) each with the pages that
//! answer it. `search.js` runs every query as the header box does (`__hindsightSearch.query`);
//! at least 95 % must have an answer in the top 3 and every typo must be corrected and found.
//! scripts/search-compare.mjs runs the same set against Pagefind for comparison.

mod common;

use common::browser::Browser;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    kind: String,
    q: String,
    expect: Vec<String>,
}

#[derive(Deserialize)]
struct Answer {
    shown: Vec<String>,
    matched: Vec<usize>,
    words: usize,
    corrections: Vec<(String, String)>,
    #[serde(rename = "keepTyping")]
    keep_typing: bool,
}

fn cases() -> Vec<Case> {
    let text = include_str!("search/queries.json");
    serde_json::from_str(text).expect("tests/search/queries.json is a list of cases")
}

/// 1-based rank of the first expected page among the results, if shown.
fn rank(case: &Case, shown: &[String]) -> Option<usize> {
    shown
        .iter()
        .position(|u| case.expect.contains(u))
        .map(|i| i + 1)
}

#[test]
fn query_set_finds_the_right_pages() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let cases = cases();
    let kinds = [
        "exact", "prefix", "typo", "question", "partial", "field", "alias", "short",
    ];
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for k in kinds {
        assert!(cases.iter().any(|c| c.kind == k), "no {k} case");
    }
    let server = common::bundled_server();
    let tab = browser.open(&server.url(""));
    tab.wait_for("#search-input");
    let (mut top1, mut top3, mut rr) = (0, 0, 0.0);
    let mut misses = Vec::new();
    for case in &cases {
        let js = format!(
            "window.__hindsightSearch.query({})",
            serde_json::to_string(&case.q).unwrap()
        );
        let answer: Answer = serde_json::from_value(tab.eval(&js))
            .unwrap_or_else(|e| panic!("{:?}: unexpected answer: {e}", case.q));
        let r = rank(case, &answer.shown);
        top1 += usize::from(r == Some(1));
        top3 += usize::from(r.is_some_and(|r| r <= 3));
        rr += r.filter(|&r| r <= 5).map_or(0.0, |r| 1.0 / r as f64);
        println!(
            "{:9} {:38} rank {:>4} corrections {:?}",
            case.kind,
            format!("{:?}", case.q),
            r.map_or("-".into(), |r| r.to_string()),
            answer.corrections
        );
        if r.is_none_or(|r| r > 3) {
            misses.push(format!("{:?} → {:?}", case.q, answer.shown));
        }
        match case.kind.as_str() {
            "typo" => {
                assert!(
                    r.is_some(),
                    "typo {:?} not found: {:?}",
                    case.q,
                    answer.shown
                );
                assert!(
                    !answer.corrections.is_empty(),
                    "{:?} says no correction",
                    case.q
                );
            }
            "partial" => {
                let i = r.unwrap_or(1) - 1;
                assert!(
                    answer.matched.get(i).is_some_and(|&m| m < answer.words),
                    "{:?} is not a partial match: {:?}",
                    case.q,
                    answer.matched
                );
            }
            "short" => assert!(answer.keep_typing, "{:?} asks for more letters", case.q),
            _ => assert!(
                answer.corrections.is_empty(),
                "{:?}: {:?}",
                case.q,
                answer.corrections
            ),
        }
    }
    let n = cases.len() as f64;
    println!(
        "{} queries: top-1 {:.3}, top-3 {:.3}, MRR@5 {:.3}",
        cases.len(),
        top1 as f64 / n,
        top3 as f64 / n,
        rr / n
    );
    assert!(
        top3 as f64 >= 0.95 * n,
        "top-3 {top3} of {}; misses:\n{}",
        cases.len(),
        misses.join("\n")
    );
    assert!(tab.js_errors().is_empty(), "{:?}", tab.js_errors());
}

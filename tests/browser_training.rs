//! Browser tests of the training pages on the bundled site: practice mode on a script,
//! learning-path progress and step navigation, flashcards with Leitner boxes, and the quiz.

mod common;

use common::browser::{Browser, Tab};
use serde_json::Value;

const SCRIPT: &str = "scripts/database-replication-failure/";

fn no_js_errors(tab: &Tab<'_>) {
    assert!(
        tab.js_errors().is_empty(),
        "JavaScript errors: {:?}",
        tab.js_errors()
    );
}

fn visible(tab: &Tab<'_>, selector: &str) -> bool {
    let sel = serde_json::to_string(selector).unwrap();
    tab.eval(&format!(
        "(() => {{ const e = document.querySelector({sel}); return !!e && e.getClientRects().length > 0; }})()"
    )) == Value::Bool(true)
}

#[test]
fn practice_mode_hides_reveals_and_keeps_a_tally() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url(SCRIPT));
    tab.wait_for(".practice-toggle:not([hidden])");
    assert!(
        !visible(&tab, ".needs-js"),
        "the no-JS note is hidden once JS runs"
    );
    let first = ".line.learner";
    assert!(
        visible(&tab, &format!("{first} .says")),
        "lines read fully before practice"
    );

    tab.click(".practice-toggle");
    assert_eq!(
        tab.eval("document.querySelector('.practice-toggle').getAttribute('aria-pressed')"),
        "true"
    );
    assert!(
        !visible(&tab, &format!("{first} .says")),
        "learner's line hidden"
    );
    assert!(visible(&tab, &format!("{first} .reveal")));
    // Other speakers' lines stay visible.
    assert!(visible(&tab, ".line:not(.learner) .says"));

    // Space (outside any control) reveals the next hidden line, and focus goes to "Nailed it".
    tab.eval("document.activeElement.blur()");
    tab.press_key("Space");
    assert!(
        visible(&tab, &format!("{first} .says")),
        "Space revealed the line"
    );
    assert_eq!(
        tab.eval("document.activeElement.dataset.mark || null"),
        "nailed"
    );
    tab.press_key("Enter");
    let tally = "document.querySelector('.practice-tally').textContent";
    let text = tab.eval(tally);
    assert!(text.as_str().unwrap().contains("Nailed it: 1"), "{text}");
    // Focus moved on to the next hidden line's Reveal button; Enter reveals it.
    assert_eq!(
        tab.eval("document.activeElement.classList.contains('reveal')"),
        Value::Bool(true)
    );
    tab.press_key("Enter");
    tab.press_key("Tab");
    tab.press_key("Enter");
    let text = tab.eval(tally);
    let text = text.as_str().unwrap();
    assert!(
        text.contains("Nailed it: 1") && text.contains("Needs work: 1"),
        "{text}"
    );

    // The tally is kept in localStorage, per script.
    tab.goto(&server.url(SCRIPT));
    tab.wait_for(".practice-toggle:not([hidden])");
    tab.click(".practice-toggle");
    let text = tab.eval(tally);
    assert!(text.as_str().unwrap().contains("Needs work: 1"), "{text}");
    tab.click(".practice-reset");
    let text = tab.eval(tally);
    assert!(text.as_str().unwrap().contains("Nailed it: 0"), "{text}");
    // Switching practice off (from the keyboard) shows every line again.
    tab.eval("document.querySelector('.practice-toggle').focus()");
    tab.press_key("Enter");
    assert_eq!(
        tab.eval("document.querySelector('.practice-toggle').getAttribute('aria-pressed')"),
        "false"
    );
    assert!(visible(&tab, &format!("{first} .says")));
    no_js_errors(&tab);
}

#[test]
fn without_javascript_the_script_reads_fully() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.blank_tab();
    tab.set_javascript(false);
    tab.goto(&server.url(SCRIPT));
    assert!(visible(&tab, ".needs-js"));
    assert!(
        !visible(&tab, ".practice-toggle"),
        "no dead control without JavaScript"
    );
    let hidden = tab.eval(
        "[...document.querySelectorAll('.line.learner .says')].filter(e => !e.getClientRects().length).length",
    );
    assert_eq!(hidden, 0);
}

#[test]
fn learning_path_progress_and_step_navigation() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url("paths/architect-onboarding/"));
    tab.wait_for(".path-step input:not([disabled])");
    let label = "document.querySelector('.progress-label').textContent";
    // The bundled path grows with the content; its length is read from the page.
    let steps = tab.eval("document.querySelectorAll('.path-step').length");
    let steps = steps.as_u64().unwrap();
    assert!(steps >= 10, "{steps} steps");
    assert_eq!(tab.eval(label), format!("0 of {steps} steps done"));
    tab.click(".path-step:nth-child(2) input");
    assert_eq!(tab.eval(label), format!("1 of {steps} steps done"));
    // The start button now continues at the first step not done.
    assert_eq!(
        tab.eval("document.querySelector('.path-start').textContent"),
        "Continue: Post-mortem"
    );

    // Following a step from the path shows where it sits in the path.
    let shown = "(document.querySelector('.path-nav:not([hidden]) .path-nav-where') || {}).textContent || ''";
    let third = tab.eval("document.querySelectorAll('.path-step .step-link')[2].textContent");
    let third = third.as_str().unwrap().trim().to_owned();
    tab.click(".path-step:nth-child(2) .step-link");
    tab.wait_until(&format!("({shown}).includes('Step 2 of {steps}')"));
    let nav = tab.eval(shown);
    let nav = nav.as_str().unwrap();
    assert!(nav.contains(&format!("Step 2 of {steps}")), "{nav}");
    // The next step is named once, on its button, not again beside the step count.
    assert!(!nav.contains("next:"), "{nav}");
    assert_eq!(
        tab.eval("document.querySelector('.path-nav:not([hidden]) .path-next').textContent.trim()"),
        format!("Next: {third} →")
    );
    assert_eq!(
        tab.eval("document.querySelector('.path-mark-done').getAttribute('aria-pressed')"),
        "true",
        "step 2 was checked on the path page"
    );
    // The path's next step is the one way on: the section's previous/next links hide.
    assert_eq!(
        tab.eval("document.querySelectorAll('.page-neighbours').length"),
        1
    );
    assert_eq!(
        tab.eval("[...document.querySelectorAll('.page-neighbours a')].filter(a => a.getClientRects().length).length"),
        0
    );
    // Waiting for the text, not the element: the previous step's navigation is still there
    // until the next page loads.
    tab.click(".path-nav .path-next");
    tab.wait_until(&format!("({shown}).includes('Step 3 of {steps}')"));
    tab.click(".path-mark-done");
    // Without `?path=` the same page shows no path navigation.
    tab.goto(&server.url("glossary/blast-radius/"));
    assert_eq!(
        tab.eval("document.querySelectorAll('.path-nav:not([hidden])').length"),
        0
    );
    assert_eq!(
        tab.eval("[...document.querySelectorAll('.page-neighbours a')].filter(a => a.getClientRects().length).length"),
        2,
        "off the path, the section's previous and next show"
    );
    tab.goto(&server.url("paths/architect-onboarding/"));
    tab.wait_for(".path-step input:not([disabled])");
    assert_eq!(tab.eval(label), format!("2 of {steps} steps done"));
    no_js_errors(&tab);
}

#[test]
fn flashcards_move_through_leitner_boxes() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url("train/flashcards/"));
    tab.wait_for(".trainer-app:not([hidden])");
    let front = "document.querySelector('.card-front').textContent";
    let count = |b: u32| {
        tab.eval(&format!(
            "+document.querySelector('.leitner li[data-box=\"{b}\"] .box-count').textContent"
        ))
    };
    let total = tab.eval("window.HINDSIGHT_CARDS.length");
    assert_eq!(count(1), total, "every card starts in box 1");
    let first = tab.eval(front);
    assert!(
        tab.eval(&format!(
            "window.HINDSIGHT_CARDS.some(c => c.t === {first})"
        )) == Value::Bool(true),
        "the front shows a term: {first}"
    );
    assert!(!visible(&tab, ".card-back"));
    tab.press_key("Space");
    assert!(visible(&tab, ".card-back"));
    let answer = tab.eval("document.querySelector('.card-answer').textContent");
    let expected = tab.eval(&format!(
        "window.HINDSIGHT_CARDS.find(c => c.t === {first}).d"
    ));
    assert_eq!(answer, expected);
    tab.press_key("1"); // knew it
    assert_eq!(count(2), 1);
    let saved = tab.eval(&format!(
        "JSON.parse(localStorage.getItem('hindsight-leitner@' + new URL('../../', location.href).pathname))[window.HINDSIGHT_CARDS.find(c => c.t === {first}).s].b"
    ));
    assert_eq!(saved, 2);
    let second = tab.eval(front);
    assert_ne!(second, first);
    tab.click(".fc-reveal");
    tab.click(".fc-missed");
    assert_eq!(count(2), 1);

    // Reverse mode shows the definition first.
    tab.click(".segmented label:nth-of-type(2) span");
    let shown = tab.eval(front);
    assert!(
        tab.eval(&format!(
            "window.HINDSIGHT_CARDS.some(c => c.d === {shown})"
        )) == Value::Bool(true),
        "the front shows a definition: {shown}"
    );
    // The tag filter limits the deck.
    let tag = tab.eval("document.querySelector('.fc-tag option:nth-child(2)').value");
    tab.eval(&format!(
        "(() => {{ const s = document.querySelector('.fc-tag'); s.value = {tag}; s.dispatchEvent(new Event('change')); }})()"
    ));
    let in_tag = tab.eval(&format!(
        "window.HINDSIGHT_CARDS.filter(c => c.g.includes({tag})).length"
    ));
    let boxes: u64 = (1..=5).map(|b| count(b).as_u64().unwrap()).sum();
    assert_eq!(Value::from(boxes), in_tag);
    let shown = tab.eval(front);
    assert_eq!(
        tab.eval(&format!(
            "window.HINDSIGHT_CARDS.find(c => c.d === {shown}).g.includes({tag})"
        )),
        Value::Bool(true)
    );
    no_js_errors(&tab);
}

/// Copies a folder tree.
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn two_sites_on_one_origin_keep_their_own_progress() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    // Two knowledge bases under one host, as on user.github.io/a/ and /b/.
    let dir = tempfile::tempdir().unwrap();
    for name in ["kb-a", "kb-b"] {
        copy_tree(common::bundled_site(), &dir.path().join(name));
    }
    let server = common::serve(dir.path());
    let box_count = |tab: &Tab<'_>, b: u32| {
        tab.eval(&format!(
            "+document.querySelector('.leitner li[data-box=\"{b}\"] .box-count').textContent"
        ))
    };
    let tab = browser.open(&server.url("kb-a/train/flashcards/"));
    tab.wait_for(".trainer-app:not([hidden])");
    tab.press_key("Space");
    tab.press_key("1");
    assert_eq!(box_count(&tab, 2), 1, "site A: one card moved to box 2");

    // One tab: tabs opened by the harness do not share storage.
    tab.goto(&server.url("kb-b/train/flashcards/"));
    tab.wait_for(".trainer-app:not([hidden])");
    assert_eq!(box_count(&tab, 2), 0, "site B starts fresh");
    assert_eq!(
        box_count(&tab, 1),
        tab.eval("window.HINDSIGHT_CARDS.length"),
        "site B has every card in box 1"
    );

    tab.goto(&server.url("kb-a/train/flashcards/"));
    tab.wait_for(".trainer-app:not([hidden])");
    assert_eq!(box_count(&tab, 2), 1, "site A kept its progress");
    no_js_errors(&tab);
}

#[test]
fn quiz_scores_and_reviews_mistakes() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url("train/quiz/"));
    tab.wait_for(".trainer-app:not([hidden])");
    tab.eval("document.querySelector('.quiz-length').value = '5'");
    tab.click(".quiz-start");
    // The card whose masked definition is on screen: the right answer.
    let answer_js = "(() => { const d = document.querySelector('.quiz-definition').textContent;
        const esc = s => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
        const mask = c => [c.t].concat(c.a || []).sort((x, y) => y.length - x.length)
          .reduce((t, n) => t.replace(new RegExp(esc(n), 'gi'), '▁▁▁'), c.d);
        return window.HINDSIGHT_CARDS.find(c => mask(c) === d); })()";
    for q in 0..5 {
        tab.wait_for(".quiz-options button:not([disabled])");
        let card = tab.eval(answer_js);
        let options = tab.eval(
            "[...document.querySelectorAll('.quiz-options button')].map(b => b.textContent.slice(1))",
        );
        let options: Vec<&str> = options
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(options.len(), 4);
        let term = card["t"].as_str().unwrap();
        assert!(options.contains(&term), "{term} not among {options:?}");
        let mut distinct = options.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 4, "{options:?}");
        // Distractors are plausible: related or same-tag terms when the deck has enough.
        let plausible = tab.eval(&format!(
            "(() => {{ const c = {card}; const all = window.HINDSIGHT_CARDS;
                const names = c.p.map(i => all[i].t)
                  .concat(all.filter(o => o.g.some(g => c.g.includes(g))).map(o => o.t));
                return names; }})()"
        ));
        let plausible: Vec<&str> = plausible
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        if card["p"].as_array().unwrap().len() >= 3 {
            for o in options.iter().filter(|o| **o != term) {
                assert!(plausible.contains(o), "{o} is not related to {term}");
            }
        }
        // Answer the first question wrongly (with key 1–4), the others right.
        let pick = options
            .iter()
            .position(|o| (*o == term) != (q == 0))
            .unwrap();
        tab.press_key(&(pick + 1).to_string());
        let feedback = tab.eval("document.querySelector('.quiz-feedback').className");
        assert!(
            feedback
                .as_str()
                .unwrap()
                .contains(if q == 0 { "wrong" } else { "correct" }),
            "{feedback}"
        );
        tab.click(".quiz-next");
    }
    tab.wait_for(".quiz-result:not([hidden])");
    assert_eq!(
        tab.eval("document.querySelector('.quiz-score').textContent"),
        "You scored 4 of 5"
    );
    assert_eq!(
        tab.eval("document.querySelectorAll('.quiz-mistakes li').length"),
        1
    );
    let href = tab.eval("document.querySelector('.quiz-mistakes li a').getAttribute('href')");
    assert!(
        href.as_str().unwrap().starts_with("../../glossary/"),
        "{href}"
    );
    no_js_errors(&tab);
}

#[test]
fn interactive_states_pass_axe_in_light_and_dark() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.blank_tab();
    let states: [(&str, &str, &str); 4] = [
        (
            SCRIPT,
            "document.querySelector('.practice-toggle').click();
             document.querySelector('.line.learner .reveal').click();
             document.querySelector('.line.learner [data-mark=work]').click()",
            ".line.learner.revealed",
        ),
        (
            "train/flashcards/",
            "document.querySelector('.fc-reveal').click()",
            ".card-back:not([hidden])",
        ),
        (
            "train/quiz/",
            "document.querySelector('.quiz-start').click();
             document.querySelector('.quiz-options button').click()",
            ".quiz-next:not([hidden])",
        ),
        (
            "glossary/blast-radius/?path=architect-onboarding",
            "",
            ".path-nav:not([hidden])",
        ),
    ];
    let mut problems = Vec::new();
    for scheme in ["light", "dark"] {
        tab.set_color_scheme(scheme);
        for (path, prepare, ready) in states {
            tab.goto(&server.url(path));
            tab.wait_for(".trainer-app:not([hidden]), .practice-toggle:not([hidden]), .path-nav:not([hidden])");
            tab.eval(prepare);
            tab.wait_for(ready);
            problems.extend(
                common::axe::serious_violations(&tab)
                    .into_iter()
                    .map(|v| format!("{path} ({scheme}): {v}")),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    no_js_errors(&tab);
}

#[test]
fn printed_script_is_a_clean_handout() {
    let Some(browser) = Browser::shared() else {
        return;
    };
    let server = common::bundled_server();
    let tab = browser.open(&server.url(SCRIPT));
    tab.wait_for(".practice-toggle:not([hidden])");
    // Even in the middle of practice, the printout has every line and no controls.
    tab.click(".practice-toggle");
    tab.call(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    );
    for hidden in [".practice-bar", ".site-header", ".line-practice", ".toc"] {
        assert!(!visible(&tab, hidden), "{hidden} is printed");
    }
    let unprinted = tab.eval(
        "[...document.querySelectorAll('.line .says')].filter(e => !e.getClientRects().length).length",
    );
    assert_eq!(unprinted, 0, "every line is printed");
    if std::env::var("HINDSIGHT_TRAINING_SHOTS").is_ok() {
        tab.eval("document.querySelector('.phase').scrollIntoView()");
        tab.screenshot(&common::browser::target_dir().join("screenshots/script-print.png"));
    }
}

//! The role-play script parser (phases, speaker lines, technique tags).
#![no_main]

use libfuzzer_sys::fuzz_target;

use hindsight::kinds::training::script::{ScriptRules, parse_script};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else {
        return;
    };
    let techniques = ["facts-not-blame", "time-box", "redirect-blame"]
        .into_iter()
        .collect();
    let rules = ScriptRules {
        roles: vec!["You", "CTO", "Team Lead A", "Incident Commander"],
        techniques: &techniques,
    };
    let (script, errors) = parse_script(body, 5, &rules);
    for e in &errors {
        assert!(e.line >= 5 && e.column >= 1, "{e:?}");
    }
    let _ = script.phase_minutes();
});

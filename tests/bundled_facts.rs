//! The bundled knowledge base's real outages, checked through `postmortems.json` against
//! the companies' own reports (the corrections of issue 17): milestones, the figures they
//! give, and a cited source for every timeline entry.

use std::path::Path;

use hindsight::output::MemorySink;
use hindsight::pipeline::{BuildOptions, load_site};
use hindsight::render::outputs::render_site;
use serde_json::Value;

/// `postmortems.json` of the bundled content.
fn export() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let opts = BuildOptions {
        build_date: Some("2026-11-28".parse().unwrap()),
        ..BuildOptions::default()
    };
    let (site, _) = load_site(root, &opts).expect("bundled content builds");
    let sink = MemorySink::default();
    render_site(&site, &sink, &opts).expect("bundled content renders");
    let files = sink.files.into_inner().unwrap();
    serde_json::from_slice(&files["postmortems.json"]).unwrap()
}

fn postmortem<'a>(v: &'a Value, slug: &str) -> &'a Value {
    v["postmortems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"] == slug)
        .unwrap_or_else(|| panic!("no post-mortem {slug}"))
}

fn seconds(pm: &Value, metric: &str) -> Option<i64> {
    pm["metrics"][metric]["seconds"].as_i64()
}

#[test]
fn bundled_outages_match_their_reports() {
    let v = export();

    // GitHub, "October 21 post-incident analysis": alerts at 22:54; the yellow status at
    // 23:09 escalated automatically into an incident; the failover to the original
    // topology at 16:24 ended most users' impact; green at 23:03 the next day.
    let gh = postmortem(&v, "github-2018-10-21");
    let m = &gh["milestones"];
    assert_eq!(m["impact-start"], "2018-10-21T22:52:00Z");
    assert_eq!(m["detected"], "2018-10-21T22:54:00Z");
    assert_eq!(m["declared"], "2018-10-21T23:09:00Z");
    assert_eq!(m["mitigated"], "2018-10-22T16:24:00Z");
    assert_eq!(m["resolved"], "2018-10-22T23:03:00Z");
    assert_eq!(seconds(gh, "time_to_detect"), Some(2 * 60));
    assert_eq!(gh["metrics"]["time_to_resolve"]["text"], "24 h 11 min");
    // Red came two minutes after the coordinator joined at 23:11, not at 23:11.
    let red = gh["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"].as_str().unwrap().contains("status to red"))
        .unwrap();
    assert_eq!(red["at_utc"], "2018-10-21T23:13:00Z");

    // GitLab, final postmortem of 2017-02-10: the removal at about 23:30, stopped a second
    // or two after noticing; back online at 18:14 (the 2017-02-01 account). No mitigation
    // before the site came back, so impact lasts until resolution: about 18 h 45 min.
    let gl = postmortem(&v, "gitlab-2017-01-31");
    let m = &gl["milestones"];
    assert_eq!(m["impact-start"], "2017-01-31T23:30:00Z");
    assert_eq!(m["detected"], "2017-01-31T23:30:00Z");
    assert_eq!(m["resolved"], "2017-02-01T18:14:00Z");
    assert!(m.get("mitigated").is_none());
    assert_eq!(seconds(gl, "time_to_detect"), Some(0));
    assert_eq!(seconds(gl, "time_to_resolve"), Some(18 * 3600 + 44 * 60));
    assert_eq!(gl["metrics"]["time_to_resolve"]["text"], "18 h 44 min");
    assert_eq!(gl["metrics"]["impact_duration"]["text"], "18 h 44 min");
    let monitoring = gl["contributing_factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["category"] == "monitoring")
        .unwrap();
    assert!(
        monitoring["description"]
            .as_str()
            .unwrap()
            .contains("DMARC")
    );

    // Cloudflare, "Cloudflare outage caused by bad software deploy": traffic fell by 82%.
    let cf = postmortem(&v, "cloudflare-2019-07-02");
    let impact = cf["impact"]["description"].as_str().unwrap();
    assert!(impact.contains("82%"), "{impact}");
    assert!(!impact.contains("80%"), "{impact}");
    assert_eq!(cf["milestones"]["detected"], "2019-07-02T13:45:00Z");
    assert_eq!(cf["metrics"]["time_to_mitigate"]["text"], "27 min");
    assert!(
        cf["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["url"] == "https://blog.cloudflare.com/cloudflare-outage/")
    );

    // AWS: PUTs failed until 21:54, so nothing before it is marked mitigated.
    let aws = postmortem(&v, "aws-s3-2017-02-28");
    assert!(aws["milestones"].get("mitigated").is_none());
    assert_eq!(aws["metrics"]["impact_duration"]["text"], "4 h 17 min");

    // Fastly: 95% of the network normal within 49 minutes.
    let fastly = postmortem(&v, "fastly-2021-06-08");
    assert_eq!(fastly["metrics"]["time_to_mitigate"]["text"], "49 min");
}

#[test]
fn every_entry_of_a_real_outage_cites_a_titled_source() {
    let v = export();
    for pm in v["postmortems"].as_array().unwrap() {
        let sources = pm["sources"].as_array().unwrap();
        if sources.is_empty() {
            continue; // the composite teaching case cites nothing
        }
        let slug = pm["slug"].as_str().unwrap();
        for s in sources {
            assert!(
                s["title"].is_string() && s["url"].is_string(),
                "{slug}: {s}"
            );
            assert!(s["id"].is_string(), "{slug}: {s}");
        }
        for e in pm["timeline"].as_array().unwrap() {
            assert!(e["source"].is_string(), "{slug}: uncited entry {e}");
        }
        // Action items are the company's own: no invented priorities.
        for a in pm["action_items"].as_array().unwrap() {
            assert!(a["priority"].is_null(), "{slug}: {a}");
            assert!(a["owner"].is_string(), "{slug}: {a}");
        }
    }
}

#[test]
fn times_read_at_the_companies_reports_stay_put() {
    let v = export();

    // Roblox, "Return to Service": players fell to half at 16:35 on 28 October and all were
    // back at 16:45 on 31 October, Pacific wall-clock time (PDT, UTC−7).
    let roblox = postmortem(&v, "roblox-2021-10-28");
    assert_eq!(roblox["milestones"]["impact-start"], "2021-10-28T23:35:00Z");
    assert_eq!(roblox["milestones"]["resolved"], "2021-10-31T23:45:00Z");
    assert_eq!(roblox["metrics"]["impact_duration"]["text"], "72 h 10 min");
    // Full access and full operation came at once, so only `resolved` is marked.
    assert!(roblox["milestones"].get("mitigated").is_none());

    // CrowdStrike, preliminary post incident review: released 04:09 UTC, reverted 05:27 UTC;
    // the reversion is cited to the review and is not the mitigation.
    let cs = postmortem(&v, "crowdstrike-2024-07-19");
    assert_eq!(cs["milestones"]["impact-start"], "2024-07-19T04:09:00Z");
    let revert = cs["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["at_utc"] == "2024-07-19T05:27:00Z")
        .unwrap();
    assert_eq!(revert["source"], "cs-pir");
    assert!(revert["marks"].is_null(), "{revert}");
    // 99% of sensors back at 8:00 p.m. EDT on 29 July is both ends at once: only `resolved`.
    assert_eq!(cs["milestones"]["resolved"], "2024-07-30T00:00:00Z");
    assert!(cs["milestones"].get("mitigated").is_none());

    // Meta gives no clock times: every entry is Cloudflare's measurement, and nothing marks
    // the services fully back.
    let meta = postmortem(&v, "meta-2021-10-04");
    assert_eq!(meta["milestones"]["impact-start"], "2021-10-04T15:40:00Z");
    assert_eq!(meta["milestones"]["mitigated"], "2021-10-04T21:28:00Z");
    assert!(meta["milestones"].get("resolved").is_none());
    for e in meta["timeline"].as_array().unwrap() {
        assert_eq!(e["source"], "cloudflare", "{e}");
    }
}

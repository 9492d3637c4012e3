//! The golden matrix: a fixed data set whose drawing is kept, reviewed, in
//! `app/tests/golden/matrix-en.svg`. A unit test compares today's drawing with it; only the separate
//! command `cargo run -p app --features ssr --example update_golden` rewrites it, so that a test run
//! can never approve its own output.

use crate::domain::{
    aggregate, Axis, Bilingual, Category, CycleResults, CycleStatus, CycleSummary, CycleTopic,
    GroupInfo, Scale, Tally, ThresholdRule,
};

/// The reviewed drawing, relative to the `app` crate.
pub const GOLDEN_SVG: &str = "tests/golden/matrix-en.svg";

/// A fixed assessment: 17 topics, several sharing a position, one group.
pub fn fixture() -> CycleResults {
    let codes = [
        "E1", "E2", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "G1", "G2", "G3",
        "G4", "G5",
    ];
    let topics: Vec<CycleTopic> = codes
        .iter()
        .map(|c| CycleTopic {
            code: c.to_string(),
            category: Category::parse(&c[..1]).unwrap(),
            name: Bilingual {
                zh: format!("议题 {c}"),
                en: format!("Topic {c}"),
            },
            description: Bilingual::default(),
        })
        .collect();
    let mut tallies = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        // Three clusters of nearly equal means, so labels compete for space.
        let (b, s) = [(4, 4), (4, 5), (3, 4)][i % 3];
        for (axis, v) in [(Axis::Business, b), (Axis::Stakeholder, s)] {
            tallies.push(Tally {
                topic: c.to_string(),
                axis,
                group: "EMP".into(),
                value: Some(v),
                n: 5,
            });
        }
    }
    let summary = CycleSummary {
        id: 1,
        name: "Golden".into(),
        year: 2026,
        status: CycleStatus::Closed,
        scale: Scale::FIVE,
        k: 5,
        threshold: 3.5,
        threshold_rule: ThresholdRule::Both,
        preview_open: false,
    };
    let groups = [GroupInfo {
        code: "EMP".into(),
        name: Bilingual::default(),
        internal: true,
        weight: 1.0,
    }];
    aggregate(
        summary,
        &topics,
        &groups,
        &tallies,
        &crate::domain::Disclosure::default(),
    )
}

//! A cycle's results composed from everything they depend on, read once. The store reads a cycle's
//! [`CycleInputs`] in one read transaction; the page, every export and the confirmation all call
//! [`compose`] on them, so that figures shown side by side come from one reading and one set of rules:
//! the weights frozen by a confirmation, the anonymity rule it was confirmed under, the figures of an
//! open cycle held back without the preview, a result carried forward, the overrides, and the check
//! that a confirmed result still hashes to its stamp.

use super::{
    aggregate_for, apply_overrides, statistics_text, AnonymityRule, CarriedForward, CycleResults,
    CycleSummary, CycleTopic, GroupInfo, Override, Respondents, Stamp, Tally,
};
use std::collections::BTreeMap;

/// Everything a cycle's results are computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct CycleInputs {
    pub summary: CycleSummary,
    pub topics: Vec<CycleTopic>,
    /// Every stakeholder group, with its weight now.
    pub groups: Vec<GroupInfo>,
    pub tallies: Vec<Tally>,
    /// The confirmation stamp as stored (its `intact` is decided here).
    pub stamp: Option<Stamp>,
    pub overrides: BTreeMap<String, Override>,
    /// The earlier confirmed cycle whose result this one adopted.
    pub carried: Option<Carried>,
}

/// A carried-forward result's source, read with the cycle that carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub from: i64,
    pub rationale: String,
    pub source: Box<CycleInputs>,
}

/// The results of `inputs` counting the answers of `who`: `None` where the anonymity rule withholds
/// that grouping. The stamp comes with them (`intact` when everyone's statistics still `hash` to it);
/// the overrides apply to everyone's view only.
pub fn compose(
    inputs: &CycleInputs,
    who: &Respondents,
    hash: impl Fn(&str) -> String + Copy,
) -> Option<CycleResults> {
    let mut results = figures(inputs, who, hash)?;
    let everyone = Respondents::All;
    if let Some(stamp) = &inputs.stamp {
        let text = if *who == everyone {
            Some(statistics_text(&results))
        } else {
            figures(inputs, &everyone, hash).map(|r| statistics_text(&r))
        };
        let mut stamp = stamp.clone();
        stamp.intact = text.is_some_and(|t| hash(&t) == stamp.statistics_hash);
        results.confirmation = Some(stamp);
    }
    if *who == everyone {
        apply_overrides(&mut results, &inputs.overrides);
    }
    Some(results)
}

/// The figures before this cycle's own stamp and overrides: its own answers' (weights and rule as
/// confirmed, none while it is open without the preview), or the result it carries forward.
fn figures(
    inputs: &CycleInputs,
    who: &Respondents,
    hash: impl Fn(&str) -> String + Copy,
) -> Option<CycleResults> {
    if let Some(c) = &inputs.carried {
        return compose(&c.source, who, hash).map(|source| carried(&inputs.summary, c, source));
    }
    let mut groups = inputs.groups.clone();
    if let Some(stamp) = &inputs.stamp {
        // Confirmed: the weights as they were then. A group added since took no part.
        for g in &mut groups {
            g.weight = stamp
                .methodology
                .weights
                .get(&g.code)
                .copied()
                .unwrap_or(0.0);
        }
    }
    // An open cycle without the preview shows no figures yet: as if nobody had answered.
    let tallies: &[Tally] = if inputs.summary.figures_shown() {
        &inputs.tallies
    } else {
        &[]
    };
    let rule = inputs
        .stamp
        .as_ref()
        .map_or(AnonymityRule::Cells, |s| s.methodology.anonymity);
    aggregate_for(
        inputs.summary.clone(),
        &inputs.topics,
        &groups,
        tallies,
        who,
        rule,
    )
}

/// The result of the cycle `c` points to, as the cycle `summary` that carries it forward shows it.
fn carried(summary: &CycleSummary, c: &Carried, source: CycleResults) -> CycleResults {
    CycleResults {
        cycle: CycleSummary {
            id: summary.id,
            name: summary.name.clone(),
            year: summary.year,
            status: summary.status,
            preview_open: summary.preview_open,
            ..source.cycle.clone()
        },
        topics: source.topics,
        confirmation: None,
        carried_forward: Some(CarriedForward {
            from: c.from,
            name: source.cycle.name,
            year: source.cycle.year,
            rationale: c.rationale.clone(),
        }),
        withheld: source.withheld,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Axis, Bilingual, Category, CycleStatus, Methodology, Scale, ThresholdRule,
    };

    fn summary(id: i64, status: CycleStatus) -> CycleSummary {
        CycleSummary {
            id,
            name: format!("cycle {id}"),
            year: 2020 + id as i32,
            status,
            scale: Scale::FIVE,
            k: 2,
            threshold: 3.5,
            threshold_rule: ThresholdRule::Both,
            preview_open: false,
        }
    }

    fn inputs(id: i64, status: CycleStatus) -> CycleInputs {
        let tally = |value, n| Tally {
            topic: "E1".into(),
            axis: Axis::Business,
            group: "EMP".into(),
            value: Some(value),
            n,
        };
        let mut tallies = vec![tally(4, 2), tally(5, 1)];
        tallies.push(Tally {
            axis: Axis::Stakeholder,
            ..tally(4, 3)
        });
        CycleInputs {
            summary: summary(id, status),
            topics: vec![CycleTopic {
                code: "E1".into(),
                category: Category::E,
                name: Bilingual::default(),
                description: Bilingual::default(),
            }],
            groups: vec![GroupInfo {
                code: "EMP".into(),
                name: Bilingual::default(),
                internal: true,
                weight: 1.0,
            }],
            tallies,
            stamp: None,
            overrides: BTreeMap::new(),
            carried: None,
        }
    }

    fn toy_hash(s: &str) -> String {
        format!("{}:{}", s.len(), s.bytes().map(u64::from).sum::<u64>())
    }

    fn stamp_of(r: &CycleResults) -> Stamp {
        Stamp {
            confirmed_at: 1,
            confirmed_by: "admin@example.com".into(),
            methodology: Methodology {
                scale: Scale::FIVE,
                k: 2,
                threshold: 3.5,
                threshold_rule: ThresholdRule::Both,
                weights: [("EMP".to_string(), 2.0)].into(),
                anonymity: AnonymityRule::Cells,
                scoring: None,
            },
            statistics_hash: toy_hash(&statistics_text(r)),
            intact: false,
            audit_anchor: None,
            assessment_hash: None,
        }
    }

    #[test]
    fn an_open_cycle_shows_figures_only_with_the_preview() {
        let mut open = inputs(1, CycleStatus::Open);
        let hidden = compose(&open, &Respondents::All, toy_hash).unwrap();
        assert_eq!(hidden.topics[0].business.n, 0);
        open.summary.preview_open = true;
        let shown = compose(&open, &Respondents::All, toy_hash).unwrap();
        assert_eq!(shown.topics[0].business.n, 3);
        let closed = compose(&inputs(1, CycleStatus::Closed), &Respondents::All, toy_hash);
        assert_eq!(closed.unwrap().topics[0].business.n, 3);
    }

    #[test]
    fn a_stamp_is_intact_only_while_the_figures_hash_to_it_in_every_view() {
        let mut c = inputs(1, CycleStatus::Confirmed);
        let before = compose(&c, &Respondents::All, toy_hash).unwrap();
        c.stamp = Some(stamp_of(&before));
        for who in [Respondents::All, Respondents::Internal] {
            let r = compose(&c, &who, toy_hash).unwrap();
            assert!(r.confirmation.unwrap().intact, "{who:?}");
        }
        // One more answer than was confirmed: the stamp no longer holds, in any view.
        c.tallies[0].n += 1;
        for who in [Respondents::All, Respondents::Internal] {
            let r = compose(&c, &who, toy_hash).unwrap();
            assert!(!r.confirmation.unwrap().intact, "{who:?}");
        }
    }

    #[test]
    fn confirmed_weights_and_overrides_apply_and_a_carried_result_shows_its_source() {
        let mut source = inputs(1, CycleStatus::Confirmed);
        let figures = compose(&source, &Respondents::All, toy_hash).unwrap();
        source.stamp = Some(stamp_of(&figures));
        source.overrides.insert(
            "E1".into(),
            Override {
                material: false,
                reason: "covered elsewhere".into(),
                by: "admin@example.com".into(),
                at: 1,
            },
        );
        let all = compose(&source, &Respondents::All, toy_hash).unwrap();
        assert!(!all.topics[0].material && all.topics[0].computed_material);
        assert!(all.confirmation.as_ref().unwrap().intact);
        let internal = compose(&source, &Respondents::Internal, toy_hash).unwrap();
        assert!(
            internal.topics[0].material,
            "overrides: everyone's view only"
        );

        let mut next = inputs(2, CycleStatus::Draft);
        next.tallies.clear();
        next.carried = Some(Carried {
            from: 1,
            rationale: "nothing changed".into(),
            source: Box::new(source),
        });
        let carried = compose(&next, &Respondents::All, toy_hash).unwrap();
        assert_eq!(carried.cycle.id, 2);
        assert_eq!(carried.cycle.status, CycleStatus::Draft);
        assert_eq!(carried.topics[0].business.n, 3);
        assert!(!carried.topics[0].material, "the source's decision");
        assert_eq!(carried.confirmation, None, "not confirmed itself yet");
        let from = carried.carried_forward.unwrap();
        assert_eq!(
            (from.from, from.name.as_str(), from.year),
            (1, "cycle 1", 2021)
        );
    }
}

//! Stakeholder input beside a double-materiality assessment. The stakeholder survey may run in the
//! same cycle as evidence: each of its topics may inform one sustainability matter, and that matter's
//! row then shows the topic's figures (everyone's mean importance to stakeholders, under the survey's
//! anonymity rule) beside its IRO scores. Stakeholders inform the judgement, they do not make it: a
//! matter they rate high while its scores leave it not material is flagged for the decision group's
//! review, and nothing else changes.

use super::double_materiality::MatterMateriality;
use super::iro::MatterResult;
use super::{Bilingual, CycleResults};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A survey topic of a double-materiality cycle and the matter it informs, as the register lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicLink {
    pub code: String,
    pub name: Bilingual,
    /// The matter's code; `None` when the topic informs no matter.
    pub matter: Option<String>,
}

/// A survey topic's figures beside the matter it informs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicFigure {
    pub code: String,
    pub name: Bilingual,
    /// Everyone's mean importance to stakeholders on the survey's scale; `None` when nobody rated
    /// it, when the survey's figures are held back (open without the preview), or when the anonymity
    /// rule withholds everyone's figures.
    pub mean: Option<f64>,
    /// How many rated it.
    pub n: u64,
    /// Everyone's figures are withheld: fewer than the cycle's k responses.
    pub withheld: bool,
    /// The mean is at or above the survey's threshold: stakeholders rate the topic high.
    pub high: bool,
}

impl MatterResult {
    /// It has something to show: a score, an IRO awaiting its decision, or stakeholder input. The
    /// scores and review pages list these matters.
    pub fn assessed(&self) -> bool {
        let p = &self.position;
        p.financial.is_some()
            || p.impact.is_some()
            || p.undecided > 0
            || !self.stakeholders.is_empty()
    }

    /// Stakeholders rate it high (one of its topics at or above the survey's threshold) while its
    /// IRO scores, with the decisions recorded on them, leave it not material: the decision group
    /// should look at it again.
    pub fn flagged(&self) -> bool {
        self.position.materiality == MatterMateriality::NotMaterial
            && self.stakeholders.iter().any(|f| f.high)
    }
}

/// Every topic's figure from the survey's results as everyone's view composes them (the anonymity
/// rule, held-back figures and the threshold included), by topic code.
pub fn figures(results: &CycleResults) -> BTreeMap<String, TopicFigure> {
    let withheld = results.withheld.iter().any(|w| w == "all");
    results
        .topics
        .iter()
        .map(|t| {
            let mean = t.stakeholder.mean;
            let figure = TopicFigure {
                code: t.code.clone(),
                name: t.name.clone(),
                mean,
                n: t.stakeholder.n,
                withheld,
                high: mean.is_some_and(|m| m >= results.cycle.threshold),
            };
            (t.code.clone(), figure)
        })
        .collect()
}

/// Attaches to each matter the figures of the topics that inform it: `links` are (topic code,
/// matter code) pairs; a link to a topic without a figure or to a matter not in `matters` is
/// ignored. Each matter's topics are in the order of `links`.
pub fn attach(
    matters: &mut [MatterResult],
    figures: &BTreeMap<String, TopicFigure>,
    links: &[(String, String)],
) {
    let at: BTreeMap<String, usize> = matters
        .iter()
        .enumerate()
        .map(|(i, m)| (m.matter.code.clone(), i))
        .collect();
    for (topic, matter) in links {
        if let (Some(f), Some(&i)) = (figures.get(topic), at.get(matter)) {
            matters[i].stakeholders.push(f.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::double_materiality::MatterPosition;
    use crate::domain::matters::MatterRow;

    fn matter(code: &str, materiality: MatterMateriality) -> MatterResult {
        MatterResult {
            matter: MatterRow {
                id: 0,
                code: code.into(),
                parent: None,
                pillar: "E".into(),
                name: Bilingual::default(),
                entity_specific: false,
            },
            position: MatterPosition {
                financial: Some(1.0),
                impact: Some(2.0),
                materiality,
                undecided: 0,
            },
            iros: 1,
            stakeholders: Vec::new(),
        }
    }

    fn figure(code: &str, mean: Option<f64>, high: bool) -> (String, TopicFigure) {
        let f = TopicFigure {
            code: code.into(),
            name: Bilingual::default(),
            mean,
            n: 12,
            withheld: false,
            high,
        };
        (code.into(), f)
    }

    fn link(topic: &str, matter: &str) -> (String, String) {
        (topic.into(), matter.into())
    }

    #[test]
    fn topics_attach_to_the_matters_they_inform() {
        let mut matters = vec![
            matter("E1", MatterMateriality::NotMaterial),
            matter("S1", MatterMateriality::Impact),
        ];
        let figures: BTreeMap<_, _> = [
            figure("T1", Some(4.5), true),
            figure("T2", Some(2.0), false),
            figure("T3", None, false),
        ]
        .into_iter()
        .collect();
        let links = [
            link("T2", "E1"),
            link("T1", "E1"),
            link("T3", "S1"),
            // Neither a topic of the survey nor a matter of the cycle: nothing to show.
            link("T9", "E1"),
            link("T1", "G9"),
        ];
        attach(&mut matters, &figures, &links);
        let codes = |m: &MatterResult| {
            m.stakeholders
                .iter()
                .map(|f| f.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&matters[0]), ["T2", "T1"]);
        assert_eq!(codes(&matters[1]), ["T3"]);
    }

    #[test]
    fn a_matter_stakeholders_rate_high_is_flagged_only_while_it_is_not_material() {
        let figures: BTreeMap<_, _> = [
            figure("HI", Some(4.0), true),
            figure("LO", Some(1.5), false),
        ]
        .into_iter()
        .collect();
        let flagged = |materiality, topic: &str| {
            let mut m = [matter("M", materiality)];
            attach(&mut m, &figures, &[link(topic, "M")]);
            m[0].flagged()
        };
        assert!(flagged(MatterMateriality::NotMaterial, "HI"));
        assert!(!flagged(MatterMateriality::NotMaterial, "LO"));
        for material in [
            MatterMateriality::Impact,
            MatterMateriality::Financial,
            MatterMateriality::Double,
        ] {
            assert!(!flagged(material, "HI"));
        }
        // No stakeholder input: nothing to flag.
        assert!(!matter("M", MatterMateriality::NotMaterial).flagged());
    }
}

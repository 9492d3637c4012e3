//! The materiality assessment of one cycle: histograms in, the figures of `results.json` out.

use super::{Axis, AxisStats, Bilingual, Category, CycleTopic, Histogram, Scale};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Where a cycle is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleStatus {
    Draft,
    Open,
    Closed,
    Confirmed,
}

impl CycleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CycleStatus::Draft => "draft",
            CycleStatus::Open => "open",
            CycleStatus::Closed => "closed",
            CycleStatus::Confirmed => "confirmed",
        }
    }

    pub fn parse(s: &str) -> Option<CycleStatus> {
        [
            CycleStatus::Draft,
            CycleStatus::Open,
            CycleStatus::Closed,
            CycleStatus::Confirmed,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// How the materiality threshold `t` is applied to a topic's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdRule {
    /// Both axes >= t.
    Both,
    /// Either axis >= t.
    Either,
    /// The mean of the two axes >= t.
    Mean,
}

impl ThresholdRule {
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdRule::Both => "both",
            ThresholdRule::Either => "either",
            ThresholdRule::Mean => "mean",
        }
    }

    pub fn parse(s: &str) -> Option<ThresholdRule> {
        [
            ThresholdRule::Both,
            ThresholdRule::Either,
            ThresholdRule::Mean,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }

    pub fn is_material(self, t: f64, x: f64, y: f64) -> bool {
        match self {
            ThresholdRule::Both => x >= t && y >= t,
            ThresholdRule::Either => x >= t || y >= t,
            ThresholdRule::Mean => (x + y) / 2.0 >= t,
        }
    }
}

/// The settings of a cycle that the figures depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleSummary {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub status: CycleStatus,
    pub scale: Scale,
    /// Anonymity threshold: group breakdowns below k responses are withheld.
    pub k: u32,
    pub threshold: f64,
    pub threshold_rule: ThresholdRule,
}

/// A stakeholder group as the aggregation needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupInfo {
    pub code: String,
    pub name: Bilingual,
    pub internal: bool,
    pub weight: f64,
}

/// One stored histogram cell: h[topic, axis, group, value] = n; `value` None counts "don't know".
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub topic: String,
    pub axis: Axis,
    pub group: String,
    pub value: Option<i32>,
    pub n: u64,
}

/// An IQR of this many scale points or more on either axis marks a topic as contested.
pub const CONTESTED_IQR: f64 = 2.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weighted {
    pub business: Option<f64>,
    pub stakeholder: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    /// Responses from the group.
    pub n: u64,
    pub business: AxisStats,
    pub stakeholder: AxisStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicResult {
    pub code: String,
    pub category: Category,
    pub name: Bilingual,
    pub business: AxisStats,
    pub stakeholder: AxisStats,
    pub weighted: Weighted,
    /// 1 = most material. Topics without a position on both axes come last, in cycle order.
    pub rank: u32,
    pub material: bool,
    pub contested: bool,
    /// Per-group figures, only for groups with at least k responses.
    pub groups: BTreeMap<String, GroupResult>,
}

impl TopicResult {
    /// The plotted position (pooled, unweighted means), when both axes have answers.
    pub fn position(&self) -> Option<(f64, f64)> {
        self.business.mean.zip(self.stakeholder.mean)
    }
}

/// The whole assessment, serialised as `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleResults {
    pub cycle: CycleSummary,
    pub topics: Vec<TopicResult>,
}

/// Aggregates a cycle's histogram cells. Cells of topics or groups the cycle does not know are a
/// storage bug and are ignored rather than allowed to corrupt the figures.
pub fn aggregate(
    cycle: CycleSummary,
    topics: &[CycleTopic],
    groups: &[GroupInfo],
    tallies: &[Tally],
) -> CycleResults {
    let scale = cycle.scale;
    // (topic, group, axis) -> histogram
    let mut cells: HashMap<(&str, &str, Axis), Histogram> = HashMap::new();
    for t in tallies {
        let h = cells
            .entry((t.topic.as_str(), t.group.as_str(), t.axis))
            .or_insert_with(|| Histogram::new(scale));
        match t.value {
            Some(v) if scale.contains(v.into()) => h.add(v, t.n),
            Some(_) => {}
            None => h.dont_know += t.n,
        }
    }
    // Every response answers every topic (a score or "don't know"), so a group's response count is its
    // largest answer count over the topics.
    let group_n = |g: &str| {
        topics
            .iter()
            .filter_map(|t| {
                cells
                    .get(&(t.code.as_str(), g, Axis::Business))
                    .map(Histogram::answers)
            })
            .max()
            .unwrap_or(0)
    };
    let group_ns: Vec<u64> = groups.iter().map(|g| group_n(&g.code)).collect();

    let mut results: Vec<TopicResult> = topics
        .iter()
        .map(|topic| {
            let mut pooled = [Histogram::new(scale), Histogram::new(scale)];
            let mut weighted = [(0.0, 0.0); 2]; // (sum w * mean, sum w) per axis
            let mut per_group = BTreeMap::new();
            for (g, &n) in groups.iter().zip(&group_ns) {
                let hist = |axis| {
                    cells
                        .get(&(topic.code.as_str(), g.code.as_str(), axis))
                        .cloned()
                        .unwrap_or_else(|| Histogram::new(scale))
                };
                let gh = [hist(Axis::Business), hist(Axis::Stakeholder)];
                for i in 0..2 {
                    pooled[i].merge(&gh[i]);
                    if let Some(m) = gh[i].mean() {
                        weighted[i].0 += g.weight * m;
                        weighted[i].1 += g.weight;
                    }
                }
                if n > 0 && n >= u64::from(cycle.k) {
                    per_group.insert(
                        g.code.clone(),
                        GroupResult {
                            n,
                            business: gh[0].stats(),
                            stakeholder: gh[1].stats(),
                        },
                    );
                }
            }
            let w = |(s, total): (f64, f64)| (total > 0.0).then(|| s / total);
            let business = pooled[0].stats();
            let stakeholder = pooled[1].stats();
            let material = business
                .mean
                .zip(stakeholder.mean)
                .is_some_and(|(x, y)| cycle.threshold_rule.is_material(cycle.threshold, x, y));
            let contested = [&business, &stakeholder]
                .iter()
                .any(|s| s.iqr.is_some_and(|i| i >= CONTESTED_IQR));
            TopicResult {
                code: topic.code.clone(),
                category: topic.category,
                name: topic.name.clone(),
                business,
                stakeholder,
                weighted: Weighted {
                    business: w(weighted[0]),
                    stakeholder: w(weighted[1]),
                },
                rank: 0,
                material,
                contested,
                groups: per_group,
            }
        })
        .collect();
    assign_ranks(&mut results);
    CycleResults {
        cycle,
        topics: results,
    }
}

/// Ranks by the mean of x and y, ties broken by the larger of the two; topics without a position last.
fn assign_ranks(results: &mut [TopicResult]) {
    let mut order: Vec<usize> = (0..results.len()).collect();
    let key = |r: &TopicResult| r.position().map(|(x, y)| ((x + y) / 2.0, x.max(y)));
    // A stable sort keeps cycle order among exact ties and among topics without a position.
    order.sort_by(|&a, &b| match (key(&results[a]), key(&results[b])) {
        (Some(ka), Some(kb)) => kb.partial_cmp(&ka).unwrap_or(std::cmp::Ordering::Equal),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    for (rank, i) in order.into_iter().enumerate() {
        results[i].rank = rank as u32 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(k: u32) -> CycleSummary {
        CycleSummary {
            id: 1,
            name: "c".into(),
            year: 2022,
            status: CycleStatus::Open,
            scale: Scale::FIVE,
            k,
            threshold: 3.5,
            threshold_rule: ThresholdRule::Both,
        }
    }

    fn topic(code: &str, category: Category) -> CycleTopic {
        CycleTopic {
            code: code.into(),
            category,
            name: Bilingual::default(),
            description: Bilingual::default(),
        }
    }

    fn group(code: &str, weight: f64) -> GroupInfo {
        GroupInfo {
            code: code.into(),
            name: Bilingual::default(),
            internal: false,
            weight,
        }
    }

    /// Tallies for a list of (business, stakeholder) answers of one group on one topic.
    fn answers(topic: &str, group: &str, list: &[(Option<i32>, Option<i32>)]) -> Vec<Tally> {
        let mut out = Vec::new();
        for (axis, pick) in [(Axis::Business, 0), (Axis::Stakeholder, 1)] {
            let mut counts: BTreeMap<Option<i32>, u64> = BTreeMap::new();
            for a in list {
                *counts.entry(if pick == 0 { a.0 } else { a.1 }).or_default() += 1;
            }
            out.extend(counts.into_iter().map(|(value, n)| Tally {
                topic: topic.into(),
                axis,
                group: group.into(),
                value,
                n,
            }));
        }
        out
    }

    #[test]
    fn pooled_weighted_and_withheld_groups() {
        // EMP: 5 responses, business 5,5,4,4,None; CUS: 2 responses, business 1,2.
        let mut tallies = answers(
            "E1",
            "EMP",
            &[
                (Some(5), Some(4)),
                (Some(5), Some(4)),
                (Some(4), Some(4)),
                (Some(4), Some(4)),
                (None, Some(4)),
            ],
        );
        tallies.extend(answers(
            "E1",
            "CUS",
            &[(Some(1), Some(2)), (Some(2), Some(2))],
        ));
        let r = aggregate(
            summary(5),
            &[topic("E1", Category::E)],
            &[group("EMP", 3.0), group("CUS", 1.0)],
            &tallies,
        );
        let t = &r.topics[0];
        // pooled business: 5 5 4 4 1 2 -> mean 21/6, one don't know
        assert_eq!(t.business.n, 6);
        assert_eq!(t.business.dont_know, 1);
        assert!((t.business.mean.unwrap() - 3.5).abs() < 1e-12);
        // weighted: (3 * 4.5 + 1 * 1.5) / 4 = 3.75; stakeholder (3 * 4 + 1 * 2) / 4 = 3.5
        assert!((t.weighted.business.unwrap() - 3.75).abs() < 1e-12);
        assert!((t.weighted.stakeholder.unwrap() - 3.5).abs() < 1e-12);
        // CUS has 2 < k = 5 responses: withheld, though counted above.
        assert_eq!(t.groups.keys().collect::<Vec<_>>(), ["EMP"]);
        assert_eq!(t.groups["EMP"].n, 5);
        assert_eq!(t.groups["EMP"].business.n, 4);
        // stakeholder pooled 4 4 4 4 4 2 2 -> mean 24/7 < 3.5: not material under "both"
        assert!(!t.material);
    }

    #[test]
    fn ranks_threshold_and_contest() {
        let mut tallies = answers("A", "G", &[(Some(5), Some(5)), (Some(5), Some(5))]);
        tallies.extend(answers("B", "G", &[(Some(1), Some(5)), (Some(5), Some(5))])); // (3, 5): mean 4, max 5
        tallies.extend(answers("C", "G", &[(Some(4), Some(4)), (Some(4), Some(4))])); // (4, 4): mean 4, max 4
        tallies.extend(answers("D", "G", &[(None, Some(4)), (None, Some(4))])); // no business position
        let topics = ["A", "B", "C", "D"].map(|c| topic(c, Category::S));
        let r = aggregate(summary(1), &topics, &[group("G", 1.0)], &tallies);
        let ranks: Vec<_> = r.topics.iter().map(|t| (t.code.as_str(), t.rank)).collect();
        assert_eq!(ranks, [("A", 1), ("B", 2), ("C", 3), ("D", 4)]);
        let material: Vec<_> = r.topics.iter().map(|t| t.material).collect();
        assert_eq!(material, [true, false, true, false]);
        // B's business answers 1 and 5: IQR = 4.5 - 2 = 2 -> contested
        let contested: Vec<_> = r.topics.iter().map(|t| t.contested).collect();
        assert_eq!(contested, [false, true, false, false]);
        assert_eq!(r.topics[3].business.mean, None);
        assert_eq!(r.topics[3].business.dont_know, 2);
    }

    #[test]
    fn threshold_rules() {
        for (rule, x, y, material) in [
            (ThresholdRule::Both, 4.0, 3.0, false),
            (ThresholdRule::Both, 3.5, 3.5, true),
            (ThresholdRule::Either, 4.0, 3.0, true),
            (ThresholdRule::Either, 3.0, 3.4, false),
            (ThresholdRule::Mean, 4.0, 3.0, true),
            (ThresholdRule::Mean, 4.0, 2.9, false),
        ] {
            assert_eq!(rule.is_material(3.5, x, y), material, "{rule:?} {x} {y}");
        }
    }

    #[test]
    fn no_answers_at_all() {
        let r = aggregate(
            summary(5),
            &[topic("E1", Category::E)],
            &[group("EMP", 1.0)],
            &[],
        );
        let t = &r.topics[0];
        assert_eq!(t.business.n, 0);
        assert_eq!(t.weighted.business, None);
        assert!(t.groups.is_empty());
        assert_eq!(t.rank, 1);
        assert!(!t.material);
    }
}

//! The materiality assessment of one cycle: histograms in, the figures of `results.json` out.

use super::{
    AnonymityRule, Axis, AxisStats, Bilingual, Category, CycleTopic, Disclosure, Histogram, Scale,
};
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
    /// The admin turned on "preview while open".
    #[serde(default)]
    pub preview_open: bool,
}

impl CycleSummary {
    /// Whether the figures of the cycle's own answers are shown now: not while it is open, unless its
    /// admin turned the preview on. A reviewer who reloads the matrix after one known person answered
    /// would otherwise see that person's scores in the change.
    pub fn figures_shown(&self) -> bool {
        self.status != CycleStatus::Open || self.preview_open
    }
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
    /// Whether the topic is material: the decision group's override where there is one, else the
    /// threshold rule's outcome.
    pub material: bool,
    /// The threshold rule's outcome.
    pub computed_material: bool,
    pub contested: bool,
    /// Per-group figures, only for the groups the anonymity rule shows.
    pub groups: BTreeMap<String, GroupResult>,
    /// The decision group's override of `computed_material`, with its reason.
    #[serde(rename = "override", default)]
    pub override_: Option<super::Override>,
}

impl TopicResult {
    /// The plotted position (pooled, unweighted means), when both axes have answers.
    pub fn position(&self) -> Option<(f64, f64)> {
        self.business.mean.zip(self.stakeholder.mean)
    }

    /// The weighted position (group weights), when both axes have answers.
    pub fn weighted_position(&self) -> Option<(f64, f64)> {
        self.weighted.business.zip(self.weighted.stakeholder)
    }
}

/// The whole assessment, serialised as `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleResults {
    pub cycle: CycleSummary,
    pub topics: Vec<TopicResult>,
    /// The confirmation stamp; None while the result is provisional.
    #[serde(default)]
    pub confirmation: Option<super::Stamp>,
    /// The previous confirmed result this cycle adopted, when it did.
    #[serde(default)]
    pub carried_forward: Option<super::CarriedForward>,
    /// The groupings whose figures the anonymity rule withholds ([`Disclosure::withheld`]).
    #[serde(default)]
    pub withheld: Vec<String>,
}

impl CycleResults {
    /// "confirmed" or "provisional", as the exports say it.
    pub fn standing(&self) -> &'static str {
        if self.confirmation.is_some() {
            "confirmed"
        } else {
            "provisional"
        }
    }
}

/// Responses per group, in the order of `groups`: every response answers every topic (a score or
/// "don't know"), so a group's response count is its largest answer count over the topics.
pub fn group_responses(topics: &[CycleTopic], groups: &[GroupInfo], tallies: &[Tally]) -> Vec<u64> {
    let mut answers: HashMap<(&str, &str), u64> = HashMap::new();
    for t in tallies.iter().filter(|t| t.axis == Axis::Business) {
        *answers
            .entry((t.group.as_str(), t.topic.as_str()))
            .or_default() += t.n;
    }
    groups
        .iter()
        .map(|g| {
            topics
                .iter()
                .filter_map(|t| answers.get(&(g.code.as_str(), t.code.as_str())).copied())
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// Aggregates a cycle's histogram cells, showing per-group figures and weighting only as `disclosure`
/// allows. Cells of topics or groups the cycle does not know are a storage bug and are ignored rather
/// than allowed to corrupt the figures.
pub fn aggregate(
    cycle: CycleSummary,
    topics: &[CycleTopic],
    groups: &[GroupInfo],
    tallies: &[Tally],
    disclosure: &Disclosure,
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
    let group_ns = group_responses(topics, groups, tallies);

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
                    if let Some(m) = gh[i].mean().filter(|_| disclosure.weighs(&g.code)) {
                        weighted[i].0 += g.weight * m;
                        weighted[i].1 += g.weight;
                    }
                }
                if n > 0 && disclosure.shows_group(&g.code) {
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
            let (material, contested) = judge(&cycle, &business, &stakeholder);
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
                computed_material: material,
                contested,
                groups: per_group,
                override_: None,
            }
        })
        .collect();
    assign_ranks(&mut results);
    CycleResults {
        cycle,
        topics: results,
        confirmation: None,
        carried_forward: None,
        withheld: disclosure.withheld.clone(),
    }
}

/// How the matrix is drawn: at the weighted positions, with interquartile-range bars, zoomed to the
/// data instead of the whole scale. Written `weighted=true&bars=true&zoom=true` in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MatrixOptions {
    #[serde(default)]
    pub weighted: bool,
    #[serde(default)]
    pub bars: bool,
    #[serde(default)]
    pub zoom: bool,
    /// Shade the "high" (one axis over the threshold) and "very high" (both) regions.
    #[serde(default)]
    pub shade: bool,
    /// Draw each topic's movement from the previous cycle's position.
    #[serde(default)]
    pub yoy: bool,
    /// The results are in the "internal vs external" layout (set from the respondents, not the URL):
    /// the axis titles say so.
    #[serde(default)]
    pub split: bool,
}

impl MatrixOptions {
    pub fn query(&self) -> String {
        format!(
            "weighted={}&bars={}&zoom={}&shade={}&yoy={}",
            self.weighted, self.bars, self.zoom, self.shade, self.yoy
        )
    }
}

/// The previous cycle's place of every topic (year over year): its rank and positions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Previous {
    pub name: String,
    pub year: i32,
    pub topics: BTreeMap<String, PreviousTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviousTopic {
    pub rank: u32,
    pub position: Option<(f64, f64)>,
    pub weighted: Option<(f64, f64)>,
}

impl Previous {
    pub fn of(r: &CycleResults) -> Previous {
        Previous {
            name: r.cycle.name.clone(),
            year: r.cycle.year,
            topics: r
                .topics
                .iter()
                .map(|t| {
                    let place = PreviousTopic {
                        rank: t.rank,
                        position: t.position(),
                        weighted: t.weighted_position(),
                    };
                    (t.code.clone(), place)
                })
                .collect(),
        }
    }

    /// Places gained since the previous cycle (negative: lost); None for a topic it did not ask.
    pub fn rank_change(&self, code: &str, rank: u32) -> Option<i64> {
        self.topics
            .get(code)
            .map(|p| i64::from(p.rank) - i64::from(rank))
    }
}

/// Whose answers a view of the results counts: everyone, the internal or the external groups, or one
/// group. Written `all`, `internal`, `external` or a group code in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Respondents {
    #[default]
    All,
    Internal,
    External,
    /// The "internal vs external" layout (see [`split_layout`]).
    Split,
    Group(String),
}

impl Respondents {
    pub fn parse(s: &str) -> Respondents {
        match s.trim() {
            "" | "all" => Respondents::All,
            "internal" => Respondents::Internal,
            "external" => Respondents::External,
            "split" => Respondents::Split,
            code => Respondents::Group(code.to_string()),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Respondents::All => "all",
            Respondents::Internal => "internal",
            Respondents::External => "external",
            Respondents::Split => "split",
            Respondents::Group(code) => code,
        }
    }

    pub fn includes(&self, g: &GroupInfo) -> bool {
        match self {
            Respondents::All => true,
            Respondents::Internal => g.internal,
            Respondents::External => !g.internal,
            Respondents::Split => true,
            Respondents::Group(code) => &g.code == code,
        }
    }
}

/// The results counting only the answers of `who`, disclosed by `rule` (see [`Disclosure`]): `None`
/// (withheld) when the rule withholds that grouping, or it names no group of the cycle. Everyone's
/// results always exist; where the rule withholds them, they count no answers at all.
pub fn aggregate_for(
    cycle: CycleSummary,
    topics: &[CycleTopic],
    groups: &[GroupInfo],
    tallies: &[Tally],
    who: &Respondents,
    rule: AnonymityRule,
) -> Option<CycleResults> {
    let counts = group_responses(topics, groups, tallies);
    let disclosure = Disclosure::new(rule, cycle.k, groups, &counts);
    match who {
        Respondents::All if !disclosure.shows(who) => {
            return Some(aggregate(cycle, topics, groups, &[], &disclosure));
        }
        Respondents::Group(code) if !groups.iter().any(|g| &g.code == code) => return None,
        _ if !disclosure.shows(who) => return None,
        Respondents::Split => {
            let side = |who| aggregate_for(cycle.clone(), topics, groups, tallies, who, rule);
            return Some(split_layout(
                side(&Respondents::Internal)?,
                side(&Respondents::External)?,
            ));
        }
        _ => {}
    }
    let groups: Vec<GroupInfo> = groups.iter().filter(|g| who.includes(g)).cloned().collect();
    let tallies: Vec<Tally> = tallies
        .iter()
        .filter(|t| groups.iter().any(|g| g.code == t.group))
        .cloned()
        .collect();
    Some(aggregate(cycle, topics, &groups, &tallies, &disclosure))
}

/// One cell of an exported table: typed, so that a spreadsheet gets numbers and a CSV gets text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Empty where the figure does not exist (no answers, or no weights).
    Num(Option<f64>),
    Bool(bool),
}

impl Cell {
    /// The cell as text: numbers to four decimals, empty where there is no figure.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(v) => v.map(|v| format!("{v:.4}")).unwrap_or_default(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// A table of typed cells under named columns: each export's CSV and spreadsheet sheet are both one.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(header: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    /// The table as CSV, written by [`super::csv_document`].
    pub fn csv(&self) -> String {
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        super::csv_document(
            &header,
            self.rows.iter().map(|row| row.iter().map(Cell::text)),
        )
    }
}

/// The results as a table, one row per topic in rank order: every statistic of both axes, the
/// weighted position, material and contested. The CSV and the spreadsheet are both this table.
pub fn results_table(results: &CycleResults) -> Table {
    let mut header: Vec<String> = ["rank", "code", "category", "name_zh", "name_en"]
        .map(String::from)
        .into();
    for axis in ["business", "stakeholder"] {
        for f in [
            "n",
            "mean",
            "sd",
            "median",
            "q1",
            "q3",
            "iqr",
            "top2",
            "dont_know",
        ] {
            header.push(format!("{axis}_{f}"));
        }
    }
    header.extend(
        [
            "weighted_business",
            "weighted_stakeholder",
            "material",
            "contested",
            "computed_material",
            "override_reason",
            "standing",
            "confirmed_at_utc",
            "confirmed_by",
            "statistics_sha256",
            "audit_anchor",
            "carried_forward_from",
        ]
        .map(String::from),
    );
    // The review's columns repeat the cycle's standing on every row, so each row says on its own
    // whether it is a confirmed figure.
    let stamp = results.confirmation.as_ref();
    let text = |s: Option<String>| Cell::Text(s.unwrap_or_default());
    let standing = [
        Cell::Text(results.standing().to_string()),
        text(stamp.map(|s| super::format_utc(s.confirmed_at))),
        text(stamp.map(|s| s.confirmed_by.clone())),
        text(stamp.map(|s| s.statistics_hash.clone())),
        text(
            stamp
                .and_then(|s| s.audit_anchor.as_ref())
                .map(super::AuditAnchor::text),
        ),
        text(
            results
                .carried_forward
                .as_ref()
                .map(|c| format!("{} ({})", c.name, c.year)),
        ),
    ];
    let mut topics: Vec<&TopicResult> = results.topics.iter().collect();
    topics.sort_by_key(|r| r.rank);
    let rows = topics
        .into_iter()
        .map(|r| {
            let mut row = vec![
                Cell::Int(r.rank as i64),
                Cell::Text(r.code.clone()),
                Cell::Text(r.category.as_str().to_string()),
                Cell::Text(r.name.zh.clone()),
                Cell::Text(r.name.en.clone()),
            ];
            for s in [&r.business, &r.stakeholder] {
                row.push(Cell::Int(s.n as i64));
                row.extend([s.mean, s.sd, s.median, s.q1, s.q3, s.iqr, s.top2].map(Cell::Num));
                row.push(Cell::Int(s.dont_know as i64));
            }
            row.push(Cell::Num(r.weighted.business));
            row.push(Cell::Num(r.weighted.stakeholder));
            row.push(Cell::Bool(r.material));
            row.push(Cell::Bool(r.contested));
            row.push(Cell::Bool(r.computed_material));
            row.push(text(r.override_.as_ref().map(|o| o.reason.clone())));
            row.extend(standing.iter().cloned());
            row
        })
        .collect();
    Table { header, rows }
}

/// The results as CSV ([`results_table`], written by [`super::csv_document`]).
pub fn results_csv(results: &CycleResults) -> String {
    results_table(results).csv()
}

/// One response as the spreadsheet shows it: no token, receipt or comment, and the day only.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AnonymousResponse {
    /// The day it came in; `None` where its group is withheld.
    pub day: Option<String>,
    /// The group's code; `None` where the group is withheld.
    pub group: Option<String>,
    /// Per topic of the cycle, in its order: (business, stakeholder); `None` is "don't know".
    pub scores: Vec<(Option<i32>, Option<i32>)>,
}

/// The anonymised responses of an export, or, past the export's limit, how many there were.
#[derive(Debug, Clone, PartialEq)]
pub enum RawResponses {
    Rows(Vec<AnonymousResponse>),
    TooMany(usize),
}

/// One stored response before anonymising: submitted at (Unix seconds), its group's code, its scores.
pub type StoredResponse = (i64, String, Vec<(Option<i32>, Option<i32>)>);

/// Anonymises a cycle's stored responses for an export of those given by `who`, by the cell rule over
/// all of them (see [`Disclosure`]): the time becomes the day; a
/// response of a withheld group keeps its answers but neither its group nor its day (the day would
/// tell its respondents apart from the others they are pooled with); none at all where everyone's
/// figures are withheld. The rows are sorted by their content, so that their order says nothing about
/// who answered when.
pub fn anonymise(
    stored: Vec<StoredResponse>,
    groups: &[GroupInfo],
    k: u32,
    who: &Respondents,
) -> Vec<AnonymousResponse> {
    let counts: Vec<u64> = groups
        .iter()
        .map(|g| stored.iter().filter(|(_, code, _)| *code == g.code).count() as u64)
        .collect();
    let disclosure = Disclosure::new(AnonymityRule::Cells, k, groups, &counts);
    if !disclosure.shows(&Respondents::All) {
        return Vec::new();
    }
    let mut rows: Vec<AnonymousResponse> = stored
        .into_iter()
        .filter_map(|(at, code, scores)| {
            Some((at, groups.iter().find(|g| g.code == code)?, scores))
        })
        .filter(|(_, g, _)| who.includes(g))
        .map(|(at, g, scores)| {
            let shown = disclosure.shows_group(&g.code);
            let group = g.code.clone();
            AnonymousResponse {
                day: shown.then(|| super::date_of(at)),
                group: shown.then_some(group),
                scores,
            }
        })
        .collect();
    rows.sort();
    rows
}

/// Whether a topic with these figures is material (by the cycle's threshold rule) and contested.
fn judge(cycle: &CycleSummary, business: &AxisStats, stakeholder: &AxisStats) -> (bool, bool) {
    let material = business
        .mean
        .zip(stakeholder.mean)
        .is_some_and(|(x, y)| cycle.threshold_rule.is_material(cycle.threshold, x, y));
    let contested = [business, stakeholder]
        .iter()
        .any(|s| s.iqr.is_some_and(|i| i >= CONTESTED_IQR));
    (material, contested)
}

/// The "internal vs external" layout: x is the internal groups' importance to the business, y the
/// external groups' importance to stakeholders. Materiality, contest and rank follow from those.
pub fn split_layout(internal: CycleResults, external: CycleResults) -> CycleResults {
    let cycle = internal.cycle.clone();
    let mut topics: Vec<TopicResult> = internal
        .topics
        .into_iter()
        .zip(external.topics)
        .map(|(mut i, e)| {
            i.stakeholder = e.stakeholder;
            i.weighted.stakeholder = e.weighted.stakeholder;
            i.groups.extend(e.groups);
            (i.material, i.contested) = judge(&cycle, &i.business, &i.stakeholder);
            i.computed_material = i.material;
            i
        })
        .collect();
    assign_ranks(&mut topics);
    CycleResults {
        cycle,
        topics,
        confirmation: None,
        carried_forward: None,
        withheld: internal.withheld,
    }
}

/// The table's sort keys: `rank` and `code` ascending; `business.mean`, `stakeholder.iqr` and the like
/// (n, mean, median, iqr, dont_know of either axis) descending, topics without the figure last.
/// Ties keep rank order. An unknown key sorts by rank.
pub fn sort_topics(rows: &mut [TopicResult], key: &str) {
    rows.sort_by_key(|r| r.rank);
    if key == "code" {
        rows.sort_by(|a, b| a.code.cmp(&b.code));
        return;
    }
    let Some((axis, figure)) = key.split_once('.') else {
        return;
    };
    let value = |r: &TopicResult| -> Option<f64> {
        let s = match axis {
            "business" => &r.business,
            "stakeholder" => &r.stakeholder,
            _ => return None,
        };
        match figure {
            "n" => Some(s.n as f64),
            "mean" => s.mean,
            "median" => s.median,
            "iqr" => s.iqr,
            "dont_know" => Some(s.dont_know as f64),
            _ => None,
        }
    };
    rows.sort_by(|a, b| match (value(a), value(b)) {
        (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
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
            preview_open: false,
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
    fn filters_count_only_their_groups_and_withhold_by_the_cell_rule() {
        let mut emp = group("EMP", 1.0);
        emp.internal = true;
        let groups = [emp, group("CUS", 1.0)];
        let mut tallies = answers("E1", "EMP", &[(Some(5), Some(5)); 5]);
        tallies.extend(answers(
            "E1",
            "CUS",
            &[(Some(1), Some(1)), (Some(2), Some(2))],
        ));
        let topics = [topic("E1", Category::E)];
        let for_ = |k, who: &Respondents, rule| {
            aggregate_for(summary(k), &topics, &groups, &tallies, who, rule)
        };
        let all = for_(5, &Respondents::All, AnonymityRule::Cells).unwrap();
        assert_eq!(all.topics[0].business.n, 7);
        // Two customers are fewer than k = 5: withheld, by group and as "external"; and so are the
        // employees and "internal", which everyone's figures minus theirs would give the customers'.
        assert_eq!(all.withheld, ["internal", "external", "EMP", "CUS"]);
        assert!(all.topics[0].groups.is_empty());
        for who in ["internal", "external", "split", "EMP", "CUS", "NOPE"] {
            assert_eq!(
                for_(5, &Respondents::parse(who), AnonymityRule::Cells),
                None,
                "{who}"
            );
        }
        // Under the older rule (kept for results confirmed by it) only the customers were withheld.
        let internal = for_(5, &Respondents::Internal, AnonymityRule::GroupsBelowK).unwrap();
        assert_eq!(internal.topics[0].business.n, 5);
        assert_eq!(internal.topics[0].business.mean, Some(5.0));
        assert_eq!(internal.withheld, ["external", "CUS"]);
        assert_eq!(
            for_(5, &Respondents::External, AnonymityRule::GroupsBelowK),
            None
        );
        // Everyone below k: the results exist but count nothing, and say that everyone is withheld.
        let few = for_(50, &Respondents::All, AnonymityRule::Cells).unwrap();
        assert_eq!(few.topics[0].business.n, 0);
        assert_eq!(few.topics[0].position(), None);
        assert_eq!(few.withheld[0], "all");
        // The older rule always showed everyone.
        let old = for_(50, &Respondents::All, AnonymityRule::GroupsBelowK).unwrap();
        assert_eq!(old.topics[0].business.n, 7);
        assert_eq!(Respondents::parse("internal").key(), "internal");
        assert_eq!(Respondents::parse("").key(), "all");
    }

    #[test]
    fn split_layout_takes_x_from_internal_and_y_from_external_groups() {
        let mut emp = group("EMP", 1.0);
        emp.internal = true;
        let groups = [emp, group("CUS", 1.0)];
        // Employees: business 5, stakeholder 1. Customers: business 1, stakeholder 4.
        let mut tallies = answers("E1", "EMP", &[(Some(5), Some(1)); 5]);
        tallies.extend(answers("E1", "CUS", &[(Some(1), Some(4)); 5]));
        let topics = [topic("E1", Category::E)];
        let cells = AnonymityRule::Cells;
        let split = aggregate_for(
            summary(5),
            &topics,
            &groups,
            &tallies,
            &Respondents::Split,
            cells,
        )
        .unwrap();
        let e1 = &split.topics[0];
        assert_eq!(e1.position(), Some((5.0, 4.0)));
        assert!(e1.material, "5 and 4 both reach 3.5");
        // Pooled, the same answers give 3 and 2.5: not material.
        let all = aggregate_for(
            summary(5),
            &topics,
            &groups,
            &tallies,
            &Respondents::All,
            cells,
        )
        .unwrap();
        assert_eq!(all.topics[0].position(), Some((3.0, 2.5)));
        assert!(!all.topics[0].material);
        // One side under k withholds the layout.
        assert_eq!(
            aggregate_for(
                summary(6),
                &topics,
                &groups,
                &tallies,
                &Respondents::Split,
                cells
            ),
            None
        );
    }

    #[test]
    fn rank_changes_from_the_previous_cycle() {
        let last = aggregate(
            summary(1),
            &[topic("A1", Category::E), topic("B1", Category::S)],
            &[group("EMP", 1.0)],
            &[
                answers("A1", "EMP", &[(Some(5), Some(5))]),
                answers("B1", "EMP", &[(Some(1), Some(1))]),
            ]
            .concat(),
            &Disclosure::default(),
        );
        let previous = Previous::of(&last);
        assert_eq!(previous.topics["A1"].rank, 1);
        assert_eq!(previous.topics["B1"].position, Some((1.0, 1.0)));
        // This year B1 comes first: it gained one place, A1 lost one, C1 is new.
        assert_eq!(previous.rank_change("B1", 1), Some(1));
        assert_eq!(previous.rank_change("A1", 2), Some(-1));
        assert_eq!(previous.rank_change("C1", 3), None);
    }

    #[test]
    fn the_table_sorts_by_any_figure() {
        let mut tallies = answers("A1", "EMP", &[(Some(2), Some(5)), (Some(2), Some(5))]);
        tallies.extend(answers("B1", "EMP", &[(Some(5), Some(1)), (None, Some(2))]));
        tallies.extend(answers("C1", "EMP", &[(None, Some(3)), (None, Some(3))]));
        let r = aggregate(
            summary(1),
            &[
                topic("A1", Category::E),
                topic("B1", Category::S),
                topic("C1", Category::G),
            ],
            &[group("EMP", 1.0)],
            &tallies,
            &Disclosure::default(),
        );
        let order = |key: &str| {
            let mut rows = r.topics.clone();
            sort_topics(&mut rows, key);
            rows.into_iter().map(|t| t.code).collect::<Vec<_>>()
        };
        assert_eq!(order("rank"), ["A1", "B1", "C1"]);
        assert_eq!(
            order("business.mean"),
            ["B1", "A1", "C1"],
            "no business mean: last"
        );
        assert_eq!(order("stakeholder.mean"), ["A1", "C1", "B1"]);
        assert_eq!(order("business.dont_know"), ["C1", "B1", "A1"]);
        assert_eq!(order("code"), ["A1", "B1", "C1"]);
        assert_eq!(order("nonsense"), order("rank"));
        // Medians 2, 5 and none; stakeholder IQRs 0, 0.5 and 0 (ties keep rank order).
        assert_eq!(order("business.median"), ["B1", "A1", "C1"]);
        assert_eq!(order("stakeholder.iqr"), ["B1", "A1", "C1"]);
        // Answer counts 2, 1, 0, and a fourth topic with three that ranks after both.
        let mut more = tallies.clone();
        more.extend(answers("D1", "EMP", &[(Some(1), Some(1)); 3]));
        let mut rows = aggregate(
            summary(1),
            &["A1", "B1", "C1", "D1"].map(|c| topic(c, Category::E)),
            &[group("EMP", 1.0)],
            &more,
            &Disclosure::default(),
        )
        .topics;
        sort_topics(&mut rows, "business.n");
        let codes: Vec<&str> = rows.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["D1", "A1", "B1", "C1"]);
    }

    #[test]
    fn csv_has_every_figure_in_rank_order() {
        let mut tallies = answers("E1", "EMP", &[(Some(5), Some(4)), (Some(4), None)]);
        tallies.extend(answers(
            "S1",
            "EMP",
            &[(Some(1), Some(2)), (Some(2), Some(2))],
        ));
        let r = aggregate(
            summary(1),
            &[topic("S1", Category::S), topic("E1", Category::E)],
            &[group("EMP", 1.0)],
            &tallies,
            &Disclosure::default(),
        );
        let csv = results_csv(&r);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0]
            .starts_with("\u{feff}rank,code,category,name_zh,name_en,business_n,business_mean"));
        // Statistics, then the review's columns.
        assert_eq!(lines[0].split(',').count(), 5 + 18 + 4 + 8);
        // E1 ranks first: business 5,4 -> mean 4.5, sd 0.7071; stakeholder 4 and one don't know.
        assert!(
            lines[1].starts_with(
                "1,E1,E,,,2,4.5000,0.7071,4.5000,4.2500,4.7500,0.5000,1.0000,0,1,4.0000,"
            ),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with("2,S1,S,"));
        assert_eq!(lines[1].split(',').count(), 35);
        // Not confirmed, nothing overridden: the review's columns say so on every row.
        assert!(
            lines[1].ends_with(",true,,provisional,,,,,"),
            "{}",
            lines[1]
        );
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
        let topics = [topic("E1", Category::E)];
        let groups = [group("EMP", 3.0), group("CUS", 1.0)];
        let rule = AnonymityRule::GroupsBelowK;
        let r = aggregate_for(
            summary(5),
            &topics,
            &groups,
            &tallies,
            &Respondents::All,
            rule,
        )
        .unwrap();
        let t = &r.topics[0];
        // pooled business: 5 5 4 4 1 2 -> mean 21/6, one don't know
        assert_eq!(t.business.n, 6);
        assert_eq!(t.business.dont_know, 1);
        assert!((t.business.mean.unwrap() - 3.5).abs() < 1e-12);
        // weighted: (3 * 4.5 + 1 * 1.5) / 4 = 3.75; stakeholder (3 * 4 + 1 * 2) / 4 = 3.5
        assert!((t.weighted.business.unwrap() - 3.75).abs() < 1e-12);
        assert!((t.weighted.stakeholder.unwrap() - 3.5).abs() < 1e-12);
        assert_eq!(t.weighted_position(), Some((3.75, 3.5)));
        // CUS has 2 < k = 5 responses: withheld, though counted above (the older rule).
        assert_eq!(t.groups.keys().collect::<Vec<_>>(), ["EMP"]);
        assert_eq!(t.groups["EMP"].n, 5);
        assert_eq!(t.groups["EMP"].business.n, 4);
        // stakeholder pooled 4 4 4 4 4 2 2 -> mean 24/7 < 3.5: not material under "both"
        assert!(!t.material);

        // The cell rule: everyone minus EMP would be CUS, so EMP goes too, and with no group shown
        // there is no weighted figure; the pooled ones stay.
        let cells = AnonymityRule::Cells;
        let r = aggregate_for(
            summary(5),
            &topics,
            &groups,
            &tallies,
            &Respondents::All,
            cells,
        )
        .unwrap();
        let t = &r.topics[0];
        assert_eq!(r.withheld, ["EMP", "CUS"]);
        assert!(t.groups.is_empty());
        assert_eq!((t.weighted.business, t.weighted.stakeholder), (None, None));
        assert_eq!(t.business.n, 6);
        // Add NGO (five responses) and REG (three, weighing 100): CUS and REG, five together, are
        // pooled in "external" without a name, EMP and NGO are shown,
        // and the weighted figure is EMP's and NGO's alone: (3 * 4.5 + 1 * 2) / 4.
        tallies.extend(answers("E1", "NGO", &[(Some(2), Some(2)); 5]));
        tallies.extend(answers("E1", "REG", &[(Some(5), Some(5)); 3]));
        let groups = [
            group("EMP", 3.0),
            group("CUS", 1.0),
            group("NGO", 1.0),
            group("REG", 100.0),
        ];
        let r = aggregate_for(
            summary(5),
            &topics,
            &groups,
            &tallies,
            &Respondents::All,
            cells,
        )
        .unwrap();
        let t = &r.topics[0];
        assert_eq!(r.withheld, ["CUS", "REG"]);
        assert_eq!(t.groups.keys().collect::<Vec<_>>(), ["EMP", "NGO"]);
        assert!((t.weighted.business.unwrap() - 3.875).abs() < 1e-12);
    }

    #[test]
    fn ranks_threshold_and_contest() {
        let mut tallies = answers("A", "G", &[(Some(5), Some(5)), (Some(5), Some(5))]);
        tallies.extend(answers("B", "G", &[(Some(1), Some(5)), (Some(5), Some(5))])); // (3, 5): mean 4, max 5
        tallies.extend(answers("C", "G", &[(Some(4), Some(4)), (Some(4), Some(4))])); // (4, 4): mean 4, max 4
        tallies.extend(answers("D", "G", &[(None, Some(4)), (None, Some(4))])); // no business position
        let topics = ["A", "B", "C", "D"].map(|c| topic(c, Category::S));
        let r = aggregate(
            summary(1),
            &topics,
            &[group("G", 1.0)],
            &tallies,
            &Disclosure::default(),
        );
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
    fn matrix_options_are_written_as_a_query() {
        let o = MatrixOptions {
            weighted: true,
            zoom: true,
            yoy: true,
            ..Default::default()
        };
        assert_eq!(
            o.query(),
            "weighted=true&bars=false&zoom=true&shade=false&yoy=true"
        );
    }

    #[test]
    fn cycle_statuses_are_written_and_read_by_their_names() {
        let all = [
            (CycleStatus::Draft, "draft"),
            (CycleStatus::Open, "open"),
            (CycleStatus::Closed, "closed"),
            (CycleStatus::Confirmed, "confirmed"),
        ];
        for (status, name) in all {
            assert_eq!(status.as_str(), name);
            assert_eq!(CycleStatus::parse(name), Some(status));
        }
        assert_eq!(CycleStatus::parse("nope"), None);
    }

    #[test]
    fn cells_off_the_scale_are_ignored_and_a_position_needs_both_weighted_axes() {
        let mut tallies = answers("E1", "EMP", &[(Some(4), Some(2)); 2]);
        tallies.push(Tally {
            topic: "E1".into(),
            axis: Axis::Business,
            group: "EMP".into(),
            value: Some(9),
            n: 3,
        });
        let r = aggregate(
            summary(1),
            &[topic("E1", Category::E)],
            &[group("EMP", 1.0)],
            &tallies,
            &Disclosure::default(),
        );
        let t = &r.topics[0];
        assert_eq!((t.business.n, t.business.mean), (2, Some(4.0)));
        assert_eq!(t.weighted_position(), Some((4.0, 2.0)));
        let mut half = t.clone();
        half.weighted.stakeholder = None;
        assert_eq!(half.weighted_position(), None);
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
            &Disclosure::default(),
        );
        let t = &r.topics[0];
        assert_eq!(t.business.n, 0);
        assert_eq!(t.weighted.business, None);
        assert!(t.groups.is_empty());
        assert_eq!(t.rank, 1);
        assert!(!t.material);
    }

    #[test]
    fn anonymising_keeps_the_day_only_for_shown_groups_and_hides_the_order() {
        let day = 1_700_000_000; // 2023-11-14 22:13:20 UTC
        let at = |code: &str, t: i64, b: i32| (t, code.to_string(), vec![(Some(b), Some(1))]);
        let stored = vec![
            at("EMP", day + 3_000, 5),
            at("EMP", day, 2),
            at("EMP", day - 86_400, 1),
            at("CUS", day, 3),
            at("CUS", day + 1, 4),
            at("CUS", day + 2, 3),
            at("MED", day + 60, 4),
        ];
        let mut emp = group("EMP", 1.0);
        emp.internal = true;
        let groups = [emp, group("CUS", 1.0), group("MED", 1.0)];
        let show = |k, who: &Respondents| {
            anonymise(stored.clone(), &groups, k, who)
                .into_iter()
                .map(|r| (r.day, r.group, r.scores[0].0.unwrap()))
                .collect::<Vec<_>>()
        };
        let (d13, d14) = (
            Some("2023-11-13".to_string()),
            Some("2023-11-14".to_string()),
        );
        let emp = Some("EMP".to_string());
        // k = 3: MED's one response is pooled with the customers in "external", so neither they nor
        // the customers have a day or a group; the employees keep both. Sorted by content.
        assert_eq!(
            show(3, &Respondents::All),
            [
                (None, None, 3),
                (None, None, 3),
                (None, None, 4),
                (None, None, 4),
                (d13, emp.clone(), 1),
                (d14.clone(), emp.clone(), 2),
                (d14, emp, 5),
            ]
        );
        assert_eq!(show(3, &Respondents::External).len(), 4);
        // k = 5: no group reaches it, so no row has a day or a group; k = 8: everyone is withheld.
        let five = show(5, &Respondents::All);
        assert_eq!(five.len(), 7);
        assert!(five.iter().all(|(d, g, _)| d.is_none() && g.is_none()));
        assert!(show(8, &Respondents::All).is_empty());
    }
}

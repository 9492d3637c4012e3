//! Double materiality scoring (ESRS 1 chapter 3 and EFRAG IG 1; the exchanges' 2024 guidelines ask
//! the same two questions): from the assessors' ratings of an impact, risk or opportunity (IRO) to its
//! score, its standing against the thresholds, and a matter's place on the matrix. Pure functions:
//! the store reads the ratings, this computes, the pages and exports show.
//!
//! ```text
//! value(c)   = mean over the assessors who judged criterion c (missing if nobody did)
//! L          = likelihood; actual impacts and current risks/opportunities are not asked: L = 5
//! negative   S = agg(scale, scope, irremediable); agg = (mean + max) / 2 by default, or mean, or max
//! positive   S = mean(scale, scope)
//! impact     = S × L / 5, except a potential negative human-rights impact: S (severity takes precedence)
//! financial  = magnitude × L / 5          (risks and opportunities each on their own; never netted)
//! per IRO    = the highest over its horizons, with the horizon that gave it
//! missing    a criterion the formula needs is missing → "not assessable" until an admin decides
//! spread     = max − min of the assessors' own scores ≥ 1.5 → "needs calibration"
//! material   impact ≥ T_impact or financial ≥ T_financial (defaults 3.0)
//! grey zone  T − 0.5 ≤ score < T → needs a recorded decision
//! matter     x = highest financial score of the risks and opportunities attached to it or below it,
//!            y = highest impact score of the impacts attached to it or below it;
//!            material in a dimension when one of those IROs stands material
//! ```
//!
//! An IRO with several horizons is not assessable when any of them is: the missing one could be the
//! highest. A calibrated score (an admin's, with a reason, recorded elsewhere) replaces the computed one
//! in the standing and the roll-up; the computed one stays visible beside it. The decision group's
//! recorded decision settles a grey-zone or not-assessable standing ([`IroScore::with_decision`]).

use serde::{Deserialize, Serialize};

/// How a cycle finds its material matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Stakeholders and the business rate topics on two axes (the survey matrix).
    Survey,
    /// Assessors rate impacts, risks and opportunities on set criteria (this module).
    Double,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Survey => "survey",
            Method::Double => "double",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        [Method::Survey, Method::Double]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// What an IRO is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IroKind {
    NegativeImpact,
    PositiveImpact,
    Risk,
    Opportunity,
}

impl IroKind {
    /// Impacts are scored for impact materiality, risks and opportunities for financial materiality.
    pub fn dimension(self) -> Dimension {
        match self {
            IroKind::NegativeImpact | IroKind::PositiveImpact => Dimension::Impact,
            IroKind::Risk | IroKind::Opportunity => Dimension::Financial,
        }
    }
}

/// The two perspectives of double materiality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dimension {
    Impact,
    Financial,
}

/// Time horizons (ESRS 1 6.4): short = the reporting period, medium = up to 5 years, long = beyond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Horizon {
    Short,
    Medium,
    Long,
}

/// The criteria an assessor rates on 1–5 anchors; `None` is "can't judge", which is missing, never a
/// low score. Which of them an IRO needs depends on its kind ([`needed`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Criteria<T> {
    pub scale: Option<T>,
    pub scope: Option<T>,
    pub irremediable: Option<T>,
    pub likelihood: Option<T>,
    pub magnitude: Option<T>,
}

/// One assessor's ratings of one IRO at one horizon.
pub type Rating = Criteria<u8>;

/// An IRO as the scoring needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iro {
    pub kind: IroKind,
    /// A potential impact, or an anticipated risk or opportunity: its likelihood is asked. Otherwise
    /// (actual impacts, current risks and opportunities) it is certain: L = 5.
    pub potential: bool,
    /// A negative impact on human rights: when potential, its severity takes precedence over its
    /// likelihood (ESRS 1 AR 14 / IG 1).
    pub human_rights: bool,
    pub horizons: Vec<Horizon>,
}

/// How a negative impact's scale, scope and irremediable character make its severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Aggregation {
    /// (mean + max) / 2: one extreme criterion weighs, without deciding alone.
    MeanMax,
    Mean,
    Max,
}

/// The constants of a cycle's scoring, stamped at confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scoring {
    pub aggregation: Aggregation,
    pub impact_threshold: f64,
    pub financial_threshold: f64,
    /// Below a threshold by less than this: the grey zone.
    pub grey_band: f64,
    /// Assessors' own scores this far apart or more: the IRO needs calibration.
    pub spread_limit: f64,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            aggregation: Aggregation::MeanMax,
            impact_threshold: 3.0,
            financial_threshold: 3.0,
            grey_band: 0.5,
            spread_limit: 1.5,
        }
    }
}

/// The aggregations by the word the settings form and the files use.
pub const AGGREGATIONS: [(&str, Aggregation); 3] = [
    ("mean_max", Aggregation::MeanMax),
    ("mean", Aggregation::Mean),
    ("max", Aggregation::Max),
];

impl Scoring {
    /// The settings form read: every problem by its field, nothing kept unless all are good.
    /// Thresholds lie in 1–5, the grey band in 0–2 (0: no grey zone), the spread limit in 0.5–4.
    pub fn from_form(
        aggregation: &str,
        impact_threshold: &str,
        financial_threshold: &str,
        grey_band: &str,
        spread_limit: &str,
    ) -> Result<Scoring, Vec<crate::domain::FieldProblem>> {
        use crate::domain::{FieldProblem, Problem};
        let mut problems = Vec::new();
        let mut number =
            |field: &str, text: &str, low: f64, high: f64| match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && (low..=high).contains(&v) => v,
                _ => {
                    problems.push(FieldProblem::new(field, Problem::BadNumber));
                    0.0
                }
            };
        let scoring = Scoring {
            aggregation: Aggregation::MeanMax,
            impact_threshold: number("impact_threshold", impact_threshold, 1.0, 5.0),
            financial_threshold: number("financial_threshold", financial_threshold, 1.0, 5.0),
            grey_band: number("grey_band", grey_band, 0.0, 2.0),
            spread_limit: number("spread_limit", spread_limit, 0.5, 4.0),
        };
        let aggregation = crate::domain::iro::lookup(&AGGREGATIONS, aggregation.trim());
        if aggregation.is_none() {
            problems.push(FieldProblem::new("aggregation", Problem::Unknown));
        }
        match (problems.is_empty(), aggregation) {
            (true, Some(aggregation)) => Ok(Scoring {
                aggregation,
                ..scoring
            }),
            _ => Err(problems),
        }
    }

    pub fn threshold(&self, d: Dimension) -> f64 {
        match d {
            Dimension::Impact => self.impact_threshold,
            Dimension::Financial => self.financial_threshold,
        }
    }
}

/// Scores are compared with the thresholds up to this much, so that 3 × 5 / 5 computed in floating
/// point is 3.0 and material.
const EPSILON: f64 = 1e-9;

/// Where an IRO stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    Material,
    /// Just below the threshold: needs a recorded decision.
    GreyZone,
    NotMaterial,
    /// A criterion the formula needs was judged by nobody: needs an admin's decision.
    NotAssessable,
}

/// The criteria the formula of `iro` needs.
pub fn needed(iro: &Iro) -> Criteria<()> {
    let l = iro.potential.then_some(());
    match iro.kind {
        IroKind::NegativeImpact => Criteria {
            scale: Some(()),
            scope: Some(()),
            irremediable: Some(()),
            likelihood: l,
            magnitude: None,
        },
        IroKind::PositiveImpact => Criteria {
            scale: Some(()),
            scope: Some(()),
            likelihood: l,
            ..Criteria::default()
        },
        IroKind::Risk | IroKind::Opportunity => Criteria {
            likelihood: l,
            magnitude: Some(()),
            ..Criteria::default()
        },
    }
}

/// The mean of the ratings given, or `None` when nobody judged.
fn mean_of(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// `value(c)` for every criterion: the mean over the assessors who judged it.
pub fn values(ratings: &[Rating]) -> Criteria<f64> {
    let of =
        |pick: fn(&Rating) -> Option<u8>| mean_of(ratings.iter().filter_map(pick).map(f64::from));
    Criteria {
        scale: of(|r| r.scale),
        scope: of(|r| r.scope),
        irremediable: of(|r| r.irremediable),
        likelihood: of(|r| r.likelihood),
        magnitude: of(|r| r.magnitude),
    }
}

/// The likelihood of `iro` from its criteria's values: asked of potential impacts and anticipated
/// risks and opportunities; 5 (certain) for the others.
pub fn likelihood(iro: &Iro, v: &Criteria<f64>) -> Option<f64> {
    if iro.potential {
        v.likelihood
    } else {
        Some(5.0)
    }
}

/// The severity of an impact (negative: `agg(scale, scope, irremediable)`; positive: the mean of
/// scale and scope) or the magnitude of a risk or opportunity; `None` when a criterion is missing.
pub fn severity(iro: &Iro, v: &Criteria<f64>, scoring: &Scoring) -> Option<f64> {
    match iro.kind {
        IroKind::NegativeImpact => {
            let parts = [v.scale?, v.scope?, v.irremediable?];
            let mean = parts.iter().sum::<f64>() / 3.0;
            let max = parts.iter().copied().fold(f64::MIN, f64::max);
            Some(match scoring.aggregation {
                Aggregation::MeanMax => (mean + max) / 2.0,
                Aggregation::Mean => mean,
                Aggregation::Max => max,
            })
        }
        IroKind::PositiveImpact => Some((v.scale? + v.scope?) / 2.0),
        IroKind::Risk | IroKind::Opportunity => v.magnitude,
    }
}

/// The score of `iro` at one horizon from its criteria's values; `None` when one it needs is missing.
pub fn horizon_score(iro: &Iro, v: &Criteria<f64>, scoring: &Scoring) -> Option<f64> {
    let likelihood = likelihood(iro, v)?;
    let severity = severity(iro, v, scoring)?;
    // A potential negative human-rights impact: severity takes precedence over likelihood.
    let human_rights = iro.kind == IroKind::NegativeImpact && iro.potential && iro.human_rights;
    Some(if human_rights {
        severity
    } else {
        severity * likelihood / 5.0
    })
}

/// The ratings of one IRO: for each assessor, their ratings by horizon.
pub type Ratings = Vec<Vec<(Horizon, Rating)>>;

/// An IRO's scoring result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IroScore {
    pub dimension: Dimension,
    /// The highest score over the IRO's horizons, and the horizon that gave it; `None` when not
    /// assessable.
    pub computed: Option<(f64, Horizon)>,
    /// The admin's calibrated score, when there is one: it decides the standing.
    pub calibrated: Option<f64>,
    /// max − min of the assessors' own scores (those who could score it alone).
    pub spread: Option<f64>,
    pub needs_calibration: bool,
    pub standing: Standing,
    /// The standing is the decision group's recorded decision on a grey-zone or not-assessable
    /// score, not the score's own.
    #[serde(default)]
    pub decided: bool,
    /// The heat maps' coordinates at the horizon that gave the computed score: (likelihood,
    /// severity) for an impact, (likelihood, magnitude) for a risk or opportunity.
    #[serde(default)]
    pub axes: Option<(f64, f64)>,
}

impl IroScore {
    /// Whether the score needs the decision group's recorded decision: it is in the grey zone, or
    /// not assessable.
    pub fn needs_decision(&self) -> bool {
        matches!(self.standing, Standing::GreyZone | Standing::NotAssessable)
    }

    /// The score with the decision group's recorded decision (`material` or not) where it needs
    /// one; a decision on a score that needs none leaves it as it stands (the score decides).
    pub fn with_decision(mut self, material: Option<bool>) -> IroScore {
        if let (true, Some(m)) = (self.needs_decision(), material) {
            self.standing = if m {
                Standing::Material
            } else {
                Standing::NotMaterial
            };
            self.decided = true;
        }
        self
    }

    /// The score that counts: the calibrated one, else the computed one.
    pub fn score(&self) -> Option<f64> {
        self.calibrated.or(self.computed.map(|(s, _)| s))
    }
}

/// The highest score over the IRO's horizons from these assessors' ratings, with the horizon and
/// the criteria's values that gave it; `None` when a horizon cannot be scored (or the IRO has none).
fn best_over_horizons(
    iro: &Iro,
    by_assessor: &[&[(Horizon, Rating)]],
    scoring: &Scoring,
) -> Option<(f64, Horizon, Criteria<f64>)> {
    let mut best: Option<(f64, Horizon, Criteria<f64>)> = None;
    for &h in &iro.horizons {
        let ratings: Vec<Rating> = by_assessor
            .iter()
            .flat_map(|a| a.iter().filter(|(at, _)| *at == h).map(|(_, r)| *r))
            .collect();
        let v = values(&ratings);
        let s = horizon_score(iro, &v, scoring)?;
        if best.as_ref().is_none_or(|(b, _, _)| s > b + EPSILON) {
            best = Some((s, h, v));
        }
    }
    best
}

/// Where a score stands against the threshold of its dimension.
pub fn standing(score: Option<f64>, dimension: Dimension, scoring: &Scoring) -> Standing {
    let Some(s) = score else {
        return Standing::NotAssessable;
    };
    let t = scoring.threshold(dimension);
    if s >= t - EPSILON {
        Standing::Material
    } else if s >= t - scoring.grey_band - EPSILON {
        Standing::GreyZone
    } else {
        Standing::NotMaterial
    }
}

/// Scores one IRO from every assessor's ratings (see the module's pseudocode).
pub fn score_iro(
    iro: &Iro,
    ratings: &Ratings,
    calibrated: Option<f64>,
    scoring: &Scoring,
) -> IroScore {
    let everyone: Vec<&[(Horizon, Rating)]> = ratings.iter().map(Vec::as_slice).collect();
    let best = best_over_horizons(iro, &everyone, scoring);
    let own: Vec<f64> = ratings
        .iter()
        .filter_map(|one| best_over_horizons(iro, &[one.as_slice()], scoring).map(|(s, _, _)| s))
        .collect();
    let spread = (own.len() >= 2).then(|| {
        let max = own.iter().copied().fold(f64::MIN, f64::max);
        let min = own.iter().copied().fold(f64::MAX, f64::min);
        max - min
    });
    let dimension = iro.kind.dimension();
    let computed = best.as_ref().map(|&(s, h, _)| (s, h));
    let counted = calibrated.or(computed.map(|(s, _)| s));
    let axes = best
        .as_ref()
        .and_then(|(_, _, v)| Some((likelihood(iro, v)?, severity(iro, v, scoring)?)));
    IroScore {
        dimension,
        computed,
        calibrated,
        spread,
        needs_calibration: spread.is_some_and(|s| s >= scoring.spread_limit - EPSILON),
        standing: standing(counted, dimension, scoring),
        decided: false,
        axes,
    }
}

/// Which perspectives make a matter material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatterMateriality {
    Double,
    Impact,
    Financial,
    NotMaterial,
}

/// A matter's point on the double materiality matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MatterPosition {
    /// x: the highest financial score among its risks and opportunities (and those below it).
    pub financial: Option<f64>,
    /// y: the highest impact score among its impacts (and those below it).
    pub impact: Option<f64>,
    pub materiality: MatterMateriality,
    /// Its IROs (and those below it) that are not assessable or in the grey zone: each needs a
    /// recorded decision before the cycle can be confirmed.
    pub undecided: usize,
}

/// Rolls the scores of the IROs attached to a matter or below it up to the matter.
pub fn matter_position<'a>(scores: impl IntoIterator<Item = &'a IroScore>) -> MatterPosition {
    let (mut financial, mut impact, mut undecided) = (None::<f64>, None::<f64>, 0);
    // Material in a dimension when one of its IROs of that dimension is: by its score, or by the
    // decision group's recorded decision on a grey-zone or not-assessable one.
    let (mut impact_material, mut financial_material) = (false, false);
    for s in scores {
        if s.needs_decision() {
            undecided += 1;
        }
        if s.standing == Standing::Material {
            match s.dimension {
                Dimension::Impact => impact_material = true,
                Dimension::Financial => financial_material = true,
            }
        }
        let Some(v) = s.score() else { continue };
        let slot = match s.dimension {
            Dimension::Impact => &mut impact,
            Dimension::Financial => &mut financial,
        };
        *slot = Some(slot.map_or(v, |o| o.max(v)));
    }
    let materiality = match (impact_material, financial_material) {
        (true, true) => MatterMateriality::Double,
        (true, false) => MatterMateriality::Impact,
        (false, true) => MatterMateriality::Financial,
        (false, false) => MatterMateriality::NotMaterial,
    };
    MatterPosition {
        financial,
        impact,
        materiality,
        undecided,
    }
}

/// One assessor's ratings of an IRO as given, checked: one per horizon of the IRO and only those,
/// each value 1–5, and only the criteria its formula asks (others are dropped, so a rating never
/// carries a likelihood the formula ignores). Every problem at once, named `rating.{horizon}`.
pub fn check_ratings(
    iro: &Iro,
    given: &[(Horizon, Rating)],
) -> Result<Vec<(Horizon, Rating)>, Vec<super::FieldProblem>> {
    use super::{FieldProblem, Problem};
    let field = |h: Horizon| format!("rating.{}", super::iro::word(&super::iro::HORIZONS, h));
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let need = needed(iro);
    let keep = |asked: Option<()>, v: Option<u8>| asked.and(v);
    let mut out = Vec::new();
    for &(h, r) in given {
        if !iro.horizons.contains(&h) || seen.contains(&h) {
            problems.push(FieldProblem::new(&field(h), Problem::Unknown));
            continue;
        }
        seen.push(h);
        let values = [r.scale, r.scope, r.irremediable, r.likelihood, r.magnitude];
        if values.iter().flatten().any(|v| !(1..=5).contains(v)) {
            problems.push(FieldProblem::new(&field(h), Problem::BadNumber));
            continue;
        }
        out.push((
            h,
            Criteria {
                scale: keep(need.scale, r.scale),
                scope: keep(need.scope, r.scope),
                irremediable: keep(need.irremediable, r.irremediable),
                likelihood: keep(need.likelihood, r.likelihood),
                magnitude: keep(need.magnitude, r.magnitude),
            },
        ));
    }
    if problems.is_empty() {
        out.sort_by_key(|(h, _)| *h);
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A sustainability matter in its hierarchy (topic → sub-topic → sub-sub-topic, or entity-specific
/// anywhere in the tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterNode {
    pub id: i64,
    pub parent: Option<i64>,
}

/// Every matter's position from the IROs attached to it or to any matter below it (`iros`: the
/// matter each IRO belongs to, and its score). A parent that is not in `matters` ends the walk up, and
/// so does a loop in the parents (the store never makes one): no matter is counted twice.
pub fn matter_positions(
    matters: &[MatterNode],
    iros: &[(i64, IroScore)],
) -> std::collections::BTreeMap<i64, MatterPosition> {
    use std::collections::{BTreeMap, BTreeSet};
    let parent: BTreeMap<i64, Option<i64>> = matters.iter().map(|m| (m.id, m.parent)).collect();
    let mut under: BTreeMap<i64, Vec<&IroScore>> =
        matters.iter().map(|m| (m.id, Vec::new())).collect();
    for (matter, score) in iros {
        let mut seen = BTreeSet::new();
        let mut at = Some(*matter);
        while let Some(id) = at.filter(|id| parent.contains_key(id) && seen.insert(*id)) {
            if let Some(list) = under.get_mut(&id) {
                list.push(score);
            }
            at = parent[&id];
        }
    }
    under
        .into_iter()
        .map(|(id, scores)| (id, matter_position(scores)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iro(kind: IroKind, potential: bool, human_rights: bool) -> Iro {
        Iro {
            kind,
            potential,
            human_rights,
            horizons: vec![Horizon::Short],
        }
    }

    fn rating(scale: u8, scope: u8, irremediable: u8, likelihood: u8, magnitude: u8) -> Rating {
        let v = |x: u8| (x > 0).then_some(x);
        Criteria {
            scale: v(scale),
            scope: v(scope),
            irremediable: v(irremediable),
            likelihood: v(likelihood),
            magnitude: v(magnitude),
        }
    }

    fn one(r: Rating) -> Ratings {
        vec![vec![(Horizon::Short, r)]]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    /// The worked cases of the issue and README, by hand: score and standing with the defaults.
    #[test]
    fn the_worked_cases() {
        use IroKind::*;
        let d = Scoring::default();
        let cases = [
            // actual negative (4, 3, 2): mean 3, max 4, S 3.5, L 5 → 3.5
            (
                iro(NegativeImpact, false, false),
                rating(4, 3, 2, 0, 0),
                3.5,
                Standing::Material,
            ),
            // potential negative (3, 3, 3), L 4: S 3 → 3 × 4 / 5 = 2.4
            (
                iro(NegativeImpact, true, false),
                rating(3, 3, 3, 4, 0),
                2.4,
                Standing::NotMaterial,
            ),
            // potential negative human-rights (4, 2, 5), L 1: mean 11/3, max 5 → S 4.33; severity wins
            (
                iro(NegativeImpact, true, true),
                rating(4, 2, 5, 1, 0),
                13.0 / 3.0,
                Standing::Material,
            ),
            // actual positive (2, 3) → 2.5: just below 3 by 0.5, the grey zone
            (
                iro(PositiveImpact, false, false),
                rating(2, 3, 0, 0, 0),
                2.5,
                Standing::GreyZone,
            ),
            // anticipated risk M 4, L 3 → 2.4
            (
                iro(Risk, true, false),
                rating(0, 0, 0, 3, 4),
                2.4,
                Standing::NotMaterial,
            ),
            // current risk M 3 → 3.0
            (
                iro(Risk, false, false),
                rating(0, 0, 0, 0, 3),
                3.0,
                Standing::Material,
            ),
            // anticipated opportunity M 5, L 3 → 3.0
            (
                iro(Opportunity, true, false),
                rating(0, 0, 0, 3, 5),
                3.0,
                Standing::Material,
            ),
            // potential positive (4, 4), L 3 → 2.4
            (
                iro(PositiveImpact, true, false),
                rating(4, 4, 0, 3, 0),
                2.4,
                Standing::NotMaterial,
            ),
        ];
        for (i, (iro, r, want, standing)) in cases.into_iter().enumerate() {
            let s = score_iro(&iro, &one(r), None, &d);
            let (got, h) = s
                .computed
                .unwrap_or_else(|| panic!("case {i}: not assessable"));
            assert!(close(got, want), "case {i}: {got} ≠ {want}");
            assert_eq!(h, Horizon::Short);
            assert_eq!(s.standing, standing, "case {i}");
            assert_eq!(s.spread, None, "case {i}: one assessor has no spread");
        }
    }

    #[test]
    fn two_assessors_far_apart_need_calibration() {
        // (5, 5, 5) and (2, 2, 2) on an actual negative impact: criteria 3.5 each, S 3.5; their own
        // scores 5 and 2: spread 3.0.
        let iro = iro(IroKind::NegativeImpact, false, false);
        let ratings = vec![
            vec![(Horizon::Short, rating(5, 5, 5, 0, 0))],
            vec![(Horizon::Short, rating(2, 2, 2, 0, 0))],
        ];
        let s = score_iro(&iro, &ratings, None, &Scoring::default());
        assert!(close(s.computed.unwrap().0, 3.5));
        assert!(close(s.spread.unwrap(), 3.0));
        assert!(s.needs_calibration);
        // 1.4 apart does not.
        let near = vec![
            vec![(Horizon::Short, rating(4, 4, 4, 0, 0))],
            vec![(Horizon::Short, rating(3, 3, 2, 0, 0))],
        ];
        let s = score_iro(&iro, &near, None, &Scoring::default());
        assert!(s.spread.unwrap() < 1.5 && !s.needs_calibration, "{s:?}");
    }

    #[test]
    fn cant_judge_is_missing_never_low() {
        let iro = iro(IroKind::NegativeImpact, false, false);
        // One assessor cannot judge the scope; the other's 4 is the scope's value, not (4 + 0) / 2.
        let ratings = vec![
            vec![(Horizon::Short, rating(4, 0, 4, 0, 0))],
            vec![(Horizon::Short, rating(4, 4, 4, 0, 0))],
        ];
        let s = score_iro(&iro, &ratings, None, &Scoring::default());
        assert!(close(s.computed.unwrap().0, 4.0));
        // The first assessor cannot score it alone: no spread from one own score.
        assert_eq!(s.spread, None);
        // Nobody judged the scope: not assessable, and no calibration makes up a number.
        let s = score_iro(&iro, &one(rating(4, 0, 4, 0, 0)), None, &Scoring::default());
        assert_eq!((s.computed, s.standing), (None, Standing::NotAssessable));
        // A potential impact needs its likelihood; an actual one is never asked it.
        let potential = super::Iro {
            potential: true,
            ..iro.clone()
        };
        let s = score_iro(
            &potential,
            &one(rating(4, 4, 4, 0, 0)),
            None,
            &Scoring::default(),
        );
        assert_eq!(s.standing, Standing::NotAssessable);
        assert_eq!(needed(&iro).likelihood, None);
        assert_eq!(needed(&potential).likelihood, Some(()));
    }

    #[test]
    fn the_highest_horizon_counts_and_every_horizon_must_be_scored() {
        let iro = Iro {
            horizons: vec![Horizon::Short, Horizon::Medium, Horizon::Long],
            ..iro(IroKind::Risk, true, false)
        };
        let ratings = vec![vec![
            (Horizon::Short, rating(0, 0, 0, 5, 2)),
            (Horizon::Medium, rating(0, 0, 0, 4, 4)),
            (Horizon::Long, rating(0, 0, 0, 2, 5)),
        ]];
        let s = score_iro(&iro, &ratings, None, &Scoring::default());
        let (score, h) = s.computed.unwrap();
        assert!(close(score, 3.2) && h == Horizon::Medium, "{s:?}");
        // The long horizon unrated: it could be the highest, so the IRO is not assessable.
        let partial = vec![ratings[0][..2].to_vec()];
        let s = score_iro(&iro, &partial, None, &Scoring::default());
        assert_eq!(s.standing, Standing::NotAssessable);
    }

    #[test]
    fn aggregation_thresholds_and_calibration_are_settings() {
        let negative = iro(IroKind::NegativeImpact, false, false);
        let r = one(rating(4, 3, 2, 0, 0));
        let with = |aggregation| Scoring {
            aggregation,
            ..Scoring::default()
        };
        let score = |s: &Scoring| score_iro(&negative, &r, None, s).computed.unwrap().0;
        assert!(close(score(&with(Aggregation::Mean)), 3.0));
        assert!(close(score(&with(Aggregation::Max)), 4.0));
        assert!(close(score(&with(Aggregation::MeanMax)), 3.5));
        // A higher impact threshold: 3.5 is now grey (3.5 ≤ 3.5 < 4), 3.4 not material.
        let strict = Scoring {
            impact_threshold: 4.0,
            ..Scoring::default()
        };
        assert_eq!(
            score_iro(&negative, &r, None, &strict).standing,
            Standing::GreyZone
        );
        assert_eq!(
            standing(Some(3.4), Dimension::Impact, &strict),
            Standing::NotMaterial
        );
        // The financial threshold is its own.
        assert_eq!(
            standing(Some(3.5), Dimension::Financial, &strict),
            Standing::Material
        );
        // A calibrated score decides the standing, and the computed one stays.
        let s = score_iro(&negative, &r, Some(2.0), &Scoring::default());
        assert_eq!((s.standing, s.score()), (Standing::NotMaterial, Some(2.0)));
        assert!(close(s.computed.unwrap().0, 3.5));
        // A not-assessable IRO an admin has scored stands by that score.
        let missing = one(rating(4, 0, 2, 0, 0));
        let s = score_iro(&negative, &missing, Some(3.0), &Scoring::default());
        assert_eq!((s.computed, s.standing), (None, Standing::Material));
    }

    #[test]
    fn matters_take_the_highest_score_of_each_dimension() {
        let d = Scoring::default();
        let s = |kind, r| score_iro(&iro(kind, false, false), &one(r), None, &d);
        let impact_high = s(IroKind::NegativeImpact, rating(4, 3, 2, 0, 0)); // 3.5
        let impact_grey = s(IroKind::PositiveImpact, rating(2, 3, 0, 0, 0)); // 2.5
        let risk_low = s(IroKind::Risk, rating(0, 0, 0, 0, 2)); // 2.0
        let opportunity = s(IroKind::Opportunity, rating(0, 0, 0, 0, 4)); // 4.0
        let not_assessable = s(IroKind::Risk, rating(0, 0, 0, 0, 0));
        let p = matter_position([&impact_high, &impact_grey, &risk_low]);
        assert_eq!(p.materiality, MatterMateriality::Impact);
        assert!(close(p.impact.unwrap(), 3.5) && close(p.financial.unwrap(), 2.0));
        assert_eq!(p.undecided, 1);
        // Risks and opportunities are never netted: the opportunity alone makes it financial.
        let p = matter_position([&impact_grey, &risk_low, &opportunity, &not_assessable]);
        assert_eq!(p.materiality, MatterMateriality::Financial);
        assert!(close(p.financial.unwrap(), 4.0));
        assert_eq!(p.undecided, 2);
        let p = matter_position([&impact_high, &opportunity]);
        assert_eq!(p.materiality, MatterMateriality::Double);
        let p = matter_position([]);
        assert_eq!(
            (p.financial, p.impact, p.materiality),
            (None, None, MatterMateriality::NotMaterial)
        );
    }

    #[test]
    fn a_recorded_decision_settles_a_grey_zone_or_not_assessable_score_and_nothing_else() {
        let d = Scoring::default();
        let s = |kind, r| score_iro(&iro(kind, false, false), &one(r), None, &d);
        let grey = s(IroKind::PositiveImpact, rating(2, 3, 0, 0, 0)); // 2.5
        let decided = grey.clone().with_decision(Some(true));
        assert_eq!(
            (decided.standing, decided.decided),
            (Standing::Material, true)
        );
        assert_eq!(decided.score(), grey.score(), "the score stays");
        let p = matter_position([&decided]);
        assert_eq!((p.materiality, p.undecided), (MatterMateriality::Impact, 0));
        let no = grey.clone().with_decision(Some(false));
        assert_eq!(no.standing, Standing::NotMaterial);
        assert_eq!(matter_position([&no]).undecided, 0);
        assert_eq!(grey.clone().with_decision(None), grey);
        let blank = s(IroKind::Risk, rating(0, 0, 0, 0, 0));
        let p = matter_position([&blank.clone().with_decision(Some(true))]);
        assert_eq!(
            (p.materiality, p.financial),
            (MatterMateriality::Financial, None)
        );
        // A score that needs no decision keeps its own standing.
        let high = s(IroKind::NegativeImpact, rating(4, 3, 2, 0, 0)); // 3.5
        assert_eq!(high.clone().with_decision(Some(false)), high);
        let low = s(IroKind::Risk, rating(0, 0, 0, 0, 1));
        assert_eq!(low.clone().with_decision(Some(true)), low);
    }

    #[test]
    fn a_matter_counts_the_iros_attached_to_it_and_below_it() {
        let d = Scoring::default();
        let s = |kind, r| score_iro(&iro(kind, false, false), &one(r), None, &d);
        let node = |id, parent| MatterNode { id, parent };
        // E1 → E1.1 → E1.1.1, and E1 → E1.2; E2 on its own; 7 → 8 → 7 a loop, 9 under a missing 99.
        let matters = [
            node(1, None),
            node(2, Some(1)),
            node(3, Some(2)),
            node(4, Some(1)),
            node(5, None),
            node(7, Some(8)),
            node(8, Some(7)),
            node(9, Some(99)),
        ];
        let iros = [
            (3, s(IroKind::NegativeImpact, rating(4, 3, 2, 0, 0))), // impact 3.5 at the leaf
            (4, s(IroKind::Opportunity, rating(0, 0, 0, 0, 4))),    // financial 4.0
            (2, s(IroKind::Risk, rating(0, 0, 0, 0, 2))),           // financial 2.0
            (5, s(IroKind::PositiveImpact, rating(2, 3, 0, 0, 0))), // impact 2.5, grey
            (7, s(IroKind::Risk, rating(0, 0, 0, 0, 5))),
            (9, s(IroKind::Risk, rating(0, 0, 0, 0, 1))),
        ];
        let p = matter_positions(&matters, &iros);
        assert_eq!(p[&1].materiality, MatterMateriality::Double);
        assert!(close(p[&1].impact.unwrap(), 3.5) && close(p[&1].financial.unwrap(), 4.0));
        assert_eq!(p[&2].materiality, MatterMateriality::Impact);
        assert!(close(p[&2].financial.unwrap(), 2.0));
        assert_eq!(
            (p[&3].financial, p[&3].materiality),
            (None, MatterMateriality::Impact)
        );
        assert_eq!(p[&4].materiality, MatterMateriality::Financial);
        assert_eq!(
            (p[&5].materiality, p[&5].undecided),
            (MatterMateriality::NotMaterial, 1)
        );
        // The loop counts its risk once on each of its two matters; the orphan keeps its own.
        assert!(close(p[&7].financial.unwrap(), 5.0) && close(p[&8].financial.unwrap(), 5.0));
        assert!(close(p[&9].financial.unwrap(), 1.0));
        assert_eq!(p.len(), matters.len());
    }

    #[test]
    fn ratings_are_checked_per_horizon_and_keep_only_what_is_asked() {
        let actual = Iro {
            horizons: vec![Horizon::Short, Horizon::Long],
            ..iro(IroKind::NegativeImpact, false, false)
        };
        let given = [
            (Horizon::Long, rating(4, 3, 2, 5, 4)),
            (Horizon::Short, rating(1, 0, 5, 0, 0)),
        ];
        let checked = check_ratings(&actual, &given).unwrap();
        // Sorted by horizon; an actual impact is not asked its likelihood, nor any magnitude.
        assert_eq!(
            checked,
            [
                (Horizon::Short, rating(1, 0, 5, 0, 0)),
                (Horizon::Long, rating(4, 3, 2, 0, 0)),
            ]
        );
        let bad = [
            (Horizon::Medium, rating(3, 3, 3, 0, 0)),
            (Horizon::Short, rating(6, 3, 3, 0, 0)),
            (Horizon::Long, rating(3, 3, 3, 0, 0)),
            (Horizon::Long, rating(3, 3, 3, 0, 0)),
        ];
        let p = check_ratings(&actual, &bad).unwrap_err();
        let got: Vec<(&str, crate::domain::Problem)> =
            p.iter().map(|p| (p.field.as_str(), p.problem)).collect();
        use crate::domain::Problem;
        assert_eq!(
            got,
            [
                ("rating.medium", Problem::Unknown),
                ("rating.short", Problem::BadNumber),
                ("rating.long", Problem::Unknown),
            ]
        );
    }

    /// Raising any criterion of any assessor never lowers a score, whatever the kind, the settings or
    /// the other ratings (random cases from a fixed seed).
    #[test]
    fn raising_a_criterion_never_lowers_a_score() {
        use rand::{rngs::StdRng, Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(20261202);
        let kinds = [
            IroKind::NegativeImpact,
            IroKind::PositiveImpact,
            IroKind::Risk,
            IroKind::Opportunity,
        ];
        let aggregations = [Aggregation::MeanMax, Aggregation::Mean, Aggregation::Max];
        let horizons = [Horizon::Short, Horizon::Medium, Horizon::Long];
        for _ in 0..20_000 {
            let iro = Iro {
                kind: kinds[rng.gen_range(0..4)],
                potential: rng.gen_bool(0.5),
                human_rights: rng.gen_bool(0.3),
                horizons: horizons[..rng.gen_range(1..=3)].to_vec(),
            };
            let scoring = Scoring {
                aggregation: aggregations[rng.gen_range(0..3)],
                ..Scoring::default()
            };
            let mut draw = || (rng.gen_bool(0.85)).then(|| rng.gen_range(1..=5u8));
            let mut ratings: Ratings = (0..3)
                .map(|_| {
                    iro.horizons
                        .iter()
                        .map(|&h| {
                            let r = Criteria {
                                scale: draw(),
                                scope: draw(),
                                irremediable: draw(),
                                likelihood: draw(),
                                magnitude: draw(),
                            };
                            (h, r)
                        })
                        .collect()
                })
                .collect();
            let before = score_iro(&iro, &ratings, None, &scoring).computed;
            let (a, h) = (rng.gen_range(0..3), rng.gen_range(0..iro.horizons.len()));
            let r = &mut ratings[a][h].1;
            let field = match rng.gen_range(0..5) {
                0 => &mut r.scale,
                1 => &mut r.scope,
                2 => &mut r.irremediable,
                3 => &mut r.likelihood,
                _ => &mut r.magnitude,
            };
            let Some(v) = field.filter(|v| *v < 5) else {
                continue;
            };
            *field = Some(v + 1);
            let after = score_iro(&iro, &ratings, None, &scoring).computed;
            if let (Some((b, _)), Some((a, _))) = (before, after) {
                assert!(a >= b - EPSILON, "{iro:?} {scoring:?}: {b} → {a}");
            }
            assert_eq!(before.is_some(), after.is_some(), "assessable stays so");
        }
    }

    #[test]
    fn the_scoring_settings_form_keeps_nothing_unless_every_field_is_good() {
        use crate::domain::{FieldProblem, Problem};
        assert_eq!(
            Scoring::from_form("mean_max", "3", "3.0", "0.5", "1.5"),
            Ok(Scoring::default())
        );
        assert_eq!(
            Scoring::from_form(" max ", "4.5", "2", "0", "4"),
            Ok(Scoring {
                aggregation: Aggregation::Max,
                impact_threshold: 4.5,
                financial_threshold: 2.0,
                grey_band: 0.0,
                spread_limit: 4.0,
            })
        );
        let bad = |field: &str| FieldProblem::new(field, Problem::BadNumber);
        assert_eq!(
            Scoring::from_form("median", "0.5", "5.1", "NaN", "0.4"),
            Err(vec![
                bad("impact_threshold"),
                bad("financial_threshold"),
                bad("grey_band"),
                bad("spread_limit"),
                FieldProblem::new("aggregation", Problem::Unknown),
            ])
        );
        assert_eq!(
            Scoring::from_form("mean", "", "inf", "-0.1", "2"),
            Err(vec![
                bad("impact_threshold"),
                bad("financial_threshold"),
                bad("grey_band"),
            ])
        );
    }

    /// The heat maps' coordinates: likelihood and severity (or magnitude) at the horizon that gave
    /// the score; none where there is no score.
    #[test]
    fn the_heat_map_axes_come_from_the_best_horizon() {
        use IroKind::*;
        let d = Scoring::default();
        let cases = [
            // actual negative (4, 3, 2): certain, severity 3.5
            (
                iro(NegativeImpact, false, false),
                rating(4, 3, 2, 0, 0),
                (5.0, 3.5),
            ),
            // potential human-rights (4, 2, 5), L 1: severity 13/3 whatever the likelihood
            (
                iro(NegativeImpact, true, true),
                rating(4, 2, 5, 1, 0),
                (1.0, 13.0 / 3.0),
            ),
            (
                iro(PositiveImpact, true, false),
                rating(4, 4, 0, 3, 0),
                (3.0, 4.0),
            ),
            (iro(Risk, true, false), rating(0, 0, 0, 3, 4), (3.0, 4.0)),
            (
                iro(Opportunity, false, false),
                rating(0, 0, 0, 0, 2),
                (5.0, 2.0),
            ),
        ];
        for (i, (iro, r, (l, sev))) in cases.into_iter().enumerate() {
            let (got_l, got_s) = score_iro(&iro, &one(r), None, &d).axes.unwrap();
            assert!(
                close(got_l, l) && close(got_s, sev),
                "case {i}: {got_l}, {got_s}"
            );
        }
        // Two horizons: the long one scores higher (M 4 × L 4), so its values are the axes.
        let risk = Iro {
            horizons: vec![Horizon::Short, Horizon::Long],
            ..iro(Risk, true, false)
        };
        let ratings = vec![vec![
            (Horizon::Short, rating(0, 0, 0, 5, 2)),
            (Horizon::Long, rating(0, 0, 0, 4, 4)),
        ]];
        let s = score_iro(&risk, &ratings, None, &d);
        assert_eq!(s.computed.map(|(_, h)| h), Some(Horizon::Long));
        assert_eq!(s.axes, Some((4.0, 4.0)));
        assert_eq!(score_iro(&risk, &Vec::new(), None, &d).axes, None);
    }
}

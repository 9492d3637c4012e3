//! The IRO register's records: an impact, risk or opportunity of a cycle, as a form or an import row
//! sends it (all text) and as checked (every field known, every problem named by its field at once).
//! What the scoring needs of it is [`super::double_materiality::Iro`].

use super::double_materiality::{Horizon, Iro, IroKind};
use super::library::{check_text, FieldProblem, Problem, MAX_TEXT};
use super::topic::Bilingual;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where in the value chain an IRO arises (several allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ValueChain {
    OwnOperations,
    Upstream,
    Downstream,
}

/// Where an IRO was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum IroSource {
    Survey,
    Workshop,
    Expert,
    DeskResearch,
}

/// The words of the form and the files for each value: one table serves parsing and writing.
pub const KINDS: [(&str, IroKind); 4] = [
    ("negative_impact", IroKind::NegativeImpact),
    ("positive_impact", IroKind::PositiveImpact),
    ("risk", IroKind::Risk),
    ("opportunity", IroKind::Opportunity),
];
pub const CHAIN: [(&str, ValueChain); 3] = [
    ("own_operations", ValueChain::OwnOperations),
    ("upstream", ValueChain::Upstream),
    ("downstream", ValueChain::Downstream),
];
pub const HORIZONS: [(&str, Horizon); 3] = [
    ("short", Horizon::Short),
    ("medium", Horizon::Medium),
    ("long", Horizon::Long),
];
pub const SOURCES: [(&str, IroSource); 4] = [
    ("survey", IroSource::Survey),
    ("workshop", IroSource::Workshop),
    ("expert", IroSource::Expert),
    ("desk_research", IroSource::DeskResearch),
];

/// The value a word stands for in `table` (any case, spaces around ignored).
pub fn lookup<T: Copy>(table: &[(&str, T)], word: &str) -> Option<T> {
    let word = word.trim();
    table
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|&(_, v)| v)
}

/// The word for a value, as the form and the files write it.
pub fn word<T: Copy + PartialEq>(table: &[(&'static str, T)], value: T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("", |(w, _)| w)
}

/// A set of values as the database and the files keep it: their words, comma-separated.
pub fn words<T: Copy + PartialEq>(table: &[(&'static str, T)], values: &[T]) -> String {
    values
        .iter()
        .map(|v| word(table, *v))
        .collect::<Vec<_>>()
        .join(",")
}

/// [`words`] read back; `None` if a word is not one of the table's.
pub fn from_words<T: Copy>(table: &[(&str, T)], text: &str) -> Option<Vec<T>> {
    text.split(',').map(|w| lookup(table, w)).collect()
}

impl IroKind {
    pub fn word(self) -> &'static str {
        word(&KINDS, self)
    }
}

/// An IRO as the register's form or an import row gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IroForm {
    /// The code of the matter it belongs to.
    pub matter: String,
    /// `negative_impact`, `positive_impact`, `risk` or `opportunity`.
    pub kind: String,
    /// `actual` or `potential` (for risks and opportunities also `current` or `anticipated`).
    pub occurrence: String,
    #[serde(default)]
    pub value_chain: Vec<String>,
    #[serde(default)]
    pub horizons: Vec<String>,
    /// `true` for a negative impact on human rights (impacts only).
    #[serde(default)]
    pub human_rights: bool,
    pub description_zh: String,
    pub description_en: String,
    pub source: String,
    /// For an impact: the numbers of the risks and opportunities it gives rise to, separated by
    /// commas or spaces (`12, 15` or `#12 #15`).
    #[serde(default)]
    pub leads_to: String,
}

/// At most this many links from one IRO.
pub const MAX_LINKS: usize = 20;

/// A checked IRO of the register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IroRecord {
    pub matter: String,
    /// Kind, actual or potential, human rights and horizons (sorted, once each).
    pub iro: Iro,
    /// Sorted, once each.
    pub value_chain: Vec<ValueChain>,
    pub description: Bilingual,
    pub source: IroSource,
    /// The risks and opportunities (their ids) this impact gives rise to: sorted, once each.
    #[serde(default)]
    pub leads_to: Vec<i64>,
}

impl IroRecord {
    /// `actual` or `potential` (a risk or an opportunity: `current` or `anticipated`), as the form
    /// and the register file write it.
    pub fn occurrence_word(&self) -> &'static str {
        let financial = matches!(self.iro.kind, IroKind::Risk | IroKind::Opportunity);
        match (financial, self.iro.potential) {
            (false, false) => "actual",
            (false, true) => "potential",
            (true, false) => "current",
            (true, true) => "anticipated",
        }
    }
}

/// The changes to an IRO that anyone has rated (a draft counts) that are refused, each by its
/// field: its kind, actual or potential, human-rights flag and horizons decide what was asked and
/// how it is scored.
pub fn rated_changes(before: &Iro, after: &Iro) -> Vec<FieldProblem> {
    [
        ("kind", before.kind != after.kind),
        ("occurrence", before.potential != after.potential),
        ("human_rights", before.human_rights != after.human_rights),
        ("horizons", before.horizons != after.horizons),
    ]
    .into_iter()
    .filter(|(_, changed)| *changed)
    .map(|(field, _)| FieldProblem::new(field, Problem::Rated))
    .collect()
}

/// An IRO of a cycle's register.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IroRow {
    pub id: i64,
    pub record: IroRecord,
    /// Retired: on the record, no longer assessed.
    pub retired: bool,
}

/// One of an assessor's assignments: the IRO, their ratings so far, their rationale, and whether
/// they have submitted (or an admin waived it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub iro: IroRow,
    pub ratings: Vec<(Horizon, super::double_materiality::Rating)>,
    pub rationale: String,
    /// Links and notes, one per line (`domain::evidence`).
    pub evidence: String,
    pub submitted: bool,
    pub waived: bool,
}

/// A cycle's register: the cycle, how it finds its material matters, the preset its matters came
/// from (with the standard's version), the matters, the IROs and who assesses them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterView {
    pub name: String,
    pub status: super::CycleStatus,
    pub method: super::double_materiality::Method,
    pub preset: Option<String>,
    pub scoring: super::double_materiality::Scoring,
    /// The exports number the assessors instead of naming them.
    pub hide_assessors: bool,
    pub matters: Vec<super::matters::MatterRow>,
    pub iros: Vec<IroRow>,
    pub assignees: Vec<Assignee>,
    /// The survey topics the cycle asks, each with the matter it informs.
    pub topics: Vec<super::stakeholder_input::TopicLink>,
    /// The earlier result the cycle carries forward: everything above but its name, status and
    /// method is then that result's register, and nothing of it changes here.
    #[serde(default)]
    pub carried: Option<super::CarriedForward>,
}

/// Who assesses an IRO, as the admins' register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub iro: i64,
    pub user: i64,
    pub email: String,
    pub submitted: bool,
    pub waived: bool,
}

/// A cycle in which the signed-in user has IROs to assess, with how many they have submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessorCycle {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub status: super::CycleStatus,
    pub assigned: i64,
    pub submitted: i64,
}

/// The decision group's calibration of an IRO's score, as every page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationNote {
    pub score: f64,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

/// The decision group's recorded decision on a grey-zone or not-assessable score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionNote {
    pub material: bool,
    pub reason: String,
    pub by: String,
    pub at: i64,
}

/// An active IRO with its score, its calibration and how many of its assessors have submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredIro {
    pub row: IroRow,
    pub score: super::double_materiality::IroScore,
    pub calibration: Option<CalibrationNote>,
    pub decision: Option<DecisionNote>,
    pub assigned: i64,
    pub submitted: i64,
}

/// A matter and its place on the double materiality matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterResult {
    pub matter: super::matters::MatterRow,
    pub position: super::double_materiality::MatterPosition,
    /// Active IROs attached to it (not below it).
    pub iros: usize,
    /// The stakeholder survey's figures of the topics that inform it
    /// ([`super::stakeholder_input`]).
    #[serde(default)]
    pub stakeholders: Vec<super::stakeholder_input::TopicFigure>,
}

/// A double-materiality cycle's results: the scoring constants, every active IRO's score and every
/// matter's position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentView {
    pub id: i64,
    pub name: String,
    pub status: super::CycleStatus,
    pub method: super::double_materiality::Method,
    pub scoring: super::double_materiality::Scoring,
    /// The preset the matters came from, with its version.
    pub preset: Option<String>,
    /// Accounts that submitted (and were not waived on) an assignment of an active IRO.
    pub assessors: usize,
    /// Assignments submitted (not waived) on active IROs.
    pub assessments: i64,
    pub iros: Vec<ScoredIro>,
    pub matters: Vec<MatterResult>,
    /// The confirmation stamp, `intact` when [`AssessmentView::statistics_text`] still hashes to its
    /// `assessment_hash`.
    pub stamp: Option<super::Stamp>,
    /// The confirmed cycle whose result this one carries forward: everything above is that
    /// result, but for the cycle's own id, name, status and stamp.
    #[serde(default)]
    pub carried: Option<super::CarriedForward>,
}

/// Each of `words` looked up in `table`: sorted, once each; `Required` when there is none, `Unknown`
/// when one is not a word of the table.
fn set_of<T: Copy + Ord>(
    out: &mut Vec<FieldProblem>,
    field: &str,
    table: &[(&str, T)],
    words: &[String],
) -> Vec<T> {
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        out.push(FieldProblem::new(field, Problem::Required));
        return Vec::new();
    }
    let mut set = BTreeSet::new();
    for w in words {
        match lookup(table, w) {
            Some(v) => {
                set.insert(v);
            }
            None => {
                out.push(FieldProblem::new(field, Problem::Unknown));
                return Vec::new();
            }
        }
    }
    set.into_iter().collect()
}

/// One word of `table`: `Required` when empty, `Unknown` when not one of them.
fn one_of<T: Copy>(
    out: &mut Vec<FieldProblem>,
    field: &str,
    table: &[(&str, T)],
    w: &str,
) -> Option<T> {
    if w.trim().is_empty() {
        out.push(FieldProblem::new(field, Problem::Required));
        return None;
    }
    let v = lookup(table, w);
    if v.is_none() {
        out.push(FieldProblem::new(field, Problem::Unknown));
    }
    v
}

/// The links of an impact: each number an active IRO of the cycle (`iros`: id and kind) that is a
/// risk or an opportunity; none from a risk or an opportunity; at most [`MAX_LINKS`].
fn links(
    out: &mut Vec<FieldProblem>,
    kind: Option<IroKind>,
    text: &str,
    iros: &BTreeMap<i64, IroKind>,
) -> Vec<i64> {
    let field = "leads_to";
    let mut set = BTreeSet::new();
    for w in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let target = w.strip_prefix('#').unwrap_or(w).parse::<i64>().ok();
        match target.and_then(|n| iros.get(&n).map(|k| (n, *k))) {
            None => {
                out.push(FieldProblem::new(field, Problem::Unknown));
                return Vec::new();
            }
            Some((_, IroKind::NegativeImpact | IroKind::PositiveImpact)) => {
                out.push(FieldProblem::new(field, Problem::NotAllowed));
                return Vec::new();
            }
            Some((n, _)) => {
                set.insert(n);
            }
        }
    }
    if !set.is_empty() && kind.is_some_and(|k| matches!(k, IroKind::Risk | IroKind::Opportunity)) {
        // A risk or an opportunity is what an impact gives rise to, not the other way round.
        out.push(FieldProblem::new(field, Problem::NotAllowed));
    } else if set.len() > MAX_LINKS {
        out.push(FieldProblem::new(field, Problem::TooMany));
    }
    set.into_iter().collect()
}

impl IroForm {
    /// Checks every field against the cycle's matters (`matters`: their codes) and its active IROs
    /// (`iros`: id and kind, for the links) and reports every problem at once; nothing partial is
    /// returned.
    pub fn check(
        &self,
        matters: &BTreeSet<String>,
        iros: &BTreeMap<i64, IroKind>,
    ) -> Result<IroRecord, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let matter = self.matter.trim();
        if matter.is_empty() {
            out.push(FieldProblem::new("matter", Problem::Required));
        } else if !matters.contains(matter) {
            out.push(FieldProblem::new("matter", Problem::Unknown));
        }
        let kind = one_of(&mut out, "kind", &KINDS, &self.kind);
        let occurrence = self.occurrence.trim().to_ascii_lowercase();
        let financial = kind.is_some_and(|k| matches!(k, IroKind::Risk | IroKind::Opportunity));
        let potential = match occurrence.as_str() {
            "" => {
                out.push(FieldProblem::new("occurrence", Problem::Required));
                false
            }
            "actual" => false,
            "potential" => true,
            "current" if financial => false,
            "anticipated" if financial => true,
            _ => {
                out.push(FieldProblem::new("occurrence", Problem::Unknown));
                false
            }
        };
        let value_chain = set_of(&mut out, "value_chain", &CHAIN, &self.value_chain);
        let horizons = set_of(&mut out, "horizons", &HORIZONS, &self.horizons);
        if self.human_rights && financial {
            // Human-rights precedence is a rule of impacts; a risk's severity is its magnitude.
            out.push(FieldProblem::new("human_rights", Problem::NotAllowed));
        }
        check_text(
            &mut out,
            "description_zh",
            &self.description_zh,
            true,
            MAX_TEXT,
        );
        check_text(
            &mut out,
            "description_en",
            &self.description_en,
            true,
            MAX_TEXT,
        );
        let source = one_of(&mut out, "source", &SOURCES, &self.source);
        let leads_to = links(&mut out, kind, &self.leads_to, iros);
        match (kind, source) {
            (Some(kind), Some(source)) if out.is_empty() => Ok(IroRecord {
                matter: matter.to_string(),
                iro: Iro {
                    kind,
                    potential,
                    human_rights: self.human_rights,
                    horizons,
                },
                value_chain,
                description: Bilingual {
                    zh: self.description_zh.trim().to_string(),
                    en: self.description_en.trim().to_string(),
                },
                source,
                leads_to,
            }),
            _ => Err(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matters() -> BTreeSet<String> {
        ["E1", "E1.1", "S1"].map(String::from).into()
    }

    /// Active IROs of the cycle: two risks, an opportunity and an impact.
    fn iros() -> BTreeMap<i64, IroKind> {
        [
            (7, IroKind::Risk),
            (8, IroKind::Opportunity),
            (9, IroKind::NegativeImpact),
            (12, IroKind::Risk),
        ]
        .into()
    }

    fn form() -> IroForm {
        IroForm {
            matter: "E1.1".into(),
            kind: "negative_impact".into(),
            occurrence: "potential".into(),
            value_chain: vec![
                "downstream".into(),
                "own_operations".into(),
                "downstream".into(),
            ],
            horizons: vec!["long".into(), " short ".into()],
            human_rights: true,
            description_zh: " 极端天气影响员工安全 ".into(),
            description_en: "Extreme weather endangers staff".into(),
            source: "workshop".into(),
            leads_to: String::new(),
        }
    }

    #[test]
    fn an_impact_gives_rise_to_risks_and_opportunities_of_the_cycle() {
        let linked = |kind: &str, text: &str| {
            IroForm {
                kind: kind.into(),
                occurrence: "actual".into(),
                human_rights: false,
                leads_to: text.into(),
                ..form()
            }
            .check(&matters(), &iros())
        };
        // Commas, spaces, '#' and repeats: sorted, once each.
        let r = linked("negative_impact", " #12, 7 8,,7 ").unwrap();
        assert_eq!(r.leads_to, [7, 8, 12]);
        assert_eq!(
            linked("positive_impact", "").unwrap().leads_to,
            Vec::<i64>::new()
        );
        let refused = |kind: &str, text: &str| linked(kind, text).unwrap_err();
        let problem = |p| vec![FieldProblem::new("leads_to", p)];
        // Not an IRO of the cycle, not a number, an impact, or from a risk or opportunity.
        assert_eq!(
            refused("negative_impact", "7, 99"),
            problem(Problem::Unknown)
        );
        assert_eq!(
            refused("negative_impact", "seven"),
            problem(Problem::Unknown)
        );
        assert_eq!(
            refused("negative_impact", "9"),
            problem(Problem::NotAllowed)
        );
        assert_eq!(refused("risk", "8"), problem(Problem::NotAllowed));
        assert_eq!(refused("opportunity", "7"), problem(Problem::NotAllowed));
        // At most MAX_LINKS.
        let many: BTreeMap<i64, IroKind> = (100..=100 + MAX_LINKS as i64)
            .map(|n| (n, IroKind::Risk))
            .collect();
        let text: Vec<String> = many.keys().map(|n| n.to_string()).collect();
        let form = IroForm {
            leads_to: text[..MAX_LINKS].join(","),
            ..form()
        };
        assert_eq!(
            form.check(&matters(), &many).unwrap().leads_to.len(),
            MAX_LINKS
        );
        let form = IroForm {
            leads_to: text.join(","),
            ..form
        };
        assert_eq!(
            form.check(&matters(), &many).unwrap_err(),
            problem(Problem::TooMany)
        );
    }

    #[test]
    fn a_valid_iro_is_read_and_normalised() {
        let r = form().check(&matters(), &iros()).unwrap();
        assert_eq!(r.matter, "E1.1");
        assert_eq!(
            r.iro,
            Iro {
                kind: IroKind::NegativeImpact,
                potential: true,
                human_rights: true,
                horizons: vec![Horizon::Short, Horizon::Long],
            }
        );
        assert_eq!(
            r.value_chain,
            [ValueChain::OwnOperations, ValueChain::Downstream]
        );
        assert_eq!(r.description.zh, "极端天气影响员工安全");
        assert_eq!(r.source, IroSource::Workshop);
        // Risks and opportunities may say current / anticipated.
        let risk = IroForm {
            kind: "Risk".into(),
            occurrence: "anticipated".into(),
            human_rights: false,
            ..form()
        };
        assert!(risk.check(&matters(), &iros()).unwrap().iro.potential);
    }

    #[test]
    fn every_problem_is_named_by_its_field_at_once() {
        let bad = IroForm {
            matter: "X9".into(),
            kind: "threat".into(),
            occurrence: "maybe".into(),
            value_chain: vec!["sideways".into()],
            horizons: vec![],
            description_zh: "".into(),
            description_en: "x".repeat(MAX_TEXT + 1),
            source: "".into(),
            ..form()
        };
        let problems = bad.check(&matters(), &iros()).unwrap_err();
        let got: Vec<(&str, Problem)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.problem))
            .collect();
        assert_eq!(
            got,
            [
                ("matter", Problem::Unknown),
                ("kind", Problem::Unknown),
                ("occurrence", Problem::Unknown),
                ("value_chain", Problem::Unknown),
                ("horizons", Problem::Required),
                ("description_zh", Problem::Required),
                ("description_en", Problem::TooLong),
                ("source", Problem::Required),
            ]
        );
        // A human-rights flag on a risk; "current" for an impact.
        let risk = IroForm {
            kind: "risk".into(),
            ..form()
        };
        let p = risk.check(&matters(), &iros()).unwrap_err();
        assert_eq!(p, [FieldProblem::new("human_rights", Problem::NotAllowed)]);
        let impact = IroForm {
            occurrence: "current".into(),
            ..form()
        };
        let p = impact.check(&matters(), &iros()).unwrap_err();
        assert_eq!(p, [FieldProblem::new("occurrence", Problem::Unknown)]);
    }

    #[test]
    fn every_word_reads_back_as_its_value() {
        for (w, k) in KINDS {
            assert_eq!((k.word(), lookup(&KINDS, w)), (w, Some(k)));
        }
        for (w, v) in SOURCES {
            assert_eq!((word(&SOURCES, v), lookup(&SOURCES, w)), (w, Some(v)));
        }
        for (w, v) in CHAIN {
            assert_eq!(lookup(&CHAIN, &w.to_uppercase()), Some(v));
        }
        for (w, v) in HORIZONS {
            assert_eq!(word(&HORIZONS, v), w);
        }
        let all = [Horizon::Short, Horizon::Medium, Horizon::Long];
        assert_eq!(words(&HORIZONS, &all), "short,medium,long");
        assert_eq!(
            from_words(&HORIZONS, "short,medium,long").as_deref(),
            Some(&all[..])
        );
        assert_eq!(from_words(&HORIZONS, "short,later"), None);
    }
}

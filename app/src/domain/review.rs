//! Step 4, internal confirmation: reviewers' comments and proposals, overrides, the confirmation stamp,
//! carrying a result forward, the material-topic list and the audit chain's rules.

use super::double_materiality::Method;
use super::library::{check_text, FieldProblem, Problem, MAX_TEXT};
use super::{Category, CycleResults, CycleStatus, Scale, ThresholdRule, TopicResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a reviewer proposes for a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proposal {
    Material,
    NotMaterial,
}

impl Proposal {
    pub fn as_str(self) -> &'static str {
        match self {
            Proposal::Material => "material",
            Proposal::NotMaterial => "not_material",
        }
    }

    pub fn parse(s: &str) -> Option<Proposal> {
        match s {
            "material" => Some(Proposal::Material),
            "not_material" => Some(Proposal::NotMaterial),
            _ => None,
        }
    }
}

/// A reviewer's comment on a topic, as everyone reviewing the cycle sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewComment {
    pub id: i64,
    pub topic: String,
    /// The author's e-mail address.
    pub author: String,
    pub proposal: Option<Proposal>,
    pub body: String,
    pub at: i64,
}

/// A respondent's comment on a topic, as reviewers of a closed cycle read it: with its group only where
/// the anonymity rule shows that group's own figures, and no time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RespondentComment {
    pub topic: String,
    pub group: Option<String>,
    pub text: String,
}

/// The respondents' comments of a cycle whose results are `results`, from stored (group, topic, text)
/// rows: none while the cycle is open or a draft, or where everyone's figures are withheld; a group
/// named only where its figures are shown; blank comments left out; sorted by topic, group and text,
/// so that the order says nothing about who wrote when.
pub fn respondent_comments(
    results: &CycleResults,
    stored: Vec<(String, String, String)>,
) -> Vec<RespondentComment> {
    let closed = matches!(
        results.cycle.status,
        super::CycleStatus::Closed | super::CycleStatus::Confirmed
    );
    let withheld = |key: &str| results.withheld.iter().any(|w| w == key);
    if !closed || withheld("all") {
        return Vec::new();
    }
    let mut out: Vec<RespondentComment> = stored
        .into_iter()
        .filter(|(_, _, text)| !text.trim().is_empty())
        .map(|(group, topic, text)| RespondentComment {
            group: (!withheld(&group)).then_some(group),
            topic,
            text,
        })
        .collect();
    out.sort();
    out
}

/// A comment as the form sends it, checked: the text is required (a proposal's text is its reason);
/// `proposal` is "", "material" or "not_material".
pub fn check_comment(
    body: &str,
    proposal: &str,
) -> Result<(String, Option<Proposal>), Vec<FieldProblem>> {
    let mut out = Vec::new();
    check_text(&mut out, "body", body, true, MAX_TEXT);
    let proposal = match proposal.trim() {
        "" => None,
        p => match Proposal::parse(p) {
            Some(p) => Some(p),
            None => {
                out.push(FieldProblem::new("proposal", Problem::Unknown));
                None
            }
        },
    };
    if out.is_empty() {
        Ok((body.trim().to_string(), proposal))
    } else {
        Err(out)
    }
}

/// A written reason (an override's, a carry-forward's rationale): required, at most [`MAX_TEXT`].
pub fn check_reason(field: &str, reason: &str) -> Result<String, Vec<FieldProblem>> {
    let mut out = Vec::new();
    check_text(&mut out, field, reason, true, MAX_TEXT);
    if out.is_empty() {
        Ok(reason.trim().to_string())
    } else {
        Err(out)
    }
}

/// The decision group's materiality of a topic where it differs from the computed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub material: bool,
    pub reason: String,
    /// E-mail address of the admin who made it.
    pub by: String,
    pub at: i64,
}

/// The settings the figures of a confirmed cycle were computed with, frozen in its stamp: the group
/// weights are read from here from then on, whatever happens to the groups later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Methodology {
    pub scale: Scale,
    pub k: u32,
    pub threshold: f64,
    pub threshold_rule: ThresholdRule,
    /// Group code -> weight.
    pub weights: BTreeMap<String, f64>,
    /// The anonymity rule the figures were shown by (absent in stamps of the older rule).
    #[serde(default)]
    pub anonymity: super::AnonymityRule,
    /// A double-materiality cycle's scoring constants, as confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<super::double_materiality::Scoring>,
}

/// The stamp of a confirmed result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    pub confirmed_at: i64,
    /// E-mail address of the admin who confirmed.
    pub confirmed_by: String,
    pub methodology: Methodology,
    /// SHA-256 (hex) of [`statistics_text`] at confirmation.
    pub statistics_hash: String,
    /// The statistics computed now still hash to `statistics_hash`.
    pub intact: bool,
    /// The audit log's head just before the confirmation's own entry; absent in older stamps.
    #[serde(default)]
    pub audit_anchor: Option<AuditAnchor>,
    /// A double-materiality cycle's: SHA-256 (hex) of its IRO scores and matter positions
    /// ([`super::iro::AssessmentView::statistics_text`]) at confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_hash: Option<String>,
}

/// An entry of the audit log by its id and hash (id 0 and [`GENESIS`]: the log was empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub id: i64,
    pub hash: String,
}

impl AuditAnchor {
    /// As the exports print it: the id, a space, the hash.
    pub fn text(&self) -> String {
        format!("{} {}", self.id, self.hash)
    }
}

/// The previous confirmed cycle whose result a cycle adopted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedForward {
    pub from: i64,
    pub name: String,
    pub year: i32,
    pub rationale: String,
}

/// Comments, proposals and overrides are taken while the result is under review. A survey's: the
/// cycle is closed, or it carries a previous result forward and is not confirmed yet. A
/// double-materiality result forms as its IROs are rated: reviewers comment on its matters until
/// it is confirmed.
pub fn in_review(method: Method, status: CycleStatus, carried: bool) -> bool {
    match method {
        Method::Survey => {
            status == CycleStatus::Closed || (carried && status == CycleStatus::Draft)
        }
        Method::Double => status != CycleStatus::Confirmed,
    }
}

/// The figures a confirmation stamps, as text: per topic in cycle order its code and every statistic
/// of both axes and the weighted position, numbers written to round-trip exactly. Materiality,
/// overrides and names are not statistics and are not part of it.
pub fn statistics_text(results: &CycleResults) -> String {
    let num = |v: Option<f64>| v.map(|v| format!("{v:?}")).unwrap_or_default();
    let mut out = String::new();
    for t in &results.topics {
        out.push_str(&t.code);
        for s in [&t.business, &t.stakeholder] {
            out.push_str(&format!("\t{}\t{}", s.n, s.dont_know));
            for v in [s.mean, s.sd, s.median, s.q1, s.q3, s.iqr, s.top2] {
                out.push('\t');
                out.push_str(&num(v));
            }
        }
        out.push_str(&format!(
            "\t{}\t{}\n",
            num(t.weighted.business),
            num(t.weighted.stakeholder)
        ));
    }
    out
}

/// Sets each overridden topic's materiality to the decision group's, keeping the computed one beside it.
pub fn apply_overrides(results: &mut CycleResults, overrides: &BTreeMap<String, Override>) {
    for t in &mut results.topics {
        if let Some(o) = overrides.get(&t.code) {
            t.material = o.material;
            t.override_ = Some(o.clone());
        }
    }
}

/// The material topics by category (E, S, G), each list in rank order: the material-topic list.
pub fn material_list(results: &CycleResults) -> Vec<(Category, Vec<&TopicResult>)> {
    [Category::E, Category::S, Category::G]
        .into_iter()
        .map(|c| {
            let mut list: Vec<&TopicResult> = results
                .topics
                .iter()
                .filter(|t| t.material && t.category == c)
                .collect();
            list.sort_by_key(|t| t.rank);
            (c, list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect()
}

/// The material-topic list as CSV ([`super::csv_document`]): one row per material topic, by category
/// and rank, with its position, any override, its management-approach note and the result's standing
/// on every row.
pub fn material_csv(results: &CycleResults, notes: &BTreeMap<String, String>) -> String {
    let num = |v: Option<f64>| super::Cell::Num(v).text();
    let confirmed_at = results
        .confirmation
        .as_ref()
        .map(|s| super::format_utc(s.confirmed_at))
        .unwrap_or_default();
    let carried = results
        .carried_forward
        .as_ref()
        .map(|c| format!("{} ({})", c.name, c.year))
        .unwrap_or_default();
    let mut rows = Vec::new();
    for (category, topics) in material_list(results) {
        for (i, t) in topics.iter().enumerate() {
            rows.push([
                category.as_str().to_string(),
                (i + 1).to_string(),
                t.rank.to_string(),
                t.code.clone(),
                t.name.zh.clone(),
                t.name.en.clone(),
                num(t.business.mean),
                num(t.stakeholder.mean),
                t.override_.is_some().to_string(),
                t.override_
                    .as_ref()
                    .map(|o| o.reason.clone())
                    .unwrap_or_default(),
                notes.get(&t.code).cloned().unwrap_or_default(),
                results.standing().to_string(),
                confirmed_at.clone(),
                carried.clone(),
            ]);
        }
    }
    super::csv_document(
        &[
            "category",
            "place_in_category",
            "rank",
            "code",
            "name_zh",
            "name_en",
            "business_mean",
            "stakeholder_mean",
            "overridden",
            "override_reason",
            "management_approach",
            "standing",
            "confirmed_at_utc",
            "carried_forward_from",
        ],
        rows,
    )
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// E-mail address of the user, or `command line`.
    pub actor: String,
    /// What was done, e.g. `cycle.confirm`.
    pub action: String,
    /// What it was done to, e.g. `cycle 3 topic E1`.
    pub subject: String,
    /// JSON of the state before and after, where there is one.
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The text an entry's hash is taken over: every field but the hash itself, as a JSON array (so no
    /// two different entries share it), the previous entry's hash included.
    pub fn chain_text(&self) -> String {
        serde_json::json!([
            self.id,
            self.at,
            self.actor,
            self.action,
            self.subject,
            self.before,
            self.after,
            self.prev_hash
        ])
        .to_string()
    }
}

/// Where the audit chain breaks: the first entry whose link or hash does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBreak {
    pub id: i64,
    /// `link`: its previous-hash is not the hash of the entry before; `hash`: its own fields do not
    /// give its hash (the entry was changed).
    pub reason: String,
}

/// Checks the chain, oldest entry first: each entry must point at the hash of the one before (the
/// first at [`GENESIS`]) and hash to its own `hash` under `hash_fn`. Returns how many entries hold.
pub fn verify_chain(
    entries: &[AuditEntry],
    hash_fn: impl Fn(&str) -> String,
) -> Result<usize, ChainBreak> {
    let mut prev = GENESIS.to_string();
    for e in entries {
        if e.prev_hash != prev {
            return Err(ChainBreak {
                id: e.id,
                reason: "link".into(),
            });
        }
        if hash_fn(&e.chain_text()) != e.hash {
            return Err(ChainBreak {
                id: e.id,
                reason: "hash".into(),
            });
        }
        prev = e.hash.clone();
    }
    Ok(entries.len())
}

/// Checks the log (`entries`, the whole chain, oldest first) against the anchors recorded by
/// confirmations: the anchored entry must still be there with its hash, and so must an entry after it
/// (the confirmation's own). So the log cannot be cut back past a confirmation unseen; entries after
/// the last confirmation's can still be cut without trace, and whoever can rewrite the database can
/// rewrite the anchors too.
pub fn verify_anchors(entries: &[AuditEntry], anchors: &[AuditAnchor]) -> Result<(), ChainBreak> {
    for a in anchors {
        let held = a.id == 0 && a.hash == GENESIS
            || entries.iter().any(|e| e.id == a.id && e.hash == a.hash);
        let followed = entries.iter().any(|e| e.id > a.id && e.prev_hash == a.hash);
        if !(held && followed) {
            return Err(ChainBreak {
                id: a.id,
                reason: "anchor".into(),
            });
        }
    }
    Ok(())
}

/// The previous-hash of the first entry.
pub const GENESIS: &str = "genesis";

/// The audit log as CSV ([`super::csv_document`]), times as UTC.
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let rows = entries.iter().map(|e| {
        [
            e.id.to_string(),
            super::format_utc(e.at),
            e.actor.clone(),
            e.action.clone(),
            e.subject.clone(),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ]
    });
    super::csv_document(
        &[
            "id",
            "at_utc",
            "actor",
            "action",
            "subject",
            "before",
            "after",
            "prev_hash",
            "hash",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, prev: &str) -> AuditEntry {
        let mut e = AuditEntry {
            id,
            at: 1_800_000_000 + id,
            actor: "admin@example.com".into(),
            action: "cycle.confirm".into(),
            subject: format!("cycle {id}"),
            before: Some(r#"{"status":"closed"}"#.into()),
            after: Some(r#"{"status":"confirmed"}"#.into()),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = toy_hash(&e.chain_text());
        e
    }

    // Any function of the whole text serves the rules' test; the store uses SHA-256.
    fn toy_hash(s: &str) -> String {
        format!("{:x}-{}", s.bytes().map(u64::from).sum::<u64>(), s.len())
    }

    #[test]
    fn the_chain_holds_and_every_kind_of_tampering_breaks_it() {
        let a = entry(1, GENESIS);
        let b = entry(2, &a.hash);
        let c = entry(3, &b.hash);
        let chain = vec![a.clone(), b.clone(), c.clone()];
        assert_eq!(verify_chain(&chain, toy_hash), Ok(3));
        // A changed field.
        let mut edited = chain.clone();
        edited[1].subject = "cycle 9".into();
        assert_eq!(
            verify_chain(&edited, toy_hash),
            Err(ChainBreak {
                id: 2,
                reason: "hash".into()
            })
        );
        // A removed entry.
        let removed = vec![a.clone(), c.clone()];
        assert_eq!(verify_chain(&removed, toy_hash).unwrap_err().id, 3);
        // An entry rewritten with a fresh hash still breaks the next link.
        let mut rehashed = chain.clone();
        rehashed[1].after = None;
        rehashed[1].hash = toy_hash(&rehashed[1].chain_text());
        assert_eq!(
            verify_chain(&rehashed, toy_hash),
            Err(ChainBreak {
                id: 3,
                reason: "link".into()
            })
        );
    }

    #[test]
    fn respondents_comments_show_a_group_only_where_its_figures_are_shown() {
        use crate::domain::{CycleStatus, CycleSummary, Scale, ThresholdRule};
        let results = |status, withheld: &[&str]| CycleResults {
            cycle: CycleSummary {
                id: 1,
                name: "c".into(),
                year: 2026,
                status,
                scale: Scale::FIVE,
                k: 5,
                threshold: 3.5,
                threshold_rule: ThresholdRule::Both,
                preview_open: true,
            },
            topics: Vec::new(),
            confirmation: None,
            carried_forward: None,
            withheld: withheld.iter().map(|w| w.to_string()).collect(),
        };
        let stored = || {
            vec![
                ("REG".to_string(), "E1".to_string(), "late".to_string()),
                ("EMP".to_string(), "E1".to_string(), "good".to_string()),
                ("EMP".to_string(), "A0".to_string(), "  ".to_string()),
                ("CUS".to_string(), "A0".to_string(), "first".to_string()),
            ]
        };
        let shown = respondent_comments(&results(CycleStatus::Closed, &["REG", "CUS"]), stored());
        let text = |c: &RespondentComment| (c.topic.clone(), c.group.clone(), c.text.clone());
        assert_eq!(
            shown.iter().map(text).collect::<Vec<_>>(),
            [
                ("A0".into(), None, "first".into()),
                ("E1".into(), None, "late".into()),
                ("E1".into(), Some("EMP".into()), "good".into()),
            ]
        );
        assert_eq!(
            respondent_comments(&results(CycleStatus::Confirmed, &[]), stored()).len(),
            3
        );
        for status in [CycleStatus::Open, CycleStatus::Draft] {
            assert!(respondent_comments(&results(status, &[]), stored()).is_empty());
        }
        assert!(respondent_comments(&results(CycleStatus::Closed, &["all"]), stored()).is_empty());
    }

    /// Four topics answered by one group: E1 (5, 5), S1 (4, 4), G1 (2, 2), S2 (5, 4); threshold 3.5.
    fn four_topics() -> CycleResults {
        use crate::domain::{
            aggregate, Axis, Bilingual, CycleStatus, CycleSummary, CycleTopic, Disclosure,
            GroupInfo, Scale, Tally, ThresholdRule,
        };
        let topic = |code: &str, category| CycleTopic {
            code: code.into(),
            category,
            name: Bilingual {
                zh: format!("{code} 中"),
                en: format!("{code}, en"),
            },
            description: Bilingual::default(),
        };
        let topics = [
            topic("E1", Category::E),
            topic("S1", Category::S),
            topic("G1", Category::G),
            topic("S2", Category::S),
        ];
        let mut tallies = Vec::new();
        for (code, b, s) in [("E1", 5, 5), ("S1", 4, 4), ("G1", 2, 2), ("S2", 5, 4)] {
            for (axis, v) in [(Axis::Business, b), (Axis::Stakeholder, s)] {
                tallies.push(Tally {
                    topic: code.into(),
                    axis,
                    group: "EMP".into(),
                    value: Some(v),
                    n: 2,
                });
            }
        }
        let summary = CycleSummary {
            id: 1,
            name: "c".into(),
            year: 2026,
            status: CycleStatus::Closed,
            scale: Scale::FIVE,
            k: 1,
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
        aggregate(summary, &topics, &groups, &tallies, &Disclosure::default())
    }

    #[test]
    fn the_audit_log_downloads_every_field_of_every_entry() {
        let first = entry(1, GENESIS);
        let csv = audit_csv(std::slice::from_ref(&first));
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}id,at_utc,actor,action,subject,before,after,prev_hash,hash"
        );
        assert_eq!(
            lines[1],
            format!(
                "1,{},admin@example.com,cycle.confirm,cycle 1,\"{{\"\"status\"\":\"\"closed\"\"}}\",\
                 \"{{\"\"status\"\":\"\"confirmed\"\"}}\",genesis,{}",
                crate::domain::format_utc(first.at),
                first.hash
            )
        );
        assert_eq!(lines.len(), 3, "one row and the final line end");
    }

    #[test]
    fn proposals_are_written_and_read_by_their_names() {
        for (p, name) in [
            (Proposal::Material, "material"),
            (Proposal::NotMaterial, "not_material"),
        ] {
            assert_eq!(p.as_str(), name);
            assert_eq!(Proposal::parse(name), Some(p));
        }
        assert_eq!(Proposal::parse(""), None);
    }

    #[test]
    fn overrides_decide_and_the_material_list_follows_by_category_and_rank() {
        let mut r = four_topics();
        // Computed: E1, S2 and S1 material (ranks 1, 2, 3), G1 not (rank 4).
        let override_ = |material: bool| Override {
            material,
            reason: "board, decided".into(),
            by: "admin@example.com".into(),
            at: 1,
        };
        let overrides: BTreeMap<String, Override> = [
            ("G1".to_string(), override_(true)),
            ("S1".to_string(), override_(false)),
        ]
        .into();
        apply_overrides(&mut r, &overrides);
        let decided: Vec<(&str, bool, bool)> = r
            .topics
            .iter()
            .map(|t| (t.code.as_str(), t.material, t.computed_material))
            .collect();
        assert_eq!(
            decided,
            [
                ("E1", true, true),
                ("S1", false, true),
                ("G1", true, false),
                ("S2", true, true)
            ]
        );
        assert_eq!(r.topics[2].override_, Some(override_(true)));
        assert_eq!(r.topics[0].override_, None);
        let list: Vec<(Category, Vec<&str>)> = material_list(&r)
            .into_iter()
            .map(|(c, ts)| (c, ts.iter().map(|t| t.code.as_str()).collect()))
            .collect();
        assert_eq!(
            list,
            [
                (Category::E, vec!["E1"]),
                (Category::S, vec!["S2"]),
                (Category::G, vec!["G1"])
            ]
        );
        let notes: BTreeMap<String, String> = [("S2".to_string(), "=SUM(A1)".to_string())].into();
        assert_eq!(
            material_csv(&r, &notes),
            "\u{feff}category,place_in_category,rank,code,name_zh,name_en,business_mean,\
             stakeholder_mean,overridden,override_reason,management_approach,standing,\
             confirmed_at_utc,carried_forward_from\r\n\
             E,1,1,E1,E1 中,\"E1, en\",5.0000,5.0000,false,,,provisional,,\r\n\
             S,1,2,S2,S2 中,\"S2, en\",5.0000,4.0000,false,,'=SUM(A1),provisional,,\r\n\
             G,1,4,G1,G1 中,\"G1, en\",2.0000,2.0000,true,\"board, decided\",,provisional,,\r\n"
        );
    }

    #[test]
    fn the_statistics_text_holds_every_figure_to_round_trip() {
        let r = four_topics();
        let text = statistics_text(&r);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        // code, then per axis n, don't know, mean, sd, median, q1, q3, iqr, top2; then the weighted.
        assert_eq!(
            lines[0],
            "E1\t2\t0\t5.0\t0.0\t5.0\t5.0\t5.0\t0.0\t1.0\t2\t0\t5.0\t0.0\t5.0\t5.0\t5.0\t0.0\t1.0\t5.0\t5.0"
        );
        assert!(lines[2].starts_with("G1\t2\t0\t2.0\t"), "{}", lines[2]);
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn cutting_the_log_back_past_a_confirmation_breaks_its_anchor() {
        let mut log = vec![entry(1, GENESIS)];
        log.push(entry(2, &log[0].hash));
        log.push(entry(3, &log[1].hash));
        // A confirmation made when entry 2 was the head; its own entry is 3.
        let anchor = AuditAnchor {
            id: 2,
            hash: log[1].hash.clone(),
        };
        let first = AuditAnchor {
            id: 0,
            hash: GENESIS.into(),
        };
        assert_eq!(
            verify_anchors(&log, &[first.clone(), anchor.clone()]),
            Ok(())
        );
        // Entry 3 cut off: the chain itself still holds, the anchor does not.
        assert_eq!(verify_chain(&log[..2], toy_hash), Ok(2));
        let broken = Err(ChainBreak {
            id: 2,
            reason: "anchor".into(),
        });
        assert_eq!(
            verify_anchors(&log[..2], std::slice::from_ref(&anchor)),
            broken
        );
        // Cut back further, or the anchored entry rewritten: broken too.
        assert_eq!(
            verify_anchors(&log[..1], std::slice::from_ref(&anchor)),
            broken
        );
        let mut rewritten = log.clone();
        rewritten[1].hash = "other".into();
        assert_eq!(verify_anchors(&rewritten, &[anchor]), broken);
        // An anchor on the empty log needs the entry after it.
        assert!(verify_anchors(&[], &[first]).is_err());
    }

    #[test]
    fn comments_and_reasons_are_checked() {
        assert_eq!(
            check_comment(" too low ", "material"),
            Ok(("too low".to_string(), Some(Proposal::Material)))
        );
        assert_eq!(check_comment("fine", ""), Ok(("fine".to_string(), None)));
        let fields = |r: Result<(String, Option<Proposal>), Vec<FieldProblem>>| {
            r.unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(check_comment("  ", "maybe")), ["body", "proposal"]);
        assert_eq!(
            check_reason("reason", " ").unwrap_err(),
            vec![FieldProblem::new("reason", Problem::Required)]
        );
        assert!(check_reason("reason", &"x".repeat(MAX_TEXT + 1)).is_err());
    }

    #[test]
    fn review_happens_on_closed_or_carried_cycles() {
        use crate::domain::double_materiality::Method::*;
        use CycleStatus::*;
        assert!(in_review(Survey, Closed, false));
        assert!(in_review(Survey, Draft, true));
        assert!(!in_review(Survey, Open, false));
        assert!(!in_review(Survey, Draft, false));
        assert!(!in_review(Survey, Confirmed, true));
        assert!(!in_review(Survey, Confirmed, false));
    }
}

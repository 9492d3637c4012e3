//! The words of the double-materiality pages (the register, the assessors' ratings, the scores), in
//! both languages. Kept apart from [`super::Text`] so that the survey method's strings stay one file
//! each; a field missing in one language is a compile error here too.

use super::Lang;
use crate::domain::double_materiality::{
    Criteria, Dimension, Horizon, IroKind, MatterMateriality, Method, Scoring, Standing,
};
use crate::domain::iro::{IroSource, ValueChain};

/// Every string of the double-materiality pages, in one language.
pub struct DmText {
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub method: &'static str,
    pub method_survey: &'static str,
    pub method_double: &'static str,
    pub set_method: &'static str,
    pub method_fixed: &'static str,
    pub matters_title: &'static str,
    pub preset_esrs: &'static str,
    pub preset_cn: &'static str,
    pub load_preset: &'static str,
    pub preset_from: &'static str,
    /// "{n}" is replaced by the number of matters.
    pub matters_count: &'static str,
    pub no_matters: &'static str,
    pub survey_method_note: &'static str,
    pub iros_title: &'static str,
    pub no_iros: &'static str,
    pub add_iro: &'static str,
    pub edit_iro: &'static str,
    pub evidence: &'static str,
    pub names_title: &'static str,
    pub names_shown: &'static str,
    pub names_hidden: &'static str,
    pub names_hide: &'static str,
    pub entity_specific: &'static str,
    pub add_matter: &'static str,
    pub add_matter_hint: &'static str,
    pub matter_parent: &'static str,
    pub matter_top: &'static str,
    pub matter_pillar: &'static str,
    pub evidence_hint: &'static str,
    pub edit_iro_note: &'static str,
    pub col_matter: &'static str,
    pub col_kind: &'static str,
    pub col_occurrence: &'static str,
    pub col_value_chain: &'static str,
    pub col_horizons: &'static str,
    pub col_description: &'static str,
    pub col_source: &'static str,
    pub leads_to: &'static str,
    pub import_title: &'static str,
    pub import_help: &'static str,
    pub import_file: &'static str,
    pub import_needs_js: &'static str,
    pub imported: &'static str,
    pub download_register: &'static str,
    pub leads_to_hint: &'static str,
    pub input_title: &'static str,
    pub material_intro: &'static str,
    /// "{cycle}" is replaced by the previous cycle's name and year, "{m}" by its materiality there.
    pub before: &'static str,
    /// "{cycle}" as in `before`.
    pub before_absent: &'static str,
    pub no_longer_material: &'static str,
    pub review_intro: &'static str,
    pub review_closed: &'static str,
    pub input_intro: &'static str,
    pub input_no_topics: &'static str,
    pub col_topic: &'static str,
    pub col_informs: &'static str,
    pub no_matter: &'static str,
    pub col_stakeholders: &'static str,
    pub stakeholders_withheld: &'static str,
    pub flag_review: &'static str,
    pub gives_rise_to: &'static str,
    pub arises_from: &'static str,
    pub col_assessors: &'static str,
    pub human_rights: &'static str,
    pub human_rights_short: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    pub assessor: &'static str,
    pub assign: &'static str,
    pub submitted: &'static str,
    pub pending: &'static str,
    pub waived: &'static str,
    pub nobody_assigned: &'static str,
    pub scores_link: &'static str,
    pub register_link: &'static str,
    pub frozen_note: &'static str,
    pub kinds: [&'static str; 4],
    pub actual: &'static str,
    pub potential: &'static str,
    pub current: &'static str,
    pub anticipated: &'static str,
    pub chain: [&'static str; 3],
    pub horizons: [&'static str; 3],
    pub sources: [&'static str; 4],

    pub my_title: &'static str,
    pub my_intro: &'static str,
    pub no_assignments: &'static str,
    /// "{s}" and "{n}": submitted and assigned.
    pub my_progress: &'static str,
    pub assess: &'static str,
    pub criteria: Criteria<&'static str>,
    pub questions: Criteria<&'static str>,
    pub anchors: Criteria<[&'static str; 5]>,
    pub cant_judge: &'static str,
    pub rationale: &'static str,
    pub save_draft: &'static str,
    pub submit: &'static str,
    pub submitted_note: &'static str,
    pub waived_note: &'static str,
    pub saved: &'static str,

    pub matrix_title: &'static str,
    pub iros_file: &'static str,
    pub ratings_file: &'static str,
    pub matrix_note: &'static str,
    pub key_title: &'static str,
    pub assessment_title: &'static str,
    pub assessment_intro: &'static str,
    pub not_double: &'static str,
    pub col_score: &'static str,
    pub col_computed: &'static str,
    pub col_horizon: &'static str,
    pub col_spread: &'static str,
    pub col_standing: &'static str,
    pub col_calibration: &'static str,
    pub col_progress: &'static str,
    pub col_financial: &'static str,
    pub col_impact: &'static str,
    pub col_materiality: &'static str,
    pub col_undecided: &'static str,
    pub standings: [&'static str; 4],
    pub materialities: [&'static str; 4],
    pub needs_calibration: &'static str,
    pub col_decision: &'static str,
    pub decide: &'static str,
    pub decision_material: &'static str,
    pub decision_not: &'static str,
    /// "{what}", "{by}", "{reason}".
    pub decided_by: &'static str,
    pub waive: &'static str,
    pub waive_reason: &'static str,
    pub calibrate: &'static str,
    pub calibrated_score: &'static str,
    pub reason: &'static str,
    /// "{score}", "{by}", "{reason}".
    pub calibrated_by: &'static str,
    pub impact: &'static str,
    pub financial: &'static str,
    /// "{ti}", "{tf}", "{band}", "{agg}", "{spread}".
    pub scoring_summary: &'static str,
    pub aggregations: [&'static str; 3],
    pub scoring_title: &'static str,
    pub scoring_intro: &'static str,
    pub aggregation: &'static str,
    pub impact_threshold: &'static str,
    pub financial_threshold: &'static str,
    pub grey_band: &'static str,
    pub spread_limit: &'static str,
    pub set_scoring: &'static str,
    pub confirm_title: &'static str,
    pub confirm_intro: &'static str,
    pub gaps_title: &'static str,
    pub gap_none: &'static str,
    pub gap_no_iros: &'static str,
    /// "{iro}" and "{n}" are replaced.
    pub gap_unsubmitted: &'static str,
    /// "{iro}" is replaced.
    pub gap_undecided: &'static str,
    pub stamp_scores_hash: &'static str,
    pub stamp_scores_intact: &'static str,
    pub stamp_scores_broken: &'static str,
    pub survey_open_note: &'static str,
    pub heat_impact_title: &'static str,
    pub heat_financial_title: &'static str,
    pub axis_likelihood: &'static str,
    pub axis_severity: &'static str,
    pub axis_magnitude: &'static str,
    pub heat_note: &'static str,
    pub heat_maps: &'static str,
}

impl Lang {
    /// The double-materiality pages' words in this language.
    pub fn dm(self) -> &'static DmText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

impl DmText {
    pub fn method(&self, m: Method) -> &'static str {
        match m {
            Method::Survey => self.method_survey,
            Method::Double => self.method_double,
        }
    }

    pub fn kind(&self, k: IroKind) -> &'static str {
        self.kinds[k as usize]
    }

    /// Actual or potential for an impact; current or anticipated for a risk or opportunity.
    pub fn occurrence(&self, k: IroKind, potential: bool) -> &'static str {
        match (k.dimension(), potential) {
            (Dimension::Impact, false) => self.actual,
            (Dimension::Impact, true) => self.potential,
            (Dimension::Financial, false) => self.current,
            (Dimension::Financial, true) => self.anticipated,
        }
    }

    pub fn chain(&self, v: ValueChain) -> &'static str {
        self.chain[v as usize]
    }

    pub fn horizon(&self, h: Horizon) -> &'static str {
        self.horizons[h as usize]
    }

    pub fn source(&self, s: IroSource) -> &'static str {
        self.sources[s as usize]
    }

    pub fn standing(&self, s: Standing) -> &'static str {
        self.standings[s as usize]
    }

    pub fn materiality(&self, m: MatterMateriality) -> &'static str {
        self.materialities[m as usize]
    }

    /// A matter's materiality in the previous cycle, `cycle` (its name and year); `None`: not in it.
    pub fn before(&self, cycle: &str, m: Option<MatterMateriality>) -> String {
        match m {
            Some(m) => self
                .before
                .replace("{cycle}", cycle)
                .replace("{m}", self.materiality(m)),
            None => self.before_absent.replace("{cycle}", cycle),
        }
    }

    pub fn dimension(&self, d: Dimension) -> &'static str {
        match d {
            Dimension::Impact => self.impact,
            Dimension::Financial => self.financial,
        }
    }

    pub fn my_progress(&self, submitted: i64, assigned: i64) -> String {
        self.my_progress
            .replace("{s}", &submitted.to_string())
            .replace("{n}", &assigned.to_string())
    }

    pub fn matters_count(&self, n: usize) -> String {
        self.matters_count.replace("{n}", &n.to_string())
    }

    pub fn calibrated_by(&self, note: &crate::domain::iro::CalibrationNote) -> String {
        self.calibrated_by
            .replace("{score}", &format!("{:.2}", note.score))
            .replace("{by}", &note.by)
            .replace("{reason}", &note.reason)
    }

    pub fn decided_by(&self, note: &crate::domain::iro::DecisionNote) -> String {
        let what = if note.material {
            self.decision_material
        } else {
            self.decision_not
        };
        self.decided_by
            .replace("{what}", what)
            .replace("{by}", &note.by)
            .replace("{reason}", &note.reason)
    }

    pub fn gap_unsubmitted(&self, iro: i64, n: i64) -> String {
        self.gap_unsubmitted
            .replace("{iro}", &iro.to_string())
            .replace("{n}", &n.to_string())
    }

    pub fn gap_undecided(&self, iro: i64) -> String {
        self.gap_undecided.replace("{iro}", &iro.to_string())
    }

    pub fn scoring_summary(&self, s: &Scoring) -> String {
        let agg = self.aggregations[s.aggregation as usize];
        self.scoring_summary
            .replace("{ti}", &format!("{:.2}", s.impact_threshold))
            .replace("{tf}", &format!("{:.2}", s.financial_threshold))
            .replace("{band}", &format!("{:.2}", s.grey_band))
            .replace("{agg}", agg)
            .replace("{spread}", &format!("{:.2}", s.spread_limit))
    }
}

pub static EN: DmText = DmText {
    register_title: "Impacts, risks and opportunities",
    register_intro: "The register of a double materiality assessment (ESRS 1 chapter 3, IFRS S1, the Chinese exchanges' 2024 guidelines): each impact, risk or opportunity (IRO) belongs to a sustainability matter, and assessors rate it on set criteria. Impacts decide impact materiality, risks and opportunities financial materiality.",
    method: "Method",
    method_survey: "Survey matrix: importance to the business and to stakeholders",
    method_double: "Double materiality: impacts, risks and opportunities rated on set criteria",
    set_method: "Change the method",
    method_fixed: "The method changes only while the cycle is a draft with no answers and no matters.",
    matters_title: "Sustainability matters",
    preset_esrs: "ESRS 1 AR 16 (ESRS Set 1, 2023): 120 topics, sub-topics and sub-sub-topics",
    preset_cn: "Shanghai, Shenzhen and Beijing exchanges' guidelines (2024): 21 topics",
    load_preset: "Load this list",
    preset_from: "Matters from",
    matters_count: "{n} matters",
    no_matters: "Load a list of sustainability matters first: every IRO belongs to one.",
    survey_method_note: "This cycle uses the survey matrix. Choose double materiality while it is a draft to keep a register of impacts, risks and opportunities.",
    iros_title: "Register",
    no_iros: "No IROs yet.",
    add_iro: "Add an impact, risk or opportunity",
    edit_iro: "Correct an impact, risk or opportunity",
    evidence: "Evidence (optional)",
    names_title: "Assessors' names in the exports",
    names_shown: "The ratings file, the workbook and the JSON name each rating's assessor (their e-mail address).",
    names_hidden: "The ratings file, the workbook and the JSON number the assessors (assessor 1, assessor 2, …, the same in every file of this cycle) instead of naming them. This page still shows who is assigned.",
    names_hide: "Hide the assessors' names in the exports",
    entity_specific: "entity-specific",
    add_matter: "Add an entity-specific matter",
    add_matter_hint: "A matter of your own, not in the list: a new topic, or a sub-topic or sub-sub-topic under one of the list's. Its code must be new in this cycle (letters, digits, dots, hyphens, underscores, from a letter; for example E3.1.X1); a sub-topic takes its parent's pillar. It can be removed while no IRO belongs to it.",
    matter_parent: "Below",
    matter_top: "(a new topic)",
    matter_pillar: "Pillar (new topics)",
    evidence_hint: "One item per line, at most 20: a web link (http:// or https://) to a document, or a short note.",
    edit_iro_note: "Every change is kept in the audit log. Once anyone has rated this IRO, its kind, actual or potential, human-rights flag and horizons stay, because they decide what was asked and how it is scored: retire it and add a new one instead.",
    col_matter: "Matter",
    col_kind: "Kind",
    col_occurrence: "Actual or potential",
    col_value_chain: "Value chain",
    col_horizons: "Time horizons",
    col_description: "Description",
    col_source: "Source",
    leads_to: "Gives rise to (IRO numbers)",
    import_title: "Import IROs from a file",
    import_help: "A CSV file or workbook (XLSX) of up to 1 MB and 5,000 rows with the columns of the download: iro, matter, kind, occurrence, human_rights, value_chain, horizons, description_zh, description_en, source, leads_to. A row with a number in iro corrects that IRO (once it is rated, its kind, occurrence, human-rights flag and horizons stay); a row without one adds an IRO. Matters must already be in the register. Preview first: nothing is written until every row is correct, and then all rows are written together.",
    import_file: "File (CSV or XLSX)",
    import_needs_js: "The import's preview needs JavaScript. Without it, add and correct IROs with the forms on this page.",
    imported: "Imported. IROs added: {a}; corrected: {u}.",
    download_register: "Download the register",
    input_title: "Stakeholder input",
    material_intro: "Every matter that stands material — by its impacts, by its risks and opportunities, or both — with its financial (x) and impact (y) scores, under the topical standard it brings into scope; compared with the cycle this one was copied from, where there is one, including the matters material then that no longer are.",
    before: "In {cycle}: {m}",
    before_absent: "Not in {cycle}",
    no_longer_material: "No longer material",
    review_intro: "Every assessed matter with its financial and impact scores, the stakeholder input beside it and what respondents wrote on the survey topics that inform it. Reviewers comment and propose until the cycle is confirmed; the decision group acts on the scores page, where it calibrates an IRO's score with a written reason and confirms.",
    review_closed: "The cycle is confirmed: its comments are closed.",
    input_intro: "The stakeholder survey can run in this cycle as evidence. Say which matter each survey topic informs: the matter's row on the scores page then shows everyone's mean importance to stakeholders beside its IRO scores (withheld below the cycle's k responses). A matter that stakeholders rate at or above the survey's threshold while its scores leave it not material is flagged for review; the figures never change a score.",
    input_no_topics: "The cycle asks no survey topics: choose them on the cycle's page to use the stakeholder survey as evidence.",
    col_topic: "Survey topic",
    col_informs: "Informs the matter",
    no_matter: "(none)",
    col_stakeholders: "Stakeholders",
    stakeholders_withheld: "withheld: fewer than k responses",
    flag_review: "Stakeholders rate it high while its scores leave it not material: review it",
    leads_to_hint: "For an impact: the numbers (# column) of the risks and opportunities it gives rise to, separated by commas, e.g. 12, 15.",
    gives_rise_to: "Gives rise to",
    arises_from: "Arises from",
    col_assessors: "Assessors",
    human_rights: "A negative impact on human rights (its severity takes precedence over its likelihood)",
    human_rights_short: "human rights",
    description_zh: "Description (Chinese)",
    description_en: "Description (English)",
    assessor: "Assessor",
    assign: "Assign",
    submitted: "submitted",
    pending: "not submitted",
    waived: "waived",
    nobody_assigned: "nobody yet",
    scores_link: "Scores and matters",
    register_link: "Register",
    frozen_note: "This cycle is confirmed: its register and ratings no longer change.",
    kinds: ["Negative impact", "Positive impact", "Risk", "Opportunity"],
    actual: "Actual",
    potential: "Potential",
    current: "Current",
    anticipated: "Anticipated",
    chain: ["Own operations", "Upstream", "Downstream"],
    horizons: [
        "Short term (the reporting period)",
        "Medium term (up to 5 years)",
        "Long term (beyond 5 years)",
    ],
    sources: ["Stakeholder survey", "Workshop", "Expert judgement", "Desk research"],

    my_title: "Your assessments",
    my_intro: "Rate each impact, risk or opportunity assigned to you on the criteria shown, for each of its time horizons. Choose \"Can't judge\" where you cannot: it counts as missing, never as a low score. Save a draft as often as you like; submitting needs your rationale and locks your rating.",
    no_assignments: "Nothing is assigned to you yet.",
    my_progress: "{s} of {n} submitted",
    assess: "Assess",
    criteria: Criteria {
        scale: Some("Scale"),
        scope: Some("Scope"),
        irremediable: Some("Irremediable character"),
        likelihood: Some("Likelihood"),
        magnitude: Some("Magnitude of the financial effect"),
    },
    questions: Criteria {
        scale: Some("How grave is the impact on people or the environment?"),
        scope: Some("How widespread is it?"),
        irremediable: Some("How hard is it to put right?"),
        likelihood: Some("How likely is it to happen within this horizon?"),
        magnitude: Some("How large is the effect on the company's cash flows, position or cost of capital?"),
    },
    anchors: Criteria {
        scale: Some(["Minimal", "Low", "Medium", "High", "Very high"]),
        scope: Some([
            "Very limited (a few people, one site)",
            "Limited",
            "Medium",
            "Widespread",
            "Global or total",
        ]),
        irremediable: Some([
            "Easily remedied",
            "Remediable in the short term",
            "Remediable with effort",
            "Hard to remedy",
            "Irreversible",
        ]),
        likelihood: Some([
            "Very unlikely (under 10 %)",
            "Unlikely (10–33 %)",
            "As likely as not (33–66 %)",
            "Likely (66–90 %)",
            "Very likely or certain (over 90 %)",
        ]),
        magnitude: Some(["Negligible", "Minor", "Moderate", "Significant", "Major"]),
    },
    cant_judge: "Can't judge",
    rationale: "Rationale (needed to submit)",
    save_draft: "Save draft",
    submit: "Submit (locks your rating)",
    submitted_note: "Submitted: your rating is locked.",
    waived_note: "Waived by an admin: nothing to rate.",
    saved: "Saved.",

    matrix_title: "Double materiality matrix",
    iros_file: "IROs and scores (CSV)",
    ratings_file: "Every rating (CSV)",
    matrix_note: "Calibrated scores where there are; a matter with no scored risk or opportunity sits at 0 financial, one with no scored impact at 0 impact.",
    key_title: "Matters",
    assessment_title: "Double materiality",
    assessment_intro: "Each IRO's score comes from its assessors' submitted ratings by the formulas in README; a calibrated score (the decision group's, with its reason) decides the standing, with the computed one beside it. A matter takes the highest scores of the IROs attached to it or below it.",
    not_double: "This cycle uses the survey matrix, not double materiality.",
    col_score: "Score",
    col_computed: "Computed",
    col_horizon: "Horizon",
    col_spread: "Spread",
    col_standing: "Standing",
    col_calibration: "Calibration",
    col_progress: "Submitted",
    col_financial: "Financial materiality (x)",
    col_impact: "Impact materiality (y)",
    col_materiality: "Material",
    col_undecided: "Awaiting a decision",
    standings: ["Material", "Grey zone: needs a decision", "Not material", "Not assessable: needs a decision"],
    materialities: ["Double", "Impact", "Financial", "Not material"],
    needs_calibration: "needs calibration",
    col_decision: "Decision",
    decide: "Record the decision",
    decision_material: "Material",
    decision_not: "Not material",
    decided_by: "decided {what} by {by}: {reason}",
    waive: "Waive",
    waive_reason: "Reason for waiving",
    calibrate: "Calibrate",
    calibrated_score: "Calibrated score (1–5; empty removes the calibration)",
    reason: "Reason",
    calibrated_by: "calibrated to {score} by {by}: {reason}",
    impact: "Impact",
    financial: "Financial",
    scoring_summary: "Material at an impact score of {ti} or a financial score of {tf}; the grey zone is {band} below. Severity of a negative impact: {agg}. Assessors' own scores {spread} or more apart: needs calibration.",
    aggregations: ["(mean + max) / 2", "mean", "max"],
    scoring_title: "Scoring constants",
    scoring_intro: "Every constant of the formula is a setting of this cycle until it is confirmed; the confirmation stamps them. Each change is in the audit log.",
    aggregation: "Severity of a negative impact",
    impact_threshold: "Impact threshold (1–5)",
    financial_threshold: "Financial threshold (1–5)",
    grey_band: "Grey zone below a threshold (0–2)",
    spread_limit: "Spread that needs calibration (0.5–4)",
    set_scoring: "Save the constants",
    confirm_title: "Confirm the assessment",
    confirm_intro: "Confirming freezes the register, the ratings, the calibrations and the decisions, and stamps the time, your name, the scoring constants and a hash of every score and matter position. It needs every assessment submitted or waived with a reason, and a recorded decision on every grey-zone or not-assessable score.",
    gaps_title: "Still missing",
    gap_none: "Nothing is missing: every assessment is in and every score that needs a decision has one.",
    gap_no_iros: "The register has no active IRO.",
    gap_unsubmitted: "IRO {iro}: {n} assessment(s) neither submitted nor waived.",
    gap_undecided: "IRO {iro}: in the grey zone or not assessable, with no recorded decision.",
    stamp_scores_hash: "Scores SHA-256",
    stamp_scores_intact: "The scores still match the stamp.",
    stamp_scores_broken: "Warning: the scores no longer match the stamp.",
    survey_open_note: "The stakeholder survey of this cycle is open: close it before confirming.",
    heat_impact_title: "Impacts: severity × likelihood",
    heat_financial_title: "Risks and opportunities: magnitude × likelihood",
    axis_likelihood: "Likelihood",
    axis_severity: "Severity",
    axis_magnitude: "Magnitude of the financial effect",
    heat_note: "Each cell: how many IROs, and their numbers; values rounded, halves up, at the horizon that gave the score.",
    heat_maps: "Heat maps",
};

pub static ZH: DmText = DmText {
    register_title: "影响、风险和机遇",
    register_intro: "双重重要性评估的清单（ESRS 1 第3章、IFRS S1、沪深北证券交易所2024年指引）：每项影响、风险或机遇（IRO）属于一项可持续发展议题，由评估人按既定标准评分。影响决定影响重要性，风险和机遇决定财务重要性。",
    method: "评估方法",
    method_survey: "问卷矩阵：对企业的重要性与对利益相关方的重要性",
    method_double: "双重重要性：按既定标准评估影响、风险和机遇",
    set_method: "更改评估方法",
    method_fixed: "仅当周期为草稿、且尚无答卷和议题时，才能更改评估方法。",
    matters_title: "可持续发展议题",
    preset_esrs: "ESRS 1 AR 16（ESRS 第一套，2023）：120 项议题、子议题和细分议题",
    preset_cn: "沪深北证券交易所可持续发展报告指引（2024）：21 项议题",
    load_preset: "载入此清单",
    preset_from: "议题来源",
    matters_count: "共 {n} 项议题",
    no_matters: "请先载入可持续发展议题清单：每项影响、风险或机遇都属于一项议题。",
    survey_method_note: "本周期采用问卷矩阵。如需记录影响、风险和机遇，请在草稿阶段改为双重重要性。",
    iros_title: "清单",
    no_iros: "尚无影响、风险或机遇。",
    add_iro: "添加影响、风险或机遇",
    edit_iro: "更正影响、风险或机遇",
    evidence: "证据（可选）",
    names_title: "导出文件中的评估人姓名",
    names_shown: "评分文件、工作簿和 JSON 列出每项评分的评估人（电子邮件地址）。",
    names_hidden: "评分文件、工作簿和 JSON 以编号代替评估人姓名（评估人 1、评估人 2……，本周期各文件一致）。本页仍显示分配给谁。",
    names_hide: "在导出文件中隐藏评估人姓名",
    entity_specific: "企业特定",
    add_matter: "添加企业特定议题",
    add_matter_hint: "列表中没有的、企业自身的议题：可作为新议题，或列入某一议题之下作为子议题、次级子议题。代码须在本周期内唯一（字母、数字、点、连字符、下划线，以字母开头，例如 E3.1.X1）；子议题沿用上级议题的支柱。没有影响、风险或机遇归属时可以移除。",
    matter_parent: "所属上级",
    matter_top: "（新议题）",
    matter_pillar: "支柱（仅新议题）",
    evidence_hint: "每行一项，最多 20 项：指向文件的网址（http:// 或 https://），或简短说明。",
    edit_iro_note: "每次更改都记入审计日志。一旦有人评分，类型、实际或潜在、人权标记和时间范围即不能更改，因为它们决定了所问的问题和计分方式：请停用此项并新增一项。",
    col_matter: "议题",
    col_kind: "类型",
    col_occurrence: "实际或潜在",
    col_value_chain: "价值链",
    col_horizons: "时间范围",
    col_description: "描述",
    col_source: "来源",
    leads_to: "引发（IRO 编号）",
    import_title: "从文件导入 IRO",
    import_help: "CSV 文件或工作簿（XLSX），不超过 1 MB、5,000 行，列与下载文件相同：iro、matter、kind、occurrence、human_rights、value_chain、horizons、description_zh、description_en、source、leads_to。iro 列有编号的行更正该 IRO（一旦有人评分，类型、实际或潜在、人权标记和时间范围不能更改）；没有编号的行新增 IRO。议题须已在登记册中。请先预览：所有行都正确之前不会写入任何内容，之后所有行一并写入。",
    import_file: "文件（CSV 或 XLSX）",
    import_needs_js: "导入预览需要 JavaScript。没有 JavaScript 时，请使用本页的表单新增和更正 IRO。",
    imported: "已导入。新增 IRO：{a}；更正：{u}。",
    download_register: "下载登记册",
    input_title: "利益相关方意见",
    material_intro: "所有具有重要性的议题（影响重要性、财务重要性或双重重要性）及其财务（x）与影响（y）评分，按其纳入范围的主题标准列出；如本周期由上一周期复制而来，则与之对比，并列出当时重要而现已不重要的议题。",
    before: "{cycle}：{m}",
    before_absent: "{cycle}：未评估此议题",
    no_longer_material: "已不再具有重要性",
    review_intro: "列出每个已评估的议题及其财务与影响评分、旁附的利益相关方意见，以及答卷者对其对应问卷议题的留言。周期确认前，审阅人可发表意见和建议；决策小组在评分页面操作：附书面理由校准 IRO 评分，并在该页确认结果。",
    review_closed: "本周期已确认，不再接受意见。",
    input_intro: "利益相关方问卷可在本周期内作为依据同时开展。请为每个问卷议题选择它所对应的可持续发展议题：评分页上该议题的一行随即在 IRO 评分旁显示全体答卷者对其“对利益相关方的重要性”的平均分（答卷少于本周期的 k 份时隐去）。利益相关方评分达到问卷阈值、而 IRO 评分结果为不重要的议题会被标记，提请复核；这些数字从不改变任何评分。",
    input_no_topics: "本周期未设置问卷议题：如需以利益相关方问卷作为依据，请在周期页面选择议题。",
    col_topic: "问卷议题",
    col_informs: "对应的可持续发展议题",
    no_matter: "（无）",
    col_stakeholders: "利益相关方",
    stakeholders_withheld: "已隐去：答卷少于 k 份",
    flag_review: "利益相关方评分高，而评分结果为不重要：请复核",
    leads_to_hint: "仅限影响：填写它所引发的风险和机遇的编号（# 列），用逗号分隔，例如 12, 15。",
    gives_rise_to: "引发",
    arises_from: "源自",
    col_assessors: "评估人",
    human_rights: "对人权的负面影响（严重程度优先于可能性）",
    human_rights_short: "人权",
    description_zh: "描述（中文）",
    description_en: "描述（英文）",
    assessor: "评估人",
    assign: "分配",
    submitted: "已提交",
    pending: "未提交",
    waived: "已豁免",
    nobody_assigned: "尚未分配",
    scores_link: "评分与议题",
    register_link: "清单",
    frozen_note: "本周期已确认：清单和评分不再更改。",
    kinds: ["负面影响", "正面影响", "风险", "机遇"],
    actual: "实际",
    potential: "潜在",
    current: "当前",
    anticipated: "预期",
    chain: ["自身运营", "上游", "下游"],
    horizons: ["短期（报告期内）", "中期（5年以内）", "长期（5年以上）"],
    sources: ["利益相关方问卷", "研讨会", "专家判断", "案头研究"],

    my_title: "我的评估",
    my_intro: "请按所示标准，就分配给您的每项影响、风险或机遇的每个时间范围评分。无法判断时请选择“无法判断”：它计为缺失，绝不计为低分。草稿可随时保存；提交时须填写评分理由，提交后评分即锁定。",
    no_assignments: "尚未有分配给您的评估。",
    my_progress: "已提交 {s}/{n}",
    assess: "评估",
    criteria: Criteria {
        scale: Some("规模"),
        scope: Some("范围"),
        irremediable: Some("不可补救性"),
        likelihood: Some("可能性"),
        magnitude: Some("财务影响程度"),
    },
    questions: Criteria {
        scale: Some("对人或环境的影响有多严重？"),
        scope: Some("影响范围有多广？"),
        irremediable: Some("补救有多困难？"),
        likelihood: Some("在此时间范围内发生的可能性有多大？"),
        magnitude: Some("对公司现金流、财务状况或资本成本的影响有多大？"),
    },
    anchors: Criteria {
        scale: Some(["极小", "较低", "中等", "较高", "极高"]),
        scope: Some(["非常有限（少数人、单一地点）", "有限", "中等", "广泛", "全局或全部"]),
        irremediable: Some(["易于补救", "短期内可补救", "需投入努力方可补救", "难以补救", "不可逆转"]),
        likelihood: Some([
            "极不可能（10%以下）",
            "不太可能（10%–33%）",
            "可能（33%–66%）",
            "很可能（66%–90%）",
            "极有可能或确定（90%以上）",
        ]),
        magnitude: Some(["可忽略", "较小", "中等", "重大", "极其重大"]),
    },
    cant_judge: "无法判断",
    rationale: "评分理由（提交时必填）",
    save_draft: "保存草稿",
    submit: "提交（提交后评分锁定）",
    submitted_note: "已提交：评分已锁定。",
    waived_note: "已由管理员豁免：无需评分。",
    saved: "已保存。",

    matrix_title: "双重重要性矩阵",
    iros_file: "影响、风险和机遇及得分（CSV）",
    ratings_file: "全部评分（CSV）",
    matrix_note: "有校准得分的采用校准得分；没有已评分风险或机遇的议题财务重要性记为 0，没有已评分影响的议题影响重要性记为 0。",
    key_title: "议题",
    assessment_title: "双重重要性",
    assessment_intro: "每项影响、风险或机遇的得分按 README 所载公式，由评估人已提交的评分计算；校准得分（决策小组给出，附理由）决定结论，计算得分并列显示。议题取其下所有影响、风险和机遇的最高得分。",
    not_double: "本周期采用问卷矩阵，而非双重重要性。",
    col_score: "得分",
    col_computed: "计算得分",
    col_horizon: "时间范围",
    col_spread: "分歧",
    col_standing: "结论",
    col_calibration: "校准",
    col_progress: "已提交",
    col_financial: "财务重要性（x）",
    col_impact: "影响重要性（y）",
    col_materiality: "重要性",
    col_undecided: "待决定",
    standings: ["重要", "灰色地带：需作出决定", "不重要", "无法评估：需作出决定"],
    materialities: ["双重重要", "影响重要", "财务重要", "不重要"],
    needs_calibration: "需校准",
    col_decision: "决定",
    decide: "记录决定",
    decision_material: "重要",
    decision_not: "不重要",
    decided_by: "由 {by} 决定为{what}：{reason}",
    waive: "豁免",
    waive_reason: "豁免理由",
    calibrate: "校准",
    calibrated_score: "校准得分（1–5；留空则撤销校准）",
    reason: "理由",
    calibrated_by: "由 {by} 校准为 {score}：{reason}",
    impact: "影响",
    financial: "财务",
    scoring_summary: "影响得分达到 {ti} 或财务得分达到 {tf} 即为重要；低于阈值 {band} 以内为灰色地带。负面影响的严重程度：{agg}。评估人各自得分相差 {spread} 或以上：需校准。",
    aggregations: ["（平均值 + 最大值）/ 2", "平均值", "最大值"],
    scoring_title: "评分参数",
    scoring_intro: "公式中的每个参数都是本周期的设置，确认前可以修改；确认时记录在案。每次修改都记入审计日志。",
    aggregation: "负面影响的严重程度",
    impact_threshold: "影响阈值（1–5）",
    financial_threshold: "财务阈值（1–5）",
    grey_band: "阈值以下的灰色地带（0–2）",
    spread_limit: "需校准的分歧（0.5–4）",
    set_scoring: "保存参数",
    confirm_title: "确认评估结果",
    confirm_intro: "确认后，登记册、评分、校准与决定均被冻结，并记录确认时间、确认人、评分参数以及所有得分与议题位置的哈希值。确认前，每项评估须已提交或经说明理由豁免，每个处于灰色地带或无法评估的得分须有记录在案的决定。",
    gaps_title: "尚缺",
    gap_none: "没有缺项：所有评估均已提交或经豁免，所有需要决定的得分均已有决定。",
    gap_no_iros: "登记册中没有有效的影响、风险或机遇。",
    gap_unsubmitted: "IRO {iro}：{n} 项评估既未提交也未豁免。",
    gap_undecided: "IRO {iro}：处于灰色地带或无法评估，尚无记录在案的决定。",
    stamp_scores_hash: "得分 SHA-256",
    stamp_scores_intact: "得分与确认记录一致。",
    stamp_scores_broken: "警告：得分与确认记录不再一致。",
    survey_open_note: "本周期的利益相关方问卷仍在开放：请先关闭再确认。",
    heat_impact_title: "影响：严重程度 × 可能性",
    heat_financial_title: "风险与机遇：财务影响程度 × 可能性",
    axis_likelihood: "可能性",
    axis_severity: "严重程度",
    axis_magnitude: "财务影响程度",
    heat_note: "每格显示 IRO 数量及其编号；取值四舍五入，按得出得分的时间范围计。",
    heat_maps: "热力图",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table is indexed by the enum's order: one word per value, in both languages.
    #[test]
    fn every_value_has_its_own_word() {
        for lang in [Lang::En, Lang::Zh] {
            let d = lang.dm();
            let kinds = [
                IroKind::NegativeImpact,
                IroKind::PositiveImpact,
                IroKind::Risk,
                IroKind::Opportunity,
            ];
            let words: std::collections::BTreeSet<_> = kinds.iter().map(|k| d.kind(*k)).collect();
            assert_eq!(words.len(), 4);
            assert_eq!(d.kind(IroKind::Risk), d.kinds[2]);
            assert_eq!(d.horizon(Horizon::Long), d.horizons[2]);
            assert_eq!(d.chain(ValueChain::Downstream), d.chain[2]);
            assert_eq!(d.source(IroSource::DeskResearch), d.sources[3]);
            assert_eq!(d.standing(Standing::NotAssessable), d.standings[3]);
            assert_eq!(
                d.materiality(MatterMateriality::NotMaterial),
                d.materialities[3]
            );
            assert_ne!(
                d.occurrence(IroKind::Risk, true),
                d.occurrence(IroKind::NegativeImpact, true)
            );
        }
        assert_eq!(Lang::En.dm().my_progress(2, 5), "2 of 5 submitted");
        assert!(Lang::Zh
            .dm()
            .scoring_summary(&Scoring::default())
            .contains("3.00"));
    }
}

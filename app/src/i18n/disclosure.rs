//! The words of the disclosure drafts of a double-materiality cycle (IRO-1, SBM-3, IRO-2), in both
//! languages. The IRO-1 text is put together from the cycle's settings and counts
//! ([`crate::domain::dm_disclosure::Iro1Facts`]); every number in it is the assessment's own.

use super::Lang;
use crate::domain::dm_disclosure::Iro1Facts;
use crate::domain::Stamp;

pub struct DisclosureText {
    pub title: &'static str,
    pub intro: &'static str,
    pub link: &'static str,
    pub iro1_title: &'static str,
    pub sbm3_title: &'static str,
    pub sbm3_intro: &'static str,
    pub sbm3_none: &'static str,
    pub iro2_title: &'static str,
    pub iro2_intro: &'static str,
    pub iro2_none: &'static str,
    pub standards_in_scope: &'static str,
    pub col_standard: &'static str,
    pub col_score: &'static str,
    pub by_decision: &'static str,
    pub calibrated: &'static str,
    pub human_rights: &'static str,
    pub sbm3_file: &'static str,
    pub iro2_file: &'static str,
    /// IRO-1, sentence by sentence; `{…}` are replaced by [`DisclosureText::iro1`].
    pub p_matters: &'static str,
    pub p_matters_none: &'static str,
    /// The presets by name, "{version}" replaced.
    pub preset_esrs: &'static str,
    pub preset_cn: &'static str,
    pub p_entity: &'static str,
    pub p_iros: &'static str,
    pub p_rating: &'static str,
    pub p_formula: &'static str,
    pub aggregations: [&'static str; 3],
    pub p_thresholds: &'static str,
    pub p_material: &'static str,
    pub p_confirmed: &'static str,
    pub p_provisional: &'static str,
}

impl Lang {
    /// The disclosure drafts' words in this language.
    pub fn disclosure(self) -> &'static DisclosureText {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

impl DisclosureText {
    /// A preset as the cycle records it (`esrs-2023 ESRS Set 1 (2023)`), named in this language.
    fn preset(&self, recorded: &str) -> String {
        use crate::domain::matters::MatterPresetName;
        let (name, version) = recorded.split_once(' ').unwrap_or((recorded, ""));
        match MatterPresetName::parse(name) {
            Some(MatterPresetName::Esrs2023) => self.preset_esrs.replace("{version}", version),
            Some(MatterPresetName::CnExchanges2024) => self.preset_cn.replace("{version}", version),
            None => recorded.to_string(),
        }
    }

    /// The IRO-1 methodology text, paragraph by paragraph.
    pub fn iro1(&self, f: &Iro1Facts, stamp: Option<&Stamp>) -> Vec<String> {
        let n = |v: usize| v.to_string();
        let x = |v: f64| format!("{v:.2}");
        let mut matters = match &f.preset {
            Some(p) => self.p_matters.replace("{preset}", &self.preset(p)),
            None => self.p_matters_none.to_string(),
        };
        if f.entity_specific > 0 {
            matters.push_str(&self.p_entity.replace("{n}", &n(f.entity_specific)));
        }
        let [neg, pos, risks, opps] = f.by_kind;
        let iros = self
            .p_iros
            .replace("{n}", &n(neg + pos + risks + opps))
            .replace("{neg}", &n(neg))
            .replace("{pos}", &n(pos))
            .replace("{risks}", &n(risks))
            .replace("{opps}", &n(opps));
        let rating = self
            .p_rating
            .replace("{assessors}", &n(f.assessors))
            .replace("{assessments}", &f.assessments.to_string());
        let s = &f.scoring;
        let agg = self.aggregations[s.aggregation as usize];
        let formula = self.p_formula.replace("{agg}", agg);
        let thresholds = self
            .p_thresholds
            .replace("{ti}", &x(s.impact_threshold))
            .replace("{tf}", &x(s.financial_threshold))
            .replace("{band}", &x(s.grey_band))
            .replace("{decided}", &n(f.decided))
            .replace("{spread}", &x(s.spread_limit))
            .replace("{calibrated}", &n(f.calibrated));
        let [double, impact, financial] = f.material;
        let material = self
            .p_material
            .replace("{n}", &n(double + impact + financial))
            .replace("{double}", &n(double))
            .replace("{impact}", &n(impact))
            .replace("{financial}", &n(financial));
        let standing = match stamp {
            Some(st) => self
                .p_confirmed
                .replace("{date}", &crate::domain::date_of(st.confirmed_at))
                .replace("{who}", &st.confirmed_by),
            None => self.p_provisional.to_string(),
        };
        vec![
            format!("{matters} {iros}"),
            rating,
            formula,
            thresholds,
            format!("{material} {standing}"),
        ]
    }
}

pub static EN: DisclosureText = DisclosureText {
    title: "Disclosure drafts",
    intro: "Drafts for the report, generated from this cycle's register, settings and scores: the same numbers as the scores page and its files. Edit them in the report as needed.",
    link: "Disclosure drafts (IRO-1, SBM-3, IRO-2)",
    iro1_title: "IRO-1 · Description of the process to identify and assess material impacts, risks and opportunities",
    sbm3_title: "SBM-3 · Material impacts, risks and opportunities",
    sbm3_intro: "Every impact, risk and opportunity that stands material, by sustainability matter.",
    sbm3_none: "No impact, risk or opportunity stands material yet.",
    iro2_title: "IRO-2 · Material sustainability matters and the standards they bring into scope",
    iro2_intro: "Every material matter with its materiality and its scores; the top of its tree names the topical standard it brings into scope.",
    iro2_none: "No matter is material yet.",
    standards_in_scope: "Topical standards in scope",
    col_standard: "Standard",
    col_score: "Score",
    by_decision: "material by decision",
    calibrated: "calibrated",
    human_rights: "human rights",
    sbm3_file: "SBM-3 (CSV)",
    iro2_file: "IRO-2 (CSV)",
    p_matters: "We assessed materiality by the double materiality principle: impact materiality and financial materiality separately. The sustainability matters assessed are those of {preset}.",
    p_matters_none: "We assessed materiality by the double materiality principle: impact materiality and financial materiality separately.",
    preset_esrs: "the list of sustainability matters of ESRS 1 AR 16, {version}",
    preset_cn: "the 21 topics of the Shanghai, Shenzhen and Beijing stock exchanges' sustainability reporting guidelines of {version}",
    p_entity: " We added entity-specific matters: {n}.",
    p_iros: "Impacts, risks and opportunities identified: {n} (negative impacts: {neg}; positive impacts: {pos}; risks: {risks}; opportunities: {opps}), each located in our own operations or our upstream or downstream value chain and assessed over its time horizons: short term (the reporting period), medium term (up to five years), long term (beyond five years).",
    p_rating: "Assessors ({assessors}) rated them in submitted assessments ({assessments}), each with a written rationale, on labelled scales from 1 to 5: impacts on their scale, scope and (negative impacts) irremediable character, and (potential impacts) their likelihood; risks and opportunities on the magnitude of the financial effect and (anticipated ones) its likelihood. An assessor could answer \"can't judge\", which counts as missing, never as a low rating.",
    p_formula: "Each criterion's value is the mean of the assessors who judged it. The severity of a negative impact is the {agg} of its scale, scope and irremediable character; of a positive impact, the mean of its scale and scope. An impact scores severity × likelihood / 5 (actual impacts: likelihood 5), except a potential negative impact on human rights, whose severity takes precedence over its likelihood. A risk or an opportunity scores magnitude × likelihood / 5, each on its own, never netted. Each IRO's score is the highest over its time horizons.",
    aggregations: ["average of the mean and the highest", "mean", "highest"],
    p_thresholds: "An impact is material at a score of {ti} or more, a risk or opportunity at {tf} or more. A score less than {band} below its threshold, or one that could not be computed, takes the decision group's decision with a recorded reason (decisions: {decided}), unless it calibrated the score. Where assessors' own scores differed by {spread} or more, the score was flagged for the decision group's review; each score it calibrated has a written reason (calibrated scores: {calibrated}).",
    p_material: "A sustainability matter is material when at least one impact, risk or opportunity attached to it or below it is material. Material matters: {n} (by both impact and financial materiality: {double}; by impact only: {impact}; by financial only: {financial}).",
    p_confirmed: "The decision group confirmed the assessment on {date} ({who}).",
    p_provisional: "The assessment is not confirmed yet: these figures are provisional.",
};

pub static ZH: DisclosureText = DisclosureText {
    title: "披露草稿",
    intro: "根据本周期的登记册、设置与得分生成的报告草稿，数字与得分页及其文件一致。可在报告中按需修改。",
    link: "披露草稿（IRO-1、SBM-3、IRO-2）",
    iro1_title: "IRO-1 · 识别和评估重要影响、风险和机遇的流程说明",
    sbm3_title: "SBM-3 · 重要的影响、风险和机遇",
    sbm3_intro: "按可持续发展议题列出所有被认定为重要的影响、风险和机遇。",
    sbm3_none: "尚无被认定为重要的影响、风险或机遇。",
    iro2_title: "IRO-2 · 重要的可持续发展议题及其纳入范围的准则",
    iro2_intro: "列出每个重要议题的重要性类型与得分；其所属的顶层议题即其纳入范围的主题准则。",
    iro2_none: "尚无重要议题。",
    standards_in_scope: "纳入范围的主题准则",
    col_standard: "准则",
    col_score: "得分",
    by_decision: "经决定认定为重要",
    calibrated: "已校准",
    human_rights: "涉及人权",
    sbm3_file: "SBM-3（CSV）",
    iro2_file: "IRO-2（CSV）",
    p_matters: "我们按照双重重要性原则分别评估影响重要性与财务重要性。评估的可持续发展议题来自{preset}。",
    p_matters_none: "我们按照双重重要性原则分别评估影响重要性与财务重要性。",
    preset_esrs: "ESRS 1 AR 16 的可持续发展议题清单（{version}）",
    preset_cn: "上海、深圳、北京证券交易所{version}发布的可持续发展报告指引所列 21 项议题",
    p_entity: "我们另行增加了 {n} 个企业特定议题。",
    p_iros: "我们识别出 {n} 项影响、风险和机遇（负面影响 {neg} 项、正面影响 {pos} 项、风险 {risks} 项、机遇 {opps} 项），每项均注明其位于自身运营或上游、下游价值链，并按其时间范围评估：短期（报告期）、中期（五年以内）、长期（五年以上）。",
    p_rating: "{assessors} 名评估人共提交 {assessments} 份评估，每份均附书面理由，采用带说明的 1 至 5 级量表：影响按其规模、范围、（负面影响）不可补救性以及（潜在影响）可能性评分；风险和机遇按财务影响的程度以及（预期的）可能性评分。评估人可选择“无法判断”，该项视为缺失，而非低分。",
    p_formula: "每项标准的取值为作出判断的评估人的平均值。负面影响的严重程度取其规模、范围与不可补救性的{agg}；正面影响取规模与范围的平均值。影响得分 = 严重程度 × 可能性 / 5（实际影响的可能性为 5），但潜在的负面人权影响以严重程度为准。风险或机遇得分 = 程度 × 可能性 / 5，各自单独计算，不相互抵消。每项 IRO 的得分取其各时间范围中的最高值。",
    aggregations: ["平均值与最大值的平均", "平均值", "最大值"],
    p_thresholds: "影响得分达到 {ti} 或以上、风险或机遇得分达到 {tf} 或以上即为重要。低于阈值不足 {band} 的得分以及无法计算的得分，除经决策小组校准者外，由决策小组记录理由后作出决定（共 {decided} 项决定）。评估人各自得分相差 {spread} 或以上时，该得分被标记供决策小组复核；共校准 {calibrated} 项得分，每项均附书面理由。",
    p_material: "某一可持续发展议题下（含其子议题）至少有一项影响、风险或机遇为重要时，该议题即为重要：共 {n} 个议题为重要（双重重要 {double} 个，仅影响重要 {impact} 个，仅财务重要 {financial} 个）。",
    p_confirmed: "决策小组已于 {date} 确认本次评估（{who}）。",
    p_provisional: "本次评估尚未确认：以上数字为临时结果。",
};

//! Sustainability matters, the hierarchy a double-materiality cycle assesses (topic → sub-topic →
//! sub-sub-topic), and the presets the product carries in `app/data/`: ESRS 1 AR 16 (the ten topical
//! standards with their sub-topics and sub-sub-topics, version recorded) and the 21 topics of the
//! Shanghai, Shenzhen and Beijing exchanges' sustainability reporting guidelines of April 2024. Each
//! name is in both languages; where the source has one, the other is this product's translation (the
//! files say which).

use super::topic::Bilingual;
use serde::{Deserialize, Serialize};

/// A preset list of matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatterPresetName {
    /// ESRS Set 1 (2023), ESRS 1 Appendix A, AR 16.
    Esrs2023,
    /// 上市公司自律监管指引——可持续发展报告（试行）, 2024-04-12.
    CnExchanges2024,
}

impl MatterPresetName {
    pub const ALL: [MatterPresetName; 2] = [
        MatterPresetName::Esrs2023,
        MatterPresetName::CnExchanges2024,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatterPresetName::Esrs2023 => "esrs-2023",
            MatterPresetName::CnExchanges2024 => "cn-exchanges-2024",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The preset's file.
    #[cfg(feature = "ssr")]
    fn text(self) -> &'static str {
        match self {
            MatterPresetName::Esrs2023 => include_str!("../../data/matters-esrs-2023.json"),
            MatterPresetName::CnExchanges2024 => {
                include_str!("../../data/matters-cn-exchanges-2024.json")
            }
        }
    }

    /// The preset, read from the file the binary carries (checked by the tests below).
    #[cfg(feature = "ssr")]
    pub fn load(self) -> MatterPreset {
        serde_json::from_str(self.text()).expect("a preset file the tests have read")
    }
}

/// One matter of a preset, with the matters below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresetMatter {
    pub code: String,
    /// `E`, `S` or `G`: the chart's colour and shape.
    pub pillar: String,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub children: Vec<PresetMatter>,
}

/// A preset list: which one, the version of the standard it follows, where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterPreset {
    pub preset: String,
    pub version: String,
    pub source: String,
    pub matters: Vec<PresetMatter>,
}

impl MatterPreset {
    /// Every matter, parents before their children, each with its parent's code and its depth
    /// (1 for a topic).
    pub fn flatten(&self) -> Vec<(&PresetMatter, Option<&str>, usize)> {
        fn walk<'a>(
            m: &'a PresetMatter,
            parent: Option<&'a str>,
            depth: usize,
            out: &mut Vec<(&'a PresetMatter, Option<&'a str>, usize)>,
        ) {
            out.push((m, parent, depth));
            for c in &m.children {
                walk(c, Some(&m.code), depth + 1, out);
            }
        }
        let mut out = Vec::new();
        for m in &self.matters {
            walk(m, None, 1, &mut out);
        }
        out
    }
}

/// A matter of a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterRow {
    pub id: i64,
    pub code: String,
    pub parent: Option<i64>,
    pub pillar: String,
    pub name: Bilingual,
    /// Added by the company, not from the preset.
    pub entity_specific: bool,
}

/// The deepest level of the tree: topic (1), sub-topic (2), sub-sub-topic (3).
pub const MAX_DEPTH: usize = 3;

/// An entity-specific matter as the register's form gives it: where it goes (`parent`: a matter's
/// code, empty for a new topic), its code, its pillar (a new topic's; a sub-topic takes its
/// parent's) and its name in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterForm {
    #[serde(default)]
    pub parent: String,
    pub code: String,
    #[serde(default)]
    pub pillar: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A checked entity-specific matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMatter {
    /// The parent's id, `None` for a topic.
    pub parent: Option<i64>,
    pub code: String,
    pub pillar: String,
    pub name: Bilingual,
}

/// How deep `id` sits in `matters` (a topic is 1).
pub fn depth_of(matters: &[MatterRow], id: i64) -> usize {
    let mut depth = 0;
    let mut at = Some(id);
    while let Some(m) = at.and_then(|id| matters.iter().find(|m| m.id == id)) {
        depth += 1;
        at = m.parent;
        if depth > matters.len() {
            break; // a loop in the tree: never made by this code, but never hang on it
        }
    }
    depth
}

/// Whether `code` is a matter's code: 1–16 ASCII letters, digits, `.`, `-` or `_`, from a letter.
pub fn valid_matter_code(code: &str) -> bool {
    (1..=super::MAX_CODE_LEN).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_alphabetic())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl MatterForm {
    /// Checks the form against the cycle's matters; every problem at once.
    pub fn check(&self, matters: &[MatterRow]) -> Result<NewMatter, Vec<super::FieldProblem>> {
        use super::{check_text, FieldProblem, Problem, MAX_NAME};
        let mut out = Vec::new();
        let parent = match self.parent.trim() {
            "" => None,
            code => match matters.iter().find(|m| m.code == code) {
                None => {
                    out.push(FieldProblem::new("parent", Problem::Unknown));
                    None
                }
                Some(p) if depth_of(matters, p.id) >= MAX_DEPTH => {
                    out.push(FieldProblem::new("parent", Problem::NotAllowed));
                    None
                }
                Some(p) => Some(p),
            },
        };
        let code = self.code.trim();
        if code.is_empty() {
            out.push(FieldProblem::new("code", Problem::Required));
        } else if !valid_matter_code(code) {
            out.push(FieldProblem::new("code", Problem::BadCode));
        } else if matters.iter().any(|m| m.code.eq_ignore_ascii_case(code)) {
            out.push(FieldProblem::new("code", Problem::DuplicateCode));
        }
        let pillar = match parent {
            Some(p) => p.pillar.clone(),
            None => {
                let pillar = self.pillar.trim().to_ascii_uppercase();
                if !["E", "S", "G"].contains(&pillar.as_str()) && self.parent.trim().is_empty() {
                    out.push(FieldProblem::new("pillar", Problem::BadCategory));
                }
                pillar
            }
        };
        check_text(&mut out, "name_zh", &self.name_zh, true, MAX_NAME);
        check_text(&mut out, "name_en", &self.name_en, true, MAX_NAME);
        if !out.is_empty() {
            return Err(out);
        }
        Ok(NewMatter {
            parent: parent.map(|p| p.id),
            code: code.to_string(),
            pillar,
            name: Bilingual {
                zh: self.name_zh.trim().to_string(),
                en: self.name_en.trim().to_string(),
            },
        })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every preset reads, every code is a valid, unique code, every name is there in both languages,
    /// and no matter is deeper than a sub-sub-topic.
    #[test]
    fn every_preset_is_well_formed() {
        for name in MatterPresetName::ALL {
            let p = name.load();
            assert_eq!(p.preset, name.as_str());
            assert_eq!(MatterPresetName::parse(&p.preset), Some(name));
            let all = p.flatten();
            let codes: BTreeSet<&str> = all.iter().map(|(m, ..)| m.code.as_str()).collect();
            assert_eq!(codes.len(), all.len(), "{}: codes repeat", p.preset);
            for (m, _, depth) in &all {
                assert!(
                    (1..=crate::domain::MAX_CODE_LEN).contains(&m.code.len()),
                    "{}",
                    m.code
                );
                assert!(
                    !m.zh.trim().is_empty() && !m.en.trim().is_empty(),
                    "{}",
                    m.code
                );
                assert!(["E", "S", "G"].contains(&m.pillar.as_str()), "{}", m.code);
                assert!(*depth <= 3, "{}", m.code);
            }
        }
    }

    #[test]
    fn the_esrs_preset_has_the_ten_topical_standards_and_their_sub_topics() {
        let p = MatterPresetName::Esrs2023.load();
        assert_eq!(p.version, "ESRS Set 1 (2023)");
        let topics: Vec<&str> = p.matters.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(
            topics,
            ["E1", "E2", "E3", "E4", "E5", "S1", "S2", "S3", "S4", "G1"]
        );
        let all = p.flatten();
        assert_eq!(all.len(), 120);
        let (e3_water, parent, depth) = all.iter().find(|(m, ..)| m.code == "E3.1.1").unwrap();
        assert_eq!(
            (e3_water.en.as_str(), e3_water.zh.as_str(), *parent, *depth),
            ("Water consumption", "耗水", Some("E3.1"), 3)
        );
        // Each matter's pillar is its standard's letter.
        assert!(all.iter().all(|(m, ..)| m.code.starts_with(&m.pillar)));
    }

    #[test]
    fn the_exchanges_preset_has_their_21_topics_by_pillar() {
        let p = MatterPresetName::CnExchanges2024.load();
        let names = |pillar: &str| -> Vec<&str> {
            p.matters
                .iter()
                .filter(|m| m.pillar == pillar)
                .map(|m| m.zh.as_str())
                .collect()
        };
        // As the guideline lists them.
        assert_eq!(
            names("E"),
            [
                "应对气候变化",
                "污染物排放",
                "废弃物处理",
                "生态系统和生物多样性保护",
                "环境合规管理",
                "能源利用",
                "水资源利用",
                "循环经济"
            ]
        );
        assert_eq!(
            names("S"),
            [
                "乡村振兴",
                "社会贡献",
                "创新驱动",
                "科技伦理",
                "供应链安全",
                "平等对待中小企业",
                "产品和服务安全与质量",
                "数据安全与客户隐私保护",
                "员工"
            ]
        );
        assert_eq!(
            names("G"),
            [
                "尽职调查",
                "利益相关方沟通",
                "反商业贿赂及反贪污",
                "反不正当竞争"
            ]
        );
        assert!(p.matters.iter().all(|m| m.children.is_empty()));
    }

    fn tree() -> Vec<MatterRow> {
        let row = |id, code: &str, parent, pillar: &str| MatterRow {
            id,
            code: code.into(),
            parent,
            pillar: pillar.into(),
            name: Bilingual {
                zh: "名".into(),
                en: "Name".into(),
            },
            entity_specific: false,
        };
        vec![
            row(1, "E3", None, "E"),
            row(2, "E3.1", Some(1), "E"),
            row(3, "E3.1.1", Some(2), "E"),
        ]
    }

    fn form(parent: &str, code: &str, pillar: &str) -> MatterForm {
        MatterForm {
            parent: parent.into(),
            code: code.into(),
            pillar: pillar.into(),
            name_zh: " 海水淡化 ".into(),
            name_en: "Desalination".into(),
        }
    }

    #[test]
    fn an_entity_specific_matter_goes_anywhere_above_the_third_level() {
        let m = tree();
        let sub = form("E3.1", "E3.1.X1", "").check(&m).unwrap();
        assert_eq!(
            (
                sub.parent,
                sub.code.as_str(),
                sub.pillar.as_str(),
                sub.name.zh.as_str()
            ),
            (Some(2), "E3.1.X1", "E", "海水淡化")
        );
        // A sub-topic takes its parent's pillar, whatever the form says.
        assert_eq!(form("E3", "E3.X", "G").check(&m).unwrap().pillar, "E");
        let topic = form("", "X-DESAL", "s").check(&m).unwrap();
        assert_eq!((topic.parent, topic.pillar.as_str()), (None, "S"));
        assert_eq!(depth_of(&m, 3), 3);
    }

    #[test]
    fn a_bad_matter_is_refused_with_every_problem() {
        use crate::domain::{FieldProblem, Problem};
        let m = tree();
        let problems = |f: MatterForm| f.check(&m).unwrap_err();
        assert_eq!(
            problems(form("E3.1.1", "e3.1", "")),
            [
                FieldProblem::new("parent", Problem::NotAllowed),
                FieldProblem::new("code", Problem::DuplicateCode),
            ]
        );
        assert_eq!(
            problems(MatterForm {
                name_en: " ".into(),
                ..form("Z9", "9bad", "")
            }),
            [
                FieldProblem::new("parent", Problem::Unknown),
                FieldProblem::new("code", Problem::BadCode),
                FieldProblem::new("name_en", Problem::Required),
            ]
        );
        assert_eq!(
            problems(form("", "X1", "Q")),
            [FieldProblem::new("pillar", Problem::BadCategory)]
        );
    }
}

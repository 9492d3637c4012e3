//! Stakeholder groups as step 1 of the method identifies them.

use super::library::{check_text, FieldProblem, Problem, MAX_NAME, MAX_TEXT};
use super::{Bilingual, TopicCode};
use serde::{Deserialize, Serialize};

/// A stakeholder group with its identification ratings, concerns and communication channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub code: String,
    pub name: Bilingual,
    pub internal: bool,
    /// How much the group is affected by the business, 1-5.
    pub affected_by: u8,
    /// How much the group affects the business, 1-5.
    pub affects: u8,
    pub concerns: Bilingual,
    pub channels: Bilingual,
    /// The weight of the group's means in the weighted position.
    pub weight: f64,
    /// The weight was set by hand; otherwise it is `default_weight` of the two ratings.
    pub weight_manual: bool,
    pub active: bool,
}

/// The weight a group gets unless an admin sets one: the mean of its two identification ratings
/// divided by 3, the middle of the scale. A group rated 3 and 3 weighs 1; 5 and 5 weighs 5/3; 1 and 1
/// weighs 1/3. So the groups the business affects most and depends on most count most, and no
/// group that takes part ever counts for nothing.
pub fn default_weight(affected_by: u8, affects: u8) -> f64 {
    (f64::from(affected_by) + f64::from(affects)) / 6.0
}

/// Largest weight an admin may set by hand.
pub const MAX_WEIGHT: f64 = 100.0;

/// A group as a form sends it, every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupForm {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// "internal" or "external".
    pub kind: String,
    pub affected_by: String,
    pub affects: String,
    pub concerns_zh: String,
    pub concerns_en: String,
    pub channels_zh: String,
    pub channels_en: String,
    /// Empty: the default weight; a number: that weight, set by hand.
    pub weight: String,
}

fn rating(out: &mut Vec<FieldProblem>, field: &str, s: &str) -> u8 {
    match s.trim().parse::<u8>() {
        Ok(v @ 1..=5) => v,
        _ => {
            out.push(FieldProblem::new(field, Problem::BadNumber));
            3
        }
    }
}

impl GroupForm {
    /// Checks the form; the group is active (retiring is its own action).
    pub fn check(&self) -> Result<GroupRecord, Vec<FieldProblem>> {
        let mut out = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            out.push(FieldProblem::new("code", Problem::Required));
        } else if TopicCode::parse(code).is_none() {
            out.push(FieldProblem::new("code", Problem::BadCode));
        }
        check_text(&mut out, "name_zh", &self.name_zh, true, MAX_NAME);
        check_text(&mut out, "name_en", &self.name_en, true, MAX_NAME);
        let internal = match self.kind.as_str() {
            "internal" => true,
            "external" => false,
            _ => {
                out.push(FieldProblem::new("kind", Problem::Required));
                false
            }
        };
        let affected_by = rating(&mut out, "affected_by", &self.affected_by);
        let affects = rating(&mut out, "affects", &self.affects);
        for (field, value) in [
            ("concerns_zh", &self.concerns_zh),
            ("concerns_en", &self.concerns_en),
            ("channels_zh", &self.channels_zh),
            ("channels_en", &self.channels_en),
        ] {
            check_text(&mut out, field, value, false, MAX_TEXT);
        }
        let (weight, weight_manual) = match self.weight.trim() {
            "" => (default_weight(affected_by, affects), false),
            w => match w.parse::<f64>() {
                Ok(v) if v.is_finite() && (0.0..=MAX_WEIGHT).contains(&v) => (v, true),
                _ => {
                    out.push(FieldProblem::new("weight", Problem::BadNumber));
                    (1.0, true)
                }
            },
        };
        if !out.is_empty() {
            return Err(out);
        }
        Ok(GroupRecord {
            code: code.to_string(),
            name: Bilingual {
                zh: self.name_zh.trim().to_string(),
                en: self.name_en.trim().to_string(),
            },
            internal,
            affected_by,
            affects,
            concerns: Bilingual {
                zh: self.concerns_zh.trim().to_string(),
                en: self.concerns_en.trim().to_string(),
            },
            channels: Bilingual {
                zh: self.channels_zh.trim().to_string(),
                en: self.channels_en.trim().to_string(),
            },
            weight,
            weight_manual,
            active: true,
        })
    }
}

impl From<&GroupRecord> for GroupForm {
    fn from(g: &GroupRecord) -> Self {
        GroupForm {
            code: g.code.clone(),
            name_zh: g.name.zh.clone(),
            name_en: g.name.en.clone(),
            kind: if g.internal { "internal" } else { "external" }.to_string(),
            affected_by: g.affected_by.to_string(),
            affects: g.affects.to_string(),
            concerns_zh: g.concerns.zh.clone(),
            concerns_en: g.concerns.en.clone(),
            channels_zh: g.channels.zh.clone(),
            channels_en: g.channels.en.clone(),
            weight: if g.weight_manual {
                g.weight.to_string()
            } else {
                String::new()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> GroupForm {
        GroupForm {
            code: "CUS".into(),
            name_zh: "客户".into(),
            name_en: "Customers".into(),
            kind: "external".into(),
            affected_by: "5".into(),
            affects: "4".into(),
            ..Default::default()
        }
    }

    #[test]
    fn default_weight_is_the_mean_rating_over_three() {
        assert_eq!(default_weight(3, 3), 1.0);
        assert_eq!(default_weight(5, 5), 5.0 / 3.0);
        assert_eq!(default_weight(1, 1), 1.0 / 3.0);
        assert_eq!(default_weight(5, 4), 1.5);
    }

    #[test]
    fn weight_follows_the_ratings_unless_set_by_hand() {
        let g = form().check().unwrap();
        assert_eq!((g.weight, g.weight_manual), (1.5, false));
        let g = GroupForm {
            weight: "2.5".into(),
            ..form()
        }
        .check()
        .unwrap();
        assert_eq!((g.weight, g.weight_manual), (2.5, true));
        // The form of a record gives the record back.
        assert_eq!(GroupForm::from(&g).check().unwrap(), g);
    }

    #[test]
    fn bad_fields_are_named() {
        let bad = GroupForm {
            code: "客户".into(),
            name_en: " ".into(),
            kind: "".into(),
            affected_by: "6".into(),
            affects: "x".into(),
            weight: "-1".into(),
            ..form()
        };
        let fields: Vec<String> = bad
            .check()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "name_en",
                "kind",
                "affected_by",
                "affects",
                "weight"
            ]
        );
    }

    #[test]
    fn the_kind_says_internal_or_external() {
        let internal = GroupForm {
            kind: "internal".into(),
            ..form()
        }
        .check()
        .unwrap();
        assert!(internal.internal);
        let external = form().check().unwrap();
        assert!(!external.internal);
    }
}

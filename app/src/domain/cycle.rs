//! Setting up an assessment cycle: its settings as a form sends them, their checks, the default point
//! labels of each scale, the status machine and dates.

use super::library::{check_text, FieldProblem, Problem, MAX_NAME};
use super::{CycleStatus, Scale, ScaleLabels, ThresholdRule};
use serde::{Deserialize, Serialize};

/// The settings of a cycle, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleSettings {
    pub name: String,
    pub year: i32,
    pub scale: Scale,
    pub labels: ScaleLabels,
    /// `YYYY-MM-DD`, inclusive; None: no limit.
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
    pub k: u32,
    pub threshold: f64,
    pub threshold_rule: ThresholdRule,
    /// Show the figures while the cycle is still open (see [`CycleSummary::figures_shown`]).
    #[serde(default)]
    pub preview_open: bool,
}

/// The settings form, every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleForm {
    pub name: String,
    pub year: String,
    /// "1-5", "1-7" or "0-10".
    pub scale: String,
    /// One label per line, one line per point; both empty: the scale's default labels.
    pub labels_zh: String,
    pub labels_en: String,
    pub opens_on: String,
    pub closes_on: String,
    pub k: String,
    pub threshold: String,
    pub threshold_rule: String,
    /// A checkbox: any value but empty turns the preview on.
    #[serde(default)]
    pub preview_open: String,
}

/// The scale's name in forms.
pub fn scale_key(s: Scale) -> String {
    format!("{}-{}", s.min, s.max)
}

impl ScaleLabels {
    /// The labels a new cycle gets for each of the three scales.
    pub fn default_for(scale: Scale) -> ScaleLabels {
        let (zh, en): (&[&str], &[&str]) = match scale.len() {
            7 => (
                &[
                    "不重要",
                    "略微重要",
                    "有些重要",
                    "一般重要",
                    "重要",
                    "很重要",
                    "极其重要",
                ],
                &[
                    "Not important",
                    "Slightly important",
                    "Somewhat important",
                    "Moderately important",
                    "Important",
                    "Very important",
                    "Extremely important",
                ],
            ),
            11 => (
                &[
                    "完全不重要",
                    "很低",
                    "低",
                    "较低",
                    "略低",
                    "中等",
                    "略高",
                    "较高",
                    "高",
                    "很高",
                    "极其重要",
                ],
                &[
                    "Not at all important",
                    "Very low",
                    "Low",
                    "Fairly low",
                    "Slightly low",
                    "Moderate",
                    "Slightly high",
                    "Fairly high",
                    "High",
                    "Very high",
                    "Extremely important",
                ],
            ),
            _ => return ScaleLabels::five_point_importance(),
        };
        ScaleLabels {
            zh: zh.iter().map(|s| s.to_string()).collect(),
            en: en.iter().map(|s| s.to_string()).collect(),
        }
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A `YYYY-MM-DD` date that exists in the calendar.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && s[..4].chars().all(|c| c.is_ascii_digit())
}

/// The UTC calendar date of a Unix time, `YYYY-MM-DD` (the civil-from-days algorithm).
pub fn date_of(unix_secs: i64) -> String {
    let z = unix_secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl CycleForm {
    pub fn check(&self) -> Result<CycleSettings, Vec<FieldProblem>> {
        let mut out = Vec::new();
        check_text(&mut out, "name", &self.name, true, MAX_NAME);
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                out.push(FieldProblem::new("year", Problem::BadNumber));
                2000
            }
        };
        let scale = match self.scale.trim() {
            "1-5" => Some(Scale::FIVE),
            "1-7" => Scale::new(1, 7).ok(),
            "0-10" => Scale::new(0, 10).ok(),
            _ => None,
        };
        if scale.is_none() {
            out.push(FieldProblem::new("scale", Problem::Required));
        }
        let scale = scale.unwrap_or(Scale::FIVE);
        let (zh, en) = (lines(&self.labels_zh), lines(&self.labels_en));
        let labels = if zh.is_empty() && en.is_empty() {
            ScaleLabels::default_for(scale)
        } else {
            for (field, list) in [("labels_zh", &zh), ("labels_en", &en)] {
                if list.len() != scale.len() {
                    out.push(FieldProblem::new(field, Problem::LabelCount));
                } else if list.iter().any(|l| l.chars().count() > MAX_NAME) {
                    out.push(FieldProblem::new(field, Problem::TooLong));
                }
            }
            ScaleLabels { zh, en }
        };
        let date = |out: &mut Vec<FieldProblem>, field: &str, s: &str| match s.trim() {
            "" => None,
            d if is_date(d) => Some(d.to_string()),
            _ => {
                out.push(FieldProblem::new(field, Problem::BadDate));
                None
            }
        };
        let opens_on = date(&mut out, "opens_on", &self.opens_on);
        let closes_on = date(&mut out, "closes_on", &self.closes_on);
        if let (Some(o), Some(c)) = (&opens_on, &closes_on) {
            if c < o {
                out.push(FieldProblem::new("closes_on", Problem::DateOrder));
            }
        }
        let k = match self.k.trim().parse::<u32>() {
            Ok(k @ 1..=1000) => k,
            _ => {
                out.push(FieldProblem::new("k", Problem::BadNumber));
                1
            }
        };
        let threshold = match self.threshold.trim().parse::<f64>() {
            Ok(t) if t.is_finite() && t >= f64::from(scale.min) && t <= f64::from(scale.max) => t,
            _ => {
                out.push(FieldProblem::new("threshold", Problem::BadNumber));
                0.0
            }
        };
        let threshold_rule = ThresholdRule::parse(self.threshold_rule.trim());
        if threshold_rule.is_none() {
            out.push(FieldProblem::new("threshold_rule", Problem::Required));
        }
        match threshold_rule {
            Some(threshold_rule) if out.is_empty() => Ok(CycleSettings {
                name: self.name.trim().to_string(),
                year,
                scale,
                labels,
                opens_on,
                closes_on,
                k,
                threshold,
                threshold_rule,
                preview_open: !self.preview_open.trim().is_empty(),
            }),
            _ => Err(out),
        }
    }
}

impl From<&CycleSettings> for CycleForm {
    fn from(s: &CycleSettings) -> Self {
        CycleForm {
            name: s.name.clone(),
            year: s.year.to_string(),
            scale: scale_key(s.scale),
            labels_zh: s.labels.zh.join("\n"),
            labels_en: s.labels.en.join("\n"),
            opens_on: s.opens_on.clone().unwrap_or_default(),
            closes_on: s.closes_on.clone().unwrap_or_default(),
            k: s.k.to_string(),
            threshold: s.threshold.to_string(),
            threshold_rule: s.threshold_rule.as_str().to_string(),
            preview_open: if s.preview_open {
                "on".into()
            } else {
                String::new()
            },
        }
    }
}

impl CycleSettings {
    /// Whether answers are accepted on `today` (`YYYY-MM-DD`) by the dates alone.
    /// A cycle takes answers: it is open and `today` lies within its dates.
    pub fn accepts_answers(
        status: CycleStatus,
        opens_on: Option<&str>,
        closes_on: Option<&str>,
        today: &str,
    ) -> bool {
        status == CycleStatus::Open && Self::in_dates(opens_on, closes_on, today)
    }

    pub fn in_dates(opens_on: Option<&str>, closes_on: Option<&str>, today: &str) -> bool {
        opens_on.is_none_or(|o| today >= o) && closes_on.is_none_or(|c| today <= c)
    }
}

impl CycleStatus {
    /// The moves an admin can make: draft -> open -> closed, and a closed cycle may open again.
    /// Confirmation belongs to the review.
    pub fn can_move_to(self, to: CycleStatus) -> bool {
        matches!(
            (self, to),
            (CycleStatus::Draft, CycleStatus::Open)
                | (CycleStatus::Open, CycleStatus::Closed)
                | (CycleStatus::Closed, CycleStatus::Open)
        )
    }
}

/// A cycle in the admin's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleRow {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub status: CycleStatus,
    pub topics: i64,
    pub groups: i64,
    pub responses: i64,
}

/// A cycle as its admin page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleDetail {
    pub id: i64,
    pub status: CycleStatus,
    pub settings: CycleSettings,
    pub copied_from: Option<i64>,
    /// The confirmed cycle whose result it adopted, and why.
    pub carried_from: Option<i64>,
    pub carry_rationale: Option<String>,
    /// Codes of the topics it asks, in order.
    pub topics: Vec<String>,
    /// Codes of the groups taking part.
    pub groups: Vec<String>,
    pub responses: i64,
}

impl CycleDetail {
    /// Once anyone has answered (or the result is confirmed) the questions and the scale stay as
    /// they were asked.
    pub fn frozen(&self) -> bool {
        self.responses > 0 || self.status == CycleStatus::Confirmed || self.carried_from.is_some()
    }
}

/// Response tracking of one group of a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupProgress {
    pub code: String,
    pub name: super::Bilingual,
    /// Single-use links handed out and not revoked.
    pub invited: i64,
    /// Of those, opened at least once.
    pub opened: i64,
    /// Responses stored (through single-use links and the open link).
    pub submitted: i64,
    pub revoked: i64,
    /// The group has a working open link.
    pub open_link: bool,
}

impl GroupProgress {
    /// Submitted out of invited, as a percentage; None before any link exists.
    pub fn rate(&self) -> Option<f64> {
        (self.invited > 0).then(|| 100.0 * self.submitted as f64 / self.invited as f64)
    }

    /// Responses still needed before the group's own figures can be shown (anonymity threshold k).
    pub fn needed(&self, k: u32) -> i64 {
        (i64::from(k) - self.submitted).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CycleForm {
        CycleForm {
            name: "2026 assessment".into(),
            year: "2026".into(),
            scale: "1-7".into(),
            k: "5".into(),
            threshold: "5".into(),
            threshold_rule: "both".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_preview_is_off_unless_its_box_is_ticked() {
        assert!(!form().check().unwrap().preview_open);
        let on = CycleForm {
            preview_open: "on".into(),
            ..form()
        };
        let s = on.check().unwrap();
        assert!(s.preview_open);
        assert_eq!(CycleForm::from(&s).check().unwrap(), s);
        let summary = |status, preview_open| crate::domain::CycleSummary {
            id: 1,
            name: s.name.clone(),
            year: s.year,
            status,
            scale: s.scale,
            k: s.k,
            threshold: s.threshold,
            threshold_rule: s.threshold_rule,
            preview_open,
        };
        assert!(!summary(CycleStatus::Open, false).figures_shown());
        assert!(summary(CycleStatus::Open, true).figures_shown());
        for status in [
            CycleStatus::Draft,
            CycleStatus::Closed,
            CycleStatus::Confirmed,
        ] {
            assert!(summary(status, false).figures_shown(), "{status:?}");
        }
    }

    #[test]
    fn every_scale_has_fitting_default_labels() {
        for (min, max) in [(1, 5), (1, 7), (0, 10)] {
            let scale = Scale::new(min, max).unwrap();
            assert!(ScaleLabels::default_for(scale).fits(scale), "{min}-{max}");
        }
        let s = form().check().unwrap();
        assert_eq!(
            s.labels,
            ScaleLabels::default_for(Scale::new(1, 7).unwrap())
        );
        // The form of settings gives the settings back.
        assert_eq!(CycleForm::from(&s).check().unwrap(), s);
    }

    #[test]
    fn labels_must_fit_the_scale_in_both_languages() {
        let f = CycleForm {
            scale: "1-5".into(),
            threshold: "3.5".into(),
            labels_zh: "一\n二\n三\n四\n五".into(),
            labels_en: "1\n2\n3\n4".into(),
            ..form()
        };
        assert_eq!(
            f.check().unwrap_err(),
            vec![FieldProblem::new("labels_en", Problem::LabelCount)]
        );
    }

    #[test]
    fn bad_settings_are_named() {
        let f = CycleForm {
            name: "".into(),
            year: "99".into(),
            scale: "2-9".into(),
            opens_on: "2026-02-30".into(),
            closes_on: "soon".into(),
            k: "0".into(),
            threshold: "NaN".into(),
            threshold_rule: "most".into(),
            ..Default::default()
        };
        let fields: Vec<String> = f
            .check()
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "year",
                "scale",
                "opens_on",
                "closes_on",
                "k",
                "threshold",
                "threshold_rule"
            ]
        );
        let f = CycleForm {
            opens_on: "2026-05-01".into(),
            closes_on: "2026-04-30".into(),
            threshold: "7.5".into(),
            ..form()
        };
        assert_eq!(
            f.check().unwrap_err(),
            vec![
                FieldProblem::new("closes_on", Problem::DateOrder),
                FieldProblem::new("threshold", Problem::BadNumber)
            ]
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("2026-1-01"));
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(1_798_675_200), "2026-12-31");
        assert!(CycleSettings::in_dates(None, None, "2026-01-01"));
        assert!(CycleSettings::in_dates(
            Some("2026-01-01"),
            Some("2026-01-01"),
            "2026-01-01"
        ));
        assert!(!CycleSettings::in_dates(
            Some("2026-01-02"),
            None,
            "2026-01-01"
        ));
        assert!(!CycleSettings::in_dates(
            None,
            Some("2025-12-31"),
            "2026-01-01"
        ));
    }

    #[test]
    fn progress_figures() {
        let g = GroupProgress {
            code: "EMP".into(),
            name: Default::default(),
            invited: 8,
            opened: 5,
            submitted: 2,
            revoked: 1,
            open_link: false,
        };
        assert_eq!(g.rate(), Some(25.0));
        assert_eq!(g.needed(5), 3);
        assert_eq!(g.needed(2), 0);
        let none = GroupProgress { invited: 0, ..g };
        assert_eq!(none.rate(), None);
    }

    #[test]
    fn status_moves() {
        use CycleStatus::*;
        assert!(Draft.can_move_to(Open));
        assert!(Open.can_move_to(Closed));
        assert!(Closed.can_move_to(Open));
        assert!(!Open.can_move_to(Draft));
        assert!(!Draft.can_move_to(Closed));
        assert!(!Closed.can_move_to(Confirmed));
        assert!(!Confirmed.can_move_to(Open));
    }

    #[test]
    fn dates_of_every_shape_and_calendar_rule() {
        for (s, ok) in [
            ("2026-01-01", true),
            ("2026/01/01", false),
            ("2026-01/01", false),
            ("2026-04-30", true),
            ("2026-04-31", false),
            ("2026-06-31", false),
            ("2026-12-31", true),
            ("2026-12-32", false),
            ("2026-00-10", false),
            ("2024-02-29", true),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("2100-02-29", false),
            ("2026-02-28", true),
            ("+026-02-28", false),
        ] {
            assert_eq!(is_date(s), ok, "{s}");
        }
        // Around leap days and the 4-, 100- and 400-year cycles of the calendar.
        for (t, d) in [
            (-86_400, "1969-12-31"),
            (978_220_800, "2000-12-31"),
            (978_307_200, "2001-01-01"),
            (1_104_451_200, "2004-12-31"),
            (4_007_750_400, "2096-12-31"),
            (4_007_836_800, "2097-01-01"),
            (4_107_456_000, "2100-02-28"),
            (4_107_542_400, "2100-03-01"),
            (13_569_379_200, "2399-12-31"),
            (13_574_563_200, "2400-02-29"),
        ] {
            assert_eq!(date_of(t), d, "{t}");
        }
    }

    #[test]
    fn a_cycle_takes_answers_only_open_and_within_its_dates() {
        let within = (Some("2026-01-01"), Some("2026-01-31"));
        for (status, (opens, closes), today, takes) in [
            (CycleStatus::Open, within, "2026-01-15", true),
            (CycleStatus::Open, (None, None), "2026-01-15", true),
            (CycleStatus::Open, within, "2026-02-01", false),
            (CycleStatus::Draft, within, "2026-01-15", false),
            (CycleStatus::Closed, within, "2026-01-15", false),
            (CycleStatus::Confirmed, (None, None), "2026-01-15", false),
        ] {
            assert_eq!(
                CycleSettings::accepts_answers(status, opens, closes, today),
                takes,
                "{status:?} {opens:?}..{closes:?} on {today}"
            );
        }
    }

    #[test]
    fn a_cycle_is_frozen_once_answered_confirmed_or_carried_forward() {
        let fresh = CycleDetail {
            id: 1,
            status: CycleStatus::Open,
            settings: form().check().unwrap(),
            copied_from: None,
            carried_from: None,
            carry_rationale: None,
            topics: vec!["E1".into()],
            groups: vec!["EMP".into()],
            responses: 0,
        };
        assert!(!fresh.frozen());
        assert!(CycleDetail {
            responses: 1,
            ..fresh.clone()
        }
        .frozen());
        let closed = CycleDetail {
            status: CycleStatus::Closed,
            ..fresh.clone()
        };
        assert!(
            !closed.frozen(),
            "closed without answers: the questions may still change"
        );
        assert!(CycleDetail {
            status: CycleStatus::Confirmed,
            ..fresh.clone()
        }
        .frozen());
        assert!(CycleDetail {
            carried_from: Some(7),
            ..fresh.clone()
        }
        .frozen());
    }

    #[test]
    fn every_scale_labels_and_dates_are_checked_at_their_edges() {
        let s = CycleForm {
            scale: "0-10".into(),
            ..form()
        }
        .check()
        .unwrap();
        assert_eq!(s.scale, Scale::new(0, 10).unwrap());
        assert_eq!(s.labels, ScaleLabels::default_for(s.scale));
        // Labels in one language only: the other is missing, not replaced by the defaults.
        let one = CycleForm {
            scale: "1-5".into(),
            threshold: "3.5".into(),
            labels_zh: "一\n二\n三\n四\n五".into(),
            ..form()
        };
        assert_eq!(
            one.check().unwrap_err(),
            vec![FieldProblem::new("labels_en", Problem::LabelCount)]
        );
        // A label may be MAX_NAME characters long, not one more.
        let labels = |len: usize| {
            let mut l = vec!["x".repeat(len)];
            l.extend(["b", "c", "d", "e"].map(String::from));
            l.join("\n")
        };
        let long = |len: usize| CycleForm {
            labels_zh: labels(len),
            labels_en: labels(1),
            ..one.clone()
        };
        assert!(long(MAX_NAME).check().is_ok());
        assert_eq!(
            long(MAX_NAME + 1).check().unwrap_err(),
            vec![FieldProblem::new("labels_zh", Problem::TooLong)]
        );
        // A cycle may open and close on the same day.
        let one_day = CycleForm {
            opens_on: "2026-05-01".into(),
            closes_on: "2026-05-01".into(),
            ..form()
        };
        assert_eq!(
            one_day.check().unwrap().closes_on.as_deref(),
            Some("2026-05-01")
        );
    }
}

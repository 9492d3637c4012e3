//! The product's two languages. Every string a page shows lives in [`Text`]; a field missing in one
//! language is a compile error, so nothing can ship half translated.

mod disclosure;
mod dm;
mod en;
pub mod mail;
mod zh;

pub use dm::DmText;

use crate::domain::{Category, ErrorCode, Problem};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    Zh,
    #[default]
    En,
}

impl Lang {
    /// BCP 47 tag, for `<html lang>` and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Reads `zh`, `zh-CN`, `zh-Hans`, `en`, `en-GB`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The preferred supported language of an `Accept-Language` header (highest q wins, the earlier
    /// entry on a tie); English when none is supported.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else {
                continue;
            };
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn t(self) -> &'static Text {
        match self {
            Lang::Zh => &zh::TEXT,
            Lang::En => &en::TEXT,
        }
    }

    /// Picks this language's member of a zh/en pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Every string of the user interface, in one language.
pub struct Text {
    pub app_name: &'static str,
    /// The name of this language, written in it (for the switcher).
    pub language_name: &'static str,
    pub switch_language: &'static str,
    pub home_title: &'static str,
    pub home_body: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub error_body: &'static str,

    pub survey_title: &'static str,
    pub survey_intro: &'static str,
    pub survey_how: &'static str,
    pub survey_group: &'static str,
    pub business_axis: &'static str,
    pub stakeholder_axis: &'static str,
    pub business_question: &'static str,
    pub stakeholder_question: &'static str,
    pub dont_know: &'static str,
    pub comment_label: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub answered_of: &'static str,
    pub fix_errors: &'static str,
    pub unknown_link_title: &'static str,
    pub unknown_link_body: &'static str,
    pub used_link_title: &'static str,
    pub used_link_body: &'static str,
    pub closed_title: &'static str,
    pub closed_body: &'static str,
    pub thanks_title: &'static str,
    pub thanks_body: &'static str,
    pub receipt: &'static str,

    pub login_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    /// "{n}" is replaced by the seconds to wait.
    pub login_wait: &'static str,
    pub login_busy: &'static str,

    pub matrix_title: &'static str,
    /// The title of the key beside the matrix (each label's full name).
    pub key_title: &'static str,
    pub matrix_intro: &'static str,
    pub login_needed: &'static str,
    pub forbidden: &'static str,
    pub responses: &'static str,
    pub threshold: &'static str,
    pub col_rank: &'static str,
    pub col_topic: &'static str,
    pub col_category: &'static str,
    pub col_n: &'static str,
    pub col_mean: &'static str,
    pub col_median: &'static str,
    pub col_iqr: &'static str,
    pub col_dont_know: &'static str,
    pub col_material: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub contested: &'static str,
    pub table_caption: &'static str,
    pub category_e: &'static str,
    pub category_s: &'static str,
    pub category_g: &'static str,
    pub series_e: &'static str,
    pub series_s: &'static str,
    pub series_g: &'static str,

    pub tokens_title: &'static str,
    pub tokens_intro: &'static str,
    pub create_token: &'static str,
    pub token_once: &'static str,
    pub col_created: &'static str,
    pub col_state: &'static str,
    pub active: &'static str,
    pub revoked: &'static str,
    pub revoke: &'static str,
    pub users_title: &'static str,
    pub add_user: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_reviewer: &'static str,
    pub role_assessor: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub disabled: &'static str,
    pub admin_only: &'static str,
    pub err_bad_email: &'static str,
    pub err_email_taken: &'static str,
    pub err_short_password: &'static str,
    pub err_wrong_password: &'static str,
    pub err_try_later: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
    pub reset_password: &'static str,
    pub password_reset_done: &'static str,
    pub err_missing: &'static str,
    pub err_off_scale: &'static str,
    pub err_not_integer: &'static str,
    pub err_unknown_topic: &'static str,
    pub err_duplicate: &'static str,
    pub err_missing_topic: &'static str,
    pub err_comment_too_long: &'static str,
    pub err_cycle_not_open: &'static str,
    pub err_malformed: &'static str,

    pub admin_nav: &'static str,
    pub topics_title: &'static str,
    pub topics_caption: &'static str,
    pub groups_title: &'static str,
    pub cycles_title: &'static str,
    pub progress_title: &'static str,
    pub add_topic: &'static str,
    pub edit_topic: &'static str,
    pub add_group: &'static str,
    pub edit_group: &'static str,
    pub add_category: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub retire: &'static str,
    pub restore: &'static str,
    pub retired: &'static str,
    pub none: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub col_order: &'static str,
    pub col_code: &'static str,
    pub col_name: &'static str,
    pub col_actions: &'static str,
    pub col_status: &'static str,
    pub col_kind: &'static str,
    pub col_weight: &'static str,
    pub col_line: &'static str,
    pub col_action: &'static str,
    pub col_problems: &'static str,
    pub col_group: &'static str,
    pub col_invited: &'static str,
    pub col_opened: &'static str,
    pub col_submitted: &'static str,
    pub col_rate: &'static str,
    pub col_needed: &'static str,
    pub col_open_link: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub description_zh: &'static str,
    pub description_en: &'static str,
    pub custom_category: &'static str,
    pub custom_categories: &'static str,
    pub custom_categories_help: &'static str,
    pub colour: &'static str,
    pub answered_retire_only: &'static str,
    pub topic_has_answers: &'static str,
    pub import_title: &'static str,
    pub import_help: &'static str,
    pub export: &'static str,
    pub load_preset: &'static str,
    pub import_file: &'static str,
    pub import_text: &'static str,
    pub preview: &'static str,
    pub import: &'static str,
    pub imported: &'static str,
    pub import_blocked: &'static str,
    pub rows_with_problems: &'static str,
    pub rows_ready: &'static str,
    pub row_add: &'static str,
    pub row_update: &'static str,
    pub row_unchanged: &'static str,
    pub no_problem: &'static str,
    pub internal: &'static str,
    pub external: &'static str,
    pub affected_by: &'static str,
    pub affects: &'static str,
    pub concerns: &'static str,
    pub channels: &'static str,
    pub concerns_zh: &'static str,
    pub concerns_en: &'static str,
    pub channels_zh: &'static str,
    pub channels_en: &'static str,
    pub weight_rule: &'static str,
    pub weight_default: &'static str,
    pub weight_manual: &'static str,
    pub weight_override: &'static str,
    pub map_title: &'static str,
    pub new_cycle: &'static str,
    pub create_cycle: &'static str,
    pub copy_cycle: &'static str,
    pub year: &'static str,
    pub scale: &'static str,
    pub labels_zh: &'static str,
    pub labels_en: &'static str,
    pub labels_help: &'static str,
    pub opens_on: &'static str,
    pub closes_on: &'static str,
    pub k_label: &'static str,
    pub threshold_rule: &'static str,
    pub rule_both: &'static str,
    pub rule_either: &'static str,
    pub rule_mean: &'static str,
    pub status_draft: &'static str,
    pub status_open: &'static str,
    pub status_closed: &'static str,
    pub status_confirmed: &'static str,
    pub status_help: &'static str,
    pub open_cycle: &'static str,
    pub reopen_cycle: &'static str,
    pub close_cycle: &'static str,
    pub delete_cycle: &'static str,
    pub frozen_note: &'static str,
    pub frozen_scale: &'static str,
    pub frozen_topics: &'static str,
    pub save_topics: &'static str,
    pub save_groups: &'static str,
    pub settings_title: &'static str,
    pub links_title: &'static str,
    pub links_help: &'static str,
    pub link_count: &'static str,
    pub generate_links: &'static str,
    pub make_open_link: &'static str,
    pub revoke_unused: &'static str,
    pub revoked_n: &'static str,
    pub revoke_one: &'static str,
    pub link_revoked: &'static str,
    pub link_not_revocable: &'static str,
    pub links_once: &'static str,
    pub open_link_once: &'static str,
    pub download_csv: &'static str,
    pub progress_help: &'static str,
    pub total: &'static str,
    pub revoked_link_title: &'static str,
    pub revoked_link_body: &'static str,
    pub full_link_title: &'static str,
    pub full_link_body: &'static str,
    pub open_link_cap: &'static str,
    pub answered_here_title: &'static str,
    pub answered_here_body: &'static str,
    pub open_link_note: &'static str,
    pub save_draft: &'static str,
    pub draft_saved: &'static str,
    pub prob_required: &'static str,
    pub prob_bad_code: &'static str,
    pub prob_duplicate_code: &'static str,
    pub prob_bad_category: &'static str,
    pub prob_unknown: &'static str,
    pub prob_too_long: &'static str,
    pub prob_bad_flag: &'static str,
    pub prob_bad_colour: &'static str,
    pub prob_bad_number: &'static str,
    pub prob_bad_date: &'static str,
    pub prob_date_order: &'static str,
    pub prob_label_count: &'static str,
    pub prob_missing_column: &'static str,
    pub prob_unreadable: &'static str,
    pub prob_no_rows: &'static str,
    pub prob_in_use: &'static str,
    pub prob_frozen: &'static str,
    pub prob_none_chosen: &'static str,
    pub prob_not_allowed: &'static str,
    pub filter_all: &'static str,
    pub filter_respondents: &'static str,
    pub filter_weighted: &'static str,
    pub filter_yoy: &'static str,
    pub col_rank_change: &'static str,
    pub new_topic: &'static str,
    pub business_axis_internal: &'static str,
    pub stakeholder_axis_external: &'static str,
    pub filter_split: &'static str,
    pub filter_shade: &'static str,
    pub band_high: &'static str,
    pub band_very_high: &'static str,
    pub filter_bars: &'static str,
    pub filter_zoom: &'static str,
    pub show: &'static str,
    pub download: &'static str,
    pub withheld: &'static str,
    pub anonymity_note: &'static str,
    pub respondent_comments: &'static str,
    pub preview_open: &'static str,
    pub preview_warning: &'static str,
    pub preview_on_note: &'static str,
    pub figures_after_close: &'static str,
    pub grouping_all: &'static str,
    pub grouping_internal: &'static str,
    pub grouping_external: &'static str,
    pub matrix_intro_weighted: &'static str,
    pub prob_not_in_review: &'static str,
    pub prob_not_confirmed: &'static str,
    pub prob_incomplete: &'static str,
    pub prob_rated: &'static str,
    pub prob_bad_link: &'static str,
    pub prob_too_many: &'static str,
    pub prob_bad_address: &'static str,
    pub prob_opted_out: &'static str,
    pub prob_missing_link: &'static str,
    pub review_title: &'static str,
    pub review_intro: &'static str,
    pub standing_provisional: &'static str,
    pub standing_confirmed: &'static str,
    pub stamp_methodology: &'static str,
    pub stamp_hash: &'static str,
    pub stamp_weights: &'static str,
    pub stamp_intact: &'static str,
    pub stamp_broken: &'static str,
    pub carried_forward_from: &'static str,
    pub col_computed: &'static str,
    pub col_decision: &'static str,
    pub col_comments: &'static str,
    pub material_word: &'static str,
    pub not_material_word: &'static str,
    pub overridden: &'static str,
    pub override_by: &'static str,
    pub proposal_label: &'static str,
    pub proposal_none: &'static str,
    pub propose_material: &'static str,
    pub propose_not_material: &'static str,
    pub add_comment: &'static str,
    pub no_comments: &'static str,
    pub override_title: &'static str,
    pub override_material: &'static str,
    pub override_not_material: &'static str,
    pub remove_override: &'static str,
    pub reason_label: &'static str,
    pub save_override: &'static str,
    pub confirm_title: &'static str,
    pub confirm_body: &'static str,
    pub confirm_check: &'static str,
    pub confirm_button: &'static str,
    pub not_in_review_note: &'static str,
    pub material_title: &'static str,
    pub material_intro: &'static str,
    pub management_note: &'static str,
    pub save_note: &'static str,
    pub print: &'static str,
    pub no_material: &'static str,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub col_when: &'static str,
    pub col_actor: &'static str,
    pub col_audit_action: &'static str,
    pub col_subject: &'static str,
    pub col_before: &'static str,
    pub col_after: &'static str,
    pub filter_button: &'static str,
    pub audit_verify: &'static str,
    pub audit_intact: &'static str,
    pub audit_broken: &'static str,
    pub audit_anchor_broken: &'static str,
    pub carry_title: &'static str,
    pub carry_body: &'static str,
    pub carry_from: &'static str,
    pub carry_rationale: &'static str,
    pub carry_button: &'static str,
    pub override_mark_note: &'static str,
    pub status_provisional: &'static str,
}

impl Text {
    pub fn category(&self, c: Category) -> &'static str {
        match c {
            Category::E => self.category_e,
            Category::S => self.category_s,
            Category::G => self.category_g,
        }
    }

    /// Legend entry of a category's series on the matrix.
    pub fn series(&self, c: Category) -> &'static str {
        match c {
            Category::E => self.series_e,
            Category::S => self.series_s,
            Category::G => self.series_g,
        }
    }

    pub fn error(&self, code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::Missing => self.err_missing,
            ErrorCode::OffScale => self.err_off_scale,
            ErrorCode::NotInteger => self.err_not_integer,
            ErrorCode::UnknownTopic => self.err_unknown_topic,
            ErrorCode::Duplicate => self.err_duplicate,
            ErrorCode::MissingTopic => self.err_missing_topic,
            ErrorCode::CommentTooLong => self.err_comment_too_long,
            ErrorCode::CycleNotOpen => self.err_cycle_not_open,
            ErrorCode::Malformed => self.err_malformed,
        }
    }
}

impl Text {
    /// The line above an import's preview: why the file cannot be read, how many rows have problems,
    /// or that all are ready (the topic library's import and the register's say it alike).
    pub fn import_summary(
        &self,
        file: Option<&crate::domain::FieldProblem>,
        bad: usize,
        rows: usize,
    ) -> String {
        match file {
            Some(p) => format!(
                "{}: {} ({})",
                self.import_blocked,
                self.problem(p.problem),
                p.field
            ),
            None if bad > 0 => self.rows_with_problems.replace("{n}", &bad.to_string()),
            None => self.rows_ready.replace("{n}", &rows.to_string()),
        }
    }

    /// A preview row's problems, each with its field, or that it has none.
    pub fn row_problems(&self, problems: &[crate::domain::FieldProblem]) -> String {
        if problems.is_empty() {
            return self.no_problem.to_string();
        }
        problems
            .iter()
            .map(|p| format!("{}: {}", p.field, self.problem(p.problem)))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// What importing a preview row does.
    pub fn row_action(&self, action: crate::domain::RowAction) -> &'static str {
        match action {
            crate::domain::RowAction::Add => self.row_add,
            crate::domain::RowAction::Update => self.row_update,
            crate::domain::RowAction::Unchanged => self.row_unchanged,
        }
    }

    pub fn problem(&self, p: Problem) -> &'static str {
        match p {
            Problem::Required => self.prob_required,
            Problem::BadCode => self.prob_bad_code,
            Problem::DuplicateCode => self.prob_duplicate_code,
            Problem::BadCategory => self.prob_bad_category,
            Problem::Unknown => self.prob_unknown,
            Problem::TooLong => self.prob_too_long,
            Problem::BadFlag => self.prob_bad_flag,
            Problem::BadColour => self.prob_bad_colour,
            Problem::BadNumber => self.prob_bad_number,
            Problem::BadDate => self.prob_bad_date,
            Problem::DateOrder => self.prob_date_order,
            Problem::LabelCount => self.prob_label_count,
            Problem::MissingColumn => self.prob_missing_column,
            Problem::Unreadable => self.prob_unreadable,
            Problem::NoRows => self.prob_no_rows,
            Problem::InUse => self.prob_in_use,
            Problem::Frozen => self.prob_frozen,
            Problem::NoneChosen => self.prob_none_chosen,
            Problem::NotAllowed => self.prob_not_allowed,
            Problem::NotInReview => self.prob_not_in_review,
            Problem::NotConfirmed => self.prob_not_confirmed,
            Problem::Incomplete => self.prob_incomplete,
            Problem::Rated => self.prob_rated,
            Problem::BadLink => self.prob_bad_link,
            Problem::TooMany => self.prob_too_many,
            Problem::BadAddress => self.prob_bad_address,
            Problem::OptedOut => self.prob_opted_out,
            Problem::MissingLink => self.prob_missing_link,
        }
    }

    /// Whether a result is confirmed (when, by whom) or provisional, as a sentence.
    pub fn standing(&self, r: &crate::domain::CycleResults) -> String {
        match &r.confirmation {
            Some(s) => self.confirmed(s),
            None => self.standing_provisional.to_string(),
        }
    }

    /// "Confirmed on {date} by {who}." of a stamp.
    pub fn confirmed(&self, s: &crate::domain::Stamp) -> String {
        self.standing_confirmed
            .replace("{date}", &crate::domain::date_of(s.confirmed_at))
            .replace("{who}", &s.confirmed_by)
    }

    /// "Carried forward from {name} ({year}): {why}".
    /// "3 figures withheld to protect anonymity …", naming the withheld groupings.
    pub fn anonymity_withheld(&self, n: usize, k: u32, names: &str) -> String {
        self.anonymity_note
            .replace("{n}", &n.to_string())
            .replace("{k}", &k.to_string())
            .replace("{names}", names)
    }

    /// A grouping by its key: everyone, internal, external, or a group's code.
    pub fn grouping_name(&self, key: &str) -> String {
        match key {
            "all" => self.grouping_all.to_string(),
            "internal" => self.grouping_internal.to_string(),
            "external" => self.grouping_external.to_string(),
            code => code.to_string(),
        }
    }

    pub fn carried(&self, c: &crate::domain::CarriedForward) -> String {
        self.carried_forward_from
            .replace("{name}", &c.name)
            .replace("{year}", &c.year.to_string())
            .replace("{why}", &c.rationale)
    }

    /// "{a} of {n} topics answered", in this language's word order.
    pub fn progress(&self, answered: usize, total: usize) -> String {
        self.answered_of
            .replace("{a}", &answered.to_string())
            .replace("{n}", &total.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        for (header, lang) in [
            ("zh-CN,zh;q=0.9,en;q=0.8", Lang::Zh),
            ("en-US,en;q=0.9", Lang::En),
            ("fr-FR, zh-Hans;q=0.5, en;q=0.4", Lang::Zh),
            ("en;q=0.3, zh-TW;q=0.8", Lang::Zh),
            ("zh;q=0, en;q=0.1", Lang::En),
            ("de, fr", Lang::En),
            ("", Lang::En),
            ("ZH-cn", Lang::Zh),
        ] {
            assert_eq!(Lang::from_accept_language(header), lang, "{header:?}");
        }
    }

    #[test]
    fn every_error_and_problem_has_words_in_both_languages() {
        use strum::IntoEnumIterator;
        let (zh, en) = (Lang::Zh.t(), Lang::En.t());
        let mut seen = 0;
        for code in ErrorCode::iter() {
            assert!(
                !zh.error(code).is_empty() && !en.error(code).is_empty(),
                "{code:?}"
            );
            assert_ne!(zh.error(code), en.error(code), "{code:?} is not translated");
            seen += 1;
        }
        assert!(seen >= 9, "iterates every error code");
        for p in Problem::iter() {
            assert!(
                !zh.problem(p).is_empty() && !en.problem(p).is_empty(),
                "{p:?}"
            );
            assert_ne!(zh.problem(p), en.problem(p), "{p:?} is not translated");
            seen += 1;
        }
        assert!(seen >= 9 + 21, "iterates every problem");
    }
}

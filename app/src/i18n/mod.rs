//! The product's two languages. Every string a page shows lives in [`Text`]; a field missing in one
//! language is a compile error, so nothing can ship half translated.

mod en;
mod zh;

use crate::domain::{Category, ErrorCode};
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

    pub matrix_title: &'static str,
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
    pub disable: &'static str,
    pub enable: &'static str,
    pub disabled: &'static str,
    pub admin_only: &'static str,
    pub err_bad_email: &'static str,
    pub err_email_taken: &'static str,
    pub err_short_password: &'static str,
    pub err_missing: &'static str,
    pub err_off_scale: &'static str,
    pub err_not_integer: &'static str,
    pub err_unknown_topic: &'static str,
    pub err_duplicate: &'static str,
    pub err_missing_topic: &'static str,
    pub err_comment_too_long: &'static str,
    pub err_cycle_not_open: &'static str,
    pub err_malformed: &'static str,
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
    fn every_error_has_words_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for code in [
                ErrorCode::Missing,
                ErrorCode::OffScale,
                ErrorCode::CycleNotOpen,
                ErrorCode::Malformed,
            ] {
                assert!(!lang.t().error(code).is_empty());
            }
        }
        assert_ne!(Lang::Zh.t().err_missing, Lang::En.t().err_missing);
    }
}

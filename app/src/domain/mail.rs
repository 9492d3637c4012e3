//! E-mail distribution, the rules without the sending: the recipient list an admin pastes (checked row
//! by row, added all or none), the message templates with their placeholders, and what a message says
//! in plain text and in HTML.

use super::library::{parse_csv, FieldProblem, Problem};
use super::Bilingual;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The most recipients one list adds.
pub const MAX_RECIPIENTS: usize = 5_000;
/// Longest recipient name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest address (RFC 5321's path limit).
pub const MAX_ADDRESS_CHARS: usize = 254;
/// Longest subject and body of a template, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 10_000;
/// Longest organisation name.
pub const MAX_ORGANISATION_CHARS: usize = 200;

/// The two messages a recipient can get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MailKind {
    Invitation,
    Reminder,
}

impl MailKind {
    pub const BOTH: [MailKind; 2] = [MailKind::Invitation, MailKind::Reminder];

    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
        }
    }

    pub fn parse(s: &str) -> Option<MailKind> {
        MailKind::BOTH.into_iter().find(|k| k.as_str() == s)
    }
}

/// One row of a recipient list as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientRow {
    /// The line of the list it is on (from 1; a header line counts).
    pub line: usize,
    pub email: String,
    pub lang: String,
    pub name: String,
    /// The stakeholder group's code.
    pub group: String,
    pub problems: Vec<FieldProblem>,
}

/// A checked recipient list: nothing is added unless [`RecipientPreview::ok`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RecipientPreview {
    pub file_problem: Option<FieldProblem>,
    pub rows: Vec<RecipientRow>,
}

impl RecipientPreview {
    pub fn ok(&self) -> bool {
        self.file_problem.is_none()
            && !self.rows.is_empty()
            && self.rows.iter().all(|r| r.problems.is_empty())
    }
}

/// What the list is checked against.
pub struct ListContext<'a> {
    /// The group of rows that name none (the form's choice), if any.
    pub default_group: Option<&'a str>,
    /// The codes of the groups taking part in the cycle.
    pub groups: &'a [String],
    /// Addresses (in lower case) the cycle already has.
    pub existing: &'a HashSet<String>,
    /// Whether an address (in lower case) asked for no more messages.
    pub opted_out: &'a dyn Fn(&str) -> bool,
    /// Whether an address is well formed (the mail crate's parser, on the server).
    pub address_ok: &'a dyn Fn(&str) -> bool,
}

/// The key an address is compared and remembered by: trimmed, in lower case.
pub fn address_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Reads a pasted list: one recipient per line, `email, language[, name[, group]]`, with or without
/// a header line naming those columns (in any order). Every problem is reported on its row.
pub fn check_recipients(text: &str, cx: &ListContext) -> RecipientPreview {
    let records = parse_csv(text);
    let records: Vec<(usize, Vec<String>)> = records
        .into_iter()
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if records.is_empty() {
        return RecipientPreview {
            file_problem: Some(FieldProblem::new("list", Problem::NoRows)),
            rows: Vec::new(),
        };
    }
    if records.len() > MAX_RECIPIENTS + 1 {
        return RecipientPreview {
            file_problem: Some(FieldProblem::new("list", Problem::TooMany)),
            rows: Vec::new(),
        };
    }
    // A header names the columns; without one they are email, lang, name, group.
    let first: Vec<String> = records[0]
        .1
        .iter()
        .map(|c| c.trim().to_lowercase())
        .collect();
    let (columns, body) = if first.iter().any(|c| c == "email" || c == "e-mail") {
        let at = |names: &[&str]| first.iter().position(|c| names.contains(&c.as_str()));
        let columns = [
            at(&["email", "e-mail"]),
            at(&["lang", "language"]),
            at(&["name"]),
            at(&["group"]),
        ];
        (columns, &records[1..])
    } else {
        ([Some(0), Some(1), Some(2), Some(3)], &records[..])
    };
    if body.len() > MAX_RECIPIENTS {
        return RecipientPreview {
            file_problem: Some(FieldProblem::new("list", Problem::TooMany)),
            rows: Vec::new(),
        };
    }
    let mut seen = HashSet::new();
    let rows = body
        .iter()
        .map(|(line, cells)| {
            let cell = |i: usize| {
                columns[i]
                    .and_then(|c| cells.get(c))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let (email, lang, name) = (cell(0), cell(1), cell(2));
            let group = match cell(3) {
                g if g.is_empty() => cx.default_group.unwrap_or_default().to_string(),
                g => g,
            };
            let mut problems = Vec::new();
            let key = address_key(&email);
            if email.is_empty() {
                problems.push(FieldProblem::new("email", Problem::Required));
            } else if email.chars().count() > MAX_ADDRESS_CHARS || !(cx.address_ok)(&email) {
                problems.push(FieldProblem::new("email", Problem::BadAddress));
            } else if !seen.insert(key.clone()) || cx.existing.contains(&key) {
                problems.push(FieldProblem::new("email", Problem::DuplicateCode));
            } else if (cx.opted_out)(&key) {
                problems.push(FieldProblem::new("email", Problem::OptedOut));
            }
            if lang.is_empty() {
                problems.push(FieldProblem::new("lang", Problem::Required));
            } else if !matches!(lang.to_lowercase().as_str(), "zh" | "en") {
                problems.push(FieldProblem::new("lang", Problem::BadFlag));
            }
            if name.chars().count() > MAX_NAME_CHARS {
                problems.push(FieldProblem::new("name", Problem::TooLong));
            }
            if group.is_empty() {
                problems.push(FieldProblem::new("group", Problem::Required));
            } else if !cx.groups.contains(&group) {
                problems.push(FieldProblem::new("group", Problem::Unknown));
            }
            RecipientRow {
                line: *line,
                email,
                lang: lang.to_lowercase(),
                name,
                group,
                problems,
            }
        })
        .collect();
    RecipientPreview {
        file_problem: None,
        rows,
    }
}

/// A message's wording in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 4] = ["name", "link", "closes_on", "organisation"];

/// The built-in wording, used until an admin saves a cycle's own.
pub fn default_template(kind: MailKind, lang: Lang) -> Template {
    let (subject, body) = match (kind, lang) {
        (MailKind::Invitation, Lang::En) => (
            "{organisation}: your view on our sustainability priorities",
            "Dear {name},\n\n{organisation} is preparing its sustainability report and would like to \
             know which environmental, social and governance matters you consider most important.\n\n\
             The questionnaire takes about ten minutes. Your answers are anonymous: they are stored \
             without your name or address, and figures are shown only for groups large enough that \
             no one can be recognised.\n\nYour personal link (please do not forward it):\n{link}\n\n\
             The questionnaire is open until {closes_on}.\n\nThank you,\n{organisation}",
        ),
        (MailKind::Invitation, Lang::Zh) => (
            "{organisation}：诚邀您参与实质性议题调查",
            "尊敬的{name}：\n\n{organisation}正在编制可持续发展报告，希望了解您认为哪些环境、社会及治理\
             议题最为重要。\n\n问卷约需十分钟。您的回答是匿名的：保存时不含您的姓名或邮箱地址，且只在人数\
             足够、无法识别个人时才显示分组结果。\n\n您的专属链接（请勿转发）：\n{link}\n\n问卷开放至\
             {closes_on}。\n\n感谢您的支持！\n{organisation}",
        ),
        (MailKind::Reminder, Lang::En) => (
            "Reminder: {organisation}'s sustainability questionnaire",
            "Dear {name},\n\nA short reminder: we would still value your view on {organisation}'s \
             sustainability priorities. If you saved answers earlier, they are waiting for you.\n\n\
             Your personal link (the earlier one no longer works):\n{link}\n\nThe questionnaire is \
             open until {closes_on}.\n\nThank you,\n{organisation}",
        ),
        (MailKind::Reminder, Lang::Zh) => (
            "提醒：{organisation}实质性议题调查",
            "尊敬的{name}：\n\n温馨提醒：我们仍期待您对{organisation}可持续发展重点的意见。若您之前保存过\
             答案，它们仍在问卷中。\n\n您的专属链接（此前的链接已失效）：\n{link}\n\n问卷开放至\
             {closes_on}。\n\n感谢您的支持！\n{organisation}",
        ),
    };
    Template {
        subject: subject.to_string(),
        body: body.to_string(),
    }
}

/// The `{name}`s a text uses, in order: a name is lower-case letters and `_`; other braces are text.
fn placeholders_in(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find(['}', '{']) {
            Some(close)
                if after.as_bytes()[close] == b'}'
                    && close > 0
                    && after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_') =>
            {
                found.push(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    found
}

/// What is wrong with a template: an empty or too long subject or body, an unknown placeholder, a
/// body without `{link}` (a message that cannot be answered), a line break in the subject.
pub fn check_template(t: &Template) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    for (field, text, max) in [
        ("subject", &t.subject, MAX_SUBJECT_CHARS),
        ("body", &t.body, MAX_BODY_CHARS),
    ] {
        if text.trim().is_empty() {
            problems.push(FieldProblem::new(field, Problem::Required));
        } else if text.chars().count() > max {
            problems.push(FieldProblem::new(field, Problem::TooLong));
        } else if placeholders_in(text)
            .iter()
            .any(|p| !PLACEHOLDERS.contains(p))
        {
            problems.push(FieldProblem::new(field, Problem::Unknown));
        }
    }
    if t.subject.contains(['\r', '\n']) && problems.iter().all(|p| p.field != "subject") {
        problems.push(FieldProblem::new("subject", Problem::BadFlag));
    }
    if !placeholders_in(&t.body).contains(&"link") && problems.iter().all(|p| p.field != "body") {
        problems.push(FieldProblem::new("body", Problem::MissingLink));
    }
    problems
}

/// The values a message is written with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailVars {
    pub name: String,
    pub link: String,
    pub closes_on: String,
    pub organisation: String,
    /// Where the recipient asks for no more messages.
    pub opt_out: String,
}

/// The token of the link a preview or a test message shows instead of a recipient's (it opens nothing).
pub const SAMPLE_TOKEN: &str = "example-link-of-a-test-message";

/// The sample recipient of previews and test messages.
pub fn sample_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "王伟",
        Lang::En => "Alex Example",
    }
}

impl MailVars {
    /// What a message says to `name` (the sample recipient when `token` is `None`), its links on
    /// `public_url`; a cycle without a closing date is open "until further notice".
    pub fn new(
        public_url: &str,
        token: Option<&str>,
        optout_token: Option<&str>,
        name: &str,
        lang: Lang,
        closes_on: Option<&str>,
        organisation: &str,
    ) -> MailVars {
        let link = format!("{public_url}/s/{}", token.unwrap_or(SAMPLE_TOKEN));
        let further_notice = match lang {
            Lang::Zh => "另行通知",
            Lang::En => "further notice",
        };
        MailVars {
            name: match token {
                Some(_) => name.to_string(),
                None => sample_name(lang).to_string(),
            },
            opt_out: format!(
                "{public_url}/opt-out/{}",
                optout_token.unwrap_or(SAMPLE_TOKEN)
            ),
            link,
            closes_on: closes_on.unwrap_or(further_notice).to_string(),
            organisation: organisation.to_string(),
        }
    }
}

/// A message ready to go: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Fills the placeholders of `text`; in HTML, every part is escaped and the link is clickable. An
/// unknown `{…}` stays as it was written.
fn fill(text: &str, vars: &MailVars, html: bool) -> String {
    let plain = |s: &str| if html { escape(s) } else { s.to_string() };
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&plain(&rest[..open]));
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        let value = match name {
            Some("name") => Some(vars.name.as_str()),
            Some("link") => Some(vars.link.as_str()),
            Some("closes_on") => Some(vars.closes_on.as_str()),
            Some("organisation") => Some(vars.organisation.as_str()),
            _ => None,
        };
        match (name, value) {
            (Some("link"), Some(link)) if html => {
                let href = escape(link);
                out.push_str(&format!("<a href=\"{href}\">{href}</a>"));
                rest = &after["link".len() + 1..];
            }
            (Some(name), Some(v)) => {
                out.push_str(&plain(v));
                rest = &after[name.len() + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(&plain(rest));
    out
}

/// HTML-escapes text for an element's content or a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The opt-out line every message ends with.
pub fn opt_out_line(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "如不希望再收到有关本调查的邮件，请访问：",
        Lang::En => "To receive no more messages about this questionnaire, visit:",
    }
}

/// Writes a message: the placeholders filled in (an empty name reads as a greeting without one), the
/// opt-out line at the end; the HTML is the text, escaped, in paragraphs, with the links clickable.
pub fn render(t: &Template, vars: &MailVars, lang: Lang) -> Rendered {
    let fallback_name = match lang {
        Lang::Zh => "朋友",
        Lang::En => "colleague",
    };
    let vars = MailVars {
        name: if vars.name.trim().is_empty() {
            fallback_name.to_string()
        } else {
            vars.name.clone()
        },
        ..vars.clone()
    };
    // Values are text: a line break in one (a name) must not start a header or a paragraph.
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    let subject = flat(&fill(&t.subject, &vars, false));
    let text = format!(
        "{}\n\n-- \n{}\n{}\n",
        fill(&t.body, &vars, false).trim_end(),
        opt_out_line(lang),
        vars.opt_out
    );
    let paragraphs: String = t
        .body
        .replace("\r\n", "\n")
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            format!(
                "<p>{}</p>\n",
                fill(p.trim_matches('\n'), &vars, true).replace('\n', "<br>\n")
            )
        })
        .collect();
    let opt = escape(&vars.opt_out);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family:sans-serif;line-height:1.5;max-width:40em\">\n{paragraphs}\
         <hr>\n<p style=\"font-size:small;color:#555\">{} <a href=\"{opt}\">{opt}</a></p>\n</body></html>\n",
        lang.tag(),
        escape(&subject),
        escape(opt_out_line(lang)),
    );
    Rendered {
        subject,
        text,
        html,
    }
}

/// One recipient as the recipients page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientItem {
    pub id: i64,
    /// `None` once erased.
    pub email: Option<String>,
    pub name: String,
    pub lang: String,
    pub group: String,
    pub emailed: bool,
    pub opened: bool,
    pub answered: bool,
    pub bounced: bool,
    pub opted_out: bool,
    pub reminders: i64,
    /// A message is waiting or going out.
    pub waiting: bool,
}

/// A cycle's mail settings as the form shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailSettings {
    pub organisation: Bilingual,
    /// `YYYY-MM-DD`: scheduled reminders start on this day.
    pub remind_from: Option<String>,
    /// At most this many scheduled reminders (0: none).
    pub remind_max: u32,
    /// At least this many days between two messages to one recipient.
    pub remind_gap_days: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            organisation: Bilingual::default(),
            remind_from: None,
            remind_max: 0,
            remind_gap_days: 7,
        }
    }
}

/// The most scheduled reminders, and the widest gap between two messages, in days.
pub const MAX_REMINDERS: u32 = 10;
pub const MAX_GAP_DAYS: u32 = 90;

/// A template of a cycle, and whether it is the built-in one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleTemplate {
    pub kind: MailKind,
    pub lang: Lang,
    pub template: Template,
    pub default: bool,
}

/// The e-mail figures of one group of a cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MailGroup {
    pub code: String,
    pub name: Bilingual,
    pub recipients: i64,
    pub emailed: i64,
    pub opened: i64,
    pub answered: i64,
    pub bounced: i64,
    pub opted_out: i64,
}

/// The queue of a cycle: messages waiting (or going out), sent, failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Queue {
    pub waiting: i64,
    pub sent: i64,
    pub failed: i64,
}

/// A message that failed for good, with the mail server's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The address (a test message's, or the recipient's while it is kept).
    pub to: Option<String>,
    pub kind: MailKind,
    pub reply: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx<'a>(groups: &'a [String], existing: &'a HashSet<String>) -> ListContext<'a> {
        ListContext {
            default_group: Some("EMP"),
            groups,
            existing,
            opted_out: &|a| a == "gone@example.com",
            address_ok: &|a| a.contains('@') && !a.starts_with('@') && !a.ends_with('@'),
        }
    }

    fn problems(p: &RecipientPreview) -> Vec<(usize, &str, Problem)> {
        p.rows
            .iter()
            .flat_map(|r| {
                r.problems
                    .iter()
                    .map(|q| (r.line, q.field.as_str(), q.problem))
            })
            .collect()
    }

    #[test]
    fn every_problem_is_reported_on_its_row() {
        let groups = vec!["EMP".to_string(), "CUS".to_string()];
        let existing = HashSet::from(["old@example.com".to_string()]);
        let list = "email,lang,name,group\n\
                    a@example.com,zh,王伟,\n\
                    not-an-address,en,,\n\
                    A@Example.com,en,,CUS\n\
                    old@example.com,en,,\n\
                    b@example.com,fr,,\n\
                    c@example.com,en,,SUP\n\
                    gone@example.com,en,,\n\
                    ,en,,\n";
        let p = check_recipients(list, &cx(&groups, &existing));
        assert!(!p.ok());
        assert_eq!(
            problems(&p),
            vec![
                (3, "email", Problem::BadAddress),
                (4, "email", Problem::DuplicateCode),
                (5, "email", Problem::DuplicateCode),
                (6, "lang", Problem::BadFlag),
                (7, "group", Problem::Unknown),
                (8, "email", Problem::OptedOut),
                (9, "email", Problem::Required),
            ]
        );
        assert_eq!(
            p.rows[0].group, "EMP",
            "the form's group fills an empty cell"
        );
        assert_eq!(p.rows[0].name, "王伟");
    }

    #[test]
    fn a_list_without_header_and_columns_in_any_order_read_alike() {
        let groups = vec!["EMP".to_string()];
        let none = HashSet::new();
        let plain = check_recipients(
            "a@example.com,en,Ann\r\nb@example.com,ZH\n",
            &cx(&groups, &none),
        );
        let named = check_recipients(
            "\u{feff}Name,Language,E-mail\nAnn,en,a@example.com\n,ZH,b@example.com\n",
            &cx(&groups, &none),
        );
        assert!(plain.ok() && named.ok(), "{plain:?} {named:?}");
        let key = |p: &RecipientPreview| {
            p.rows
                .iter()
                .map(|r| {
                    (
                        r.email.clone(),
                        r.lang.clone(),
                        r.name.clone(),
                        r.group.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&plain), key(&named));
        assert_eq!(plain.rows[1].lang, "zh");
    }

    #[test]
    fn empty_and_oversized_lists_are_refused_whole() {
        let groups = vec!["EMP".to_string()];
        let none = HashSet::new();
        assert_eq!(
            check_recipients(" \n\n", &cx(&groups, &none)).file_problem,
            Some(FieldProblem::new("list", Problem::NoRows))
        );
        let big: String = (0..=MAX_RECIPIENTS)
            .map(|i| format!("p{i}@example.com,en\n"))
            .collect();
        assert_eq!(
            check_recipients(&big, &cx(&groups, &none)).file_problem,
            Some(FieldProblem::new("list", Problem::TooMany))
        );
        let exact: String = (0..MAX_RECIPIENTS)
            .map(|i| format!("p{i}@example.com,en\n"))
            .collect();
        assert!(check_recipients(&exact, &cx(&groups, &none)).ok());
    }

    #[test]
    fn templates_need_a_link_and_known_placeholders() {
        for kind in MailKind::BOTH {
            for lang in [Lang::Zh, Lang::En] {
                assert_eq!(check_template(&default_template(kind, lang)), vec![]);
            }
        }
        let t = |s: &str, b: &str| Template {
            subject: s.into(),
            body: b.into(),
        };
        let fields = |t: &Template| {
            check_template(t)
                .into_iter()
                .map(|p| (p.field, p.problem))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(&t("Hi {nmae}", "{link}")),
            vec![("subject".into(), Problem::Unknown)]
        );
        assert_eq!(
            fields(&t("Hi", "no link here")),
            vec![("body".into(), Problem::MissingLink)]
        );
        assert_eq!(
            fields(&t("Hi\r\nBcc: x@example.com", "{link}")),
            vec![("subject".into(), Problem::BadFlag)]
        );
        assert_eq!(
            fields(&t(" ", &"x{link}".repeat(2_000))),
            vec![
                ("subject".into(), Problem::Required),
                ("body".into(), Problem::TooLong)
            ]
        );
        assert_eq!(fields(&t("{ curly", "a { b } {link}")), vec![]);
    }

    #[test]
    fn rendering_fills_escapes_and_ends_with_the_opt_out() {
        let vars = MailVars {
            name: "</p><script>x</script>".into(),
            link: "https://survey.example/s/abc?x=1&y=2".into(),
            closes_on: "2026-12-31".into(),
            organisation: "ACME & Co".into(),
            opt_out: "https://survey.example/s/abc/opt-out".into(),
        };
        let t = Template {
            subject: "{organisation}: hello {name}".into(),
            body: "Dear {name},\n\nAnswer at {link} by {closes_on}.\nThanks {unknown}".into(),
        };
        let r = render(&t, &vars, Lang::En);
        assert_eq!(r.subject, "ACME & Co: hello </p><script>x</script>");
        assert!(r.text.starts_with("Dear </p><script>x</script>,\n\nAnswer at https://survey.example/s/abc?x=1&y=2 by 2026-12-31.\nThanks {unknown}"));
        assert!(r.text.ends_with(&format!(
            "{}\nhttps://survey.example/s/abc/opt-out\n",
            opt_out_line(Lang::En)
        )));
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r
            .html
            .contains("Dear &lt;/p&gt;&lt;script&gt;x&lt;/script&gt;,</p>"));
        assert!(r.html.contains(
            "<a href=\"https://survey.example/s/abc?x=1&amp;y=2\">https://survey.example/s/abc?x=1&amp;y=2</a> by 2026-12-31.<br>\nThanks {unknown}"
        ));
        assert!(r
            .html
            .contains("<a href=\"https://survey.example/s/abc/opt-out\">"));
        // No name: a greeting that still reads; a name with a line break stays on one line.
        let anonymous = render(
            &t,
            &MailVars {
                name: " ".into(),
                ..vars.clone()
            },
            Lang::Zh,
        );
        assert!(anonymous.text.starts_with("Dear 朋友,"));
        let broken = render(
            &t,
            &MailVars {
                name: "A\r\nBcc: x".into(),
                ..vars
            },
            Lang::En,
        );
        assert_eq!(broken.subject, "ACME & Co: hello A  Bcc: x");
    }
}

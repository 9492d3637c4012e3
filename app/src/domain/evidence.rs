//! An assessor's evidence for a rating: links to documents (web addresses, `http` and `https` only)
//! and short notes, one per line. A link is shown as a link, anything else as text; a line that looks
//! like any other kind of link (`javascript:`, `data:`, `mailto:`, `file://`, `ftp://`, …) is refused rather than
//! kept, so a page never carries a link of another scheme and nobody's link silently becomes a note.

#[cfg(feature = "ssr")]
use super::library::{FieldProblem, Problem};

/// At most this many lines of evidence per rating.
pub const MAX_ITEMS: usize = 20;
/// At most this many characters per line.
pub const MAX_ITEM: usize = 1000;

/// One line of evidence as stored (checked by [`check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence<'a> {
    Link(&'a str),
    Note(&'a str),
}

fn is_web(line: &str) -> bool {
    let lower = line.get(..8).unwrap_or(line).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The lines of stored evidence, each a link or a note.
pub fn items(stored: &str) -> Vec<Evidence<'_>> {
    stored
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            if is_web(l) {
                Evidence::Link(l)
            } else {
                Evidence::Note(l)
            }
        })
        .collect()
}

#[cfg(feature = "ssr")]
/// Whether `line` names a scheme the way a link does: `scheme://…`, or one of the schemes a browser
/// runs or opens without `//` (`javascript:`, `mailto:`, `tel:`, …). Other words before a colon
/// ("Note: see p. 4") are a note.
fn looks_like_link(line: &str) -> bool {
    let Some((scheme, rest)) = line.split_once(':') else {
        return false;
    };
    let scheme_like = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    const BARE: [&str; 11] = [
        "javascript",
        "vbscript",
        "data",
        "file",
        "blob",
        "mailto",
        "tel",
        "sms",
        "ftp",
        "urn",
        "news",
    ];
    scheme_like && (rest.starts_with("//") || BARE.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// The evidence as typed, one item per line, checked: blank lines dropped, each line trimmed, web
/// addresses parsed and written in their normal form; every problem reported at once (`evidence`).
#[cfg(feature = "ssr")]
pub fn check(typed: &str) -> Result<String, Vec<FieldProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut refuse = |p: Problem| {
        if !problems.contains(&FieldProblem::new("evidence", p)) {
            problems.push(FieldProblem::new("evidence", p));
        }
    };
    for line in typed.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.chars().count() > MAX_ITEM {
            refuse(Problem::TooLong);
        } else if is_web(line) {
            match url::Url::parse(line) {
                Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => out.push(u.to_string()),
                _ => refuse(Problem::BadLink),
            }
        } else if looks_like_link(line) {
            refuse(Problem::BadLink);
        } else {
            out.push(line.to_string());
        }
    }
    if out.len() > MAX_ITEMS {
        refuse(Problem::TooMany);
    }
    if problems.is_empty() {
        Ok(out.join("\n"))
    } else {
        Err(problems)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn refused(typed: &str) -> Vec<Problem> {
        check(typed)
            .unwrap_err()
            .into_iter()
            .map(|p| p.problem)
            .collect()
    }

    #[test]
    fn web_links_and_notes_are_kept_in_order_in_normal_form() {
        let typed = "  https://Example.com/report 2025.pdf \n\nSite audit, March\nHTTP://intranet.example.cn/水\nNote: see p. 4";
        let stored = check(typed).unwrap();
        assert_eq!(
            stored,
            "https://example.com/report%202025.pdf\nSite audit, March\nhttp://intranet.example.cn/%E6%B0%B4\nNote: see p. 4"
        );
        assert_eq!(
            items(&stored),
            [
                Evidence::Link("https://example.com/report%202025.pdf"),
                Evidence::Note("Site audit, March"),
                Evidence::Link("http://intranet.example.cn/%E6%B0%B4"),
                Evidence::Note("Note: see p. 4"),
            ]
        );
        assert_eq!(check(" \n ").unwrap(), "");
    }

    #[test]
    fn links_of_other_schemes_and_broken_web_links_are_refused() {
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "mailto:cfo@example.com",
            "tel:+86-21-0000",
            "file:///etc/passwd",
            "ftp://files.example.com/a",
            "https://",
            "http://[::1",
        ] {
            assert_eq!(refused(bad), [Problem::BadLink], "{bad}");
        }
        // A link that hides markup is a link, its markup percent-encoded.
        let odd = check("https://x.example/\"><script>alert(1)</script>").unwrap();
        assert!(!odd.contains('<') && !odd.contains('"'), "{odd}");
    }

    #[test]
    fn the_limits_hold_and_every_problem_is_said_once() {
        let many = vec!["a note"; MAX_ITEMS + 1].join("\n");
        assert_eq!(refused(&many), [Problem::TooMany]);
        assert!(check(&vec!["a note"; MAX_ITEMS].join("\n")).is_ok());
        let long = "x".repeat(MAX_ITEM + 1);
        assert_eq!(
            refused(&format!("{long}\n{long}\njavascript:x")),
            [Problem::TooLong, Problem::BadLink]
        );
        assert!(check(&"x".repeat(MAX_ITEM)).is_ok());
    }
}

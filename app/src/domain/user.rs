//! Accounts as the pages see them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Reviewer,
    /// A subject-matter expert of a double-materiality cycle: reaches only the IROs assigned to them.
    Assessor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Assessor => "assessor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "reviewer" => Some(Role::Reviewer),
            "assessor" => Some(Role::Assessor),
            _ => None,
        }
    }
}

/// A signed-in user. Respondents are not users: they only hold an invitation token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
}

/// An account as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub user: User,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

/// What is shown of a personal API token: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A UTC timestamp (seconds since the epoch) as `YYYY-MM-DD HH:MM UTC`, the same in both languages.
pub fn format_utc(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        super::date_of(secs),
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        for (secs, text) in [
            (0, "1970-01-01 00:00 UTC"),
            (951_782_400, "2000-02-29 00:00 UTC"),
            (1_700_000_000, "2023-11-14 22:13 UTC"),
            (1_798_761_599, "2026-12-31 23:59 UTC"),
            (-1, "1969-12-31 23:59 UTC"),
        ] {
            assert_eq!(format_utc(secs), text, "{secs}");
        }
    }

    #[test]
    fn roles_by_name() {
        for role in [Role::Admin, Role::Reviewer, Role::Assessor] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::Admin.as_str(), "admin");
        assert_eq!(Role::Reviewer.as_str(), "reviewer");
        assert_eq!(Role::Assessor.as_str(), "assessor");
        assert_eq!(Role::parse("root"), None);
    }
}

//! Topics and their categories.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The ESG category of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    E,
    S,
    G,
}

impl Category {
    pub const ALL: [Category; 3] = [Category::E, Category::S, Category::G];

    pub fn parse(s: &str) -> Option<Category> {
        match s {
            "E" => Some(Category::E),
            "S" => Some(Category::S),
            "G" => Some(Category::G),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::E => "E",
            Category::S => "S",
            Category::G => "G",
        }
    }
}

/// A topic code such as `E1` or `S10`: 1 to 16 ASCII letters, digits, `-` or `_`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TopicCode(String);

/// The longest topic (and category) code, in ASCII characters.
pub const MAX_CODE_LEN: usize = 16;

impl TopicCode {
    pub fn parse(s: &str) -> Option<TopicCode> {
        let ok = (1..=MAX_CODE_LEN).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        ok.then(|| TopicCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Text in both product languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

/// A topic as a cycle asks it: the snapshot taken when the cycle was set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CycleTopic {
    pub code: String,
    pub category: Category,
    pub name: Bilingual,
    pub description: Bilingual,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_codes() {
        for (s, ok) in [
            ("E1", true),
            ("S10", true),
            ("G_5", true),
            ("", false),
            ("1E", false),
            ("E 1", false),
            ("环境1", false),
            ("ABCDEFGHIJKLMNOPQ", false),
        ] {
            assert_eq!(TopicCode::parse(s).is_some(), ok, "{s:?}");
        }
    }

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        assert_eq!(Category::parse("X"), None);
    }

    #[test]
    fn a_topic_code_reads_and_prints_as_given() {
        let c = TopicCode::parse("S10").unwrap();
        assert_eq!(c.as_str(), "S10");
        assert_eq!(c.to_string(), "S10");
    }
}

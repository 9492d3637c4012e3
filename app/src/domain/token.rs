//! Invitation tokens as they arrive from the outside world.

/// The shape of an invitation token: 43 characters of URL-safe base64 (32 random bytes). Checking
/// the shape first keeps junk out of the database lookups and the logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub const LEN: usize = 43;

    pub fn parse(s: &str) -> Option<Token> {
        let ok = s.len() == Self::LEN
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Token(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Tokens are secrets: never print one by accident.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape() {
        let good = "a".repeat(43);
        assert!(Token::parse(&good).is_some());
        assert!(Token::parse(&"A-_9".repeat(11)[..43]).is_some());
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &format!("{}/", "a".repeat(42)),
        ] {
            assert!(Token::parse(bad).is_none(), "{bad:?}");
        }
        assert_eq!(format!("{:?}", Token::parse(&good).unwrap()), "Token(..)");
    }

    #[test]
    fn a_parsed_token_is_the_text_it_was_given() {
        let s = "a".repeat(Token::LEN);
        assert_eq!(Token::parse(&s).unwrap().as_str(), s);
    }
}

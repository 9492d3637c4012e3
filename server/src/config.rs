//! Configuration from the environment.

/// Settings read from environment variables; every one has a default that works on a laptop.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: where the data lives. Default `sqlite://data/materiality.db`, created on first run.
    pub database_url: String,
    /// `PUBLIC_URL`: the address respondents reach the site at, used to print survey links.
    /// Default `http://127.0.0.1:3000`.
    pub public_url: String,
}

impl Config {
    pub fn from_env() -> Config {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        Config {
            database_url: var("DATABASE_URL", "sqlite://data/materiality.db"),
            public_url: var("PUBLIC_URL", "http://127.0.0.1:3000")
                .trim_end_matches('/')
                .to_string(),
        }
    }

    /// The survey link of a token.
    pub fn survey_link(&self, token: &str) -> String {
        format!("{}/s/{token}", self.public_url)
    }
}

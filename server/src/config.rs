//! Configuration from the environment.

/// Settings read from environment variables; every one has a default that works on a laptop.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: where the data lives. Default `sqlite://data/materiality.db`, created on first run.
    pub database_url: String,
    /// `PUBLIC_URL`: the address respondents reach the site at, used to print survey links.
    /// Default `http://127.0.0.1:3000`.
    pub public_url: String,
    /// `OPEN_LINK_PER_MINUTE`: answers one open link takes per minute, from everyone together
    /// (a burst of this many, then one every 60 / n seconds). Default 120.
    pub open_link_per_minute: u32,
    /// `OPEN_LINK_PER_ADDRESS_HOUR`: answers one open link takes per hour from one network address
    /// (an office behind one NAT shares it). Default 300.
    pub open_link_per_address_hour: u32,
    /// `SMTP_URL` and `MAIL_FROM`: where and as whom e-mail goes out; both or neither (see [`Mail`]).
    pub mail: Option<Mail>,
    /// `MAIL_PER_MINUTE`: messages sent per minute at most. Default 60.
    pub mail_per_minute: u32,
    /// `MAIL_RETRY_SECONDS`: the wait after a temporary failure, doubled at each further one (at
    /// most an hour). Default 30.
    pub mail_retry_seconds: u32,
    /// `RECIPIENT_RETENTION_DAYS`: recipients' addresses are erased this many days after their
    /// cycle's closing date (and at its confirmation in any case). Default 30.
    pub recipient_retention_days: u32,
}

/// The mail server and the sender's address.
#[derive(Clone, Debug)]
pub struct Mail {
    /// `smtp://host:port` (plain, for a relay on the same machine), `smtp://…?tls=required`
    /// (STARTTLS) or `smtps://…` (TLS from the start); `user:password@` before the host to log in.
    pub smtp_url: String,
    /// `Name <address>` or an address.
    pub from: String,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            database_url: "sqlite://data/materiality.db".into(),
            public_url: "http://127.0.0.1:3000".into(),
            open_link_per_minute: 120,
            open_link_per_address_hour: 300,
            mail: None,
            mail_per_minute: 60,
            mail_retry_seconds: 30,
            recipient_retention_days: 30,
        }
    }
}

impl Config {
    pub fn from_env() -> Config {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_string())
        };
        let defaults = Config::default();
        let count = |name: &str, default: u32| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok())
                .filter(|&n| n > 0)
                .unwrap_or(default)
        };
        Config {
            database_url: var("DATABASE_URL", &defaults.database_url),
            public_url: var("PUBLIC_URL", &defaults.public_url)
                .trim_end_matches('/')
                .to_string(),
            open_link_per_minute: count("OPEN_LINK_PER_MINUTE", defaults.open_link_per_minute),
            open_link_per_address_hour: count(
                "OPEN_LINK_PER_ADDRESS_HOUR",
                defaults.open_link_per_address_hour,
            ),
            mail: match (var("SMTP_URL", ""), var("MAIL_FROM", "")) {
                (url, from) if !url.is_empty() && !from.is_empty() => Some(Mail {
                    smtp_url: url,
                    from,
                }),
                _ => None,
            },
            mail_per_minute: count("MAIL_PER_MINUTE", defaults.mail_per_minute),
            mail_retry_seconds: count("MAIL_RETRY_SECONDS", defaults.mail_retry_seconds),
            recipient_retention_days: count(
                "RECIPIENT_RETENTION_DAYS",
                defaults.recipient_retention_days,
            ),
        }
    }

    /// The survey link of a token.
    pub fn survey_link(&self, token: &str) -> String {
        format!("{}/s/{token}", self.public_url)
    }
}

//! Subcommands of the `materiality` binary. Every one honours `DATABASE_URL`.

use crate::config::Config;
use app::store;
use app::store::audit::Actor;
use app::store::write::{StoreError, Stored};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "materiality",
    version,
    about = "Materiality assessment platform: web server and admin commands"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application (the default). Address from LEPTOS_SITE_ADDR, default 127.0.0.1:3000.
    Serve,
    /// Create the database if needed and apply every migration, then exit.
    Migrate,
    /// Create a user; the password (at least 10 characters) is read from standard input.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "reviewer", "assessor"])]
        role: String,
    },
    /// Print a new personal API token for scripts (Authorization: Bearer). It is shown only this once.
    ApiToken {
        #[arg(long)]
        email: String,
    },
    /// Load the demo library (17 topics, 8 stakeholder groups) and an open 2022-style cycle with
    /// invitations for every group. Prints the id of the demo cycle; links and the demo reviewer go to
    /// standard error. Running it again adds nothing but fresh links.
    SeedDemo,
    /// Create N single-use survey links for one stakeholder group of a cycle; prints one link per line.
    Invite {
        #[arg(long)]
        cycle: i64,
        /// Stakeholder group code, e.g. EMP or CUS.
        #[arg(long)]
        group: String,
        #[arg(long, default_value_t = 1)]
        count: u32,
    },
    /// Move a cycle to open or closed, by the admin page's rules (draft -> open -> closed, and a
    /// closed cycle may open again; it opens only with topics and groups). On the audit log.
    CycleStatus {
        #[arg(long)]
        cycle: i64,
        #[arg(long, value_parser = ["open", "closed"])]
        to: String,
    },
    /// Copy a cycle for the next year as a new draft (its settings, its topics exactly as asked, its
    /// groups), as the admin page's "copy" does. Prints the new cycle's id. On the audit log.
    CopyCycle {
        #[arg(long)]
        from: i64,
    },
    /// Rebuild a cycle's histograms from its raw score rows and report every cell that differed
    /// (there must never be one). Exits with status 2 when something differed.
    Recompute {
        #[arg(long)]
        cycle: i64,
    },
    /// Check the audit log's hash chain from the first entry to the last. Prints how many entries
    /// hold; exits with status 1 and names the first broken entry when the chain is broken.
    AuditVerify,
    /// Benchmark: fill a fresh database (in --dir, never DATABASE_URL) with generated responses, serve
    /// it, and print read times, recompute time, submission throughput, page weight and memory.
    Bench {
        #[arg(long, default_value_t = 1_000_000)]
        responses: u32,
        #[arg(long, default_value_t = 16)]
        clients: usize,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Where the benchmark's database goes (replaced on every run).
        #[arg(long, default_value = "target/bench")]
        dir: std::path::PathBuf,
    },
}

/// Demo accounts created by `seed-demo` when they do not exist yet: (email, password, role).
pub const DEMO_USERS: [(&str, &str, store::auth::Role); 2] = [
    (
        "reviewer@example.com",
        "materiality-demo",
        store::auth::Role::Reviewer,
    ),
    (
        "admin@example.com",
        "materiality-admin",
        store::auth::Role::Admin,
    ),
];

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type AnyError = Box<dyn std::error::Error>;

/// A store call's refusal in plain English, for the terminal ("group: not a known code").
fn stored<T>(r: Stored<T>) -> Result<T, String> {
    r.map_err(|e| match e {
        StoreError::NotFound => "there is no such thing".to_string(),
        StoreError::Refused(problems) => problems
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    p.field,
                    app::i18n::Lang::En.t().problem(p.problem)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        StoreError::Db(e) => e.to_string(),
    })
}

async fn run(command: Command) -> Result<(), AnyError> {
    if let Command::Bench {
        responses,
        clients,
        seconds,
        dir,
    } = command
    {
        let options = crate::bench::Options {
            responses,
            clients,
            seconds,
            dir,
        };
        return crate::bench::run(options).await;
    }
    let config = Config::from_env();
    let db = store::connect(&config.database_url)
        .await
        .map_err(|e| format!("opening {}: {e}", config.database_url))?;
    let cli = Actor::command_line();
    match command {
        Command::Serve => crate::serve::serve(config, db).await,
        Command::Migrate => {
            eprintln!("database {} is up to date", config.database_url);
            Ok(())
        }
        Command::CreateUser { email, role } => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let role = store::auth::Role::parse(&role)
                .ok_or("role must be admin, reviewer or assessor")?;
            let user = store::auth::create_user(&db, &cli, &email, password, role).await?;
            eprintln!("created {} ({})", user.email, role.as_str());
            Ok(())
        }
        Command::ApiToken { email } => {
            let token = store::auth::create_api_token(&db, &cli, &email).await?;
            println!("{token}");
            Ok(())
        }
        Command::AuditVerify => match store::audit::verify(&db).await? {
            Ok(n) => {
                println!("audit log intact: {n} entries");
                Ok(())
            }
            Err(broken) => {
                let why = match broken.reason.as_str() {
                    "link" => "it does not follow the entry before it (an entry was removed or inserted)",
                    "anchor" => "a confirmation was made when it was the last entry, and it or the entry after it is gone (the log was cut back)",
                    _ => "its contents do not match its hash (it was changed)",
                };
                println!("audit log broken at entry {}: {why}", broken.id);
                std::process::exit(1);
            }
        },
        Command::SeedDemo => {
            let id = store::demo::seed(&db, &cli).await?;
            for (email, password, role) in DEMO_USERS {
                match store::auth::create_user(&db, &cli, email, password, role).await {
                    Ok(_) | Err(store::auth::UserError::Exists) => {}
                    Err(e) => return Err(e.into()),
                }
                eprintln!("{} {email} / password {password}", role.as_str());
            }
            eprintln!("demo cycle {id}");
            let groups = store::cycles::cycle_detail(&db, id)
                .await?
                .map(|c| c.groups)
                .unwrap_or_default();
            for group in groups {
                for token in stored(store::links::invite(&db, &cli, id, &group, 3).await)? {
                    eprintln!("{group:<5} {}", config.survey_link(&token));
                }
            }
            println!("{id}");
            Ok(())
        }
        Command::Recompute { cycle } => {
            let Some(c) = store::cycles::cycle(&db, cycle).await? else {
                return Err(format!("there is no cycle {cycle}").into());
            };
            let confirmed = c.summary.status == app::domain::CycleStatus::Confirmed;
            let differences = stored(store::results::recompute(&db, &cli, cycle).await)?;
            let cells = store::results::stored(&db, cycle).await?.len();
            if differences.is_empty() {
                println!("cycle {cycle}: the histograms equal the raw scores ({cells} cells)");
                return Ok(());
            }
            for ((topic, axis, group, value), old, new) in &differences {
                println!("{topic} {axis} {group} value {value}: stored {old}, counted {new}");
            }
            if confirmed {
                println!(
                    "cycle {cycle}: {} cells differ; the cycle is confirmed, so nothing was rewritten",
                    differences.len()
                );
            } else {
                println!(
                    "cycle {cycle}: {} cells differed and have been rebuilt from the raw scores",
                    differences.len()
                );
            }
            std::process::exit(2);
        }
        Command::CycleStatus { cycle, to } => {
            let to = app::domain::CycleStatus::parse(&to).ok_or("--to must be open or closed")?;
            let Some(before) = store::cycles::cycle(&db, cycle).await? else {
                return Err(format!("there is no cycle {cycle}").into());
            };
            let before = before.summary.status;
            stored(store::cycles::set_status(&db, &cli, cycle, to).await).map_err(|e| {
                format!(
                    "cycle {cycle} cannot move from {} to {}: {e}",
                    before.as_str(),
                    to.as_str()
                )
            })?;
            eprintln!("cycle {cycle}: {} -> {}", before.as_str(), to.as_str());
            Ok(())
        }
        Command::CopyCycle { from } => {
            let id = stored(store::cycles::copy_cycle(&db, &cli, from).await)
                .map_err(|e| format!("cycle {from}: {e}"))?;
            println!("{id}");
            Ok(())
        }
        Command::Bench { .. } => unreachable!("handled before the database is opened"),
        Command::Invite {
            cycle,
            group,
            count,
        } => {
            let tokens = stored(store::links::invite(&db, &cli, cycle, &group, count).await)
                .map_err(|e| format!("cycle {cycle} group {group}: {e}"))?;
            for token in tokens {
                println!("{}", config.survey_link(&token));
            }
            Ok(())
        }
    }
}

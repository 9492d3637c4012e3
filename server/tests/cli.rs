//! The command line, run as a user runs it: the real binary against a fresh database file.

use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Db(std::path::PathBuf);

impl Db {
    fn new(name: &str) -> Db {
        let dir =
            std::env::temp_dir().join(format!("materiality-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Db(dir)
    }

    fn url(&self) -> String {
        format!("sqlite://{}/nested/test.db", self.0.display())
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_materiality"))
            .args(args)
            .env("DATABASE_URL", self.url())
            .env("PUBLIC_URL", "https://survey.example.com/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn every_subcommand_has_help() {
    let db = Db::new("help");
    for sub in [
        "serve",
        "migrate",
        "create-user",
        "api-token",
        "seed-demo",
        "invite",
        "recompute",
        "audit-verify",
    ] {
        let out = stdout(&db.run(&[sub, "--help"], ""));
        assert!(out.contains("Usage: materiality"), "{sub}: {out}");
    }
}

#[test]
fn demo_invitations_users_and_tokens() {
    let db = Db::new("flow");
    stdout(&db.run(&["migrate"], ""));
    let cycle = stdout(&db.run(&["seed-demo"], "")).trim().to_string();
    assert!(cycle.parse::<i64>().is_ok(), "{cycle:?}");
    // Seeding again finds the same cycle.
    assert_eq!(stdout(&db.run(&["seed-demo"], "")).trim(), cycle);

    let links = stdout(&db.run(
        &[
            "invite", "--cycle", &cycle, "--group", "EMP", "--count", "3",
        ],
        "",
    ));
    let links: Vec<&str> = links.lines().collect();
    assert_eq!(links.len(), 3);
    for l in &links {
        let token = l.strip_prefix("https://survey.example.com/s/").expect(l);
        assert!(app::domain::Token::parse(token).is_some(), "{l}");
    }

    let bad_group = db.run(
        &[
            "invite", "--cycle", &cycle, "--group", "NOPE", "--count", "1",
        ],
        "",
    );
    assert!(!bad_group.status.success());
    assert!(String::from_utf8_lossy(&bad_group.stderr).contains("NOPE"));

    // The histograms equal the raw scores; an unknown cycle is an error.
    let out = stdout(&db.run(&["recompute", "--cycle", &cycle], ""));
    assert!(out.contains("the histograms equal the raw scores"), "{out}");
    assert!(!db
        .run(&["recompute", "--cycle", "999"], "")
        .status
        .success());

    // A new user; the same email again; a password that is too short.
    for (email, password, ok) in [
        ("esg@example.com", "a long password\n", true),
        ("esg@example.com", "a long password\n", false),
        ("x@example.com", "short\n", false),
    ] {
        let out = db.run(
            &["create-user", "--email", email, "--role", "admin"],
            password,
        );
        assert_eq!(out.status.success(), ok, "{email} {password:?}");
    }

    let token = stdout(&db.run(&["api-token", "--email", "esg@example.com"], ""))
        .trim()
        .to_string();
    assert_eq!(token.len(), 43);
    assert!(!db
        .run(&["api-token", "--email", "nobody@example.com"], "")
        .status
        .success());
}

#[test]
fn audit_verify_passes_on_the_record_and_fails_on_a_changed_entry() {
    let db = Db::new("audit");
    let cycle = stdout(&db.run(&["seed-demo"], "")).trim().to_string();
    stdout(&db.run(
        &[
            "create-user",
            "--email",
            "auditor@example.com",
            "--role",
            "reviewer",
        ],
        "a long password",
    ));
    stdout(&db.run(
        &[
            "invite", "--cycle", &cycle, "--group", "EMP", "--count", "2",
        ],
        "",
    ));
    // seed-demo, create-user, invite: each on the record.
    let out = stdout(&db.run(&["audit-verify"], ""));
    assert_eq!(out.trim(), "audit log intact: 3 entries");

    // Change an entry behind the application's back (dropping the guard first).
    let url = db.url();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'someone else' WHERE id = 2")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let broken = db.run(&["audit-verify"], "");
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(text.contains("broken at entry 2"), "{text}");
}

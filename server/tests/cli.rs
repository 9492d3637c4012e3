//! The command line, run as a user runs it: the real binary against a fresh database file.

mod common;

use common::process::{Db, Server};
use std::io::Write;
use std::process::{Command, Output};

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
        "cycle-status",
        "copy-cycle",
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
    assert_eq!(bad_group.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_group.stderr).contains("NOPE"));

    // The histograms equal the raw scores; an unknown cycle is an error.
    let out = stdout(&db.run(&["recompute", "--cycle", &cycle], ""));
    assert!(out.contains("the histograms equal the raw scores"), "{out}");
    let unknown = db.run(&["recompute", "--cycle", "999"], "");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no cycle 999"));

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
        assert_eq!(
            out.status.code(),
            Some(if ok { 0 } else { 1 }),
            "{email} {password:?}"
        );
    }

    let token = stdout(&db.run(&["api-token", "--email", "esg@example.com"], ""))
        .trim()
        .to_string();
    assert_eq!(token.len(), 43);
    let nobody = db.run(&["api-token", "--email", "nobody@example.com"], "");
    assert_eq!(nobody.status.code(), Some(1));
    assert_eq!(
        db.sql("SELECT COUNT(*) || '' FROM api_tokens"),
        ["1"],
        "only the one token"
    );
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
    // seed-demo (the cycle, its two accounts, links for its 8 groups), create-user, invite: each
    // on the record.
    let out = stdout(&db.run(&["audit-verify"], ""));
    assert_eq!(out.trim(), "audit log intact: 13 entries");

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

impl Db {
    /// Runs SQL against the database file behind the binary's back; the rows as text.
    fn sql(&self, sql: &str) -> Vec<String> {
        let url = self.url();
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        })
    }
}

#[test]
fn recompute_reports_each_difference_and_exits_with_status_2() {
    let db = Db::new("recompute");
    let cycle = stdout(&db.run(&["seed-demo"], "")).trim().to_string();
    // One stored answer, then one histogram cell changed behind the application's back.
    db.sql(&format!(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         SELECT cycle_id, group_id, id, 'r1', 'en', 0 FROM invitations WHERE cycle_id = {cycle}
         LIMIT 1 RETURNING receipt"
    ));
    db.sql(
        "INSERT INTO scores (response_id, topic_code, business, stakeholder)
         SELECT id, 'E1', 4, 2 FROM responses WHERE receipt = 'r1' RETURNING topic_code",
    );
    let out = db.run(&["recompute", "--cycle", &cycle], "");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("E1 business ") && lines[0].ends_with(" value 4: stored 0, counted 1"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("E1 stakeholder ")
            && lines[1].ends_with(" value 2: stored 0, counted 1"),
        "{text}"
    );
    assert!(
        text.contains("2 cells differed and have been rebuilt"),
        "{text}"
    );
    // Rebuilt: the second run finds nothing.
    let again = stdout(&db.run(&["recompute", "--cycle", &cycle], ""));
    assert!(
        again.contains("the histograms equal the raw scores"),
        "{again}"
    );
}

#[test]
fn cycle_status_and_copy_cycle_follow_the_admin_rules() {
    let db = Db::new("status");
    let cycle = stdout(&db.run(&["seed-demo"], "")).trim().to_string();
    let copy = stdout(&db.run(&["copy-cycle", "--from", &cycle], ""))
        .trim()
        .to_string();
    assert_ne!(copy, cycle);
    let status = |id: &str| db.sql(&format!("SELECT status FROM cycles WHERE id = {id}"));
    assert_eq!(status(&copy), ["draft"]);
    // A draft cannot close; it opens; it closes; it opens again.
    let refused = db.run(&["cycle-status", "--cycle", &copy, "--to", "closed"], "");
    assert_eq!(refused.status.code(), Some(1));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("cannot move from draft to closed"), "{why}");
    assert_eq!(status(&copy), ["draft"]);
    for to in ["open", "closed", "open"] {
        stdout(&db.run(&["cycle-status", "--cycle", &copy, "--to", to], ""));
        assert_eq!(status(&copy), [to]);
    }
    let draft = db.run(&["cycle-status", "--cycle", &copy, "--to", "draft"], "");
    assert_eq!(
        draft.status.code(),
        Some(2),
        "clap refuses a status it does not offer"
    );
    let none = db.run(&["copy-cycle", "--from", "999"], "");
    assert_eq!(none.status.code(), Some(1));
}

#[test]
fn every_changing_subcommand_is_on_the_record_as_the_command_line() {
    let db = Db::new("actors");
    let cycle = stdout(&db.run(&["seed-demo"], "")).trim().to_string();
    stdout(&db.run(
        &[
            "create-user",
            "--email",
            "ops@example.com",
            "--role",
            "admin",
        ],
        "a long password",
    ));
    stdout(&db.run(&["api-token", "--email", "ops@example.com"], ""));
    stdout(&db.run(&["invite", "--cycle", &cycle, "--group", "EMP"], ""));
    stdout(&db.run(&["recompute", "--cycle", &cycle], ""));
    let copy = stdout(&db.run(&["copy-cycle", "--from", &cycle], ""))
        .trim()
        .to_string();
    stdout(&db.run(&["cycle-status", "--cycle", &copy, "--to", "open"], ""));
    // Reading commands leave no entry.
    stdout(&db.run(&["audit-verify"], ""));
    stdout(&db.run(&["migrate"], ""));
    let entries = db.sql("SELECT actor || ' ' || action FROM audit_log ORDER BY id");
    assert_eq!(
        entries,
        [
            // seed-demo: the cycle, its two accounts and the links of its 8 groups.
            "command line demo.seed",
            "command line user.create",
            "command line user.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line links.create",
            "command line user.create",
            "command line api_token.create",
            "command line links.create",
            "command line cycle.recompute",
            "command line cycle.copy",
            "command line cycle.status",
        ]
    );
}

#[test]
fn a_slow_client_is_cut_off_and_connections_past_the_limit_wait() {
    use std::io::Read;
    let db = Db::new("slow");
    stdout(&db.run(&["migrate"], ""));
    let server = Server::start(
        &db,
        &[("HEADER_TIMEOUT_SECS", "1"), ("MAX_CONNECTIONS", "2")],
    );
    // Two clients that send half a request head and then nothing hold both connections...
    let slow: Vec<std::net::TcpStream> = (0..2)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc").unwrap();
            s
        })
        .collect();
    let started = std::time::Instant::now();
    // ...so a third is not served until the head timeout has closed one of them,
    let answer = server.get("/healthz").unwrap();
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    assert!(
        waited >= std::time::Duration::from_millis(700),
        "{waited:?}"
    );
    assert!(waited < std::time::Duration::from_secs(5), "{waited:?}");
    // ...and each slow one finds its connection closed by the server.
    for mut s in slow {
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut rest = Vec::new();
        let read = s.read_to_end(&mut rest);
        assert!(
            read.is_ok(),
            "closed by the server, not left open: {read:?}"
        );
    }
}

#[test]
fn serve_shuts_down_gracefully_on_sigterm() {
    use std::io::Read;
    let db = Db::new("sigterm");
    stdout(&db.run(&["migrate"], ""));
    let mut server = Server::start(&db, &[]);
    let started = std::time::Instant::now();
    let health = server.get("/healthz").unwrap();
    assert!(
        health.starts_with("HTTP/1.0 200")
            && health.ends_with(r#"{"database":"ok","writer":"ok"}"#),
        "{health}"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed().as_secs() < 30,
            "still running after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(status.success(), "{status:?}: {log}");
    assert!(log.contains("shutting down"), "{log}");
}

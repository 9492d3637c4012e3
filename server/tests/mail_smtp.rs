//! E-mail through a real SMTP server: the `materiality serve` binary sends to an aiosmtpd process
//! (tests/smtp_sink.py) that keeps every message it accepts, refuses some addresses for good and
//! some for a while, and can be slow, so that the sender can be killed in the middle of a send.

mod common;

use app::store::{self, mail};
use common::cli;
use common::process::{Db, Server};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The SMTP server process and the folder it keeps messages in.
struct Sink {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl Sink {
    fn start(name: &str, delay: f64) -> Sink {
        let folder =
            std::env::temp_dir().join(format!("materiality-smtp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        let mut child = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .arg("--folder")
            .arg(&folder)
            .arg("--delay")
            .arg(delay.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the test SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .strip_prefix("ready ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP server did not start (is aiosmtpd installed? ./install.sh installs it): {line:?}"));
        Sink {
            child,
            port,
            folder,
        }
    }

    /// Every message accepted so far, in the order accepted.
    fn messages(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.folder)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "json"));
        names.sort_by_key(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            let (ns, n) = stem.split_once('-').unwrap();
            (ns.parse::<u128>().unwrap(), n.parse::<u64>().unwrap())
        });
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until at least `n` messages arrived.
    fn wait_for(&self, n: usize, seconds: u64) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            assert!(
                started.elapsed().as_secs() < seconds,
                "{} of {n} messages arrived",
                m.len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

fn serve(db: &Db, sink: &Sink, extra: &[(&str, &str)]) -> Server {
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let mut env = vec![
        ("SMTP_URL", url.as_str()),
        ("MAIL_FROM", "Sustainability team <survey@acme.example>"),
        ("PUBLIC_URL", "http://survey.test"),
        ("MAIL_PER_MINUTE", "6000"),
        ("MAIL_RETRY_SECONDS", "1"),
    ];
    env.extend_from_slice(extra);
    Server::start(db, &env)
}

/// The demo cycle with these recipients (employees), the organisation named, invitations queued.
async fn cycle_with(db: &Db, list: &str) -> (store::Db, i64) {
    let pool = store::connect(&db.url()).await.unwrap();
    let cycle = store::demo::seed(&pool, &cli()).await.unwrap();
    mail::add_recipients(&pool, &cli(), cycle, list, Some("EMP"))
        .await
        .unwrap()
        .unwrap();
    let settings = mail::MailSettings {
        organisation: app::domain::Bilingual {
            zh: "艾克美".into(),
            en: "ACME".into(),
        },
        ..Default::default()
    };
    mail::save_settings(&pool, &cli(), cycle, &settings)
        .await
        .unwrap();
    mail::send_invitations(&pool, &cli(), cycle).await.unwrap();
    (pool, cycle)
}

fn to(m: &Value) -> String {
    m["to"][0].as_str().unwrap().to_string()
}

/// The survey path (`/s/…`) of the link in a message's text.
fn link_path(m: &Value) -> String {
    let text = m["text"].as_str().unwrap();
    let at = text.find("http://survey.test/s/").expect("a survey link");
    let link: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link.trim_start_matches("http://survey.test").to_string()
}

fn is_open_survey(server: &Server, path: &str) -> bool {
    let page = server.get(path).unwrap();
    page.lines().next().is_some_and(|l| l.contains(" 200 ")) && page.contains("name=\"b.")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_arrive_in_each_language_with_a_working_link_and_reminders_replace_it() {
    let db = Db::new("mail-lang");
    let (pool, cycle) = cycle_with(&db, "ann@example.com,en,Ann\nbo@example.com,zh,薄\n").await;
    let sink = Sink::start("lang", 0.0);
    let server = serve(&db, &sink, &[]);
    let first = sink.wait_for(2, 30);
    let ann = first.iter().find(|m| to(m) == "ann@example.com").unwrap();
    let bo = first.iter().find(|m| to(m) == "bo@example.com").unwrap();
    assert_eq!(
        ann["subject"],
        "ACME: your view on our sustainability priorities"
    );
    assert!(ann["text"].as_str().unwrap().starts_with("Dear Ann,"));
    assert_eq!(bo["subject"], "艾克美：诚邀您参与实质性议题调查");
    assert!(bo["text"].as_str().unwrap().starts_with("尊敬的薄："));
    assert!(ann["headers"]["From"]
        .as_str()
        .unwrap()
        .contains("survey@acme.example"));
    // Plain text and HTML, the same link in both, and the opt-out in the header and the text.
    let path = link_path(ann);
    assert!(ann["html"]
        .as_str()
        .unwrap()
        .contains(&format!("<a href=\"http://survey.test{path}\">")));
    let unsubscribe = ann["headers"]["List-Unsubscribe"].as_str().unwrap();
    assert!(
        unsubscribe.starts_with("<http://survey.test/opt-out/")
            && !unsubscribe.contains(&path[3..]),
        "{unsubscribe}"
    );
    let opt_out_path = unsubscribe
        .trim_matches(['<', '>'])
        .trim_start_matches("http://survey.test")
        .to_string();
    assert_eq!(
        ann["headers"]["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    assert!(ann["text"]
        .as_str()
        .unwrap()
        .contains(&format!("http://survey.test{opt_out_path}")));
    assert!(is_open_survey(&server, &path), "the link opens the survey");
    let opt_out = server.get(&opt_out_path).unwrap();
    assert!(opt_out.contains(" 200 OK") && opt_out.contains("method=\"post\""));

    // A reminder: a new link for each, the old one withdrawn.
    assert_eq!(mail::send_reminders(&pool, &cli(), cycle).await.unwrap(), 2);
    let all = sink.wait_for(4, 30);
    let again = all[2..]
        .iter()
        .find(|m| to(m) == "ann@example.com")
        .unwrap();
    assert_eq!(
        again["subject"],
        "Reminder: ACME's sustainability questionnaire"
    );
    let new_path = link_path(again);
    assert_ne!(new_path, path);
    assert!(is_open_survey(&server, &new_path));
    assert!(!is_open_survey(&server, &path), "the old link is withdrawn");
    let (groups, queue, _) = mail::progress(&pool, cycle).await.unwrap();
    let emp = groups.iter().find(|g| g.code == "EMP").unwrap();
    assert_eq!((emp.recipients, emp.emailed, emp.opened), (2, 2, 1));
    assert_eq!((queue.waiting, queue.sent, queue.failed), (0, 4, 0));
}

/// Waits until the cycle's queue has nothing waiting.
async fn drained(pool: &store::Db, cycle: i64, seconds: u64) -> mail::Queue {
    let started = Instant::now();
    loop {
        let (_, queue, _) = mail::progress(pool, cycle).await.unwrap();
        if queue.waiting == 0 {
            return queue;
        }
        assert!(
            started.elapsed().as_secs() < seconds,
            "still waiting: {queue:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_temporary_failure_is_retried_and_a_permanent_one_is_shown_with_the_reply() {
    let db = Db::new("mail-fail");
    let (pool, cycle) = cycle_with(
        &db,
        "tempfail@example.com,en\nreject@example.com,en\nok@example.com,zh\npolicy@example.com,en\n",
    )
    .await;
    let sink = Sink::start("fail", 0.0);
    let _server = serve(&db, &sink, &[]);
    let started = Instant::now();
    let queue = loop {
        let (_, queue, _) = mail::progress(&pool, cycle).await.unwrap();
        if queue.sent == 2 && queue.failed == 1 {
            break queue;
        }
        assert!(started.elapsed().as_secs() < 60, "{queue:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // A refusal that is the mail server's set-up, not the address's (530): tried again, nobody bounced.
    assert_eq!(queue.waiting, 1);
    let policy: (bool, i64) = sqlx::query_as(
        "SELECT r.bounced, o.attempts FROM outbox o JOIN recipients r ON r.id = o.recipient_id
         WHERE r.email = 'policy@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!policy.0 && policy.1 >= 1, "{policy:?}");
    let mut delivered: Vec<String> = sink.messages().iter().map(to).collect();
    delivered.sort();
    assert_eq!(delivered, ["ok@example.com", "tempfail@example.com"]);
    let attempts: i64 = sqlx::query_scalar(
        "SELECT o.attempts FROM outbox o JOIN recipients r ON r.id = o.recipient_id
         WHERE r.email = 'tempfail@example.com'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, 3, "refused twice, then accepted");
    let (groups, _, failures) = mail::progress(&pool, cycle).await.unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].to.as_deref(), Some("reject@example.com"));
    assert!(
        failures[0].reply.contains("550") && failures[0].reply.contains("no such mailbox"),
        "{:?}",
        failures[0].reply
    );
    let emp = groups.iter().find(|g| g.code == "EMP").unwrap();
    assert_eq!((emp.emailed, emp.bounced), (2, 1));
    assert!(!sink
        .messages()
        .iter()
        .any(|m| to(m) == "policy@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_send_loses_no_message_and_repeats_at_most_one() {
    let db = Db::new("mail-crash");
    let list: String = (0..12).map(|i| format!("p{i}@example.com,en\n")).collect();
    let (pool, cycle) = cycle_with(&db, &list).await;
    // Each message takes the mail server 0.3 s to accept: the kill lands in the middle of one.
    let sink = Sink::start("crash", 0.3);
    let mut server = serve(&db, &sink, &[]);
    sink.wait_for(4, 30);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let before = sink.messages().len();
    assert!(before < 12, "the kill came too late to test anything");
    let _server = serve(&db, &sink, &[]);
    let queue = drained(&pool, cycle, 60).await;
    assert_eq!((queue.sent, queue.failed), (12, 0));
    let messages = sink.messages();
    let mut per_address = std::collections::BTreeMap::<String, Vec<&Value>>::new();
    for m in &messages {
        per_address.entry(to(m)).or_default().push(m);
    }
    assert_eq!(per_address.len(), 12, "every recipient got a message");
    let repeated: Vec<&String> = per_address
        .iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(a, _)| a)
        .collect();
    assert!(
        repeated.len() <= 1 && messages.len() <= 13,
        "repeated: {repeated:?} ({} messages)",
        messages.len()
    );
    // The last message each recipient got carries the link that works.
    let server = _server;
    for (address, m) in &per_address {
        let path = link_path(m.last().unwrap());
        assert!(is_open_survey(&server, &path), "{address}'s link");
    }
}

//! `materiality bench`: fills a fresh database with generated responses, starts the real server on it
//! and measures what DESIGN.md's budgets name, printing every figure. It never touches `DATABASE_URL`.

use app::store::audit::Actor;
use app::store::{self, auth::Role, Db};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type AnyError = Box<dyn std::error::Error>;

pub struct Options {
    pub responses: u32,
    pub clients: usize,
    pub seconds: u64,
    pub dir: PathBuf,
}

/// Fresh single-use links made for the submission run; more than the budget could use in the time.
const SUBMISSION_LINKS: u32 = 200_000;

pub async fn run(o: Options) -> Result<(), AnyError> {
    std::fs::create_dir_all(&o.dir)?;
    let path = o.dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite://{}", path.display());
    let db = store::connect(&url).await?;
    let cycle = store::demo::seed(&db, &Actor::command_line()).await?;
    println!("machine: {}", machine());
    println!("database: {url}");

    let t = Instant::now();
    fill(&db, cycle, o.responses).await?;
    let filled = t.elapsed();
    let t = Instant::now();
    store::results::recompute(&db, &Actor::command_line(), cycle).await?;
    let responses = store::cycles::response_count(&db, cycle).await?;
    println!(
        "filled: {responses} responses ({} score rows) in {:.1} s, histograms built in {:.1} s, database {} MB",
        responses * 17,
        filled.as_secs_f64(),
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&path).map(|m| m.len() / 1_000_000).unwrap_or(0)
    );

    store::auth::create_user(
        &db,
        &Actor::command_line(),
        "bench@example.com",
        "bench password",
        Role::Reviewer,
    )
    .await?;
    let api =
        store::auth::create_api_token(&db, &Actor::command_line(), "bench@example.com").await?;
    let mut links = Vec::new();
    let groups = store::cycles::cycle_detail(&db, cycle)
        .await?
        .map(|c| c.groups)
        .unwrap_or_default();
    let per_group = SUBMISSION_LINKS / groups.len() as u32;
    for g in &groups {
        let mut left = per_group;
        while left > 0 {
            let n = left.min(10_000);
            links.extend(store::links::invite(&db, &Actor::command_line(), cycle, g, n).await?);
            left -= n;
        }
    }
    // Interleave the groups, as real submissions would arrive.
    links.sort();
    let survey_token = links.pop().ok_or("no links")?;
    let codes: Vec<String> = store::cycles::cycle_topics(&db, cycle)
        .await?
        .into_iter()
        .map(|t| t.code)
        .collect();

    let addr = free_addr()?;
    let mut server = tokio::process::Command::new(std::env::current_exe()?)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("LEPTOS_SITE_ADDR", &addr)
        .env("RUST_LOG", "warn")
        // The sign-in flood comes from 300 addresses, as it would through a proxy.
        .env("TRUSTED_PROXIES", "127.0.0.1")
        .kill_on_drop(true)
        .spawn()?;
    let pid = server.id().ok_or("the server did not start")?;
    wait_until_up(&addr).await?;
    let bearer = format!("Bearer {api}");
    let memory = |pid: u32| {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = move |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l[name.len()..].trim().to_string())
                .unwrap_or_else(|| "unknown".into())
        };
        (field("VmHWM:"), field("VmRSS:"))
    };

    // First, while the server's peak memory says only this: a sign-in flood.
    println!(
        "
sign-in flood: {FLOOD} concurrent wrong passwords, each for its own account from its own address:"
    );
    println!("  before: peak resident {}", memory(pid).0);
    sign_in_flood(&addr).await?;
    println!(
        "  after: peak resident {} (budget 50 MB plus one argon2 buffer of 19 MiB per core)",
        memory(pid).0
    );

    // Then junk where answers go: what once took the server to 5 GB.
    let junk_token = links.pop().ok_or("no links")?;
    println!(
        "\njunk flood: {JUNK} concurrent survey form posts, half to a real link and half to an unknown one:"
    );
    junk_flood(&addr, &junk_token).await?;
    println!("  after: peak resident {}", memory(pid).0);

    let results_path = format!("/api/v1/cycles/{cycle}/results.json");
    let svg_path = format!("/api/v1/cycles/{cycle}/matrix.svg");
    println!("\nreads at {responses} responses (median and slowest of 50, over HTTP, after 5 to warm up):");
    timed_gets(&addr, &results_path, &bearer).await?;
    timed_gets(&addr, &svg_path, &bearer).await?;
    render_only(&db, cycle).await?;
    double_materiality_reads(&db, &addr, &bearer).await?;

    // The recompute counts on a read snapshot: answers keep arriving meanwhile, and none may fail.
    let during = links.split_off(links.len().saturating_sub(DURING_RECOMPUTE));
    let t = Instant::now();
    let recount = {
        let db = db.clone();
        tokio::spawn(
            async move { store::results::recompute(&db, &Actor::command_line(), cycle).await },
        )
    };
    println!("\nduring the full recompute, {RECOMPUTE_CLIENTS} clients submit for 8 s:");
    submissions(&addr, during, &codes, RECOMPUTE_CLIENTS, 8).await?;
    let differences = recount.await??;
    println!(
        "full recompute from the raw scores: {:.1} s, {} cells differed",
        t.elapsed().as_secs_f64(),
        differences.len()
    );
    println!("reads after the recompute:");
    timed_gets(&addr, &results_path, &bearer).await?;
    timed_gets(&addr, &svg_path, &bearer).await?;

    println!(
        "\ndurable submissions (POST /api/v1/responses, synchronous = FULL), {} clients for {} s:",
        o.clients, o.seconds
    );
    let admin = tokio::spawn(admin_writes(db.clone(), cycle, o.seconds));
    submissions(&addr, links, &codes, o.clients, o.seconds).await?;
    let (done, failed) = admin.await??;
    println!(
        "  meanwhile an admin made links and changed the cycle's settings {done} times: {failed} failed"
    );
    let after = store::cycles::response_count(&db, cycle).await?;
    let counted: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(n), 0) FROM histograms WHERE cycle_id = ? AND axis = 'business'",
    )
    .bind(cycle)
    .fetch_one(&db)
    .await?;
    println!(
        "  stored: {} new responses; histogram total {} = 17 x {} responses: {}",
        after - responses,
        counted,
        after,
        if counted == 17 * after {
            "equal"
        } else {
            "DIFFERENT"
        }
    );

    println!("\nthe survey page (one questionnaire of 17 topics):");
    page_weight(&addr, &survey_token).await?;

    let (peak, now) = memory(pid);
    println!("\nserver memory: peak resident {peak} (VmHWM), resident now {now}");
    server.kill().await?;
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(String::new(), |kb| {
            format!(", {} GiB", (kb + (1 << 19)) >> 20)
        });
    format!("{cores} cores, {cpu}{mem}")
}

/// `n` generated responses, spread over the cycle's groups and two weeks, made by the database itself
/// (the histograms are then built by `recompute`, the same code as the subcommand).
async fn fill(db: &Db, cycle: i64, n: u32) -> Result<(), sqlx::Error> {
    let now = store::now();
    sqlx::query(
        "INSERT INTO invitations (cycle_id, group_id, token_hash, created_at, used_at)
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1)
         SELECT ?, g.group_id, 'bench-' || seq.i, ?, ?
         FROM seq JOIN (SELECT group_id, ROW_NUMBER() OVER (ORDER BY group_id) - 1 AS k,
                               COUNT(*) OVER () AS groups
                        FROM cycle_groups WHERE cycle_id = ?) g ON g.k = seq.i % g.groups",
    )
    .bind(n)
    .bind(cycle)
    .bind(now)
    .bind(now)
    .bind(cycle)
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO responses (cycle_id, group_id, invitation_id, receipt, lang, submitted_at)
         SELECT cycle_id, group_id, id, 'bench-' || id, CASE WHEN id % 3 = 0 THEN 'en' ELSE 'zh-CN' END,
                created_at - id % 1209600
         FROM invitations WHERE cycle_id = ? AND token_hash LIKE 'bench-%'",
    )
    .bind(cycle)
    .execute(db)
    .await?;
    // Each topic leans its own way (means between about 2 and 4), one answer in forty "don't know".
    sqlx::query(
        "INSERT INTO scores (response_id, topic_code, business, stakeholder)
         SELECT r.id, t.code,
                CASE WHEN abs(random()) % 40 = 0 THEN NULL
                     ELSE 1 + abs(random()) % 3 + (t.sort_order * 7 + r.group_id) % 3 END,
                CASE WHEN abs(random()) % 40 = 0 THEN NULL
                     ELSE 1 + abs(random()) % 3 + (t.sort_order * 5 + 1) % 3 END
         FROM responses r JOIN cycle_topics t ON t.cycle_id = r.cycle_id
         WHERE r.cycle_id = ? AND r.receipt LIKE 'bench-%'",
    )
    .bind(cycle)
    .execute(db)
    .await?;
    Ok(())
}

fn free_addr() -> std::io::Result<String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.to_string())
}

async fn wait_until_up(addr: &str) -> Result<(), AnyError> {
    for _ in 0..300 {
        if let Ok(mut c) = Conn::open(addr).await {
            if c.send("GET", "/healthz", &[], b"").await?.status == 200 {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the server did not answer /healthz within 30 s".into())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value below which `q` of the sorted durations lie.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

async fn timed_gets(addr: &str, path: &str, bearer: &str) -> Result<(), AnyError> {
    let mut c = Conn::open(addr).await?;
    let headers = [("Authorization", bearer)];
    let mut times = Vec::new();
    let mut size = 0;
    for i in 0..55 {
        let t = Instant::now();
        let r = c.send("GET", path, &headers, b"").await?;
        if r.status != 200 {
            return Err(format!("GET {path}: {}", r.status).into());
        }
        if i >= 5 {
            times.push(t.elapsed());
        }
        size = r.body.len();
    }
    times.sort();
    println!(
        "  GET {path}: median {:.2} ms, slowest {:.2} ms ({} KB)",
        ms(quantile(&times, 0.5)),
        ms(*times.last().expect("timed")),
        size / 1000
    );
    Ok(())
}

/// The chart alone, in this process: reading the histograms plus drawing, without HTTP.
async fn render_only(db: &Db, cycle: i64) -> Result<(), AnyError> {
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let results = store::results::results(db, cycle)
            .await?
            .ok_or("no cycle")?;
        let svg = app::chart::matrix_svg(&results, app::i18n::Lang::Zh, Default::default(), None);
        std::hint::black_box(svg);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "  in process, histograms read + statistics + SVG drawn: median {:.2} ms",
        ms(quantile(&times, 0.5))
    );
    Ok(())
}

/// IROs of the double-materiality cycle, and assessors rating each of them.
const DM_IROS: u32 = 1000;
const DM_ASSESSORS: u32 = 5;

/// A double-materiality cycle of [`DM_IROS`] IROs of all four kinds over the ESRS matters, each
/// rated and submitted by [`DM_ASSESSORS`] assessors at two horizons; its id.
async fn fill_double(db: &Db) -> Result<i64, AnyError> {
    use app::domain::double_materiality::Method;
    use app::domain::matters::MatterPresetName;
    let actor = Actor::command_line();
    let settings = app::domain::CycleForm {
        name: "DMA bench".into(),
        year: "2026".into(),
        scale: "1-5".into(),
        k: "5".into(),
        threshold: "3".into(),
        threshold_rule: "both".into(),
        ..Default::default()
    }
    .check()
    .map_err(|p| format!("{p:?}"))?;
    let stored = |e: store::write::StoreError| format!("{e:?}");
    let id = store::cycles::create_cycle(db, &actor, &settings)
        .await
        .map_err(stored)?;
    store::register::set_method(db, &actor, id, Method::Double)
        .await
        .map_err(stored)?;
    store::register::load_preset(db, &actor, id, MatterPresetName::Esrs2023)
        .await
        .map_err(stored)?;
    let now = store::now();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO users (email, password_hash, role, created_at)
         WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
         SELECT 'assessor-' || i || '@bench.example', 'no password', 'assessor', ? FROM seq",
    )
    .bind(DM_ASSESSORS)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Kinds in turn, every other pair potential (anticipated), over every matter in turn.
    sqlx::query(
        "INSERT INTO iros (cycle_id, matter_id, kind, potential, human_rights, value_chain, horizons,
                           description_zh, description_en, source, created_at)
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ? - 1),
         m AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, COUNT(*) OVER () AS n
               FROM matters WHERE cycle_id = ?)
         SELECT ?, m.id,
                CASE seq.i % 4 WHEN 0 THEN 'negative_impact' WHEN 1 THEN 'positive_impact'
                               WHEN 2 THEN 'risk' ELSE 'opportunity' END,
                (seq.i / 4) % 2, 0, 'own_operations', 'short,long', '影响 ' || seq.i, 'IRO ' || seq.i,
                'workshop', ?
         FROM seq JOIN m ON m.k = seq.i % m.n",
    )
    .bind(DM_IROS)
    .bind(id)
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO iro_assignments (iro_id, user_id, rationale, submitted_at)
         SELECT i.id, u.id, 'Bench', ? FROM iros i CROSS JOIN users u
         WHERE i.cycle_id = ? AND u.email LIKE '%@bench.example'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    // Every criterion 1 to 5 by a formula (the scoring reads those the kind asks).
    sqlx::query(
        "INSERT INTO iro_ratings (iro_id, user_id, horizon, scale, scope, irremediable, likelihood,
                                 magnitude)
         SELECT a.iro_id, a.user_id, h.horizon, 1 + (a.iro_id + a.user_id) % 5,
                1 + (a.iro_id * 3 + a.user_id) % 5, 1 + (a.iro_id * 7) % 5,
                1 + (a.iro_id + 2 * a.user_id) % 5, 1 + (a.iro_id * 11 + a.user_id) % 5
         FROM iro_assignments a JOIN iros i ON i.id = a.iro_id
         CROSS JOIN (SELECT 'short' AS horizon UNION ALL SELECT 'long') h
         WHERE i.cycle_id = ?",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The double materiality results at [`DM_IROS`] IROs: the matrix over HTTP, and the scores,
/// positions and drawing in this process.
async fn double_materiality_reads(db: &Db, addr: &str, bearer: &str) -> Result<(), AnyError> {
    let t = Instant::now();
    let id = fill_double(db).await?;
    println!(
        "
double materiality: {DM_IROS} IROs, {DM_ASSESSORS} assessors each at two horizons ({} ratings), made in {:.1} s:",
        DM_IROS * DM_ASSESSORS * 2,
        t.elapsed().as_secs_f64()
    );
    timed_gets(
        addr,
        &format!("/api/v1/cycles/{id}/double-matrix.svg"),
        bearer,
    )
    .await?;
    let (mut reads, mut draws) = (Vec::new(), Vec::new());
    let mut plotted = 0;
    for _ in 0..20 {
        let t = Instant::now();
        let view = store::assessments::assessment(db, id)
            .await?
            .ok_or("no cycle")?;
        reads.push(t.elapsed());
        let t = Instant::now();
        let svg = app::chart::double::double_matrix_svg(&view, app::i18n::Lang::Zh);
        draws.push(t.elapsed());
        plotted = svg.matches("<g class=\"point\"").count();
    }
    reads.sort();
    draws.sort();
    println!(
        "  in process: ratings read + scores + matter positions median {:.2} ms; SVG of {plotted} matters drawn median {:.2} ms",
        ms(quantile(&reads, 0.5)),
        ms(quantile(&draws, 0.5)),
    );
    Ok(())
}

/// How many sign-ins the flood sends at once.
const FLOOD: usize = 300;

/// Sends [`FLOOD`] wrong sign-ins at once, each on its own connection, for its own account and from its
/// own address (`X-Forwarded-For`, trusted from 127.0.0.1 for this run), so that no throttle stops
/// them and every one asks for a password check. Prints how many were checked (refused) and how many
/// were told to come back (429: no verifier free within the queue's wait).
async fn sign_in_flood(addr: &str) -> Result<(), AnyError> {
    use leptos::server_fn::ServerFn;
    let path = <app::api::auth::Login as ServerFn>::PATH;
    let start = Instant::now();
    let tasks: Vec<_> = (0..FLOOD)
        .map(|i| {
            let addr = addr.to_string();
            tokio::spawn(async move {
                let mut c = Conn::open(&addr).await?;
                let body = format!("email=flood{i}%40example.com&password=wrong+{i}&next=%2F");
                let from = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
                let r = c
                    .send(
                        "POST",
                        path,
                        &[
                            ("Content-Type", "application/x-www-form-urlencoded"),
                            ("Accept", "application/json"),
                            ("Origin", "http://localhost"),
                            ("X-Forwarded-For", &from),
                        ],
                        body.as_bytes(),
                    )
                    .await?;
                Ok::<_, std::io::Error>((r.status, String::from_utf8_lossy(&r.body).to_string()))
            })
        })
        .collect();
    let (mut checked, mut busy, mut other) = (0, 0, Vec::new());
    for t in tasks {
        match t.await?? {
            (200, body) if body == "\"Refused\"" => checked += 1,
            (429, _) => busy += 1,
            (status, body) => other.push(format!("{status} {body}")),
        }
    }
    println!(
        "  {checked} passwords checked and refused, {busy} told to come back (429), {} other, in {:.1} s",
        other.len(),
        start.elapsed().as_secs_f64()
    );
    if let Some(first) = other.first() {
        println!("  first other answer: {first}");
    }
    Ok(())
}

/// Links kept for the submissions made during the recompute, and how many clients make them.
const DURING_RECOMPUTE: usize = 50_000;
const RECOMPUTE_CLIENTS: usize = 4;

/// Posts in each round of the junk flood.
const JUNK: usize = 64;

/// Three rounds of [`JUNK`] concurrent form posts, half to `token` (a real link) and half to an
/// unknown one: 1 MiB of pairs (refused by its length, 413), a body just under the form's limit of
/// field names the form does not have (422 at the first), and the same with a repeated field (422 at
/// the second). Prints how each was answered.
async fn junk_flood(addr: &str, token: &str) -> Result<(), AnyError> {
    let limit = app::domain::max_form_body(17);
    let pairs = |n: usize, name: &dyn Fn(usize) -> String| {
        let mut body = String::with_capacity(n + 32);
        let mut i = 0;
        while body.len() < n {
            body.push_str(&format!("{}=1&", name(i)));
            i += 1;
        }
        body.truncate(n);
        body
    };
    let rounds = [
        ("1 MiB of pairs", pairs(1 << 20, &|i| format!("k{i}"))),
        (
            "unknown fields up to the limit",
            pairs(limit - 64, &|i| format!("x.{i}")),
        ),
        (
            "a repeated field up to the limit",
            pairs(limit - 64, &|_| "b.E1".to_string()),
        ),
    ];
    let unknown = "A".repeat(43);
    for (what, body) in rounds {
        let body = std::sync::Arc::new(body);
        let start = Instant::now();
        let tasks: Vec<_> = (0..JUNK)
            .map(|i| {
                let (addr, body) = (addr.to_string(), body.clone());
                let path = format!("/s/{}", if i % 2 == 0 { token } else { unknown.as_str() });
                tokio::spawn(async move {
                    let mut c = Conn::open(&addr).await?;
                    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
                    c.send("POST", &path, &headers, body.as_bytes())
                        .await
                        .map(|r| r.status)
                })
            })
            .collect();
        let mut answers: std::collections::BTreeMap<String, usize> = Default::default();
        for t in tasks {
            let answer = match t.await? {
                Ok(status) => status.to_string(),
                // The server answered before reading the rest and closed the connection.
                Err(_) => "closed".to_string(),
            };
            *answers.entry(answer).or_default() += 1;
        }
        println!(
            "  {what} ({} KB each): {answers:?} in {:.2} s",
            body.len() / 1000,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// What an admin does during a survey: every `seconds / 50` a batch of ten links for a group, or a
/// change of the cycle's settings, 50 in all. Returns (done, failed).
async fn admin_writes(db: Db, cycle: i64, seconds: u64) -> Result<(usize, usize), sqlx::Error> {
    let pause = Duration::from_millis(seconds * 1000 / 50);
    let mut settings = store::cycles::cycle(&db, cycle)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?
        .settings();
    let name = settings.name.clone();
    let mut failed = 0;
    for i in 0..50 {
        tokio::time::sleep(pause).await;
        let ok = if i % 2 == 0 {
            store::links::invite(&db, &Actor::command_line(), cycle, "EMP", 10)
                .await
                .is_ok()
        } else {
            settings.name = format!("{name} ({i})");
            matches!(
                store::cycles::update_settings(&db, &Actor::command_line(), cycle, &settings).await,
                Ok(())
            )
        };
        if !ok {
            failed += 1;
        }
    }
    settings.name = name;
    let _ = store::cycles::update_settings(&db, &Actor::command_line(), cycle, &settings).await;
    Ok((50, failed))
}

async fn submissions(
    addr: &str,
    links: Vec<String>,
    codes: &[String],
    clients: usize,
    seconds: u64,
) -> Result<(), AnyError> {
    let links = Arc::new(links);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|k| {
            let (links, next, addr) = (links.clone(), next.clone(), addr.to_string());
            let answers: Vec<String> = codes
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    format!(
                        r#"{{"topic":"{c}","business":{},"stakeholder":{}}}"#,
                        (i + k) % 5 + 1,
                        (i * 3 + k) % 5 + 1
                    )
                })
                .collect();
            let answers = answers.join(",");
            tokio::spawn(async move {
                let mut c = Conn::open(&addr).await?;
                let mut latencies = Vec::new();
                let mut refused = 0usize;
                while Instant::now() < deadline {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(token) = links.get(i) else { break };
                    let body = format!(r#"{{"token":"{token}","answers":[{answers}]}}"#);
                    let t = Instant::now();
                    let r = c
                        .send(
                            "POST",
                            "/api/v1/responses",
                            &[("Content-Type", "application/json")],
                            body.as_bytes(),
                        )
                        .await?;
                    latencies.push(t.elapsed());
                    if r.status != 201 {
                        refused += 1;
                    }
                }
                Ok::<_, std::io::Error>((latencies, refused))
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut refused = 0;
    for t in tasks {
        let (l, r) = t.await??;
        latencies.extend(l);
        refused += r;
    }
    let elapsed = start.elapsed();
    latencies.sort();
    if latencies.is_empty() {
        return Err("no submission was made".into());
    }
    if next.load(Ordering::Relaxed) >= links.len() {
        println!("  (ran out of prepared links before the time was up)");
    }
    println!(
        "  {} submissions in {:.1} s: {:.0} per second, latency p50 {:.1} ms, p99 {:.1} ms, {} refused",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(quantile(&latencies, 0.5)),
        ms(quantile(&latencies, 0.99)),
        refused
    );
    Ok(())
}

/// The survey page as a browser gets it, compressed, and every asset it loads; then, for comparison,
/// the hydrated bundle that the other pages load.
async fn page_weight(addr: &str, token: &str) -> Result<(), AnyError> {
    let mut c = Conn::open(addr).await?;
    let mut get = async |path: &str, encoding: &str| -> Result<(usize, String), AnyError> {
        let r = c
            .send("GET", path, &[("Accept-Encoding", encoding)], b"")
            .await?;
        if r.status != 200 {
            return Err(format!("GET {path}: {}", r.status).into());
        }
        let used = r
            .header("content-encoding")
            .unwrap_or("identity")
            .to_string();
        Ok((r.body.len(), used))
    };
    let page = format!("/s/{token}");
    let (raw, _) = get(&page, "identity").await?;
    let html = {
        let r = Conn::open(addr).await?.send("GET", &page, &[], b"").await?;
        String::from_utf8_lossy(&r.body).into_owned()
    };
    let hydrated = {
        let r = Conn::open(addr)
            .await?
            .send("GET", "/login", &[], b"")
            .await?;
        String::from_utf8_lossy(&r.body).into_owned()
    };
    for encoding in ["br", "gzip"] {
        let (html_size, used) = get(&page, encoding).await?;
        let (css, _) = get("/pkg/materiality.css", encoding).await?;
        let scripts = scripts_of(&html);
        let mut assets = 0;
        for a in &scripts {
            assets += get(a, encoding).await?.0;
        }
        println!(
            "  {used}: HTML {:.1} KB (uncompressed {:.1} KB) + CSS {:.1} KB = {:.1} KB before any script; \
             with every asset: {:.1} KB ({} wasm or script files)",
            html_size as f64 / 1000.0,
            raw as f64 / 1000.0,
            css as f64 / 1000.0,
            (html_size + css) as f64 / 1000.0,
            (html_size + css + assets) as f64 / 1000.0,
            scripts.len()
        );
    }
    let mut bundle = 0;
    for a in scripts_of(&hydrated) {
        bundle += get(&a, "br").await?.0;
    }
    println!(
        "  for comparison, the script and wasm of the hydrated pages (sign-in, matrix, admin): {:.1} KB (br), not loaded by the survey",
        bundle as f64 / 1000.0
    );
    Ok(())
}

/// The script and wasm files a page loads from `/pkg/`.
fn scripts_of(html: &str) -> Vec<String> {
    let mut found: Vec<String> = html
        .match_indices("/pkg/")
        .map(|(i, _)| {
            html[i..]
                .split(['"', '\'', ')', ' '])
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .filter(|p| p.ends_with(".js") || p.ends_with(".wasm"))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A minimal HTTP/1.1 client on one kept-alive connection: enough for the benchmark, and no client
/// library between the measurement and the server.
struct Conn {
    io: BufReader<TcpStream>,
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Conn {
    async fn open(addr: &str) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            io: BufReader::new(stream),
        })
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Reply> {
        let bad = |what: &str| std::io::Error::other(format!("bad response: {what}"));
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.io.get_mut().write_all(&request).await?;

        let mut line = String::new();
        self.io.read_line(&mut line).await?;
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("status line"))?;
        let mut reply = Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        };
        loop {
            line.clear();
            self.io.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            let (k, v) = l.split_once(':').ok_or_else(|| bad("header"))?;
            reply
                .headers
                .push((k.trim().to_string(), v.trim().to_string()));
        }
        if reply
            .header("transfer-encoding")
            .is_some_and(|v| v.contains("chunked"))
        {
            loop {
                line.clear();
                self.io.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk size"))?;
                if size == 0 {
                    line.clear();
                    self.io.read_line(&mut line).await?;
                    break;
                }
                let start = reply.body.len();
                reply.body.resize(start + size, 0);
                self.io.read_exact(&mut reply.body[start..]).await?;
                line.clear();
                self.io.read_line(&mut line).await?;
            }
        } else {
            let len = reply
                .header("content-length")
                .map(|v| v.parse::<usize>().map_err(|_| bad("length")))
                .transpose()?
                .unwrap_or(0);
            reply.body.resize(len, 0);
            self.io.read_exact(&mut reply.body).await?;
        }
        Ok(reply)
    }
}

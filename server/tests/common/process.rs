//! The real binary as a user runs it: a fresh database file, subcommands, and `serve` on a free port.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A database file of its own in a fresh folder, removed when dropped.
pub struct Db(std::path::PathBuf);

impl Db {
    pub fn new(name: &str) -> Db {
        let dir =
            std::env::temp_dir().join(format!("materiality-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Db(dir)
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}/nested/test.db", self.0.display())
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
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

/// A running `materiality serve` on a free port, with extra environment; killed when dropped.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
}

impl Server {
    pub fn start(db: &Db, env: &[(&str, &str)]) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_materiality"))
            .arg("serve")
            .env("DATABASE_URL", db.url())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let server = Server { child, port };
        let started = std::time::Instant::now();
        while server.get("/healthz").is_err() {
            assert!(started.elapsed().as_secs() < 20, "the server did not start");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        server
    }

    /// One HTTP/1.0 GET, the whole answer as text.
    pub fn get(&self, path: &str) -> std::io::Result<String> {
        use std::io::Read;
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
        s.write_all(format!("GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").as_bytes())?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        Ok(answer)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

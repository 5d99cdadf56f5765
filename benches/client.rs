//! gchat's API client against Google's own Python client library, side by side.
//!
//!     cargo bench --bench client
//!
//! Starts `gchat emulator` as its own process (so this process's CPU time is the client's
//! alone), posts `CLIENT_N` messages (5,000 by default) into a new space as five people:
//! threads with replies, mentions (the server annotates them), markup, CJK and emoji. Then,
//! in one run, walks `spaces.messages.list` at pageSize 1000 through those pages with
//!
//! - gchat's typed client (`Client::list_messages`),
//! - bare reqwest (the bytes only, no decoding): the same pages with the same `fields`
//!   selector `list_messages` sends (the transport floor, like for like), and whole,
//! - google-api-python-client in the venv CI makes (`target/conformance-venv`, see
//!   `.ci/run`), if it is there; else it says so and prints gchat's numbers alone,
//!
//! and prints pages per second, client CPU per page (getrusage) and the ratio. It also
//! prints what serde_json costs merely to skip such a page (`IgnoredAny`): with the
//! transport's, the floor under any serde_json client, against the 0.8 ms target.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gchat::api::model::{Message, SetUpSpaceRequest, Space, SpaceType, Thread};
use gchat::api::{Client, CreateMessage, ListMessages, SpaceName, UserRef};

const PAGE: i32 = 1000;

/// This process's user + system CPU time so far.
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    assert_eq!(rc, 0, "getrusage");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    fn start() -> Emulator {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gchat"))
            .args(["emulator", "--demo", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start gchat emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("emulator URL");
        let url = line.trim().to_string();
        assert!(url.starts_with("http://"), "emulator said {url:?}");
        Emulator { child, url }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new space with Alice and four others, holding `n` messages as the server makes them.
async fn seed(url: &str, n: usize) -> SpaceName {
    let alice = Client::with_static_token(url, "user:1001").expect("client");
    let people = ["1002", "1003", "1004", "1006"];
    let space = alice
        .setup_space(&SetUpSpaceRequest {
            space: Some(Space {
                space_type: Some(SpaceType::Space),
                display_name: Some("Client benchmark".into()),
                ..Default::default()
            }),
            memberships: people
                .iter()
                .map(|p| Client::membership_for(&UserRef::Id(p.to_string())))
                .collect(),
            ..Default::default()
        })
        .await
        .expect("setup space");
    let name = SpaceName::parse(space.name.as_deref().expect("space name")).expect("space name");
    let clients: Vec<Client> = ["1001", "1002", "1003", "1004", "1006"]
        .iter()
        .map(|u| Client::with_static_token(url, &format!("user:{u}")).expect("client"))
        .collect();
    let texts = [
        "Deploy #{} finished in *12 min* ✅",
        "<users/1002> could you look at `parser.rs` line {}?",
        "午饭一起吗？楼下新开了一家拉面店 {} 🍜",
        "Design doc: <https://docs.example.com/d/{}|RFC> — comments welcome\n* goals\n* non-goals",
        "Thanks <users/1004>! That fixed it. Closing #{}.",
    ];
    let reply = CreateMessage {
        reply_option: Some(gchat::api::model::MessageReplyOption::FallbackToNewThread),
        ..Default::default()
    };
    // Four writers at once; each message a new thread or a reply to its writer's last.
    let per = n.div_ceil(4);
    let tasks: Vec<_> = (0..4)
        .map(|w| {
            let clients = clients.clone();
            let name = name.clone();
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut thread: Option<String> = None;
                for i in (w * per)..((w + 1) * per).min(n) {
                    let c = &clients[i % clients.len()];
                    let mut m = Message::text(texts[i % texts.len()].replace("{}", &i.to_string()));
                    let opts = match (&thread, i % 3 != 0) {
                        (Some(t), true) => {
                            m.thread = Some(Thread {
                                name: Some(t.clone()),
                                thread_key: None,
                            });
                            reply.clone()
                        }
                        _ => CreateMessage::default(),
                    };
                    let made = c.create_message(&name, &m, &opts).await.expect("create");
                    if i % 3 == 0 {
                        thread = made.thread_name().map(str::to_string);
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("seeding");
    }
    name
}

struct Run {
    pages: usize,
    messages: usize,
    wall: Duration,
    cpu: Duration,
}

impl Run {
    fn pages_per_s(&self) -> f64 {
        self.pages as f64 / self.wall.as_secs_f64()
    }
    fn cpu_ms_per_page(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e3 / self.pages as f64
    }
    fn print(&self, label: &str) {
        println!(
            "{label:<34} {:>7.1} pages/s   client CPU {:>6.2} ms per page   ({} pages, {} messages, {:.2} s)",
            self.pages_per_s(),
            self.cpu_ms_per_page(),
            self.pages,
            self.messages,
            self.wall.as_secs_f64()
        );
    }
}

/// The body of the newest page of `space`, whole or with only the `fields` selected.
async fn one_page(url: &str, space: &SpaceName, fields: Option<&str>) -> Vec<u8> {
    let mut q = vec![("pageSize", PAGE.to_string())];
    q.extend(fields.map(|f| ("fields", f.to_string())));
    reqwest::Client::new()
        .get(format!("{url}/v1/{space}/messages"))
        .query(&q)
        .bearer_auth("user:1001")
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("body")
        .to_vec()
}

/// `rounds` walks of the first `per_round` pages, through gchat's client.
async fn gchat_walk(c: &Client, space: &SpaceName, per_round: usize, rounds: usize) -> Run {
    let walk = || async {
        let (mut pages, mut n) = (0, 0);
        let mut token = None;
        while pages < per_round {
            let mut p = ListMessages::default().with_page_size(PAGE);
            if let Some(t) = token.take() {
                p = p.with_page_token(t);
            }
            let page = c.list_messages(space, &p).await.expect("list");
            pages += 1;
            n += page.messages.len();
            match page.next_page_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        (pages, n)
    };
    walk().await;
    let (wall, cpu0) = (Instant::now(), cpu());
    let (mut pages, mut messages) = (0, 0);
    for _ in 0..rounds {
        let (p, n) = walk().await;
        pages += p;
        messages += n;
    }
    Run {
        pages,
        messages,
        wall: wall.elapsed(),
        cpu: cpu() - cpu0,
    }
}

/// The same walk with bare reqwest: the bytes only, and the page token dug out of them;
/// asked with the `fields` selector given, if any.
async fn raw_walk(
    url: &str,
    space: &SpaceName,
    fields: Option<&str>,
    per_round: usize,
    rounds: usize,
) -> Run {
    let http = reqwest::Client::new();
    let walk = || async {
        let (mut pages, mut bytes) = (0, 0);
        let mut token: Option<String> = None;
        while pages < per_round {
            let mut req = http
                .get(format!("{url}/v1/{space}/messages"))
                .bearer_auth("user:1001")
                .query(&[("pageSize", PAGE.to_string())]);
            if let Some(f) = fields {
                req = req.query(&[("fields", f)]);
            }
            if let Some(t) = &token {
                req = req.query(&[("pageToken", t)]);
            }
            let body = req.send().await.expect("raw").bytes().await.expect("body");
            pages += 1;
            bytes += body.len();
            token = find_token(&body);
            if token.is_none() {
                break;
            }
        }
        (pages, bytes)
    };
    walk().await;
    let (wall, cpu0) = (Instant::now(), cpu());
    let mut pages = 0;
    for _ in 0..rounds {
        pages += walk().await.0;
    }
    Run {
        pages,
        messages: 0,
        wall: wall.elapsed(),
        cpu: cpu() - cpu0,
    }
}

/// `"nextPageToken":"…"` near the end of a page, without parsing the page.
fn find_token(body: &[u8]) -> Option<String> {
    let key = b"\"nextPageToken\"";
    let at = body.windows(key.len()).rposition(|w| w == key)?;
    let rest = std::str::from_utf8(&body[at + key.len()..]).ok()?;
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}

fn python_walk(
    url: &str,
    space: &SpaceName,
    per_round: usize,
    rounds: usize,
) -> Result<Run, String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let py = root.join("target/conformance-venv/bin/python");
    if !py.exists() {
        return Err(format!(
            "no {} (make it as .ci/run does: python3 -m venv target/conformance-venv && \
             target/conformance-venv/bin/python -m pip install -r tests/conformance/requirements.txt)",
            py.display()
        ));
    }
    let out = Command::new(&py)
        .arg(root.join("benches/client.py"))
        .args([
            url,
            space.as_ref(),
            &per_round.to_string(),
            &rounds.to_string(),
        ])
        .output()
        .map_err(|e| format!("could not run {}: {e}", py.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the Python client failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("unreadable answer from the Python client: {e}"))?;
    let f = |k: &str| v[k].as_f64().unwrap_or(0.0);
    Ok(Run {
        pages: f("pages") as usize,
        messages: f("messages") as usize,
        wall: Duration::from_secs_f64(f("wall_s")),
        cpu: Duration::from_secs_f64(f("cpu_s")),
    })
}

fn main() {
    let n: usize = std::env::var("CLIENT_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    let rounds: usize = std::env::var("CLIENT_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let per_round = n / PAGE as usize;
    assert!(per_round > 0, "CLIENT_N must be at least {PAGE}");
    // One thread: everything the client does is on it, as in the app's runtime.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let emu = Emulator::start();
    let space = rt.block_on(seed(&emu.url, n));
    println!(
        "gchat client benchmark: messages.list pageSize={PAGE}, {per_round} full pages x {rounds} rounds, emulator in its own process ({} logical CPUs)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let client = Client::with_static_token(&emu.url, "user:1001").expect("client");
    let ours = rt.block_on(gchat_walk(&client, &space, per_round, rounds));
    ours.print("gchat Client::list_messages");
    let fields = Some(gchat::api::lean::LISTED_FIELDS);
    let raw = rt.block_on(raw_walk(&emu.url, &space, fields, per_round, rounds));
    raw.print("bare reqwest, same fields (bytes)");
    let whole = rt.block_on(raw_walk(&emu.url, &space, None, per_round, rounds));
    whole.print("bare reqwest, whole pages (bytes)");
    // Decoding alone: one page's body, decoded as the app's list does and whole.
    let body = rt.block_on(one_page(&emu.url, &space, None));
    let decode = |f: &dyn Fn(&[u8]) -> usize| {
        let (wall, cpu0) = (Instant::now(), cpu());
        for _ in 0..200 {
            assert_eq!(f(&body), PAGE as usize);
        }
        (wall.elapsed() / 200, (cpu() - cpu0) / 200)
    };
    let lean = decode(&|b| {
        gchat::api::lean::message_page(b, &space)
            .expect("decode")
            .messages
            .len()
    });
    let full = decode(&|b| {
        serde_json::from_slice::<gchat::api::model::ListMessagesResponse>(b)
            .expect("decode")
            .messages
            .len()
    });
    println!(
        "decode a {PAGE}-message page ({} KiB) and drop it: lean (list_messages) {:.2} ms CPU, every field (list_messages_full) {:.2} ms CPU",
        body.len() / 1024,
        lean.1.as_secs_f64() * 1e3,
        full.1.as_secs_f64() * 1e3
    );
    // The page as list_messages asks for it (`fields`): what its decoding costs.
    let asked = rt.block_on(one_page(
        &emu.url,
        &space,
        Some(gchat::api::lean::LISTED_FIELDS),
    ));
    let cpu0 = cpu();
    for _ in 0..200 {
        let page = gchat::api::lean::message_page(&asked, &space).expect("decode");
        assert_eq!(page.messages.len(), PAGE as usize);
    }
    let lean_asked = ((cpu() - cpu0) / 200).as_secs_f64() * 1e3;
    println!(
        "decode the page list_messages asks for (fields; {} KiB): {lean_asked:.3} ms CPU",
        asked.len() / 1024,
    );
    // serde_json reading that page and keeping nothing: no serde_json client decodes
    // it for less.
    let cpu0 = cpu();
    for _ in 0..200 {
        serde_json::from_slice::<serde::de::IgnoredAny>(&asked).expect("skip");
    }
    let skip = ((cpu() - cpu0) / 200).as_secs_f64() * 1e3;
    println!("serde_json skipping that page (IgnoredAny): {skip:.3} ms CPU");
    let floor = raw.cpu_ms_per_page() + skip;
    println!(
        "floor = bare reqwest, same fields + serde_json skip = {floor:.2} ms per page, against \
         the 0.8 ms target ({}) and gchat's {:.2} ms ({:.2} ms above the floor)",
        if floor <= 0.8 { "under it" } else { "over it" },
        ours.cpu_ms_per_page(),
        ours.cpu_ms_per_page() - floor
    );
    match python_walk(&emu.url, &space, per_round, rounds) {
        Ok(py) => {
            py.print("google-api-python-client");
            println!(
                "gchat / Python: {:.2}x pages/s; Python's client CPU per page / gchat's: {:.2}x",
                ours.pages_per_s() / py.pages_per_s(),
                py.cpu_ms_per_page() / ours.cpu_ms_per_page()
            );
        }
        Err(why) => println!("google-api-python-client: skipped: {why}"),
    }
}

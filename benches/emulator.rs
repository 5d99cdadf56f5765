//! Emulator throughput and client overhead, on this machine.
//!
//!     cargo bench --bench emulator
//!
//! Prints requests per second for messages.create and for messages.list at pageSize 1000
//! (client and server share the machine's cores), for spaceEvents.list pages (the first
//! and one deep in a log of 20,000 events) and for a search matching 20,000 messages,
//! and the client's own cost per call:
//! the same request through `gchat::api::Client` and through bare reqwest, plus decoding
//! a 1000-message page into typed models.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gchat::api::model::{ListMessagesResponse, Message};
use gchat::api::{Client, CreateMessage, ListMessages, SpaceName};
use gchat::emulator::{Emulator, Options};

const CONCURRENCY: usize = 8;

async fn rps<F, Fut>(label: &str, total: usize, f: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let f = Arc::new(f);
    let started = Instant::now();
    let per = total / CONCURRENCY;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|w| {
            let f = f.clone();
            tokio::spawn(async move {
                for i in 0..per {
                    f(w * per + i).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("worker");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label:<44} {:>9.0} req/s   ({} requests, {CONCURRENCY} concurrent, {:.2} s)",
        (per * CONCURRENCY) as f64 / secs,
        per * CONCURRENCY,
        secs
    );
}

/// A 1000-message `messages.list` page asked whole and with the client's `fields`
/// selector, alternately (so both see the same load), through bare reqwest: median time
/// to the last byte, and the answer's size.
async fn fields_side_by_side(url: &str, space: &SpaceName) {
    let http = reqwest::Client::new();
    let whole = format!("{url}/v1/{space}/messages?pageSize=1000");
    let selector: String =
        form_urlencoded::byte_serialize(gchat::api::lean::LISTED_FIELDS.as_bytes()).collect();
    let partial = format!("{whole}&fields={selector}");
    let fetch = |u: String| {
        let http = http.clone();
        async move {
            let t = Instant::now();
            let body = http
                .get(u)
                .bearer_auth("user:1001")
                .send()
                .await
                .expect("page")
                .bytes()
                .await
                .expect("body");
            (t.elapsed(), body.len())
        }
    };
    let (mut tw, mut tp) = (Vec::new(), Vec::new());
    let (mut bw, mut bp) = (0, 0);
    for _ in 0..5 {
        fetch(whole.clone()).await;
        fetch(partial.clone()).await;
    }
    for _ in 0..60 {
        let (t, b) = fetch(whole.clone()).await;
        tw.push(t);
        bw = b;
        let (t, b) = fetch(partial.clone()).await;
        tp.push(t);
        bp = b;
    }
    println!(
        "messages.list 1000 messages, whole page: median {:?} ({} KiB); with the client's fields: median {:?} ({} KiB)",
        median(tw),
        bw / 1024,
        median(tp),
        bp / 1024
    );
    // The emulator's own cost, without HTTP: the same page's model written whole and
    // written through the selector.
    let page = fetch_body(&http, &whole).await;
    let model: ListMessagesResponse = serde_json::from_slice(&page).expect("decode");
    let sel = gchat::emulator::partial::Selector::parse(gchat::api::lean::LISTED_FIELDS)
        .expect("parses")
        .expect("selects");
    let (mut sw, mut sp) = (Vec::new(), Vec::new());
    for _ in 0..200 {
        let t = Instant::now();
        let a = serde_json::to_vec(&model).expect("encode");
        sw.push(t.elapsed());
        let t = Instant::now();
        let b = sel.to_vec(&model).expect("encode");
        sp.push(t.elapsed());
        assert!(b.len() < a.len());
    }
    println!(
        "  writing that page in process: whole median {:?}, with the client's fields median {:?}",
        median(sw),
        median(sp)
    );
}

async fn fetch_body(http: &reqwest::Client, url: &str) -> Vec<u8> {
    http.get(url)
        .bearer_auth("user:1001")
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("body")
        .to_vec()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const SEEDED_MESSAGES: usize = 100_000;

/// Writes a `--data` file: the demo workspace with the firehose space grown to `total`
/// messages (older ones first, each its own thread). Returns the firehose's message count.
fn seed_state(path: &std::path::Path, total: usize) -> usize {
    let store = gchat::emulator::demo::workspace(chrono::Utc::now()).expect("demo");
    let mut v = serde_json::to_value(&store).expect("encode");
    let space = &mut v["spaces"]["AAAAFirehos"];
    let existing = space["messages"].as_array().expect("messages").clone();
    let template = existing[0].clone();
    let base = chrono::Utc::now() - chrono::Duration::days(400);
    let mut seeded = Vec::with_capacity(total);
    for i in 0..total.saturating_sub(existing.len()) {
        let id = format!("seed{i:07}");
        let mut m = template.clone();
        m["id"] = id.clone().into();
        m["threadId"] = id.clone().into();
        let at = (base + chrono::Duration::milliseconds(i as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        m["msg"]["name"] = format!("spaces/AAAAFirehos/messages/{id}.{id}").into();
        m["msg"]["createTime"] = at.into();
        m["msg"]["threadReply"] = false.into();
        m["msg"]["thread"] =
            serde_json::json!({"name": format!("spaces/AAAAFirehos/threads/{id}")});
        m["msg"]["text"] = format!("seeded message {i}").into();
        m["msg"]["formattedText"] = format!("seeded message {i}").into();
        m["msg"]["argumentText"] = format!("seeded message {i}").into();
        space["threads"][&id] = serde_json::json!({"root": format!("{id}.{id}"), "key": null});
        seeded.push(m);
    }
    seeded.extend(existing);
    let n = seeded.len();
    space["messages"] = seeded.into();
    std::fs::write(path, serde_json::to_vec(&v).expect("encode")).expect("write state");
    n
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let emu = Emulator::start(Options {
        demo: true,
        ..Default::default()
    })
    .await
    .expect("emulator");
    let url = emu.url();
    let alice = Client::with_static_token(&url, "user:1001").expect("client");
    let space = SpaceName::parse("spaces/AAAATeamRst").unwrap();
    let firehose = SpaceName::parse("spaces/AAAAFirehos").unwrap();

    println!(
        "gchat emulator benchmark ({} logical CPUs)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    fields_side_by_side(&url, &firehose).await;
    if std::env::var_os("GCHAT_BENCH_FIELDS_ONLY").is_some() {
        emu.stop().await;
        return;
    }

    let c = alice.clone();
    let s = space.clone();
    rps("messages.create (text, user auth)", 20000, move |i| {
        let c = c.clone();
        let s = s.clone();
        async move {
            c.create_message(
                &s,
                &Message::text(format!("bench {i}")),
                &CreateMessage::default(),
            )
            .await
            .expect("create");
        }
    })
    .await;

    // Every create above is a space event: list them a page at a time, from the start
    // and from a page token deep in the log.
    let filter = gchat::api::sync_client::events_filter(
        &[gchat::api::sync_model::EventType::MessageCreated],
        None,
    );
    let first = alice
        .list_space_events(
            &space,
            &gchat::api::sync_client::ListSpaceEvents {
                filter: filter.clone(),
                page_size: Some(1000),
                page_token: None,
            },
        )
        .await
        .expect("events");
    let mut token = first.next_page_token.clone();
    for _ in 0..15 {
        let p = alice
            .list_space_events(
                &space,
                &gchat::api::sync_client::ListSpaceEvents {
                    filter: filter.clone(),
                    page_size: Some(1000),
                    page_token: token.clone(),
                },
            )
            .await
            .expect("events");
        token = p.next_page_token;
    }
    for (label, tok) in [
        ("spaceEvents.list pageSize=1000, first page", None),
        ("spaceEvents.list pageSize=1000, 17th page", token),
    ] {
        let c = alice.clone();
        let s = space.clone();
        let filter = filter.clone();
        rps(label, 200, move |_| {
            let c = c.clone();
            let s = s.clone();
            let p = gchat::api::sync_client::ListSpaceEvents {
                filter: filter.clone(),
                page_size: Some(1000),
                page_token: tok.clone(),
            };
            async move {
                let page = c.list_space_events(&s, &p).await.expect("events");
                assert_eq!(page.space_events.len(), 1000);
            }
        })
        .await;
    }
    // A search whose keyword matches every one of those messages (newest 25 returned).
    let c = alice.clone();
    rps("messages.search, 20,000 matches", 200, move |_| {
        let c = c.clone();
        async move {
            let r = c
                .search_messages(&gchat::api::sync_model::SearchMessagesRequest {
                    filter: Some("bench".into()),
                    ..Default::default()
                })
                .await
                .expect("search");
            assert_eq!(r.results.len(), 25);
        }
    })
    .await;

    let c = alice.clone();
    let f = firehose.clone();
    rps(
        "messages.list pageSize=1000 (1000 messages)",
        400,
        move |_| {
            let c = c.clone();
            let f = f.clone();
            async move {
                let p = c
                    .list_messages(&f, &ListMessages::default().with_page_size(1000))
                    .await
                    .expect("list");
                assert_eq!(p.messages.len(), 1000);
            }
        },
    )
    .await;

    // With --data, every change is written out whole (temporary file, fsync, rename).
    let dir = tempfile::tempdir().expect("tempdir");
    let persisted = Emulator::start(Options {
        demo: true,
        data: Some(dir.path().join("state.json")),
        ..Default::default()
    })
    .await
    .expect("emulator");
    let pc = Client::with_static_token(&persisted.url(), "user:1001").expect("client");
    let s = space.clone();
    rps("messages.create with --data (state saved)", 400, move |i| {
        let c = pc.clone();
        let s = s.clone();
        async move {
            c.create_message(
                &s,
                &Message::text(format!("saved {i}")),
                &CreateMessage::default(),
            )
            .await
            .expect("create");
        }
    })
    .await;
    persisted.stop().await;

    // The same with --data on a store of 100,000 messages: saving must cost what the
    // change costs, not what the store holds.
    let seeded_dir = tempfile::tempdir().expect("tempdir");
    let seeded_path = seeded_dir.path().join("state.json");
    let seeded_msgs = seed_state(&seeded_path, SEEDED_MESSAGES);
    let started = Instant::now();
    let seeded = Emulator::start(Options {
        data: Some(seeded_path.clone()),
        ..Default::default()
    })
    .await
    .expect("emulator");
    println!(
        "start with --data on {seeded_msgs} messages ({} MiB on disk): {:.2} s",
        dir_bytes(seeded_dir.path()) / (1024 * 1024),
        started.elapsed().as_secs_f64()
    );
    let sc = Client::with_static_token(&seeded.url(), "user:1001").expect("client");
    let f = firehose.clone();
    let total = std::env::var("GCHAT_BENCH_SEEDED_CREATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8000);
    rps(
        "messages.create with --data, 100k messages",
        total,
        move |i| {
            let c = sc.clone();
            let f = f.clone();
            async move {
                c.create_message(
                    &f,
                    &Message::text(format!("seeded {i}")),
                    &CreateMessage::default(),
                )
                .await
                .expect("create");
            }
        },
    )
    .await;
    seeded.stop().await;
    println!(
        "  data directory after the run: {} MiB",
        dir_bytes(seeded_dir.path()) / (1024 * 1024)
    );

    // The client's own overhead: the same GET through Client and through bare reqwest.
    let http = reqwest::Client::new();
    let get_url = format!("{url}/v1/{space}");
    let mut via_client = Vec::new();
    let mut via_raw = Vec::new();
    for _ in 0..2000 {
        let t = Instant::now();
        alice.get_space(&space).await.expect("get");
        via_client.push(t.elapsed());
        let t = Instant::now();
        let body = http
            .get(&get_url)
            .bearer_auth("user:1001")
            .send()
            .await
            .expect("raw")
            .bytes()
            .await
            .expect("body");
        via_raw.push(t.elapsed());
        assert!(!body.is_empty());
    }
    let (mc, mr) = (median(via_client), median(via_raw));
    println!(
        "spaces.get median latency: client {:?}, bare reqwest {:?}, client overhead {:?} per call",
        mc,
        mr,
        mc.saturating_sub(mr)
    );

    // Decoding a full page into typed models.
    let page = http
        .get(format!("{url}/v1/{firehose}/messages?pageSize=1000"))
        .bearer_auth("user:1001")
        .send()
        .await
        .expect("page")
        .bytes()
        .await
        .expect("bytes");
    let mut decode = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let r: ListMessagesResponse = serde_json::from_slice(&page).expect("decode");
        decode.push(t.elapsed());
        assert_eq!(r.messages.len(), 1000);
    }
    println!(
        "decode a 1000-message page ({} KiB): median {:?} ({:.1} µs per message)",
        page.len() / 1024,
        median(decode.clone()),
        median(decode).as_secs_f64() * 1e6 / 1000.0
    );
    emu.stop().await;
}

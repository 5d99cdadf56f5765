//! Emulator throughput and client overhead, on this machine.
//!
//!     cargo bench --bench emulator
//!
//! Prints requests per second for messages.create and for messages.list at pageSize 1000
//! (client and server share the machine's cores), and the client's own cost per call:
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
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

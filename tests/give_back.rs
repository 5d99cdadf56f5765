//! Memory the app frees is given back to the system once the allocator keeps much of it
//! (glibc on Linux; elsewhere nothing is kept track of and nothing happens).

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn memory_freed_after_loading_is_given_back() {
    use gchat::mem::{kept, resident, GiveBack, KEPT_OVER};
    use std::time::{Duration, Instant};

    // The first look sets what is held beyond use when nothing much is freed.
    let mut g = GiveBack::default();
    let t0 = Instant::now();
    let every = gchat::mem::EVERY;
    g.tick(t0);
    assert_eq!(g.times, 0);

    // Many small blocks, as a page of messages decoded and dropped leaves behind: 64 MiB
    // in 256-byte pieces, then all but one in 64 kept, so the heap cannot just shrink
    // from its top.
    let mut blocks: Vec<Box<[u8]>> = (0..(64 << 20) / 256)
        .map(|i| vec![i as u8; 256].into_boxed_slice())
        .collect();
    let mut i = 0;
    blocks.retain(|_| {
        i += 1;
        i % 64 == 0
    });
    blocks.shrink_to_fit();
    let before = kept();
    assert!(
        before > KEPT_OVER,
        "the allocator keeps what was freed ({before} bytes)"
    );
    let rss = resident().expect("resident memory");
    g.tick(t0 + every);
    assert_eq!(
        g.times, 1,
        "asked once the allocator kept more than the limit"
    );
    let after = resident().expect("resident memory");
    assert!(
        after + KEPT_OVER < rss,
        "resident memory fell from {rss} to {after} bytes"
    );
    // Asked again only after the interval, and only when there is something to give.
    g.tick(t0 + every + Duration::from_millis(10));
    assert_eq!(g.times, 1);
    g.tick(t0 + every * 2);
    assert_eq!(g.times, 1, "nothing freed since: not asked again");
    // More freed since: asked again.
    drop(blocks);
    g.tick(t0 + every * 3);
    assert_eq!(g.times, 1, "1 MiB more freed is not worth asking");
    let more: Vec<Box<[u8]>> = (0..(64 << 20) / 256)
        .map(|i| vec![i as u8; 256].into_boxed_slice())
        .collect();
    let keep_one: Vec<Box<[u8]>> = more.into_iter().step_by(64).collect();
    g.tick(t0 + every * 4);
    assert_eq!(g.times, 2, "another 63 MiB freed: given back again");
    assert_eq!(keep_one.len(), (64 << 20) / 256 / 64);
}

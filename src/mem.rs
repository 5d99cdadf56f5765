//! Giving freed memory back to the system.
//!
//! glibc's allocator keeps what the app frees for later use: a page of messages decoded
//! and then made compact, rows laid out again, a big answer read and dropped. After
//! scrolling far back in a big space that is tens of MiB held for nothing, so the
//! process stays at the high-water mark of its loading. [`GiveBack`] watches how much
//! is kept (every half minute, from the event loop's tick) and, when it is
//! more than [`KEPT_OVER`], asks the allocator to return it. On other allocators and
//! systems it does nothing.

use std::time::{Duration, Instant};

/// Freed memory the allocator may keep before it is asked to give it back.
pub const KEPT_OVER: usize = 16 << 20;

/// How often the allocator's counters are read. Reading them walks the allocator's free
/// lists, which takes milliseconds in a big, fragmented heap, so it is done rarely.
pub const EVERY: Duration = Duration::from_secs(30);

/// Bytes the allocator holds in freed blocks (kept for reuse, not returned).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn kept() -> usize {
    // SAFETY: mallinfo2 only reads the allocator's own counters.
    let mi = unsafe { libc::mallinfo2() };
    mi.fordblks
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn kept() -> usize {
    0
}

/// Bytes in live allocations.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn live() -> usize {
    // SAFETY: as in `kept`.
    let mi = unsafe { libc::mallinfo2() };
    mi.uordblks + mi.hblkhd
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn live() -> usize {
    0
}

/// Returns the allocator's free memory to the system; whether any was returned.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back() -> bool {
    // SAFETY: malloc_trim only releases free memory the allocator owns; it is safe to
    // call from any thread at any time.
    unsafe { libc::malloc_trim(0) == 1 }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back() -> bool {
    false
}

/// Resident memory of this process, in bytes (Linux; `None` elsewhere or if unknown).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn resident() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages.saturating_mul(usize::try_from(page).ok()?))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn resident() -> Option<usize> {
    None
}

/// Gives freed memory back when the process holds much more than it uses; checked at
/// most every [`EVERY`].
///
/// What is held beyond use is resident memory less live allocations (code, stacks and
/// the allocator's own overhead are in it too), measured from what it was right after
/// the last time memory was given back, or at the first look: only memory freed and
/// kept since then asks again.
#[derive(Debug, Default)]
pub struct GiveBack {
    last: Option<Instant>,
    base: Option<usize>,
    /// How many times memory was given back.
    pub times: u64,
}

impl GiveBack {
    /// Called on the event loop's tick: two counter reads unless there is memory to
    /// give back.
    pub fn tick(&mut self, now: Instant) {
        if self
            .last
            .is_some_and(|t| now.saturating_duration_since(t) < EVERY)
        {
            return;
        }
        self.last = Some(now);
        let Some(over) = held_beyond_use() else {
            return;
        };
        let base = *self.base.get_or_insert(over);
        if over > base.saturating_add(KEPT_OVER) {
            give_back();
            self.times += 1;
            self.base = held_beyond_use();
        } else if over < base {
            self.base = Some(over);
        }
    }
}

/// Resident memory not in live allocations.
fn held_beyond_use() -> Option<usize> {
    Some(resident()?.saturating_sub(live()))
}

//! Fresh ids and timestamps, as the API hands them out.

use chrono::{DateTime, Duration, DurationRound, Utc};
use rand::Rng;

/// URL-safe characters, as in Google's opaque ids.
pub fn random_id(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// The current time at microsecond precision (what the API reports).
pub fn now() -> DateTime<Utc> {
    let t = Utc::now();
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

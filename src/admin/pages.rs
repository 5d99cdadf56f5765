//! Lists read page by page, up to a limit, with progress on a terminal. A server that
//! hands back the same page token twice is an error, not an endless loop.

use std::future::Future;

use super::exit::Failure;
use super::output;

/// Every item of a list, or the first `limit`. `page(size, token)` fetches one page and
/// answers its items and the next page token; `each` sees every page's items (cut to
/// the limit) as they arrive, for output that streams.
pub(crate) async fn all_with<T, F, Fut>(
    what: &'static str,
    limit: Option<usize>,
    mut page: F,
    mut each: impl FnMut(&[T]) -> Result<(), Failure>,
) -> Result<Vec<T>, Failure>
where
    F: FnMut(i32, Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Failure>>,
{
    let mut progress = output::Progress::new(what);
    let mut all: Vec<T> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (mut items, next) = page(page_size(limit, all.len()), token.clone()).await?;
        if let Some(l) = limit {
            items.truncate(l.saturating_sub(all.len()));
        }
        each(&items)?;
        all.extend(items);
        progress.update(all.len());
        if limit.is_some_and(|l| all.len() >= l) {
            return Ok(all);
        }
        match next_page(&token, next)? {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// [`all_with`], without looking at the pages on the way.
pub(crate) async fn all<T, F, Fut>(
    what: &'static str,
    limit: Option<usize>,
    page: F,
) -> Result<Vec<T>, Failure>
where
    F: FnMut(i32, Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Failure>>,
{
    all_with(what, limit, page, |_| Ok(())).await
}

/// A page size that fetches no more than `limit` needs.
pub(crate) fn page_size(limit: Option<usize>, have: usize) -> i32 {
    let left = limit.map_or(1000, |l| l.saturating_sub(have).clamp(1, 1000));
    left as i32
}

/// The next page token, or none at the end; a repeated token is an error, not a loop.
pub(crate) fn next_page(
    prev: &Option<String>,
    next: Option<String>,
) -> Result<Option<String>, Failure> {
    match next {
        Some(t) if t.is_empty() => Ok(None),
        Some(t) if prev.as_deref() == Some(t.as_str()) => Err(Failure::other(
            "the server returned the same page token twice; stopping.",
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages of three numbers from 0; page `n` names page `n + 1` next, or repeats its
    /// own token when `stuck`.
    async fn page(
        size: i32,
        token: Option<String>,
        stuck: bool,
    ) -> Result<(Vec<u32>, Option<String>), Failure> {
        let n: u32 = token.as_deref().map_or(0, |t| t.parse().unwrap_or(0));
        let items = (n * 3..n * 3 + 3).take(size as usize).collect();
        let next = if n >= 3 {
            None
        } else if stuck && n == 1 {
            token
        } else {
            Some((n + 1).to_string())
        };
        Ok((items, next))
    }

    #[tokio::test]
    async fn reads_every_page_or_stops_at_the_limit() {
        let all = all("t", None, |s, t| page(s, t, false)).await.unwrap();
        assert_eq!(all, (0..12).collect::<Vec<_>>());
        let mut seen = Vec::new();
        let some = all_with(
            "t",
            Some(5),
            |s, t| page(s, t, false),
            |p| {
                seen.extend_from_slice(p);
                Ok(())
            },
        )
        .await
        .unwrap();
        assert_eq!(some, vec![0, 1, 2, 3, 4]);
        assert_eq!(
            seen, some,
            "the pages seen on the way stop at the limit too"
        );
    }

    #[tokio::test]
    async fn a_repeated_page_token_is_an_error_not_a_loop() {
        let e = all("t", None, |s, t| page(s, t, true)).await.unwrap_err();
        assert!(e.message.contains("same page token twice"), "{}", e.message);
    }
}

//! Natural order for names shown in lists: `person3` before `person10`, case ignored.

use std::cmp::Ordering;

/// One run of a name: letters and other characters (lowercased), or a number.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Digits without leading zeros, compared by length then digit by digit (so numbers
    /// of any length compare by value), then by how many zeros led them.
    Num {
        digits: String,
        zeros: usize,
    },
    Text(String),
}

impl Ord for Part {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (
                Part::Num {
                    digits: a,
                    zeros: za,
                },
                Part::Num {
                    digits: b,
                    zeros: zb,
                },
            ) => a
                .len()
                .cmp(&b.len())
                .then_with(|| a.cmp(b))
                .then_with(|| za.cmp(zb)),
            // Numbers before words, as in most file managers.
            (Part::Num { .. }, Part::Text(_)) => Ordering::Less,
            (Part::Text(_), Part::Num { .. }) => Ordering::Greater,
            (Part::Text(a), Part::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Part {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A sort key in natural order, for `sort_by_cached_key`; ties on the key (names that
/// differ only in case) are left to a stable sort.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key(Vec<Part>);

/// The natural sort key of `s`.
pub fn key(s: &str) -> Key {
    let mut parts = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            let trimmed = digits.trim_start_matches('0');
            let zeros = digits.len() - trimmed.len();
            parts.push(Part::Num {
                digits: trimmed.to_string(),
                zeros,
            });
        } else {
            let mut text = String::new();
            while let Some(&d) = chars.peek().filter(|d| !d.is_ascii_digit()) {
                text.extend(d.to_lowercase());
                chars.next();
            }
            parts.push(Part::Text(text));
        }
    }
    Key(parts)
}

/// Compares two names in natural order.
pub fn cmp(a: &str, b: &str) -> Ordering {
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_by_value_and_case_is_ignored() {
        let mut v = vec![
            "person40",
            "person10",
            "Person3",
            "person11",
            "person",
            "alice",
            "Bob",
            "person03",
            "person99999999999999999999999",
            "person100000000000000000000000",
        ];
        v.sort_by_key(|s| key(s));
        assert_eq!(
            v,
            vec![
                "alice",
                "Bob",
                "person",
                "Person3",
                "person03",
                "person10",
                "person11",
                "person40",
                "person99999999999999999999999",
                "person100000000000000000000000",
            ]
        );
        assert_eq!(cmp("工程部 2", "工程部 10"), Ordering::Less);
        assert_eq!(cmp("", "a"), Ordering::Less);
    }
}

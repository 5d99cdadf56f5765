//! Partial responses: the `fields` system parameter every Google API method accepts.
//!
//! The selector is a comma-separated list of field paths: `a` selects the field `a`
//! whole, `a/b` the field `b` inside `a`, `a(b,c)` the fields `b` and `c` inside `a`, and
//! `*` every field at its level. A selection inside a list applies to each of its
//! entries (`messages(name,text)`). A name the answer does not have selects nothing; an
//! empty or absent `fields` changes nothing; a selector that cannot be parsed is a 400
//! naming it, answered before the method runs (so it changes nothing either).
//!
//! The selector is parsed once per request; the answer is written whole, then the
//! selected parts are copied out as they were written (in their order), without building
//! a tree of values.

use std::cell::RefCell;
use std::collections::BTreeMap;

use std::borrow::Cow;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use super::error::{EmuError, EmuResult};
use super::request::Query;

/// What to keep of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sel {
    /// The whole value.
    All,
    /// Only these fields of it (each entry of it, for a list); `*` stands for any field.
    Fields(BTreeMap<String, Sel>),
}

/// A parsed `fields` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(BTreeMap<String, Sel>);

impl Selector {
    /// The selector the request's query asks for: `None` when it asks for none (no
    /// `fields`, or an empty one); a 400 when it cannot be parsed.
    pub fn from_query(raw_query: Option<&str>) -> EmuResult<Option<Selector>> {
        match Query::parse(raw_query).get("fields") {
            None => Ok(None),
            Some(f) => Selector::parse(f).map_err(|why| {
                let shown: String = f.chars().take(200).collect();
                EmuError::invalid_field(
                    "fields",
                    format!("Invalid field selection {shown:?}: {why}."),
                )
            }),
        }
    }

    /// Parses `s`; `Ok(None)` for a selector that is empty (or only blanks).
    pub fn parse(s: &str) -> Result<Option<Selector>, String> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        let mut p = Parser {
            s: s.as_bytes(),
            at: 0,
        };
        let top = p.list(0)?;
        p.blanks();
        match p.peek() {
            None => Ok(Some(Selector(top))),
            Some(b')') => Err(format!("an unmatched ')' at position {}", p.at + 1)),
            Some(c) => Err(format!(
                "unexpected {:?} at position {}",
                char::from(c),
                p.at + 1
            )),
        }
    }

    /// `v` with only the selected fields.
    pub fn apply(&self, v: Value) -> Value {
        self.to_vec(&v)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Object(Default::default()))
    }

    /// `v` serialised with only the selected fields: written whole, then the selected
    /// parts copied out as written (no tree of values built, the order kept).
    pub fn to_vec<T: Serialize>(&self, v: &T) -> serde_json::Result<Vec<u8>> {
        let whole = serde_json::to_vec(v)?;
        let raw: &RawValue = serde_json::from_slice(&whole)?;
        let mut out = Vec::with_capacity(whole.len());
        if !write_selected(raw, &self.0, &mut out)? {
            out.extend_from_slice(b"{}");
        }
        Ok(out)
    }
}

/// The deepest nesting of parentheses taken (a guard against a hostile selector).
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn blanks(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// `field (',' field)*`, merged into one map.
    fn list(&mut self, depth: usize) -> Result<BTreeMap<String, Sel>, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        let mut out = BTreeMap::new();
        loop {
            let (path, sub) = self.field(depth)?;
            merge_path(&mut out, &path, sub);
            self.blanks();
            if self.peek() == Some(b',') {
                self.at += 1;
            } else {
                return Ok(out);
            }
        }
    }

    /// `name ('/' name)* ['(' list ')']`. Each `/` nests as deep as a `(` does, and
    /// counts against the same limit (the selection is a tree that deep).
    fn field(&mut self, depth: usize) -> Result<(Vec<String>, Sel), String> {
        let mut path = vec![self.name()?];
        loop {
            self.blanks();
            if self.peek() != Some(b'/') {
                break;
            }
            self.at += 1;
            if depth + path.len() > MAX_DEPTH {
                return Err(format!("nested deeper than {MAX_DEPTH} levels"));
            }
            path.push(self.name()?);
        }
        self.blanks();
        if self.peek() != Some(b'(') {
            return Ok((path, Sel::All));
        }
        let open = self.at;
        self.at += 1;
        let sub = self.list(depth + path.len())?;
        self.blanks();
        if self.peek() != Some(b')') {
            return Err(format!("the '(' at position {} is not closed", open + 1));
        }
        self.at += 1;
        Ok((path, Sel::Fields(sub)))
    }

    fn name(&mut self) -> Result<String, String> {
        self.blanks();
        let start = self.at;
        if self.peek() == Some(b'*') {
            self.at += 1;
            return Ok("*".to_string());
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.at += 1;
        }
        if self.at == start {
            return Err(match self.peek() {
                None => "a field name is missing at its end".to_string(),
                Some(c) if c.is_ascii() => format!(
                    "a field name is missing at position {} (found {:?})",
                    start + 1,
                    char::from(c)
                ),
                Some(_) => format!("a field name is missing at position {}", start + 1),
            });
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }
}

/// Adds the selection of `path` (then `sub` within it) to `into`.
fn merge_path(into: &mut BTreeMap<String, Sel>, path: &[String], sub: Sel) {
    let Some((first, more)) = path.split_first() else {
        return;
    };
    let sub = if more.is_empty() {
        sub
    } else {
        let mut m = BTreeMap::new();
        merge_path(&mut m, more, sub);
        Sel::Fields(m)
    };
    match into.get_mut(first) {
        None => {
            into.insert(first.clone(), sub);
        }
        Some(have) => merge(have, sub),
    }
}

/// `have` widened by `more`: the whole value wins over a part of it.
fn merge(have: &mut Sel, more: Sel) {
    match (have, more) {
        (Sel::All, _) => {}
        (have, Sel::All) => *have = Sel::All,
        (Sel::Fields(h), Sel::Fields(m)) => {
            for (k, s) in m {
                match h.get_mut(&k) {
                    None => {
                        h.insert(k, s);
                    }
                    Some(x) => merge(x, s),
                }
            }
        }
    }
}

/// What `fields` selects of the field `k`, with `*` (any field) merged in.
fn selection<'s>(fields: &'s BTreeMap<String, Sel>, k: &str) -> Option<Cow<'s, Sel>> {
    match (fields.get(k), fields.get("*")) {
        (Some(a), Some(b)) => {
            let mut s = a.clone();
            merge(&mut s, b.clone());
            Some(Cow::Owned(s))
        }
        (Some(s), None) | (None, Some(s)) => Some(Cow::Borrowed(s)),
        (None, None) => None,
    }
}

/// Writes what `fields` selects of the JSON `raw` to `out`, as it was written; `false`
/// (and nothing written) for a plain value, of which nothing can be selected.
fn write_selected(
    raw: &RawValue,
    fields: &BTreeMap<String, Sel>,
    out: &mut Vec<u8>,
) -> serde_json::Result<bool> {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'{') => {
            let Entries(entries) = serde_json::from_str(raw.get())?;
            out.push(b'{');
            let mut first = true;
            let mut part = Vec::new();
            for (k, v) in entries {
                let kept = match selection(fields, &k).as_deref() {
                    None => None,
                    Some(Sel::All) => Some(v.get().as_bytes()),
                    Some(Sel::Fields(sub)) => {
                        part.clear();
                        write_selected(v, sub, &mut part)?.then_some(part.as_slice())
                    }
                };
                if let Some(kept) = kept {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    serde_json::to_writer(&mut *out, &*k)?;
                    out.push(b':');
                    out.extend_from_slice(kept);
                }
            }
            out.push(b'}');
            Ok(true)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(raw.get())?;
            out.push(b'[');
            let mut first = true;
            for item in items {
                let at = out.len();
                if !first {
                    out.push(b',');
                }
                if write_selected(item, fields, out)? {
                    first = false;
                } else {
                    out.truncate(at);
                }
            }
            out.push(b']');
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// An object's fields in the order written, borrowed from it where they can be.
struct Entries<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries<'de>, A::Error> {
                let mut v = Vec::new();
                while let Some(Key(k)) = m.next_key()? {
                    v.push((k, m.next_value()?));
                }
                Ok(Entries(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// A field's name, borrowed unless it had escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

thread_local! {
    /// The selector of the request being answered on this thread, if it asked for one.
    static CURRENT: RefCell<Option<Selector>> = const { RefCell::new(None) };
}

/// Runs `f` (which answers one request, synchronously) with `sel` as the selector that
/// [`serialize`] applies; the previous one is back afterwards, even if `f` panics.
pub fn with<R>(sel: Option<Selector>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Selector>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let old = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = old);
        }
    }
    let old = CURRENT.with(|c| c.replace(sel));
    let _restore = Restore(old);
    f()
}

/// `v` as the answer's JSON body: only the fields the request selected, if it did.
pub fn serialize<T: Serialize>(v: &T) -> serde_json::Result<Vec<u8>> {
    CURRENT.with(|c| match &*c.borrow() {
        Some(sel) => sel.to_vec(v),
        None => serde_json::to_vec(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pick(sel: &str, v: Value) -> Value {
        Selector::parse(sel).unwrap().expect("a selector").apply(v)
    }

    fn sample() -> Value {
        json!({
            "messages": [
                {"name": "m1", "text": "a", "space": {"name": "s", "type": "ROOM"},
                 "sender": {"name": "u1", "displayName": "Ann", "type": "HUMAN"}},
                {"name": "m2", "formattedText": "b", "sender": {"name": "u2"}}
            ],
            "nextPageToken": "t",
            "count": 2
        })
    }

    #[test]
    fn a_sub_selection_applies_to_each_entry_of_a_list() {
        assert_eq!(
            pick("nextPageToken,messages(name,sender/displayName)", sample()),
            json!({"messages": [
                {"name": "m1", "sender": {"displayName": "Ann"}},
                {"name": "m2", "sender": {}}
            ], "nextPageToken": "t"})
        );
    }

    #[test]
    fn slashes_and_parentheses_say_the_same() {
        let a = pick("messages/space/type,messages/name", sample());
        let b = pick("messages(space(type),name)", sample());
        assert_eq!(a, b);
        assert_eq!(
            a,
            json!({"messages": [{"name": "m1", "space": {"type": "ROOM"}}, {"name": "m2"}]})
        );
    }

    #[test]
    fn a_star_selects_every_field_at_its_level() {
        assert_eq!(pick("*", sample()), sample());
        let got = pick("messages(*)", sample());
        assert_eq!(got, json!({"messages": sample()["messages"].clone()}));
        // `*` with a narrower sibling: the whole value still wins.
        assert_eq!(
            pick("messages(sender/name,*)", sample())["messages"],
            sample()["messages"]
        );
        assert_eq!(
            pick("messages/*/name", sample()),
            json!({"messages": [{"space": {"name": "s"}, "sender": {"name": "u1"}},
                                {"sender": {"name": "u2"}}]})
        );
    }

    #[test]
    fn the_whole_wins_over_a_part_of_it_in_any_order() {
        for sel in ["messages/name,messages", "messages,messages(name)"] {
            assert_eq!(
                pick(sel, sample()),
                json!({"messages": sample()["messages"].clone()})
            );
        }
    }

    #[test]
    fn names_not_present_select_nothing() {
        assert_eq!(
            pick("nope,messages/nope", sample()),
            json!({"messages": [{}, {}]})
        );
        // A sub-field of a plain value is not there either.
        assert_eq!(
            pick("count/x,nextPageToken", sample()),
            json!({"nextPageToken": "t"})
        );
    }

    #[test]
    fn the_selected_parts_are_copied_as_written_in_their_order() {
        let sel = Selector::parse("z,a(q\u{0}),m/*").ok();
        assert!(sel.is_none(), "a NUL is no name");
        let sel = Selector::parse("z,m/*,a").unwrap().unwrap();
        let body = br#"{"z":1.50,"b":2,"a":{"k\"ey":"v\u00e9"},"m":{"x":[1, 2],"y":null}}"#;
        let v: Value = serde_json::from_slice(body).unwrap();
        let out = sel.to_vec(&v).unwrap();
        // serde_json writes the tree it read in its own order; what is selected of it is
        // copied out byte for byte.
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":{"k\"ey":"vé"},"m":{"x":[1,2],"y":null},"z":1.5}"#
        );
    }

    #[test]
    fn an_empty_selector_is_none() {
        for s in ["", "  "] {
            assert_eq!(Selector::parse(s), Ok(None));
        }
        assert_eq!(Selector::from_query(None).unwrap(), None);
        assert_eq!(Selector::from_query(Some("fields=")).unwrap(), None);
        assert_eq!(Selector::from_query(Some("pageSize=3")).unwrap(), None);
    }

    #[test]
    fn blanks_around_names_are_allowed() {
        assert_eq!(
            pick(" messages ( name ) , nextPageToken ", sample()),
            pick("messages(name),nextPageToken", sample())
        );
    }

    #[test]
    fn malformed_selectors_are_refused_with_their_reason() {
        for (sel, why) in [
            ("a(b", "not closed"),
            ("a)", "unmatched ')'"),
            ("a,,b", "missing"),
            ("a/", "missing at its end"),
            ("/a", "missing"),
            ("a()", "missing"),
            ("a b", "unexpected"),
            ("a(b)c", "unexpected"),
            ("a.b", "unexpected"),
            ("é", "missing"),
            (",", "missing"),
        ] {
            let e = Selector::parse(sel).expect_err(sel);
            assert!(e.contains(why), "{sel:?}: {e}");
        }
        let deep = format!("{}x{}", "a(".repeat(100), ")".repeat(100));
        assert!(Selector::parse(&deep).unwrap_err().contains("deeper"));
        // A path nests as deep as parentheses do: a long one is refused, not recursed
        // into until the stack runs out (it once took the emulator down).
        for long in [
            vec!["a"; 4000].join("/"),
            format!("a({})", vec!["b"; 4000].join("/")),
            format!("{}/{}(x)", vec!["a"; 20].join("/"), vec!["b"; 20].join("/")),
            format!("{}x{}", "a/b(".repeat(20), ")".repeat(20)),
        ] {
            assert!(
                Selector::parse(&long).unwrap_err().contains("deeper"),
                "{long:.40}"
            );
        }
        assert!(Selector::parse(&vec!["a"; MAX_DEPTH].join("/")).is_ok());
        let e = Selector::from_query(Some("fields=a(b")).unwrap_err();
        assert_eq!((e.code, e.status), (400, "INVALID_ARGUMENT"));
        assert!(e.message.contains("\"a(b\""), "{}", e.message);
    }

    #[test]
    fn serialize_applies_the_selector_only_while_answering() {
        let v = json!({"a": 1, "b": 2});
        let sel = Selector::parse("b").unwrap();
        let inside = with(sel, || serialize(&v).unwrap());
        assert_eq!(inside, br#"{"b":2}"#);
        assert_eq!(serialize(&v).unwrap(), br#"{"a":1,"b":2}"#);
        let r = std::panic::catch_unwind(|| {
            with(Selector::parse("a").unwrap(), || panic!("handler failed"))
        });
        assert!(r.is_err());
        assert_eq!(serialize(&v).unwrap(), br#"{"a":1,"b":2}"#);
    }
}

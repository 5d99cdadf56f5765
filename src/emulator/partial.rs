//! Partial responses: the `fields` system parameter every Google API method accepts.
//!
//! The selector is a comma-separated list of field paths: `a` selects the field `a`
//! whole, `a/b` the field `b` inside `a`, `a(b,c)` the fields `b` and `c` inside `a`, and
//! `*` every field at its level. A selection inside a list applies to each of its
//! entries (`messages(name,text)`). An empty or absent `fields` changes nothing; a
//! selector that cannot be parsed is a 400 naming it, answered before the method runs (so
//! it changes nothing either).
//!
//! A name the answer's type does not have is a 400 too, as Google answers it ("Invalid
//! field selection …"): the types' own serialisation says which fields they have, those
//! written and those left out because they are empty alike, so a field that exists but is
//! absent from this answer selects nothing. A field asked of a plain value (`name/x`,
//! `text(y)`) is not there either, and refused the same way; a `*` passing over plain
//! values selects nothing of them. The failed answer fails its method, which then
//! changes nothing. A name inside a part of the answer that is a free-form JSON
//! object (a card, a map) selects nothing when it is not there. What cannot be checked
//! is a name below a part that is absent (an empty list, a field left out): it selects
//! nothing.
//!
//! The selector is parsed once per request and applied while the answer is written, in
//! one pass: what is not selected is never written.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;

use serde::ser::{self, Serialize};
use serde_json::Value;

use super::error::{EmuError, EmuResult};
use super::request::Query;

mod write;
use write::write_picked;

/// What to keep of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sel {
    /// The whole value.
    All,
    /// Only these fields of it (each entry of it, for a list); `*` stands for any field.
    Fields(Fields),
}

type Fields = BTreeMap<String, Sel>;

/// A parsed `fields` selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(Fields);

/// Why a selected answer could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickError {
    /// A selected name the answer's type does not have.
    Unknown(String),
    /// The answer itself could not be encoded.
    Encode(String),
}

impl fmt::Display for PickError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PickError::Unknown(name) => write!(f, "Invalid field selection {name}"),
            PickError::Encode(why) => write!(f, "could not encode the response: {why}"),
        }
    }
}

impl std::error::Error for PickError {}

impl ser::Error for PickError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        PickError::Encode(msg.to_string())
    }
}

impl From<serde_json::Error> for PickError {
    fn from(e: serde_json::Error) -> Self {
        PickError::Encode(e.to_string())
    }
}

impl From<PickError> for EmuError {
    fn from(e: PickError) -> Self {
        match e {
            PickError::Unknown(name) => {
                // Names are ASCII letters, digits and underscores (the parser's rule);
                // a hostile one is cut short.
                let shown: String = name.chars().take(100).collect();
                EmuError::invalid_field("fields", format!("Invalid field selection {shown}"))
            }
            e @ PickError::Encode(_) => EmuError::internal(e.to_string()),
        }
    }
}

/// How many selections a selector may stand for once each `*` is merged into the names
/// beside it (a guard against a hostile selector: `*(…)` beside many names repeats it).
const MAX_SELECTIONS: usize = 20_000;

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
        let mut top = p.list(0)?;
        p.blanks();
        match p.peek() {
            None => {}
            Some(b')') => return Err(format!("an unmatched ')' at position {}", p.at + 1)),
            Some(_) => {
                // The parser steps over ASCII only, so it stops at a character's start.
                let (c, at) = p.char_here();
                return Err(format!("unexpected {c:?} at position {at}"));
            }
        }
        let mut budget = MAX_SELECTIONS;
        spread_stars(&mut top, &mut budget)?;
        Ok(Some(Selector(top)))
    }

    /// `v` with only the selected fields (a name `v` does not have selects nothing: a
    /// JSON value carries no type to say which names it could have).
    pub fn apply(&self, v: Value) -> Value {
        self.to_vec(&v)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Object(Default::default()))
    }

    /// `v` serialised with only the selected fields, in one pass (what is not selected
    /// is not written); [`PickError::Unknown`] for a name `v`'s type does not have.
    pub fn to_vec<T: Serialize + ?Sized>(&self, v: &T) -> Result<Vec<u8>, PickError> {
        let mut out = Vec::with_capacity(8 * 1024);
        if !write_picked(v, &self.0, true, &mut out)? {
            out.clear();
            out.extend_from_slice(b"{}");
        }
        Ok(out)
    }
}

/// Merges each level's `*` selection into the names beside it, once, so that writing
/// a field finds its whole selection under its own name (or under `*`) without merging
/// per value written. Refused when that would stand for more than `budget` selections.
fn spread_stars(fields: &mut Fields, budget: &mut usize) -> Result<(), String> {
    if fields.get("*") == Some(&Sel::All) {
        for v in fields.values_mut() {
            *v = Sel::All;
        }
        return Ok(());
    }
    if let Some(Sel::Fields(star)) = fields.get("*") {
        let star = star.clone();
        let cost = size(&star);
        for (k, v) in fields.iter_mut() {
            if k == "*" {
                continue;
            }
            *budget = budget
                .checked_sub(cost)
                .ok_or_else(|| format!("it stands for more than {MAX_SELECTIONS} selections"))?;
            merge(v, Sel::Fields(star.clone()));
        }
    }
    for v in fields.values_mut() {
        if let Sel::Fields(sub) = v {
            *budget = budget
                .checked_sub(1)
                .ok_or_else(|| format!("it stands for more than {MAX_SELECTIONS} selections"))?;
            spread_stars(sub, budget)?;
        }
    }
    Ok(())
}

/// How many selections `fields` holds, all levels counted.
fn size(fields: &Fields) -> usize {
    fields
        .values()
        .map(|s| match s {
            Sel::All => 1,
            Sel::Fields(f) => 1 + size(f),
        })
        .sum()
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

    /// The character where the parser stands, and its position (counted in
    /// characters, from 1). The parser steps over ASCII bytes only, so it stands at a
    /// character's first byte.
    fn char_here(&self) -> (char, usize) {
        let before = self.s.get(..self.at).unwrap_or(self.s);
        let here = self.s.get(self.at..).unwrap_or_default();
        let c = String::from_utf8_lossy(&here[..here.len().min(4)])
            .chars()
            .next()
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        (c, String::from_utf8_lossy(before).chars().count() + 1)
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
                Some(_) => {
                    let (c, at) = self.char_here();
                    format!("a field name is missing at position {at} (found {c:?})")
                }
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
/// A name the answer's type does not have is a 400 (which fails the method: it changes
/// nothing).
pub fn serialize<T: Serialize>(v: &T) -> EmuResult<Vec<u8>> {
    CURRENT.with(|c| match &*c.borrow() {
        Some(sel) => sel.to_vec(v).map_err(EmuError::from),
        None => serde_json::to_vec(v)
            .map_err(|e| EmuError::internal(format!("could not encode the response: {e}"))),
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
    }

    #[test]
    fn a_field_of_a_plain_value_asked_by_name_is_refused_naming_it() {
        let sel = |s: &str| Selector::parse(s).unwrap().expect("a selector");
        for (s, unknown) in [
            ("count/x,nextPageToken", "x"),
            ("nextPageToken(y)", "y"),
            ("messages/name/name", "name"),
            ("messages(sender/type/t)", "t"),
            ("count/*", "*"),
        ] {
            assert_eq!(
                sel(s).to_vec(&sample()),
                Err(PickError::Unknown(unknown.to_string())),
                "{s}"
            );
        }
        // A `*` passing over plain values selects nothing of them.
        assert_eq!(
            pick("messages/*/name", sample())["messages"][1],
            json!({"sender": {"name": "u2"}})
        );
    }

    #[test]
    fn a_parse_error_names_the_character_it_stopped_at_as_it_is() {
        for (s, want) in [
            ("m\u{e9}ssages", "unexpected '\u{e9}' at position 2"),
            (
                "a,\u{540d}",
                "a field name is missing at position 3 (found '\u{540d}')",
            ),
            (
                "\u{e9}\u{e9},\u{1f600}",
                "a field name is missing at position 1 (found '\u{e9}')",
            ),
            ("ab\u{1f600}", "unexpected '\u{1f600}' at position 3"),
            ("ab)", "an unmatched ')' at position 3"),
        ] {
            assert_eq!(Selector::parse(s), Err(want.to_string()), "{s:?}");
        }
    }

    #[test]
    fn the_selected_parts_are_written_as_the_whole_is_in_their_order() {
        let sel = Selector::parse("z,a(q\u{0}),m/*").ok();
        assert!(sel.is_none(), "a NUL is no name");
        let sel = Selector::parse("z,m/*,a").unwrap().unwrap();
        let body = br#"{"z":1.50,"b":2,"a":{"k\"ey":"v\u00e9"},"m":{"x":[1, 2],"y":null}}"#;
        let v: Value = serde_json::from_slice(body).unwrap();
        let out = sel.to_vec(&v).unwrap();
        // What is selected is written as serde_json writes the whole: in the tree's
        // order, with its escapes.
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":{"k\"ey":"vé"},"m":{"x":[1,2],"y":null},"z":1.5}"#
        );
        // A key `*` selects is escaped as the whole would be.
        let v = json!({"k\"e\ny\u{1}": {"q": 1, "r": 2}, "plain": 3});
        let got = Selector::parse("*/q").unwrap().unwrap().to_vec(&v).unwrap();
        assert_eq!(
            got,
            serde_json::to_vec(&json!({"k\"e\ny\u{1}": {"q": 1}})).unwrap()
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

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Person {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        display_name: Option<String>,
    }

    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Page {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        people: Vec<Person>,
        #[serde(skip_serializing_if = "Option::is_none")]
        next_page_token: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        extra: Option<Value>,
    }

    fn page() -> Page {
        Page {
            people: vec![
                Person {
                    name: "u1".into(),
                    display_name: Some("Ann".into()),
                },
                Person {
                    name: "u2".into(),
                    display_name: None,
                },
            ],
            next_page_token: None,
            extra: Some(json!({"k": {"x": 1}})),
        }
    }

    fn typed(sel: &str) -> Result<Value, PickError> {
        let s = Selector::parse(sel).unwrap().expect("a selector");
        s.to_vec(&page())
            .map(|b| serde_json::from_slice(&b).expect("JSON"))
    }

    #[test]
    fn a_name_the_type_does_not_have_is_refused_at_any_level() {
        for (sel, name) in [
            ("nosuch", "nosuch"),
            ("people,nosuch", "nosuch"),
            ("people(nosuch)", "nosuch"),
            ("people/name/x,people(name,zz)", "zz"),
            ("*,nosuch", "nosuch"),
            ("people(*,nosuch)", "nosuch"),
        ] {
            assert_eq!(typed(sel), Err(PickError::Unknown(name.into())), "{sel}");
        }
        let e = EmuError::from(PickError::Unknown("nosuch".into()));
        assert_eq!((e.code, e.status), (400, "INVALID_ARGUMENT"));
        assert_eq!(e.message, "Invalid field selection nosuch");
        let long = EmuError::from(PickError::Unknown("y".repeat(10_000)));
        assert!(long.message.len() < 200, "{}", long.message.len());
    }

    #[test]
    fn a_name_the_type_has_but_the_answer_lacks_selects_nothing() {
        assert_eq!(typed("nextPageToken").unwrap(), json!({}));
        assert_eq!(
            typed("people(displayName)").unwrap(),
            json!({"people": [{"displayName": "Ann"}, {}]})
        );
        // Inside a free-form JSON value no name is unknown.
        assert_eq!(
            typed("extra(k/x,nope),people/name").unwrap(),
            json!({"people": [{"name": "u1"}, {"name": "u2"}], "extra": {"k": {"x": 1}}})
        );
        // Below an absent part nothing can be checked.
        let empty = Page {
            people: vec![],
            next_page_token: None,
            extra: None,
        };
        let s = Selector::parse("people(nosuch)").unwrap().unwrap();
        assert_eq!(s.to_vec(&empty).unwrap(), b"{}");
    }

    #[test]
    fn one_pass_answers_what_the_tree_answers() {
        // The same selections of the same data, typed and as a JSON tree, agree.
        for sel in [
            "people",
            "people/name",
            "people(name,displayName),extra",
            "*",
            "people/*",
            "extra/k/x",
            "extra(*)",
        ] {
            let tree = pick(sel, serde_json::to_value(page()).unwrap());
            assert_eq!(typed(sel).unwrap(), tree, "{sel}");
        }
    }

    #[test]
    fn a_star_beside_names_is_merged_into_them_once_within_a_limit() {
        let s = Selector::parse("a(*(x),b(y),c)").unwrap().unwrap();
        let v = json!({"a": {"b": {"x": 1, "y": 2, "z": 3}, "c": {"x": 1, "w": 2}, "d": {"x": 4, "q": 5}}});
        assert_eq!(
            s.apply(v),
            json!({"a": {"b": {"x": 1, "y": 2}, "c": {"x": 1, "w": 2}, "d": {"x": 4}}})
        );
        let names: Vec<String> = (0..1000).map(|i| format!("n{i}")).collect();
        let blowup = format!("*({}),{}", names.join(","), names.join(","));
        let e = Selector::parse(&blowup).unwrap_err();
        assert!(e.contains("more than"), "{e}");
        // Nested stars under stars stay within the same limit.
        let nested = format!("{}x{}", "*(a,b,".repeat(30), ")".repeat(30));
        assert!(Selector::parse(&nested).is_ok());
    }

    #[test]
    fn hostile_selectors_do_not_crash_the_filter() {
        // Many repeated names are one selection.
        let many = vec!["people/name"; 20_000].join(",");
        let s = Selector::parse(&many).unwrap().unwrap();
        assert_eq!(s.0.len(), 1);
        // Unicode and control characters are refused with a position, not a panic.
        for bad in [
            "naïve",
            "people(名前)",
            "\u{202e}x",
            "a\u{0}",
            "x\u{1F600}y",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad:?}");
        }
        // `*` at every level, as deep as allowed, over data deeper still.
        let mut deep = json!(1);
        for _ in 0..40 {
            deep = json!({ "k": deep });
        }
        let stars = vec!["*"; MAX_DEPTH].join("/");
        let got = Selector::parse(&stars)
            .unwrap()
            .unwrap()
            .apply(deep.clone());
        assert_eq!(got, deep);
    }

    #[test]
    fn entries_of_a_list_of_different_types_each_find_their_own_fields() {
        #[derive(serde::Serialize)]
        struct Other {
            code: u8,
            name: String,
        }
        #[derive(serde::Serialize)]
        #[serde(untagged)]
        enum Either {
            P(Person),
            O(Other),
        }
        let list = vec![
            Either::P(Person {
                name: "a".into(),
                display_name: Some("A".into()),
            }),
            Either::O(Other {
                code: 7,
                name: "b".into(),
            }),
            Either::P(Person {
                name: "c".into(),
                display_name: None,
            }),
        ];
        let s = |sel: &str| Selector::parse(sel).unwrap().unwrap();
        let got = s("x(name)").to_vec(&json!({"x": serde_json::to_value(&list).unwrap()}));
        assert_eq!(
            got.unwrap(),
            br#"{"x":[{"name":"a"},{"name":"b"},{"name":"c"}]}"#
        );
        #[derive(serde::Serialize)]
        struct Wrap<'a> {
            x: &'a [Either],
        }
        let got = s("x(name)").to_vec(&Wrap { x: &list }).unwrap();
        assert_eq!(got, br#"{"x":[{"name":"a"},{"name":"b"},{"name":"c"}]}"#);
        // `code` is a field of the second type only.
        assert_eq!(
            s("x(code)").to_vec(&Wrap { x: &list }),
            Err(PickError::Unknown("code".into()))
        );
        assert_eq!(
            s("x(displayName)").to_vec(&Wrap { x: &list }),
            Err(PickError::Unknown("displayName".into()))
        );
    }
}

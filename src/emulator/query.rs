//! The filter language of `spaceEvents.list` and `messages.search` (AIP-160 as Google's
//! Chat API uses it): terms `field op value`, functions `name()`, bare or quoted keywords,
//! `AND` (or juxtaposition), `OR` (which binds tighter than `AND`), and parentheses.
//! Parsed into a conjunction of disjunctions; each method then says which shapes it takes.

use super::error::{EmuError, EmuResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Atom {
    /// `field op value`, the value unquoted.
    Term {
        field: String,
        op: String,
        value: String,
    },
    /// `name()`.
    Func(String),
    /// A keyword or a quoted phrase.
    Word(String),
}

impl Atom {
    /// The field a term or function is about; `""` for keywords.
    pub fn field(&self) -> &str {
        match self {
            Atom::Term { field, .. } => field,
            Atom::Func(f) => f,
            Atom::Word(_) => "",
        }
    }
}

/// AND of ORs.
pub type Conjunction = Vec<Vec<Atom>>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Atom(Atom),
}

fn bad(msg: impl Into<String>) -> EmuError {
    EmuError::invalid_field("filter", msg)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

fn quoted(chars: &[char], i: &mut usize) -> EmuResult<String> {
    // chars[*i] is the opening quote.
    let q = chars[*i];
    *i += 1;
    let mut out = String::new();
    while *i < chars.len() {
        let c = chars[*i];
        *i += 1;
        if c == '\\' && *i < chars.len() {
            out.push(chars[*i]);
            *i += 1;
        } else if c == q {
            return Ok(out);
        } else {
            out.push(c);
        }
    }
    Err(bad("The filter has an unterminated quoted string."))
}

fn bare(chars: &[char], i: &mut usize) -> String {
    let mut out = String::new();
    while *i < chars.len() && !chars[*i].is_whitespace() && chars[*i] != '(' && chars[*i] != ')' {
        out.push(chars[*i]);
        *i += 1;
    }
    out
}

fn tokens(text: &str) -> EmuResult<Vec<Tok>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if c == '"' || c == '\'' {
            out.push(Tok::Atom(Atom::Word(quoted(&chars, &mut i)?)));
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let ident: String = chars[start..i].iter().collect();
            // Whitespace may sit between a field and its operator.
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let op = ["<=", ">=", "!=", ":", "=", "<", ">"]
                .into_iter()
                .find(|op| chars[j..].starts_with(&op.chars().collect::<Vec<_>>()));
            if let Some(op) = op {
                i = j + op.chars().count();
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                let value = match chars.get(i) {
                    Some('"') | Some('\'') => quoted(&chars, &mut i)?,
                    Some(_) => bare(&chars, &mut i),
                    None => String::new(),
                };
                if value.is_empty() {
                    return Err(bad(format!("The filter's term {ident}{op} has no value.")));
                }
                out.push(Tok::Atom(Atom::Term {
                    field: ident,
                    op: op.to_string(),
                    value,
                }));
            } else if chars.get(i) == Some(&'(') && chars.get(i + 1) == Some(&')') {
                i += 2;
                out.push(Tok::Atom(Atom::Func(ident)));
            } else if ident == "AND" {
                out.push(Tok::And);
            } else if ident == "OR" {
                out.push(Tok::Or);
            } else {
                i = start;
                out.push(Tok::Atom(Atom::Word(bare(&chars, &mut i))));
            }
        } else {
            out.push(Tok::Atom(Atom::Word(bare(&chars, &mut i))));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// expr := factor ((AND)? factor)*
    fn expr(&mut self) -> EmuResult<Conjunction> {
        let mut out = Vec::new();
        loop {
            out.extend(self.factor()?);
            match self.peek() {
                None | Some(Tok::Close) => return Ok(out),
                Some(Tok::And) => {
                    self.pos += 1;
                }
                Some(Tok::Or) => return Err(bad("The filter has OR where a term belongs.")),
                Some(_) => {}
            }
        }
    }

    /// factor := atom (OR atom)*
    fn factor(&mut self) -> EmuResult<Conjunction> {
        let mut alts: Vec<Conjunction> = vec![self.atom()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            alts.push(self.atom()?);
        }
        if alts.len() == 1 {
            return Ok(alts.pop().unwrap_or_default());
        }
        let mut group = Vec::new();
        for a in alts {
            match <[Vec<Atom>; 1]>::try_from(a) {
                Ok([g]) => group.extend(g),
                Err(_) => {
                    return Err(bad(
                        "The filter mixes AND and OR without parentheses that this field allows.",
                    ))
                }
            }
        }
        Ok(vec![group])
    }

    fn atom(&mut self) -> EmuResult<Conjunction> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Atom(a)) => {
                self.pos += 1;
                Ok(vec![vec![a]])
            }
            Some(Tok::Open) => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > 16 {
                    return Err(bad("The filter nests parentheses too deeply."));
                }
                let inner = self.expr()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err(bad("The filter has an unclosed parenthesis."));
                }
                self.pos += 1;
                self.depth -= 1;
                if inner.is_empty() {
                    return Err(bad("The filter has empty parentheses."));
                }
                Ok(inner)
            }
            Some(Tok::Close) => Err(bad("The filter has an unmatched closing parenthesis.")),
            Some(Tok::And) | Some(Tok::Or) => {
                Err(bad("The filter has an operator without a term."))
            }
            None => Err(bad("The filter ends where a term belongs.")),
        }
    }
}

/// Parses `text`; 400 `INVALID_ARGUMENT` on anything malformed.
pub fn parse(text: &str) -> EmuResult<Conjunction> {
    let toks = tokens(text)?;
    if toks.is_empty() {
        return Ok(Vec::new());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let out = p.expr()?;
    if p.pos != p.toks.len() {
        return Err(bad("The filter has an unmatched closing parenthesis."));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(f: &str, op: &str, v: &str) -> Atom {
        Atom::Term {
            field: f.into(),
            op: op.into(),
            value: v.into(),
        }
    }

    #[test]
    fn or_binds_tighter_than_and() {
        let c = parse(
            r#"start_time="2023-08-23T19:20:33+00:00" AND (event_types:"a" OR event_types:"b")"#,
        )
        .unwrap();
        assert_eq!(
            c,
            vec![
                vec![term("start_time", "=", "2023-08-23T19:20:33+00:00")],
                vec![term("event_types", ":", "a"), term("event_types", ":", "b")]
            ]
        );
        let c = parse(r#"x:"a" OR x:"b" AND y=1"#).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].len(), 2);
    }

    #[test]
    fn keywords_functions_and_implicit_and() {
        let c = parse(r#""things to do" urgent is_unread() sender.name = "users/1" attachment:*"#)
            .unwrap();
        assert_eq!(
            c,
            vec![
                vec![Atom::Word("things to do".into())],
                vec![Atom::Word("urgent".into())],
                vec![Atom::Func("is_unread".into())],
                vec![term("sender.name", "=", "users/1")],
                vec![term("attachment", ":", "*")],
            ]
        );
        assert_eq!(
            parse("create_time>=\"x\"").unwrap()[0][0],
            term("create_time", ">=", "x")
        );
    }

    #[test]
    fn malformed_filters_are_refused() {
        for f in [
            "(a",
            "a)",
            "a OR",
            "AND a",
            "x=\"unterminated",
            "x=",
            "()",
            "(a AND b) OR c",
            "a OR OR b",
        ] {
            assert!(parse(f).is_err(), "{f}");
        }
        let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).is_err());
    }
}

//! The three `filter` grammars: spaces by type, members by role and type, messages by
//! create time and thread. Anything outside them is 400 INVALID_ARGUMENT.

use chrono::{DateTime, Utc};

use super::error::{EmuError, EmuResult};
use crate::api::model::{timestamp, MembershipRole, SpaceType, UserType};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(&'static str),
    And,
    Or,
}

fn bad(filter: &str, why: &str) -> EmuError {
    EmuError::invalid_field("filter", format!("Invalid filter {filter:?}: {why}"))
}

fn lex(filter: &str) -> EmuResult<Vec<Tok>> {
    let mut out = Vec::new();
    let chars: Vec<char> = filter.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(bad(filter, "unterminated string")),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        match chars.get(i + 1) {
                            Some(&e) => s.push(e),
                            None => return Err(bad(filter, "unterminated string")),
                        }
                        i += 2;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if c == '!' && chars.get(i + 1) == Some(&'=') {
            out.push(Tok::Op("!="));
            i += 2;
        } else if (c == '>' || c == '<') && chars.get(i + 1) == Some(&'=') {
            return Err(bad(filter, "only > and < compare times"));
        } else if c == '=' || c == '>' || c == '<' {
            out.push(Tok::Op(match c {
                '=' => "=",
                '>' => ">",
                _ => "<",
            }));
            i += 1;
        } else if c == '(' || c == ')' {
            return Err(bad(filter, "parentheses are not supported"));
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '"' | '=' | '!' | '<' | '>' | '(' | ')')
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            out.push(match w.as_str() {
                "AND" => Tok::And,
                "OR" => Tok::Or,
                _ => Tok::Word(w),
            });
        }
    }
    Ok(out)
}

/// One `field op value` comparison.
#[derive(Debug, Clone)]
struct Cmp {
    field: String,
    op: &'static str,
    value: String,
    quoted: bool,
}

/// A filter as a conjunction of disjunctions (AIP-160: OR binds tighter than AND).
fn parse(filter: &str) -> EmuResult<Vec<Vec<Cmp>>> {
    let toks = lex(filter)?;
    if toks.is_empty() {
        return Ok(Vec::new());
    }
    let mut groups: Vec<Vec<Cmp>> = vec![Vec::new()];
    let mut i = 0;
    loop {
        let field = match toks.get(i) {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(bad(filter, "expected a field name")),
        };
        let op = match toks.get(i + 1) {
            Some(Tok::Op(op)) => *op,
            _ => return Err(bad(filter, "expected an operator after the field name")),
        };
        let (value, quoted) = match toks.get(i + 2) {
            Some(Tok::Str(s)) => (s.clone(), true),
            Some(Tok::Word(w)) => (w.clone(), false),
            _ => return Err(bad(filter, "expected a value after the operator")),
        };
        if let Some(g) = groups.last_mut() {
            g.push(Cmp {
                field,
                op,
                value,
                quoted,
            });
        }
        i += 3;
        match toks.get(i) {
            None => break,
            Some(Tok::And) => groups.push(Vec::new()),
            Some(Tok::Or) => {}
            Some(_) => return Err(bad(filter, "expected AND or OR between comparisons")),
        }
        i += 1;
        if i >= toks.len() {
            return Err(bad(filter, "the filter ends with AND or OR"));
        }
    }
    Ok(groups)
}

/// `spaces.list`: `space_type = "SPACE"` / `spaceType = "GROUP_CHAT" OR ...`.
#[derive(Debug, Clone, Default)]
pub struct SpaceFilter {
    types: Option<Vec<SpaceType>>,
}

impl SpaceFilter {
    pub fn parse(filter: Option<&str>) -> EmuResult<Self> {
        let Some(f) = filter.filter(|f| !f.trim().is_empty()) else {
            return Ok(SpaceFilter::default());
        };
        let groups = parse(f)?;
        if groups.len() > 1 {
            return Err(bad(f, "space types combine with OR, not AND"));
        }
        let mut types = Vec::new();
        for c in groups.into_iter().flatten() {
            if c.field != "space_type" && c.field != "spaceType" {
                return Err(bad(f, "only space_type can be filtered on"));
            }
            if c.op != "=" {
                return Err(bad(f, "space_type only takes ="));
            }
            let t = SpaceType::from(c.value.as_str());
            if !t.is_known() || t == SpaceType::Unspecified {
                return Err(bad(
                    f,
                    "the space type must be SPACE, GROUP_CHAT or DIRECT_MESSAGE",
                ));
            }
            types.push(t);
        }
        Ok(SpaceFilter { types: Some(types) })
    }

    pub fn matches(&self, t: &SpaceType) -> bool {
        self.types.as_ref().is_none_or(|ts| ts.contains(t))
    }
}

/// `spaces.members.list`: `role` and `member.type`, combined with AND and OR.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    groups: Vec<Vec<MemberCmp>>,
}

#[derive(Debug, Clone)]
enum MemberCmp {
    Role(MembershipRole),
    Type { value: UserType, negate: bool },
}

impl MemberFilter {
    pub fn parse(filter: Option<&str>) -> EmuResult<Self> {
        let Some(f) = filter.filter(|f| !f.trim().is_empty()) else {
            return Ok(MemberFilter::default());
        };
        let mut groups = Vec::new();
        let mut fields_seen: Vec<&'static str> = Vec::new();
        for group in parse(f)? {
            let mut out = Vec::new();
            let mut fields_here: Vec<&'static str> = Vec::new();
            for c in group {
                let cmp = match c.field.as_str() {
                    "role" => {
                        if c.op != "=" {
                            return Err(bad(f, "role only takes ="));
                        }
                        let r = MembershipRole::from(c.value.as_str());
                        if r != MembershipRole::Manager && r != MembershipRole::Member {
                            return Err(bad(f, "role must be ROLE_MANAGER or ROLE_MEMBER"));
                        }
                        fields_here.push("role");
                        MemberCmp::Role(r)
                    }
                    "member.type" => {
                        if c.op != "=" && c.op != "!=" {
                            return Err(bad(f, "member.type takes = or !="));
                        }
                        let t = UserType::from(c.value.as_str());
                        if t != UserType::Human && t != UserType::Bot {
                            return Err(bad(f, "member.type must be HUMAN or BOT"));
                        }
                        fields_here.push("member.type");
                        MemberCmp::Type {
                            value: t,
                            negate: c.op == "!=",
                        }
                    }
                    _ => return Err(bad(f, "only role and member.type can be filtered on")),
                };
                out.push(cmp);
            }
            // The same field under AND can never match twice ("HUMAN AND BOT").
            fields_here.sort_unstable();
            fields_here.dedup();
            for field in fields_here {
                if fields_seen.contains(&field) {
                    return Err(bad(f, "a field may appear only once among ANDed terms"));
                }
                fields_seen.push(field);
            }
            groups.push(out);
        }
        Ok(MemberFilter { groups })
    }

    pub fn matches(&self, role: &MembershipRole, user_type: &UserType) -> bool {
        self.groups.iter().all(|g| {
            g.iter().any(|c| match c {
                MemberCmp::Role(r) => r == role,
                MemberCmp::Type { value, negate } => (value == user_type) != *negate,
            })
        })
    }
}

/// `spaces.messages.list`: `create_time > "T"`, `create_time < "T"` and one `thread.name`,
/// joined by AND.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageFilter {
    pub after: Option<DateTime<Utc>>,
    pub before: Option<DateTime<Utc>>,
    pub thread: Option<String>,
}

impl MessageFilter {
    pub fn parse(filter: Option<&str>) -> EmuResult<Self> {
        let Some(f) = filter.filter(|f| !f.trim().is_empty()) else {
            return Ok(MessageFilter::default());
        };
        let mut out = MessageFilter::default();
        for group in parse(f)? {
            if group.len() != 1 {
                return Err(bad(f, "message filters combine with AND, not OR"));
            }
            let c = &group[0];
            match c.field.as_str() {
                "create_time" | "createTime" => {
                    if !c.quoted {
                        return Err(bad(f, "the timestamp must be in double quotes"));
                    }
                    let t = timestamp::parse(&c.value)
                        .map_err(|_| bad(f, "the timestamp must be RFC 3339"))?;
                    let slot = match c.op {
                        ">" => &mut out.after,
                        "<" => &mut out.before,
                        _ => return Err(bad(f, "create_time takes > or <")),
                    };
                    if slot.is_some() {
                        return Err(bad(f, "each of > and < may appear once"));
                    }
                    *slot = Some(t);
                }
                "thread.name" => {
                    if c.op != "=" {
                        return Err(bad(f, "thread.name takes ="));
                    }
                    if out.thread.is_some() {
                        return Err(bad(f, "only one thread.name may be given"));
                    }
                    if crate::api::ThreadName::parse(&c.value).is_err() {
                        return Err(bad(
                            f,
                            "thread.name must be spaces/{space}/threads/{thread}",
                        ));
                    }
                    out.thread = Some(c.value.clone());
                }
                _ => {
                    return Err(bad(
                        f,
                        "only create_time and thread.name can be filtered on",
                    ))
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_filters() {
        assert!(SpaceFilter::parse(Some(r#"space_type = "SPACE""#)).is_ok());
        let f = SpaceFilter::parse(Some(
            r#"spaceType = "GROUP_CHAT" OR spaceType = "DIRECT_MESSAGE""#,
        ))
        .unwrap();
        assert!(f.matches(&SpaceType::GroupChat));
        assert!(!f.matches(&SpaceType::Space));
        for bad in [
            r#"space_type = "SPACE_TYPE_UNSPECIFIED""#,
            r#"space_type = "ROOM""#,
            r#"display_name = "x""#,
            r#"space_type = "SPACE" AND space_type = "DIRECT_MESSAGE""#,
            r#"space_type != "SPACE""#,
            r#"space_type = "#,
            "garbage",
        ] {
            assert!(SpaceFilter::parse(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn member_filters() {
        let ok = [
            r#"role = "ROLE_MANAGER" OR role = "ROLE_MEMBER""#,
            r#"member.type = "HUMAN" AND role = "ROLE_MANAGER""#,
            r#"member.type != "BOT""#,
        ];
        for f in ok {
            assert!(MemberFilter::parse(Some(f)).is_ok(), "{f}");
        }
        for f in [
            r#"member.type = "HUMAN" AND member.type = "BOT""#,
            r#"role = "ROLE_MANAGER" AND role = "ROLE_MEMBER""#,
            r#"role != "ROLE_MANAGER""#,
            r#"state = "JOINED""#,
        ] {
            assert!(MemberFilter::parse(Some(f)).is_err(), "{f}");
        }
        let f = MemberFilter::parse(Some(r#"member.type = "HUMAN" AND role = "ROLE_MANAGER""#))
            .unwrap();
        assert!(f.matches(&MembershipRole::Manager, &UserType::Human));
        assert!(!f.matches(&MembershipRole::Member, &UserType::Human));
        let f = MemberFilter::parse(Some(r#"member.type != "BOT""#)).unwrap();
        assert!(!f.matches(&MembershipRole::Member, &UserType::Bot));
    }

    #[test]
    fn message_filters() {
        let f = MessageFilter::parse(Some(
            r#"create_time > "2012-04-21T11:30:00-04:00" AND thread.name = spaces/AAAAAAAAAAA/threads/123"#,
        ))
        .unwrap();
        assert_eq!(f.after.unwrap().to_rfc3339(), "2012-04-21T15:30:00+00:00");
        assert_eq!(f.thread.as_deref(), Some("spaces/AAAAAAAAAAA/threads/123"));
        assert!(MessageFilter::parse(Some(
            r#"createTime > "2012-04-21T11:30:00+00:00" AND createTime < "2013-01-01T00:00:00+00:00""#
        ))
        .is_ok());
        assert!(MessageFilter::parse(Some(r#"thread.name = "spaces/A/threads/B""#)).is_ok());
        for f in [
            r#"create_time >= "2012-04-21T11:30:00Z""#,
            r#"create_time > 2012-04-21T11:30:00Z"#,
            r#"create_time > "yesterday""#,
            r#"thread.name = spaces/A/threads/B AND thread.name = spaces/A/threads/C"#,
            r#"create_time > "2012-04-21T11:30:00Z" OR create_time < "2013-04-21T11:30:00Z""#,
            r#"text = "hello""#,
            r#"thread.name = nonsense"#,
            r#"create_time > "2012-04-21T11:30:00Z" AND"#,
        ] {
            assert!(MessageFilter::parse(Some(f)).is_err(), "{f}");
        }
    }
}

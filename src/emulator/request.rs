//! Reading requests the way Google's front end does: query parameters by camelCase or
//! snake_case name, unknown parameters and fields refused, bodies type-checked with the
//! path of the offending field, page sizes and page tokens.

use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::{EmuError, EmuResult};

/// Parameters every Google API method accepts: the emulator ignores them, save `fields`
/// (partial responses, applied where the answer is written).
const SYSTEM_PARAMS: &[&str] = &[
    "alt",
    "fields",
    "prettyPrint",
    "quotaUser",
    "key",
    "access_token",
    "oauth_token",
    "$.xgafv",
    "callback",
    "upload_protocol",
    "uploadType",
    "userIp",
    "trace",
];

/// `pageSize` -> `page_size`.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        Query { pairs }
    }

    fn matches(key: &str, name: &str) -> bool {
        key == name || key == snake(name)
    }

    /// 400 for a parameter the method does not have, as Google does.
    pub fn only(&self, allowed: &[&str]) -> EmuResult<()> {
        for (k, _) in &self.pairs {
            let known =
                SYSTEM_PARAMS.contains(&k.as_str()) || allowed.iter().any(|a| Self::matches(k, a));
            if !known {
                return Err(EmuError::invalid(format!(
                    "Invalid JSON payload received. Unknown name \"{k}\": Cannot bind query parameter. Field '{k}' could not be found in request message."
                )));
            }
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| Self::matches(k, name))
            .map(|(_, v)| v.as_str())
    }

    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| Self::matches(k, name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A non-empty string parameter.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    pub fn bool(&self, name: &str) -> EmuResult<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" | "" => Ok(false),
                _ => Err(EmuError::invalid_field(
                    &snake(name),
                    format!("Invalid value at '{}' (TYPE_BOOL), \"{v}\"", snake(name)),
                )),
            },
        }
    }

    pub fn int(&self, name: &str) -> EmuResult<Option<i64>> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v.trim().parse::<i64>().map(Some).map_err(|_| {
                EmuError::invalid_field(
                    &snake(name),
                    format!("Invalid value at '{}' (TYPE_INT32), \"{v}\"", snake(name)),
                )
            }),
        }
    }

    /// `pageSize`: unset or 0 means `default`; over 1000 is capped; negative is 400.
    pub fn page_size(&self, default: usize) -> EmuResult<usize> {
        match self.int("pageSize")? {
            None | Some(0) => Ok(default),
            Some(n) if n < 0 => Err(EmuError::invalid_field(
                "page_size",
                "The page size must not be negative.",
            )),
            Some(n) => Ok((n as usize).min(1000)),
        }
    }
}

/// The `updateMask` paths in snake_case (`cardsV2` -> `cards_v2`); 400 when absent.
pub fn update_mask(q: &Query) -> EmuResult<Vec<String>> {
    let raw = q.string("updateMask").ok_or_else(|| {
        EmuError::invalid_field("update_mask", "The updateMask parameter is required.")
    })?;
    let paths: Vec<String> = raw
        .split(',')
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut out = String::new();
            for (i, c) in p.chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            }
            out
        })
        .collect();
    if paths.is_empty() {
        return Err(EmuError::invalid_field(
            "update_mask",
            "The updateMask parameter is required.",
        ));
    }
    Ok(paths)
}

pub fn unsupported_mask(path: &str, supported: &str) -> EmuError {
    EmuError::invalid_field(
        "update_mask",
        format!("The update mask path \"{path}\" is not supported. Supported paths: {supported}."),
    )
}

/// What a page token carries: which list it continues, a fingerprint of the other
/// parameters (they must not change between pages), and where to resume.
#[derive(Serialize, Deserialize)]
struct PageToken {
    l: String,
    p: String,
    c: String,
}

pub fn encode_page_token(list: &str, params: &str, cursor: &str) -> String {
    let t = PageToken {
        l: list.to_string(),
        p: params.to_string(),
        c: cursor.to_string(),
    };
    let json = serde_json::to_vec(&t).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

/// The cursor inside `token`; 400 if it is garbage or was made for another request.
pub fn decode_page_token(token: &str, list: &str, params: &str) -> EmuResult<String> {
    let bad = || EmuError::invalid_field("page_token", "The page token is invalid.");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| bad())?;
    let t: PageToken = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if t.l != list {
        return Err(bad());
    }
    if t.p != params {
        return Err(EmuError::invalid_field(
            "page_token",
            "The page token does not match the request: every parameter other than pageSize and pageToken must be the same as in the call that returned it.",
        ));
    }
    Ok(t.c)
}

/// `thread.nam`, `cardsV2[0].x`: a field path without serde's `?` for options.
fn path_text(p: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match p {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_text(parent)),
        Path::Map { parent, key } => {
            let head = path_text(parent);
            if head.is_empty() {
                key.to_string()
            } else {
                format!("{head}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_text(parent),
    }
}

/// Parses a JSON body into `T` as Google's front end would: malformed JSON, values of the
/// wrong type and unknown field names are all 400, naming the field. `root` is the
/// request message's name in errors (`message`, `space`, ...). An empty body is `{}`.
pub fn parse_body<T: DeserializeOwned>(body: &[u8], root: &str) -> EmuResult<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // Syntax first, so a syntax error is not reported as a type error.
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| EmuError::invalid(format!("Invalid JSON payload received. {e}.")))?;
    if !value.is_object() {
        return Err(EmuError::invalid(format!(
            "Invalid JSON payload received. Expected an object for '{root}'."
        )));
    }
    let mut unknown: Vec<String> = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(path_text(&path));
    let de = serde_ignored::Deserializer::new(value, &mut note);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(de);
    match parsed {
        Err(e) => {
            let path = e.path().to_string();
            let field = if path == "." || path.is_empty() {
                root.to_string()
            } else {
                format!("{root}.{path}")
            };
            Err(EmuError::invalid_field(
                &field,
                format!("Invalid value at '{field}': {}", e.inner()),
            ))
        }
        Ok(v) => {
            if let Some(name) = unknown.first() {
                let (at, leaf) = match name.rsplit_once('.') {
                    Some((parent, leaf)) => (format!("{root}.{parent}"), leaf.to_string()),
                    None => (root.to_string(), name.clone()),
                };
                return Err(EmuError::invalid_field(
                    &at,
                    format!(
                        "Invalid JSON payload received. Unknown name \"{leaf}\" at '{at}': Cannot find field."
                    ),
                ));
            }
            Ok(v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{Message, Space};

    #[test]
    fn query_names_in_either_case() {
        let q = Query::parse(Some("page_size=5&showDeleted=true&alt=json"));
        assert_eq!(q.page_size(25).unwrap(), 5);
        assert!(q.bool("showDeleted").unwrap());
        assert!(q.only(&["pageSize", "showDeleted"]).is_ok());
        assert!(q.only(&["pageSize"]).is_err());
        assert_eq!(
            Query::parse(Some("pageSize=5000")).page_size(25).unwrap(),
            1000
        );
        assert_eq!(Query::parse(Some("pageSize=0")).page_size(25).unwrap(), 25);
        assert!(Query::parse(Some("pageSize=-1")).page_size(25).is_err());
        assert!(Query::parse(Some("pageSize=x")).page_size(25).is_err());
        assert!(Query::parse(Some("force=maybe")).bool("force").is_err());
    }

    #[test]
    fn page_tokens() {
        let t = encode_page_token("messages/S", "f", "42");
        assert_eq!(decode_page_token(&t, "messages/S", "f").unwrap(), "42");
        assert_eq!(
            decode_page_token(&t, "messages/S", "g").unwrap_err().code,
            400
        );
        assert_eq!(
            decode_page_token(&t, "members/S", "f").unwrap_err().code,
            400
        );
        assert_eq!(
            decode_page_token("garbage!", "messages/S", "f")
                .unwrap_err()
                .code,
            400
        );
    }

    #[test]
    fn bodies() {
        let m: Message =
            parse_body(br#"{"text":"hi","thread":{"threadKey":"k"}}"#, "message").unwrap();
        assert_eq!(m.text.as_deref(), Some("hi"));
        let e = parse_body::<Message>(br#"{"text":5}"#, "message").unwrap_err();
        assert!(e.message.contains("message.text"), "{}", e.message);
        let e = parse_body::<Message>(br#"{"txt":"x"}"#, "message").unwrap_err();
        assert!(e.message.contains("Unknown name \"txt\""), "{}", e.message);
        let e = parse_body::<Message>(br#"{"thread":{"nam":"x"}}"#, "message").unwrap_err();
        assert!(e.message.contains("at 'message.thread'"), "{}", e.message);
        let e = parse_body::<Message>(br#"{"text":"#, "message").unwrap_err();
        assert!(
            e.message.starts_with("Invalid JSON payload"),
            "{}",
            e.message
        );
        assert_eq!(
            parse_body::<Message>(b"[1]", "message").unwrap_err().code,
            400
        );
        let s: Space = parse_body(b"", "space").unwrap();
        assert_eq!(s, Space::default());
        let e = parse_body::<Space>(br#"{"createTime":"yesterday"}"#, "space").unwrap_err();
        assert!(e.message.contains("space.createTime"), "{}", e.message);
    }
}

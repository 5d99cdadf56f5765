//! The partial answer's writer: a serde serializer that writes JSON with only the
//! selected fields, in one pass.

use serde::ser::{self, Impossible, Serialize};
use serde_json::Value;

use super::{Fields, PickError, Sel};

/// What `fields` selects of the field `k` (a `*` beside it is already merged in).
fn selection<'s>(fields: &'s Fields, k: &str) -> Option<&'s Sel> {
    fields.get(k).or_else(|| fields.get("*"))
}

/// Writes what `fields` selects of `v` to `out`; `false` (and nothing written) for an
/// absent value, of which nothing can be selected. `named`: whether `v` was selected by
/// its own name (not only by a `*`), so that a plain value (a string, a number), which
/// has no fields to select, is a [`PickError::Unknown`] naming what was asked of it.
pub(super) fn write_picked<T: Serialize + ?Sized>(
    v: &T,
    fields: &Fields,
    named: bool,
    out: &mut Vec<u8>,
) -> Result<bool, PickError> {
    v.serialize(Pick {
        out,
        fields,
        named,
        memo: None,
    })
}

/// What was found for one field of a struct: its name, what is selected of it, and
/// whether it is selected by its own name. Structs of one type say their fields in one
/// order, so the entries of a list find each field's selection at its place in a
/// [`Memo`] kept by the list, without looking its name up again.
type Slot<'a> = (&'static str, Option<&'a Sel>, bool);

type Memo<'a> = Vec<Slot<'a>>;

/// Writes `v` whole.
fn write_whole<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) -> Result<(), PickError> {
    Ok(v.serialize(&mut serde_json::Serializer::new(out))?)
}

/// A serializer writing JSON with only the fields `fields` selects: objects (structs
/// and maps) keep the selected fields, lists apply it to each entry, absent values are
/// not written (`Ok(false)`), and plain values are refused when selected by name (a
/// `*` passing over them selects nothing of them).
struct Pick<'a, 'm> {
    out: &'m mut Vec<u8>,
    fields: &'a Fields,
    /// Whether the value was selected by its own name.
    named: bool,
    memo: Option<&'m mut Memo<'a>>,
}

impl<'a, 'm> Pick<'a, 'm> {
    /// A plain value: nothing of it can be selected, and asking for a field of it by
    /// name is asking for a field that is not there.
    fn plain(self) -> Result<bool, PickError> {
        if !self.named {
            return Ok(false);
        }
        let name = self
            .fields
            .keys()
            .find(|k| *k != "*")
            .or_else(|| self.fields.keys().next())
            .map_or_else(|| "*".to_string(), String::clone);
        Err(PickError::Unknown(name))
    }

    fn object(self) -> Object<'a, 'm> {
        self.out.push(b'{');
        Object {
            out: self.out,
            fields: self.fields,
            memo: self.memo,
            at: 0,
            first: true,
            next: None,
            star: self.fields.get("*"),
            seen: Vec::new(),
        }
    }
}

impl<'a, 'm> ser::Serializer for Pick<'a, 'm> {
    type Ok = bool;
    type Error = PickError;
    type SerializeSeq = List<'a, 'm>;
    type SerializeTuple = List<'a, 'm>;
    type SerializeTupleStruct = List<'a, 'm>;
    type SerializeTupleVariant = Variant<'a, 'm>;
    type SerializeMap = Object<'a, 'm>;
    type SerializeStruct = Object<'a, 'm>;
    type SerializeStructVariant = Variant<'a, 'm>;

    fn serialize_bool(self, _: bool) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_i8(self, _: i8) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_i16(self, _: i16) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_i32(self, _: i32) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_i64(self, _: i64) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_i128(self, _: i128) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_u8(self, _: u8) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_u16(self, _: u16) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_u32(self, _: u32) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_u64(self, _: u64) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_u128(self, _: u128) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_f32(self, _: f32) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_f64(self, _: f64) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_char(self, _: char) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_str(self, _: &str) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_none(self) -> Result<bool, PickError> {
        Ok(false)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<bool, PickError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, PickError> {
        Ok(false)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, PickError> {
        Ok(false)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<bool, PickError> {
        self.plain()
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<bool, PickError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<bool, PickError> {
        // Written as `{variant: v}`.
        let mut o = self.object();
        ser::SerializeMap::serialize_entry(&mut o, variant, v)?;
        ser::SerializeMap::end(o)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<List<'a, 'm>, PickError> {
        self.out.push(b'[');
        Ok(List {
            out: self.out,
            fields: self.fields,
            named: self.named,
            memo: Vec::new(),
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<List<'a, 'm>, PickError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<List<'a, 'm>, PickError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<'a, 'm>, PickError> {
        Ok(Variant {
            pick: self,
            variant,
            items: Vec::new(),
            fields: serde_json::Map::new(),
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a, 'm>, PickError> {
        Ok(self.object())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a, 'm>, PickError> {
        Ok(self.object())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<'a, 'm>, PickError> {
        Ok(Variant {
            pick: self,
            variant,
            items: Vec::new(),
            fields: serde_json::Map::new(),
        })
    }
}

/// A list being written: each entry's selected part, entries of which nothing can be
/// selected left out.
struct List<'a, 'm> {
    out: &'m mut Vec<u8>,
    fields: &'a Fields,
    named: bool,
    memo: Memo<'a>,
    first: bool,
}

impl List<'_, '_> {
    fn entry<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        let at = self.out.len();
        if !self.first {
            self.out.push(b',');
        }
        let pick = Pick {
            out: self.out,
            fields: self.fields,
            named: self.named,
            memo: Some(&mut self.memo),
        };
        if v.serialize(pick)? {
            self.first = false;
        } else {
            self.out.truncate(at);
        }
        Ok(())
    }
}

impl ser::SerializeSeq for List<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        self.entry(v)
    }
    fn end(self) -> Result<bool, PickError> {
        self.out.push(b']');
        Ok(true)
    }
}

impl ser::SerializeTuple for List<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        self.entry(v)
    }
    fn end(self) -> Result<bool, PickError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for List<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        self.entry(v)
    }
    fn end(self) -> Result<bool, PickError> {
        ser::SerializeSeq::end(self)
    }
}

/// An object being written (a struct, a map): the selected fields, each with its own
/// selection. A struct says every field it has, written or left out, so a selected name
/// it does not have is found at its end.
struct Object<'a, 'm> {
    out: &'m mut Vec<u8>,
    fields: &'a Fields,
    /// The list's memo of its structs' fields, when this is one of its entries.
    memo: Option<&'m mut Memo<'a>>,
    /// How many fields the struct has said so far.
    at: usize,
    first: bool,
    /// Where the pending field's key began, what to keep of its value, and whether it
    /// is selected by its own name.
    next: Option<(usize, &'a Sel, bool)>,
    /// What `*` selects here, if it is selected.
    star: Option<&'a Sel>,
    /// The selected names the struct has (not filled for a map, nor when the memo
    /// holds them).
    seen: Vec<&'static str>,
}

impl<'a, 'm> Object<'a, 'm> {
    /// Starts the field `key`, of which `sel` is selected: writes its key if it is.
    /// A key selected by its own `named` name is one the parser took (letters, digits,
    /// underscores: nothing to escape).
    fn key(&mut self, key: &str, sel: Option<&'a Sel>, named: bool) -> Result<(), PickError> {
        self.next = match sel {
            None => None,
            Some(sel) => {
                let at = self.out.len();
                if !self.first {
                    self.out.push(b',');
                }
                if named {
                    self.out.push(b'"');
                    self.out.extend_from_slice(key.as_bytes());
                    self.out.push(b'"');
                } else {
                    write_whole(key, self.out)?;
                }
                self.out.push(b':');
                Some((at, sel, named))
            }
        };
        Ok(())
    }

    /// Writes the pending field's value, or takes its key back when nothing of it can
    /// be selected.
    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        match self.next.take() {
            None => {}
            Some((_, Sel::All, _)) => {
                write_whole(v, self.out)?;
                self.first = false;
            }
            Some((at, Sel::Fields(sub), named)) => {
                if write_picked(v, sub, named, self.out)? {
                    self.first = false;
                } else {
                    self.out.truncate(at);
                }
            }
        }
        Ok(())
    }

    /// What is selected of the struct's field `key`, noting that the struct has it.
    fn has(&mut self, key: &'static str) -> (Option<&'a Sel>, bool) {
        let i = self.at;
        self.at += 1;
        let (fields, star) = (self.fields, self.star);
        let find = || match fields.get(key) {
            Some(sel) => (Some(sel), true),
            None => (star, false),
        };
        if let Some(memo) = self.memo.as_deref_mut() {
            if let Some(&(k, sel, named)) = memo.get(i) {
                if std::ptr::eq(k, key) {
                    return (sel, named);
                }
            }
            let (sel, named) = find();
            if memo.len() <= i {
                memo.resize(i + 1, ("", None, false));
            }
            memo[i] = (key, sel, named);
            return (sel, named);
        }
        let (sel, named) = find();
        if named {
            if self.seen.capacity() == 0 {
                self.seen.reserve_exact(fields.len());
            }
            self.seen.push(key);
        }
        (sel, named)
    }

    fn close(self) -> Result<bool, PickError> {
        self.out.push(b'}');
        Ok(true)
    }

    /// Closes a struct: a selected name it did not say it has is refused.
    fn close_struct(self) -> Result<bool, PickError> {
        let wanted = self.fields.len() - usize::from(self.star.is_some());
        let has: Vec<&str> = match self.memo.as_deref() {
            Some(memo) => {
                let said = &memo[..self.at.min(memo.len())];
                if said.iter().filter(|s| s.2).count() >= wanted {
                    return self.close();
                }
                said.iter().filter(|s| s.2).map(|s| s.0).collect()
            }
            None if self.seen.len() >= wanted => return self.close(),
            None => self.seen.clone(),
        };
        if let Some(unknown) = self
            .fields
            .keys()
            .find(|k| *k != "*" && !has.contains(&k.as_str()))
        {
            return Err(PickError::Unknown(unknown.clone()));
        }
        self.close()
    }
}

impl ser::SerializeMap for Object<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), PickError> {
        let name = k.serialize(KeyName)?;
        let named = self.fields.contains_key(name.as_str());
        let sel = selection(self.fields, &name);
        self.key(&name, sel, named)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        self.value(v)
    }
    fn end(self) -> Result<bool, PickError> {
        self.close()
    }
}

impl ser::SerializeStruct for Object<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), PickError> {
        let (sel, named) = self.has(key);
        self.key(key, sel, named)?;
        self.value(v)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), PickError> {
        let _ = self.has(key);
        Ok(())
    }
    fn end(self) -> Result<bool, PickError> {
        self.close_struct()
    }
}

/// An enum's tuple or struct variant (`{variant: [..]}` or `{variant: {..}}`): rare in
/// an answer, so gathered as JSON values, then picked from.
struct Variant<'a, 'm> {
    pick: Pick<'a, 'm>,
    variant: &'static str,
    items: Vec<Value>,
    fields: serde_json::Map<String, Value>,
}

impl Variant<'_, '_> {
    fn finish(self, inner: Value) -> Result<bool, PickError> {
        let mut m = serde_json::Map::new();
        m.insert(self.variant.to_string(), inner);
        write_picked(
            &Value::Object(m),
            self.pick.fields,
            self.pick.named,
            self.pick.out,
        )
    }
}

impl ser::SerializeTupleVariant for Variant<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), PickError> {
        self.items.push(serde_json::to_value(v)?);
        Ok(())
    }
    fn end(mut self) -> Result<bool, PickError> {
        let items = std::mem::take(&mut self.items);
        self.finish(Value::Array(items))
    }
}

impl ser::SerializeStructVariant for Variant<'_, '_> {
    type Ok = bool;
    type Error = PickError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), PickError> {
        self.fields
            .insert(key.to_string(), serde_json::to_value(v)?);
        Ok(())
    }
    fn end(mut self) -> Result<bool, PickError> {
        let fields = std::mem::take(&mut self.fields);
        self.finish(Value::Object(fields))
    }
}

/// A map key as the name JSON writes it under.
struct KeyName;

fn key_error() -> PickError {
    PickError::Encode("a map key is not a string".to_string())
}

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = PickError;
    type SerializeSeq = Impossible<String, PickError>;
    type SerializeTuple = Impossible<String, PickError>;
    type SerializeTupleStruct = Impossible<String, PickError>;
    type SerializeTupleVariant = Impossible<String, PickError>;
    type SerializeMap = Impossible<String, PickError>;
    type SerializeStruct = Impossible<String, PickError>;
    type SerializeStructVariant = Impossible<String, PickError>;

    fn serialize_bool(self, v: bool) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, PickError> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, PickError> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, PickError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, PickError> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PickError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, PickError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, PickError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, PickError> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PickError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, PickError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, PickError> {
        Err(key_error())
    }
}

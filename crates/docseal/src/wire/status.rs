//! The status claim (65535) of draft-ietf-oauth-status-list: where a credential's entry in
//! a status list is, `{"status_list": {"idx": uint, "uri": tstr}}`.

use ciborium::value::Value;

use crate::cbor::{Item, Node};
use crate::error::{Error, Result};

/// The claim key.
pub(crate) const STATUS: i64 = 65535;

/// Longest status list URI accepted (a URI names a list, it carries no data).
const MAX_URI_LEN: usize = 512;

/// A credential's entry in a status list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusRef {
    uri: String,
    idx: u64,
}

impl StatusRef {
    /// Entry `idx` of the list at `uri`.
    ///
    /// # Errors
    /// [`Error::Status`] for an empty URI, one longer than 512 bytes, or one with spaces
    /// or control characters.
    pub fn new(uri: impl Into<String>, idx: u64) -> Result<Self> {
        let uri = uri.into();
        if uri.is_empty() || uri.len() > MAX_URI_LEN || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::status(format!("status list URI {uri:?}: 1 to {MAX_URI_LEN} bytes, no spaces")));
        }
        Ok(Self { uri, idx })
    }

    /// The list's URI (the `sub` of its token).
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The index in the list.
    #[must_use]
    pub fn idx(&self) -> u64 {
        self.idx
    }
}

/// The claim's value.
pub(crate) fn encode(status: &StatusRef) -> Value {
    // Deterministic order of the text keys: "idx" (63 69..) before "uri" (63 75..).
    let inner = Value::Map(vec![
        (Value::Text("idx".into()), Value::Integer(status.idx.into())),
        (Value::Text("uri".into()), Value::Text(status.uri.clone())),
    ]);
    Value::Map(vec![(Value::Text("status_list".into()), inner)])
}

/// Reads the claim's value: exactly `status_list` with exactly `idx` and `uri`.
pub(crate) fn decode(node: Node<'_, '_>) -> Result<StatusRef> {
    let bad = |what: &str| Error::cbor(format!("status claim: {what}"));
    let [key, inner] = pairs(node).ok_or_else(|| bad("expected a map with one entry"))?;
    if key.item() != Item::Text("status_list") {
        return Err(bad("expected the key \"status_list\""));
    }
    let [k1, idx, k2, uri] = pairs(inner).ok_or_else(|| bad("status_list: expected a map of idx and uri"))?;
    match (k1.item(), idx.item(), k2.item(), uri.item()) {
        (Item::Text("idx"), Item::Uint(idx), Item::Text("uri"), Item::Text(uri)) => {
            StatusRef::new(uri, idx).map_err(|e| bad(&e.to_string()))
        }
        _ => Err(bad("status_list: expected idx (uint) and uri (text), in that order")),
    }
}

/// The keys and values of a map with exactly `N / 2` entries, in order.
fn pairs<'t, 'b, const N: usize>(node: Node<'t, 'b>) -> Option<[Node<'t, 'b>; N]> {
    match node.item() {
        Item::Map { len, .. } if 2 * len as usize == N => {
            let mut items = node.first_child().siblings(N);
            #[allow(clippy::expect_used)]
            // safe: the map holds N / 2 pairs, so `siblings(N)` yields N items.
            Some(std::array::from_fn(|_| items.next().expect("N items")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_claim_round_trips_and_refuses_other_shapes() {
        let status = StatusRef::new("https://example.com/statuslists/1", 0).unwrap();
        let bytes = crate::cbor::to_vec(&encode(&status));
        // The referenced token of the draft's examples carries exactly these bytes.
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "a16b7374617475735f6c697374a2636964780063757269782168747470733a2f2f6578616d706c652e636f6d2f7374617475736c697374732f31"
        );
        let read = |value: &Value| -> Result<StatusRef> {
            let bytes = crate::cbor::to_vec(value);
            decode(crate::cbor::Tree::parse(&bytes, 4, "t")?.root())
        };
        assert_eq!(read(&encode(&status)).unwrap(), status);
        let swapped = Value::Map(vec![(
            Value::Text("status_list".into()),
            Value::Map(vec![
                (Value::Text("uri".into()), Value::Text("u".into())),
                (Value::Text("idx".into()), Value::Integer(1.into())),
            ]),
        )]);
        assert!(read(&swapped).is_err());
        assert!(read(&Value::Integer(3.into())).is_err());
        assert!(StatusRef::new("", 1).is_err());
        assert!(StatusRef::new("a b", 1).is_err());
    }
}

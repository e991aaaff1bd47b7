//! The user PIN: read from the environment or a prompt, never an argument; never printed.

use std::fmt;

use zeroize::Zeroizing;

/// A token's user PIN, wiped from memory when dropped.
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN.
    #[must_use]
    pub fn new(pin: impl Into<String>) -> Self {
        Self(Zeroizing::new(pin.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pin_never_prints() {
        let pin = super::Pin::new("123456");
        assert_eq!(format!("{pin:?}"), "Pin(<redacted>)");
        assert_eq!(pin.expose(), "123456");
    }
}

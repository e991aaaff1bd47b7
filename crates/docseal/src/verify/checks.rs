//! The checks a verification passed, in words: what a desk reads and `verify --json` lists.

use std::fmt;
use std::time::Duration;

/// Which stage of the verification a [`Check`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// The signature held under a key of the trust list.
    Signature,
    /// The trusted key may issue this document for this issuer, at this time.
    Issuer,
    /// The copy's own lifetime (`nbf`/`iat` to `exp`) and the document's validity.
    Lifetime,
    /// How old the copy is against the policy's freshness limit.
    Freshness,
    /// The credential's entry in its issuer's status list (revoked, suspended, used).
    Status,
    /// The document's own rules (status, points, validity days): usable or not.
    Document,
    /// A relying party's requirement and its answer.
    Requirement,
}

impl CheckKind {
    /// The stable name used in JSON output.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Signature => "signature",
            Self::Issuer => "issuer",
            Self::Lifetime => "lifetime",
            Self::Freshness => "freshness",
            Self::Status => "status",
            Self::Document => "document",
            Self::Requirement => "requirement",
        }
    }
}

impl fmt::Display for CheckKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One check of a successful verification, with what it found in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The stage.
    pub kind: CheckKind,
    /// `false` only for a [`CheckKind::Document`] check of a document that may not be used,
    /// verified with no requirement asked (a genuine red QR), and a [`CheckKind::Status`]
    /// check the policy let pass undone.
    pub passed: bool,
    /// What was found ("generated 42 s ago (limit 300 s)").
    pub detail: String,
}

impl Check {
    pub(crate) fn passed(kind: CheckKind, detail: String) -> Self {
        Self { kind, passed: true, detail }
    }
}

/// "42 s", "5 min 3 s", "2 h 0 min", "3 days 4 h".
pub(crate) fn duration_in_words(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        3600..86_400 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} days {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// "42 s ago", or for a time after this clock's (a list signed on a clock a little ahead,
/// within the skew) "42 s ahead of this clock": never "ago" for the future.
pub(crate) fn age_in_words(age_secs: i64) -> String {
    if age_secs >= 0 {
        format!("{} ago", duration_in_words(age_secs.unsigned_abs()))
    } else {
        format!("{} ahead of this clock", duration_in_words(age_secs.unsigned_abs()))
    }
}

/// "generated 42 s ago (limit 5 min 0 s)", or in the future within the clock skew.
pub(crate) fn freshness(age_secs: i64, limit: Option<Duration>) -> String {
    let when = if age_secs >= 0 {
        format!("generated {} ago", duration_in_words(age_secs.unsigned_abs()))
    } else {
        format!("generated {} ahead of this clock (within the clock skew)", duration_in_words(age_secs.unsigned_abs()))
    };
    match limit {
        Some(limit) => format!("{when} (limit {})", duration_in_words(limit.as_secs())),
        None => format!("{when} (no freshness limit set)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_in_words(42), "42 s");
        assert_eq!(duration_in_words(303), "5 min 3 s");
        assert_eq!(duration_in_words(7200), "2 h 0 min");
        assert_eq!(duration_in_words(3 * 86_400 + 4 * 3600), "3 days 4 h");
        assert_eq!(freshness(42, Some(Duration::from_secs(300))), "generated 42 s ago (limit 5 min 0 s)");
        assert_eq!(age_in_words(240), "4 min 0 s ago");
        assert_eq!(age_in_words(-240), "4 min 0 s ahead of this clock", "a future time is never 'ago'");
        assert!(freshness(-10, None).contains("ahead of this clock"));
    }
}

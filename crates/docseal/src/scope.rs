//! What a trusted key may sign: a leaf the trust list and the errors share.

use crate::model::DocumentType;

/// What a key may sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// A DS1 document of this type.
    Document(DocumentType),
    /// An EU Digital COVID Certificate (`HC1:`).
    Dcc,
    /// A Status List Token (revocation, suspension, one-time use), never a credential.
    StatusList,
}

impl Scope {
    /// Reads a trust-list name: `passport`, `driving-licence`, `temporary-pass`, `dcc`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "passport" => Some(Self::Document(DocumentType::Passport)),
            "driving-licence" => Some(Self::Document(DocumentType::DrivingLicence)),
            "temporary-pass" => Some(Self::Document(DocumentType::TemporaryPass)),
            "dcc" => Some(Self::Dcc),
            "status-list" => Some(Self::StatusList),
            _ => None,
        }
    }

    /// What a trust entry given as a public key may sign unless it says otherwise: the
    /// three docseal documents.
    #[must_use]
    pub const fn defaults_for_key() -> &'static [Self] {
        &[
            Self::Document(DocumentType::Passport),
            Self::Document(DocumentType::DrivingLicence),
            Self::Document(DocumentType::TemporaryPass),
        ]
    }

    /// What a trust entry given as an X.509 certificate (an EU DCC document signer) may
    /// sign unless it says otherwise: EU DCCs.
    #[must_use]
    pub const fn defaults_for_certificate() -> &'static [Self] {
        &[Self::Dcc]
    }

    /// The trust-list name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Document(d) => d.name(),
            Self::Dcc => "dcc",
            Self::StatusList => "status-list",
        }
    }
}

//! The proof type a successful verification returns.

use chrono::{DateTime, Utc};

use crate::algorithm::{Algorithm, Kid};
use crate::model::Usability;
use crate::time::timestamp;
use crate::wire::Claims;

/// The wire profile a credential arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Profile {
    /// docseal's own `DS1:` format.
    Ds1,
    /// The EU Digital COVID Certificate (`HC1:`).
    Hc1,
}

impl Profile {
    /// `DS1` or `HC1`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Ds1 => "DS1",
            Self::Hc1 => "HC1",
        }
    }

    /// The signature algorithms the profile accepts; any other is refused before the trust
    /// lookup's keys are tried, whatever key the trust list holds.
    #[must_use]
    pub const fn algorithms(self) -> &'static [Algorithm] {
        match self {
            Self::Ds1 => &[Algorithm::EdDsa, Algorithm::Es256],
            Self::Hc1 => &[Algorithm::Es256, Algorithm::Ps256],
        }
    }
}

/// A credential whose signature, issuer, validity window, document rules and the relying
/// party's requirements all held at the verification time. Only the verifier builds one.
///
/// `T` is the document, `C` the signed claims around it (DS1 [`Claims`], or
/// [`DccClaims`](crate::model::dcc::DccClaims) for an EU DCC).
///
/// # Examples
/// ```
/// # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
/// # let key = SigningKey::generate(Algorithm::EdDsa)?;
/// # let mut trust = TrustList::new();
/// # trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
/// # let issuer = Issuer::new(key, "Beijing TMB")?;
/// # let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
/// let verified = Verifier::new(trust).verify(&issued.text, "2026-11-21T09:01:00Z".parse()?)?;
/// assert_eq!(verified.algorithm(), Algorithm::EdDsa);
/// assert!(verified.usability().is_usable());
/// let licence = verified.credential().as_licence().ok_or("a licence")?;
/// assert_eq!(licence.front().family_name, "ZHANG");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<T, C = Claims> {
    pub(crate) credential: T,
    pub(crate) claims: C,
    pub(crate) issued_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) kid: Kid,
    pub(crate) algorithm: Algorithm,
    pub(crate) trusted_name: String,
    pub(crate) profile: Profile,
    pub(crate) usability: Usability,
}

impl<T, C> Verified<T, C> {
    /// The verified document.
    pub fn credential(&self) -> &T {
        &self.credential
    }

    /// Takes the document out.
    pub fn into_credential(self) -> T {
        self.credential
    }

    /// The signed claims (issuer, times, credential id).
    pub fn claims(&self) -> &C {
        &self.claims
    }

    /// The key id that verified.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The trust-list label of the key that verified.
    pub fn trusted_name(&self) -> &str {
        &self.trusted_name
    }

    /// The wire profile.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// When this electronic copy was generated (`iat`).
    pub fn issued_at(&self) -> DateTime<Utc> {
        timestamp(self.issued_at)
    }

    /// When it expires (`exp`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        timestamp(self.expires_at)
    }

    /// Whether the document itself may be used (a licence's green or red QR).
    pub fn usability(&self) -> &Usability {
        &self.usability
    }
}

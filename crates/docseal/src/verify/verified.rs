//! The proof type a successful verification returns.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::checks::{self, Check, CheckKind};
use super::policy::Answer;
use crate::algorithm::{Algorithm, Kid};
use crate::model::dcc::{Dcc, DccClaims};
use crate::model::{Credential, Usability, Zone};
use crate::scope::Scope;
use crate::time::timestamp;
use crate::wire::Claims;

/// What any profile verifies to.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// Not boxed: bulk results are held by the thousand, and a box is one more allocation each.
#[allow(clippy::large_enum_variant)]
pub enum AnyVerified {
    /// A docseal credential (`DS1:`).
    Ds1(Verified<Credential>),
    /// An EU DCC (`HC1:`).
    #[cfg(feature = "hc1")]
    Hc1(Verified<Dcc, DccClaims>),
}

impl AnyVerified {
    /// The profile it arrived in.
    #[must_use]
    pub fn profile(&self) -> Profile {
        match self {
            Self::Ds1(v) => v.profile,
            #[cfg(feature = "hc1")]
            Self::Hc1(v) => v.profile,
        }
    }

    /// The docseal credential, if it is one.
    #[must_use]
    pub fn as_ds1(&self) -> Option<&Verified<Credential>> {
        match self {
            Self::Ds1(v) => Some(v),
            #[cfg(feature = "hc1")]
            Self::Hc1(_) => None,
        }
    }
}

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

/// What the status check found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusSeen {
    /// The credential names no status list.
    NotListed,
    /// Its entry (the claims' `status`) is VALID in a fresh list.
    Valid {
        /// When the list was signed, seconds since the epoch.
        list_issued_at: i64,
        /// The trust-list name of the list's signer (shared with the loaded list: no copy
        /// per credential on the bulk path).
        signer: Arc<str>,
    },
    /// It names a list none was loaded for, and the policy allowed that.
    Unchecked,
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
    pub(crate) trusted_name: std::sync::Arc<str>,
    pub(crate) profile: Profile,
    pub(crate) usability: Usability,
    pub(crate) answers: Vec<Answer>,
    pub(crate) status: StatusSeen,
    /// What `checks` reports: the verification time, the freshness limit, the scope checked
    /// and the zone the times are shown in.
    pub(crate) verified_at: i64,
    pub(crate) max_age: Option<Duration>,
    pub(crate) scope: Scope,
    pub(crate) zone: Zone,
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

    /// When it was verified: the time the verification was asked for.
    pub fn verified_at(&self) -> DateTime<Utc> {
        timestamp(self.verified_at)
    }

    /// When it expires (`exp`).
    pub fn expires_at(&self) -> DateTime<Utc> {
        timestamp(self.expires_at)
    }

    /// Whether the document itself may be used (a licence's green or red QR).
    pub fn usability(&self) -> &Usability {
        &self.usability
    }

    /// What the status check found.
    pub fn status(&self) -> &StatusSeen {
        &self.status
    }

    /// The relying party's requirements, each with its answer, in the order asked.
    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }

    /// The checks every profile shares: signature, issuer, lifetime, freshness.
    fn common_checks(&self, issuer: &str) -> Vec<Check> {
        vec![
            Check::passed(
                CheckKind::Signature,
                format!(
                    "{} signature verified with trusted key {:?} (kid {})",
                    self.algorithm, self.trusted_name, self.kid
                ),
            ),
            Check::passed(
                CheckKind::Issuer,
                format!("the key may sign {} documents for issuer {issuer:?}", self.scope.name()),
            ),
            Check::passed(
                CheckKind::Lifetime,
                format!(
                    "generated {}, valid until {}",
                    self.zone.local_time(self.issued_at()),
                    self.zone.local_time(self.expires_at())
                ),
            ),
            Check::passed(CheckKind::Freshness, checks::freshness(self.verified_at - self.issued_at, self.max_age)),
        ]
    }

    fn status_check(&self, entry: Option<&crate::wire::StatusRef>) -> Check {
        match (&self.status, entry) {
            (StatusSeen::Valid { list_issued_at, signer }, Some(entry)) => Check::passed(
                CheckKind::Status,
                format!(
                    "entry {} of {} is VALID (list signed {} by {signer:?})",
                    entry.idx(),
                    entry.uri(),
                    checks::age_in_words(self.verified_at.saturating_sub(*list_issued_at))
                ),
            ),
            (StatusSeen::Unchecked, Some(entry)) => Check {
                kind: CheckKind::Status,
                passed: false,
                detail: format!("NOT checked: no status list loaded for {} (the policy allows it)", entry.uri()),
            },
            _ => Check::passed(CheckKind::Status, "the credential names no status list".into()),
        }
    }

    fn requirement_checks(&self) -> impl Iterator<Item = Check> + '_ {
        self.answers.iter().map(|a| Check::passed(CheckKind::Requirement, format!("{}: {}", a.requirement, a.answer)))
    }
}

impl Verified<Credential> {
    /// The checks this verification passed, in words, in the order they ran: what a desk
    /// reads ("generated 42 s ago (limit 5 min 0 s)", "class C1: yes, covered by A1").
    ///
    /// # Examples
    /// ```
    /// # use docseal::{Algorithm, Issuer, SigningKey, TrustList, TrustedKey, Verifier};
    /// # let key = SigningKey::generate(Algorithm::EdDsa)?;
    /// # let mut trust = TrustList::new();
    /// # trust.add(TrustedKey::new("Beijing TMB", key.verifying_key()));
    /// # let issuer = Issuer::new(key, "Beijing TMB")?;
    /// # let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
    /// use docseal::verify::CheckKind;
    /// let verified = Verifier::new(trust).verify(&issued.text, "2026-11-21T09:00:42Z".parse()?)?;
    /// let freshness = verified.checks().into_iter().find(|c| c.kind == CheckKind::Freshness);
    /// assert_eq!(freshness.map(|c| c.detail).as_deref(), Some("generated 42 s ago (no freshness limit set)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn checks(&self) -> Vec<Check> {
        let mut out = self.common_checks(&self.claims.issuer);
        out.push(self.status_check(self.claims.status.as_ref()));
        let summary = document_summary(&self.credential);
        out.push(match &self.usability {
            Usability::Usable => Check::passed(CheckKind::Document, format!("{summary}: usable")),
            Usability::NotUsable(reason) => {
                Check { kind: CheckKind::Document, passed: false, detail: format!("{summary}: NOT usable, {reason}") }
            }
        });
        out.extend(self.requirement_checks());
        out
    }
}

impl Verified<Dcc, DccClaims> {
    /// The checks this verification passed, in words (as for a docseal credential).
    #[must_use]
    pub fn checks(&self) -> Vec<Check> {
        let mut out = self.common_checks(self.claims.issuer.as_deref().unwrap_or("(none)"));
        out.push(self.status_check(None));
        let kind = self.credential.kind().map_or("no certificate entry", |k| k.name());
        out.push(Check::passed(CheckKind::Document, format!("EU DCC ({kind}) allowed by the signer's key usage")));
        out
    }
}

/// The document's own state in a few words: status letters and points for a licence, the
/// validity days for the others.
fn document_summary(credential: &Credential) -> String {
    let days = |from: chrono::NaiveDate, until: Option<chrono::NaiveDate>| match until {
        Some(until) => format!("valid {from} to {until}"),
        None => format!("valid from {from}, long term"),
    };
    match credential {
        Credential::DrivingLicence(l) => {
            let status: Vec<String> =
                l.back().status.codes().iter().map(|c| format!("{} ({})", c.letter(), c.meaning())).collect();
            format!(
                "driving licence {}, status {}, {} points, {}",
                l.front().document_number,
                status.join(" "),
                l.back().points,
                days(l.front().valid_from, l.front().valid_until)
            )
        }
        Credential::Passport(p) => {
            format!("passport {}, {}", p.data().document_number, days(p.data().issue_date, Some(p.data().expiry_date)))
        }
        Credential::TemporaryPass(p) => {
            let modes: Vec<String> = p.data().travel_modes.iter().map(ToString::to_string).collect();
            format!(
                "temporary pass {}, {} for {}",
                p.data().pass_number,
                days(p.data().valid_from, Some(p.data().valid_until)),
                modes.join(" and ")
            )
        }
    }
}

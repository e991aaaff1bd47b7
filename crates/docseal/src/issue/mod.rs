//! Issuing: document rules for issuers, CWT claims, COSE_Sign1, QR text.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::codec;
use crate::cose::{PreparedSign1, Signer, SigningKey};
use crate::error::{Error, Result};
use crate::model::DocumentError;
use crate::model::licence::points_cycle_start;
use crate::model::pass::check_monthly_limit;
use crate::model::{Credential, PassHistory, TemporaryPass, Zone, check_text};
use crate::wire::{self, CTI_LEN, Claims, EncodedDocument, StatusRef};

/// Default lifetime of an electronic copy: 30 days (freshness is the verifier's `max_age`).
pub const DEFAULT_VALIDITY: Duration = Duration::from_secs(30 * 24 * 3600);

/// An issuing authority's signer, over any [`Signer`] (a key in memory by default, or one
/// in a hardware security module).
///
/// # Examples
/// ```
/// use docseal::{Algorithm, Issuer, SigningKey};
/// use std::time::Duration;
/// let issuer = Issuer::new(SigningKey::generate(Algorithm::Es256)?, "Beijing TMB")?
///     .with_validity(Duration::from_secs(24 * 3600));
/// let issued = issuer.issue(&docseal::samples::licence().into(), "2026-11-21T09:00:00Z".parse()?)?;
/// assert!(issued.text.starts_with("DS1:"));
/// assert_eq!(issued.claims.expires_at - issued.claims.issued_at, 24 * 3600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Issuer<S: Signer = SigningKey> {
    key: S,
    issuer: String,
    validity: Duration,
}

/// A credential checked for issuing, with its document encoded once. Re-issue it with a new
/// generation time through [`Issuer::issue_prepared`]: the app refreshing its QR pays only for
/// the claims and the signature.
#[derive(Debug, Clone)]
pub struct PreparedCredential {
    document: EncodedDocument,
    /// Latest `exp` the document allows (end of the licence's validity), seconds.
    latest_expiry: Option<i64>,
    /// A licence's first issue date and points-cycle start: the copy must show the cycle
    /// current at its generation time.
    points_cycle: Option<(NaiveDate, NaiveDate)>,
    /// The issuing authority's zone: the day `at` falls on.
    zone: Zone,
    /// The document's entry in the issuer's status list, carried by every copy.
    status: Option<StatusRef>,
}

impl PreparedCredential {
    /// Every copy issued from this preparation names this status list entry (claim 65535):
    /// relying parties then check it against the list (docs/FORMAT.md section 8). A document
    /// keeps its entry across refreshed copies, so suspending it reaches every copy.
    #[must_use]
    pub fn with_status(mut self, status: StatusRef) -> Self {
        self.status = Some(status);
        self
    }
}

/// One issued electronic copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The QR text (`DS1:…`).
    pub text: String,
    /// The tagged COSE_Sign1 inside it.
    pub cose: Vec<u8>,
    /// The signed claims.
    pub claims: Claims,
}

impl<S: Signer> Issuer<S> {
    /// An issuer signing as `issuer` (the `iss` claim).
    ///
    /// # Errors
    /// [`Error::Document`] when `issuer` is empty, padded or longer than 150 characters.
    pub fn new(key: S, issuer: impl Into<String>) -> Result<Self> {
        let issuer = issuer.into();
        check_text("issuer", &issuer, 150)?;
        Ok(Self { key, issuer, validity: DEFAULT_VALIDITY })
    }

    /// Sets how long each copy is valid (`exp - iat`); capped by the document's own validity.
    #[must_use]
    pub fn with_validity(mut self, validity: Duration) -> Self {
        self.validity = validity;
        self
    }

    /// The signer.
    #[must_use]
    pub fn key(&self) -> &S {
        &self.key
    }

    /// Checks the issuing rules and encodes the document once.
    ///
    /// # Errors
    /// [`Error::Document`] when the document may not be issued at all (a licence whose status
    /// forbids an e-licence), or is a temporary pass (see [`Issuer::issue_pass`]).
    pub fn prepare(&self, credential: &Credential) -> Result<PreparedCredential> {
        let (latest_expiry, points_cycle) = match credential {
            Credential::Passport(_) => (credential.validity_end(), None),
            Credential::TemporaryPass(_) => {
                return Err(DocumentError::IssueLimit(
                    "temporary passes are issued with Issuer::issue_pass, which checks the holder's monthly limit"
                        .into(),
                )
                .into());
            }
            Credential::DrivingLicence(l) => {
                if let Some(code) = l.issue_blocker() {
                    return Err(
                        DocumentError::StatusForbidsIssue { status: code.letter(), meaning: code.meaning() }.into()
                    );
                }
                (credential.validity_end(), Some((l.front().first_issue_date, l.back().points_cycle_start)))
            }
        };
        Ok(PreparedCredential {
            document: EncodedDocument::new(credential),
            latest_expiry,
            points_cycle,
            zone: credential.zone(),
            status: None,
        })
    }

    /// Issues a temporary pass generated at `at`, refusing a third pass for the same permit
    /// holder in the calendar month of `at`.
    ///
    /// # Errors
    /// [`Error::Document`] with [`DocumentError::IssueLimit`] for a third pass in the month, or
    /// when the pass starts before the issuing day; otherwise as [`Issuer::issue_prepared`].
    pub fn issue_pass(
        &self,
        pass: &TemporaryPass,
        at: DateTime<Utc>,
        history: &(impl PassHistory + ?Sized),
    ) -> Result<Issued> {
        self.issue_prepared(&self.prepare_pass(pass, at, history)?, at)
    }

    /// Prepares a temporary pass to be issued at `at` (for [`PreparedCredential::with_status`]),
    /// refusing a third pass for the same permit holder in the calendar month of `at`.
    ///
    /// # Errors
    /// As [`Issuer::issue_pass`], for the monthly limit.
    pub fn prepare_pass(
        &self,
        pass: &TemporaryPass,
        at: DateTime<Utc>,
        history: &(impl PassHistory + ?Sized),
    ) -> Result<PreparedCredential> {
        let zone = Credential::TemporaryPass(pass.clone()).zone();
        check_monthly_limit(pass, zone.date_at(at), history)?;
        Ok(self.prepare_pass_unchecked(pass))
    }

    /// Prepares a pass without the monthly limit, for test corpora that reuse one pass.
    pub(crate) fn prepare_pass_unchecked(&self, pass: &TemporaryPass) -> PreparedCredential {
        let credential = Credential::TemporaryPass(pass.clone());
        PreparedCredential {
            document: EncodedDocument::new(&credential),
            latest_expiry: credential.validity_end(),
            points_cycle: None,
            zone: credential.zone(),
            status: None,
        }
    }

    /// Issues a copy generated at `at`, with a random credential id.
    ///
    /// # Errors
    /// As [`Issuer::prepare`] and [`Issuer::issue_prepared`].
    pub fn issue(&self, credential: &Credential, at: DateTime<Utc>) -> Result<Issued> {
        self.issue_prepared(&self.prepare(credential)?, at)
    }

    /// Issues a prepared credential generated at `at`, with a random credential id.
    ///
    /// # Errors
    /// [`Error::Key`] when the random source fails; [`Error::Document`] when the document's
    /// validity has ended at `at`.
    pub fn issue_prepared(&self, prepared: &PreparedCredential, at: DateTime<Utc>) -> Result<Issued> {
        let mut cti = [0u8; CTI_LEN];
        getrandom::fill(&mut cti).map_err(|e| Error::key(format!("random source: {e}")))?;
        self.issue_with_id(prepared, at, cti)
    }

    /// Issues with a caller-chosen credential id, for reproducible test vectors. Not API:
    /// feature `test-util`; an authority's credential ids are random.
    ///
    /// # Errors
    /// As [`Issuer::issue_prepared`].
    #[cfg(any(test, feature = "test-util"))]
    #[doc(hidden)]
    pub fn issue_with_cti(
        &self,
        prepared: &PreparedCredential,
        at: DateTime<Utc>,
        cti: [u8; CTI_LEN],
    ) -> Result<Issued> {
        self.issue_with_id(prepared, at, cti)
    }

    fn issue_with_id(&self, prepared: &PreparedCredential, at: DateTime<Utc>, cti: [u8; CTI_LEN]) -> Result<Issued> {
        let issued_at = at.timestamp();
        let lifetime = i64::try_from(self.validity.as_secs()).unwrap_or(i64::MAX);
        let mut expires_at = issued_at.saturating_add(lifetime);
        if let Some(latest) = prepared.latest_expiry {
            if latest <= issued_at {
                return Err(DocumentError::field("valid_until", "the document's validity has ended").into());
            }
            expires_at = expires_at.min(latest);
        }
        if expires_at <= issued_at {
            return Err(DocumentError::field("exp", "a copy must be valid for at least one second").into());
        }
        if let Some((first_issue, cycle_start)) = prepared.points_cycle {
            let current = points_cycle_start(first_issue, prepared.zone.date_at(at));
            if current != cycle_start {
                return Err(DocumentError::field(
                    "points_cycle_start",
                    format!("{cycle_start} is not the cycle current at generation time (starts {current})"),
                )
                .into());
            }
        }
        let claims = Claims {
            issuer: self.issuer.clone(),
            issued_at,
            expires_at,
            not_before: None,
            cti,
            status: prepared.status.clone(),
        };
        let payload = wire::encode_payload(&claims, &prepared.document);
        let cose = PreparedSign1::sign(&self.key, payload)?;
        let text = codec::encode_text(&cose);
        Ok(Issued { text, cose, claims })
    }
}

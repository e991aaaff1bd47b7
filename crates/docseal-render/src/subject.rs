//! What a page shows: a verified credential, or one decoded without verification (drawn
//! with an UNVERIFIED watermark).

use chrono::{DateTime, Utc};
use docseal::Claims;
use docseal::model::{Credential, Usability};
use docseal::{Inspected, Verified};

use crate::RenderError;

/// Whether the signature was checked, and what the check found.
#[derive(Debug, Clone)]
pub(crate) enum Provenance<'a> {
    /// Verified against a trust list: the signer's name there, whether the document may be
    /// used on the verification day, and when it was verified (stamped on the band).
    Verified { trusted_name: &'a str, usability: &'a Usability, at: DateTime<Utc> },
    /// Drawn by its issuer when it was issued: a verdict would not hold (the document may be
    /// suspended tomorrow), so the band says what the page is instead.
    Issued,
    /// Decoded only.
    Unverified,
}

/// A credential with the QR text it arrived in, ready to be drawn.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    credential: &'a Credential,
    claims: &'a Claims,
    payload: &'a str,
    provenance: Provenance<'a>,
}

impl<'a> Subject<'a> {
    /// A credential that verified; `payload` is the QR text it was verified from.
    #[must_use]
    pub fn verified(verified: &'a Verified<Credential>, payload: &'a str) -> Self {
        Self {
            credential: verified.credential(),
            claims: verified.claims(),
            payload,
            provenance: Provenance::Verified {
                trusted_name: verified.trusted_name(),
                usability: verified.usability(),
                at: verified.verified_at(),
            },
        }
    }

    /// A credential its issuer just issued (`issue --card`): the pages carry no verdict, only
    /// that they are an electronic copy generated at its `iat`, to be verified from its code.
    /// `verified` is the issuer's own check of what it signed.
    #[must_use]
    pub fn issued(verified: &'a Verified<Credential>, payload: &'a str) -> Self {
        Self { provenance: Provenance::Issued, ..Self::verified(verified, payload) }
    }

    /// A credential decoded without checking its signature (`docseal::inspect`). Its pages
    /// carry a large UNVERIFIED watermark and no usability band.
    #[must_use]
    pub fn unverified(inspected: &'a Inspected, payload: &'a str) -> Self {
        Self {
            credential: &inspected.credential,
            claims: &inspected.claims,
            payload,
            provenance: Provenance::Unverified,
        }
    }

    /// The document.
    #[must_use]
    pub fn credential(&self) -> &Credential {
        self.credential
    }

    /// Whether the signature was checked.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        matches!(self.provenance, Provenance::Verified { .. } | Provenance::Issued)
    }

    pub(crate) fn claims(&self) -> &Claims {
        self.claims
    }

    pub(crate) fn payload(&self) -> &str {
        self.payload
    }

    pub(crate) fn provenance(&self) -> &Provenance<'a> {
        &self.provenance
    }

    /// When this electronic copy was generated (`iat`).
    pub(crate) fn generated_at(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.claims.issued_at, 0)
    }

    /// The page must print the data of the credential its QR code carries.
    pub(crate) fn check_payload(&self) -> Result<(), RenderError> {
        let decoded = docseal::inspect(self.payload.trim(), &docseal::Limits::default())
            .map_err(|e| RenderError::PayloadMismatch { reason: format!("the payload does not decode: {e}") })?;
        if decoded.claims != *self.claims || decoded.credential != *self.credential {
            return Err(RenderError::PayloadMismatch {
                reason: "it carries another credential's claims or document".into(),
            });
        }
        Ok(())
    }
}

//! Trust entries given as X.509 certificates (EU DCC document signer certificates).
//!
//! Only what verification needs is read: the public key, the validity period, and the DCC
//! extended key usages. The chain to a country signing CA is the trust list publisher's job.

use chrono::{DateTime, Utc};
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::ext::pkix::ExtendedKeyUsage;

use crate::algorithm::Kid;
use crate::cose::VerifyingKey;
use crate::error::{Error, Result};
use crate::model::dcc::DccKind;

/// The DCC extended key usage OIDs (hcert specification section 5.1.1), in the arc the
/// specification gives and in the `1.3.6.1.4.1.0.1847` arc some member states used instead.
const DCC_KEY_USAGES: [(&str, DccKind); 6] = [
    ("1.3.6.1.4.1.1847.2021.1.1", DccKind::Test),
    ("1.3.6.1.4.1.1847.2021.1.2", DccKind::Vaccination),
    ("1.3.6.1.4.1.1847.2021.1.3", DccKind::Recovery),
    ("1.3.6.1.4.1.0.1847.2021.1.1", DccKind::Test),
    ("1.3.6.1.4.1.0.1847.2021.1.2", DccKind::Vaccination),
    ("1.3.6.1.4.1.0.1847.2021.1.3", DccKind::Recovery),
];

/// What a certificate contributes to a trust entry.
#[derive(Debug, Clone)]
pub(crate) struct CertificateKey {
    /// The subject key; its kid is the first 8 bytes of SHA-256 over the certificate DER.
    pub(crate) key: VerifyingKey,
    pub(crate) not_before: DateTime<Utc>,
    pub(crate) not_after: DateTime<Utc>,
    /// `None` when the certificate names no DCC key usage: it may sign every type.
    pub(crate) dcc_kinds: Option<Vec<DccKind>>,
}

/// Reads a DER certificate (strict DER, as RFC 5280 requires).
pub(crate) fn read_certificate(der: &[u8]) -> Result<CertificateKey> {
    let cert = Certificate::from_der(der).map_err(|e| Error::key(format!("X.509 certificate: {e}")))?;
    let tbs = cert.tbs_certificate();
    let spki = tbs.subject_public_key_info().to_der().map_err(|e| Error::key(format!("X.509 certificate: {e}")))?;
    let key = VerifyingKey::from_spki_der(&spki)?.with_kid(Kid::of_der(der));
    let time = |t: x509_cert::time::Time| {
        let secs = i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
        crate::time::timestamp(secs)
    };
    let validity = tbs.validity();
    let usages = tbs
        .get_extension::<ExtendedKeyUsage>()
        .map_err(|e| Error::key(format!("X.509 extended key usage: {e}")))?
        .map(|(_critical, eku)| eku.0);
    let dcc_kinds = usages.and_then(|oids| {
        let kinds: Vec<DccKind> = DCC_KEY_USAGES
            .iter()
            .filter(|(oid, _)| oids.iter().any(|o| o.to_string() == *oid))
            .map(|&(_, kind)| kind)
            .collect();
        // A certificate whose key usages say nothing about the DCC is not restricted by them.
        (!kinds.is_empty()).then_some(kinds)
    });
    Ok(CertificateKey { key, not_before: time(validity.not_before), not_after: time(validity.not_after), dcc_kinds })
}

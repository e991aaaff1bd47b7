//! A reproducible mixed corpus of payloads for bulk tests and benchmarks: all three
//! documents, both algorithms, and a chosen share of bad payloads of every kind.

use chrono::{DateTime, Duration, Utc};
use sha2::Digest as _;

use crate::Algorithm;
use crate::codec::encode_text;
use crate::cose::{PreparedSign1, SigningKey, replace_payload};
use crate::error::Result;
use crate::issue::Issuer;
use crate::model::Credential;
use crate::trust::{Scope, TrustList, TrustedKey};
use crate::wire::{EncodedDocument, encode_payload};

/// The kinds of bad payload a corpus holds, in rotation.
pub const BAD_KINDS: [&str; 13] = [
    "signature",
    "unknown-kid",
    "expired",
    "not-yet-valid",
    "key-scope",
    "algorithm",
    "prefix",
    "base45",
    "cose",
    "cbor",
    "document",
    "decompress",
    "limit",
];

/// Payloads with their expected outcome, and the trust list that judges them.
#[derive(Debug)]
pub struct Corpus {
    /// One payload per entry.
    pub payloads: Vec<String>,
    /// `None` when the payload must verify, else the error kind it must get.
    pub expected: Vec<Option<&'static str>>,
    /// The trust list (an Ed25519 key, a P-256 key, and an Ed25519 key for passports only).
    pub trust: TrustList,
    /// The same trust list as JSON (docs/TRUST-LIST.md).
    pub trust_json: String,
    /// The time to verify at: one minute after issuing.
    pub verify_at: DateTime<Utc>,
}

fn seeded(seed: u64, label: &str) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(label.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}

fn p256_key(seed: u64, label: &str) -> Result<SigningKey> {
    SigningKey::from_p256_scalar(&seeded(seed, label))
}

impl Corpus {
    /// `count` payloads issued at `issued_at`, of which about `bad_per_mille`/1000 are bad,
    /// the bad ones cycling through [`BAD_KINDS`]. The same arguments give the same corpus.
    ///
    /// # Errors
    /// Only if signing fails, which it does not for these keys.
    pub fn generate(count: usize, bad_per_mille: u32, seed: u64, issued_at: DateTime<Utc>) -> Result<Self> {
        let ed = SigningKey::from_ed25519_seed(&seeded(seed, "ed25519"));
        let es = p256_key(seed, "es256")?;
        let passports_only = SigningKey::from_ed25519_seed(&seeded(seed, "passports only"));
        let stranger = SigningKey::from_ed25519_seed(&seeded(seed, "not trusted"));
        let mut trust = TrustList::new();
        trust.add(TrustedKey::new("corpus Ed25519", ed.verifying_key()));
        trust.add(TrustedKey::new("corpus ES256", es.verifying_key()));
        trust.add(
            TrustedKey::new("corpus passports only", passports_only.verifying_key())
                .with_scopes(vec![Scope::Document(crate::model::DocumentType::Passport)]),
        );
        let entry = |name: &str, key: &SigningKey, docs: &str| -> Result<String> {
            let pem = key.verifying_key().to_spki_pem()?;
            Ok(format!(r#"    {{"name": {name:?}, "public_key": {pem:?}{docs}}}"#))
        };
        let trust_json = format!(
            "{{\"version\": 1, \"issuers\": [\n{},\n{},\n{}\n]}}\n",
            entry("corpus Ed25519", &ed, "")?,
            entry("corpus ES256", &es, "")?,
            entry("corpus passports only", &passports_only, r#", "documents": ["passport"]"#)?
        );
        let name = "docseal corpus issuer";
        let issuers = [Issuer::new(ed, name)?, Issuer::new(es, name)?];
        let scoped = Issuer::new(passports_only, name)?;
        let unknown = Issuer::new(stranger, name)?;
        let day = issued_at.date_naive();
        let documents = [
            Credential::from(super::licence_on(day)),
            Credential::from(super::passport()),
            Credential::from(super::pass_on(day)),
        ];
        let prepared: Vec<_> = issuers
            .iter()
            .map(|i| documents.iter().map(|d| prepare(i, d)).collect::<Result<Vec<_>>>())
            .collect::<Result<_>>()?;

        let mut corpus = Self {
            payloads: Vec::with_capacity(count),
            expected: Vec::with_capacity(count),
            trust,
            trust_json,
            verify_at: issued_at + Duration::minutes(1),
        };
        let mut bad_seen = 0usize;
        for i in 0..count {
            let cti: [u8; 16] = seeded(seed ^ i as u64, "cti")[..16].try_into().unwrap_or([0; 16]);
            let (doc, alg) = (i % 3, (i / 3) % 2);
            // Spread the bad ones evenly: item i is bad when the running share falls behind.
            let bad = (i as u64 + 1) * u64::from(bad_per_mille) / 1000 > bad_seen as u64;
            let issuer = &issuers[alg];
            let prepared_doc = &prepared[alg][doc];
            if !bad {
                let issued = issuer.issue_with_cti(prepared_doc, issued_at, cti)?;
                corpus.push(issued.text, None);
                continue;
            }
            let kind = BAD_KINDS[bad_seen % BAD_KINDS.len()];
            bad_seen += 1;
            let good = || issuer.issue_with_cti(prepared_doc, issued_at, cti);
            let text = match kind {
                "signature" => {
                    let issued = good()?;
                    let mut claims = issued.claims.clone();
                    claims.cti[0] ^= 1;
                    let forged = encode_payload(&claims, &EncodedDocument::new(&documents[doc]));
                    encode_text(&replace_payload(&issued.cose, forged)?)
                }
                "unknown-kid" => unknown.issue_with_cti(&prepare(&unknown, &documents[doc])?, issued_at, cti)?.text,
                "expired" => issuer.issue_with_cti(prepared_doc, issued_at - Duration::days(40), cti)?.text,
                "not-yet-valid" => issuer.issue_with_cti(prepared_doc, issued_at + Duration::days(1), cti)?.text,
                "key-scope" => scoped.issue_with_cti(&prepare(&scoped, &documents[0])?, issued_at, cti)?.text,
                "algorithm" => {
                    let payload = crate::cose::parse_sign1(&good()?.cose)?.payload;
                    let lying = PreparedSign1::new(Algorithm::Es256, issuers[0].key().kid(), payload);
                    let sig = issuers[1].key().sign(&lying.to_be_signed());
                    encode_text(&lying.finalize(sig)?)
                }
                "prefix" => good()?.text.replacen("DS1:", "DS2:", 1),
                "base45" => good()?.text.to_lowercase().replacen("ds1:", "DS1:", 1),
                "cose" => encode_text(&good()?.cose[1..]),
                "cbor" => {
                    let mut payload = crate::cose::parse_sign1(&good()?.cose)?.payload;
                    payload.push(0);
                    encode_text(&PreparedSign1::sign(issuer.key(), payload)?)
                }
                "document" => {
                    let issued = issuers[alg].issue_with_cti(&prepared[alg][0], issued_at, cti)?;
                    let mut payload = crate::cose::parse_sign1(&issued.cose)?.payload;
                    let at = payload.windows(18).position(|w| w == b"110105199003070017").unwrap_or(0);
                    payload[at + 17] = b'8';
                    encode_text(&PreparedSign1::sign(issuer.key(), payload)?)
                }
                "decompress" => {
                    format!("DS1:{}", crate::codec::base45::encode([0x78, 0x9c, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]))
                }
                _ => format!("DS1:{}", "0".repeat(9000)),
            };
            corpus.push(text, Some(kind));
        }
        Ok(corpus)
    }

    fn push(&mut self, text: String, expected: Option<&'static str>) {
        self.payloads.push(text);
        self.expected.push(expected);
    }
}

fn prepare(issuer: &Issuer, credential: &Credential) -> Result<crate::issue::PreparedCredential> {
    match credential {
        // Passes skip the monthly-limit check here: the corpus holds one holder's pass many times.
        Credential::TemporaryPass(p) => Ok(issuer.prepare_pass_unchecked(p)),
        other => issuer.prepare(other),
    }
}

//! What a relying party demands beyond a genuine signature.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::model::{Credential, DocumentType, TravelMode, Usability, Zone};
use crate::time::age_on;

/// A relying party's question, checked after the signature and the document's own rules.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Requirement {
    /// The credential holds this type of document.
    DocumentType(DocumentType),
    /// The licence permits this class (code in the licence's class system), on the
    /// verification date, with implications applied.
    VehicleClass(String),
    /// The holder is at least this old on the verification date.
    MinAge(u32),
    /// The credential may be used for this kind of travel (a temporary pass names the modes
    /// it allows; a passport allows all; a licence is no travel document).
    TravelMode(TravelMode),
}

impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::DocumentType(t) => write!(f, "document type {t}"),
            Self::VehicleClass(c) => write!(f, "class {c}"),
            Self::MinAge(n) => write!(f, "age at least {n}"),
            Self::TravelMode(m) => write!(f, "travel mode {m}"),
        }
    }
}

impl std::str::FromStr for Requirement {
    type Err = crate::model::UnknownName;

    /// `class=C1` (also `class:C1`; the class code in the licence's system, any case),
    /// `min-age=21`, `travel-mode=air`, `document-type=passport` (the names of
    /// [`DocumentType`]'s `FromStr`).
    fn from_str(text: &str) -> std::result::Result<Self, Self::Err> {
        let unknown = || crate::model::UnknownName {
            what: "requirement",
            given: text.to_owned(),
            expected: "class=CODE, min-age=YEARS, travel-mode=air|rail or document-type=NAME",
        };
        let (name, value) = text.split_once(['=', ':']).ok_or_else(unknown)?;
        let value = value.trim();
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "class" if !value.is_empty() => Ok(Self::VehicleClass(value.to_ascii_uppercase())),
            "min-age" | "age" => value.parse().map(Self::MinAge).map_err(|_| unknown()),
            "travel-mode" | "travel" => value.parse().map(Self::TravelMode),
            "document-type" | "document" => value.parse().map(Self::DocumentType),
            _ => Err(unknown()),
        }
    }
}

/// The JSON form: one key, `{"class": "C1"}`, `{"min_age": 21}`, `{"travel_mode": "air"}`
/// or `{"document_type": "passport"}`.
impl<'de> serde::Deserialize<'de> for Requirement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        enum Json {
            Class(String),
            MinAge(u32),
            TravelMode(String),
            DocumentType(String),
        }
        let text = match Json::deserialize(deserializer)? {
            Json::Class(code) => format!("class={code}"),
            Json::MinAge(years) => return Ok(Self::MinAge(years)),
            Json::TravelMode(mode) => format!("travel-mode={mode}"),
            Json::DocumentType(name) => format!("document-type={name}"),
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Requirement {
    /// Checks the requirement against a credential at `now`, on the day `now` falls on in
    /// the document's zone (a [`Policy`] can count ages on the relying party's own day).
    /// Returns the answer in words ("yes, covered by A1", "36 >= 21").
    ///
    /// # Errors
    /// [`Error::Policy`] naming the requirement and why it fails.
    pub fn check(&self, credential: &Credential, now: DateTime<Utc>) -> Result<String> {
        let day = credential.zone().date_at(now);
        self.check_on(credential, day, day)
    }

    /// The check on given days: privileges on the document's day, ages on the local day.
    pub(crate) fn check_on(&self, credential: &Credential, today: NaiveDate, local_day: NaiveDate) -> Result<String> {
        let fail = |reason: String| Err(Error::Policy { requirement: self.to_string(), reason });
        match self {
            Self::DocumentType(t) if credential.document_type() != *t => {
                fail(format!("credential is a {}", credential.document_type()))
            }
            Self::DocumentType(_) => Ok("yes".into()),
            Self::VehicleClass(code) => {
                let Some(licence) = credential.as_licence() else {
                    return fail(format!("a {} carries no vehicle classes", credential.document_type()));
                };
                match licence.class(code) {
                    None => fail(format!("{code:?} is not a class of the licence's class system")),
                    Some(class) if licence.permits_on(class, today) => {
                        Ok(match licence.covering_privilege_on(class, today) {
                            Some(held) if held == code => format!("yes, held as {held} on {today}"),
                            Some(held) => format!("yes, covered by {held} on {today}"),
                            None => format!("yes, by the classes held together on {today}"),
                        })
                    }
                    Some(_) => fail(format!("the licence does not permit class {code} on {today}")),
                }
            }
            Self::MinAge(min) => {
                let age = age_on(credential.birth_date(), local_day);
                if age >= i32::try_from(*min).unwrap_or(i32::MAX) {
                    Ok(format!("yes, age {age} >= {min} on {local_day}"))
                } else {
                    fail(format!("holder is {age} on {local_day}"))
                }
            }
            Self::TravelMode(mode) => match credential {
                Credential::TemporaryPass(pass) if pass.allows(*mode) => Ok(format!("yes, the pass allows {mode}")),
                Credential::TemporaryPass(_) => fail(format!("this pass is not valid for {mode} travel")),
                Credential::Passport(_) => Ok("yes, a passport allows any travel".into()),
                Credential::DrivingLicence(_) => fail("a driving licence is not a travel document".into()),
            },
        }
    }
}

/// A requirement the relying party asked, with its answer in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The question.
    pub requirement: Requirement,
    /// Why it holds ("yes, covered by A1 on 2026-11-21").
    pub answer: String,
}

/// The verification policy: clock skew, freshness, requirements and limits.
///
/// # Examples
/// ```
/// use docseal::{Policy, Requirement};
/// use std::time::Duration;
/// // A rental desk: a live copy (at most 5 minutes old), may drive C1, aged 21 or more.
/// let policy = Policy::default()
///     .with_max_age(Duration::from_secs(300))
///     .require(Requirement::VehicleClass("C1".into()))
///     .require(Requirement::MinAge(21));
/// assert_eq!(policy.limits().max_text_len, 8 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub(crate) clock_skew: Duration,
    pub(crate) max_age: Option<Duration>,
    pub(crate) requirements: Vec<Requirement>,
    pub(crate) limits: Limits,
    pub(crate) time_zone: Option<Zone>,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) max_status_age: Option<Duration>,
    pub(crate) status_required: bool,
    pub(crate) accept_overdue_trust: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            clock_skew: Duration::from_secs(300),
            max_age: None,
            requirements: Vec::new(),
            limits: Limits::default(),
            time_zone: None,
            as_of: None,
            max_status_age: None,
            status_required: true,
            accept_overdue_trust: false,
        }
    }
}

impl Policy {
    /// Tolerance for clocks that disagree (default 5 minutes), applied to `nbf`, `iat` and `exp`.
    #[must_use]
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Refuse copies generated longer than `max_age` ago (a live e-licence: minutes).
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Adds a requirement.
    #[must_use]
    pub fn require(mut self, requirement: Requirement) -> Self {
        self.requirements.push(requirement);
        self
    }

    /// Counts ages on the relying party's day in `zone` (default: the document's zone).
    #[must_use]
    pub fn with_time_zone(mut self, zone: Zone) -> Self {
        self.time_zone = Some(zone);
        self
    }

    /// Asks the questions about another day: the document's usability and the licence's
    /// privileges are checked on `day` (an insurer asking "did this holder hold class C1
    /// on 2026-10-01?"), while the signature, the copy's lifetime and freshness stay checked
    /// at the verification time.
    #[must_use]
    pub fn as_of(mut self, day: NaiveDate) -> Self {
        self.as_of = Some(day);
        self
    }

    /// Refuse status lists signed longer than `max_age` before the verification time (a
    /// desk that fetches daily: 1 or 2 days), on top of each list's own `exp`.
    #[must_use]
    pub fn with_max_status_age(mut self, max_age: Duration) -> Self {
        self.max_status_age = Some(max_age);
        self
    }

    /// Accept a credential that names a status list when no list for its URI was loaded
    /// (the check is reported as not done). By default such a credential is refused with
    /// kind `status`: a desk that never loaded the list cannot know it was not suspended.
    /// A list that was loaded is always checked.
    #[must_use]
    pub fn allow_unchecked_status(mut self) -> Self {
        self.status_required = false;
        self
    }

    /// Keep deciding from a signed trust list past its `next_update` (a desk that knows its
    /// list is late and accepts the risk). By default every verification after that time is
    /// refused with kind `trust-list` until a fresh list is loaded.
    #[must_use]
    pub fn accepting_overdue_trust(mut self) -> Self {
        self.accept_overdue_trust = true;
        self
    }

    /// Whether an overdue signed trust list still decides.
    #[must_use]
    pub fn accepts_overdue_trust(&self) -> bool {
        self.accept_overdue_trust
    }

    /// Replaces the input limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The document's usability at `now`, after the relying party's questions: when any
    /// requirement is asked, a document that may not be used (a red QR) answers no.
    ///
    /// # Errors
    /// [`Error::Policy`] naming the first requirement, with the reason the document may not
    /// be used or the reason the requirement fails.
    pub(crate) fn answer(&self, credential: &Credential, now: DateTime<Utc>) -> Result<(Usability, Vec<Answer>)> {
        let zone = credential.zone();
        let document_day = self.as_of.unwrap_or_else(|| zone.date_at(now));
        let local_day = self.as_of.unwrap_or_else(|| self.time_zone.unwrap_or(zone).date_at(now));
        let usability = credential.usability(document_day);
        if let (Some(first), Usability::NotUsable(reason)) = (self.requirements.first(), &usability) {
            return Err(Error::Policy {
                requirement: first.to_string(),
                reason: format!("the document may not be used: {reason}"),
            });
        }
        let answers = self
            .requirements
            .iter()
            .map(|requirement| {
                let answer = requirement.check_on(credential, document_day, local_day)?;
                Ok(Answer { requirement: requirement.clone(), answer })
            })
            .collect::<Result<_>>()?;
        Ok((usability, answers))
    }

    /// The freshness limit, if any.
    #[must_use]
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// The input limits in force.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_name_themselves() {
        let licence = Credential::from(crate::samples::licence());
        let now = DateTime::parse_from_rfc3339("2026-11-21T10:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
        assert!(Requirement::VehicleClass("C2".into()).check(&licence, now).is_ok());
        let err = Requirement::VehicleClass("A1".into()).check(&licence, now);
        assert!(matches!(err, Err(Error::Policy { requirement, .. }) if requirement == "class A1"));
        assert!(Requirement::MinAge(36).check(&licence, now).is_ok());
        assert!(Requirement::MinAge(37).check(&licence, now).is_err());
        assert!(Requirement::DocumentType(DocumentType::Passport).check(&licence, now).is_err());
    }
}

#[cfg(test)]
mod parse_tests {
    use super::Requirement;
    use crate::model::{DocumentType, TravelMode};

    #[test]
    fn requirements_and_document_types_read_from_text_and_json() {
        assert_eq!("class=c1".parse::<Requirement>(), Ok(Requirement::VehicleClass("C1".into())));
        assert_eq!("class:C1E".parse::<Requirement>(), Ok(Requirement::VehicleClass("C1E".into())));
        assert_eq!("min-age=21".parse::<Requirement>(), Ok(Requirement::MinAge(21)));
        assert_eq!("travel_mode=Air".parse::<Requirement>(), Ok(Requirement::TravelMode(TravelMode::Air)));
        assert_eq!(
            "document-type=licence".parse::<Requirement>(),
            Ok(Requirement::DocumentType(DocumentType::DrivingLicence))
        );
        for bad in ["class", "class=", "min-age=old", "travel-mode=sea", "colour=red", "document-type=visa"] {
            assert!(bad.parse::<Requirement>().is_err(), "{bad}");
        }
        for (name, t) in [
            ("passport", DocumentType::Passport),
            ("driving-licence", DocumentType::DrivingLicence),
            ("Licence", DocumentType::DrivingLicence),
            ("temp-pass", DocumentType::TemporaryPass),
            ("temporary_pass", DocumentType::TemporaryPass),
        ] {
            assert_eq!(name.parse::<DocumentType>(), Ok(t), "{name}");
        }
        let err = "visa".parse::<DocumentType>().unwrap_err();
        assert!(err.to_string().contains("passport, driving-licence"), "{err}");
        let json: Vec<Requirement> = serde_json::from_str(
            r#"[{"class": "c1"}, {"min_age": 21}, {"travel_mode": "rail"}, {"document_type": "pass"}]"#,
        )
        .unwrap();
        assert_eq!(
            json,
            vec![
                Requirement::VehicleClass("C1".into()),
                Requirement::MinAge(21),
                Requirement::TravelMode(TravelMode::Rail),
                Requirement::DocumentType(DocumentType::TemporaryPass)
            ]
        );
        assert!(serde_json::from_str::<Requirement>(r#"{"travel_mode": "sea"}"#).is_err());
        assert!(serde_json::from_str::<Requirement>(r#"{"colour": "red"}"#).is_err());
    }
}

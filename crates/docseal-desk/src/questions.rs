//! The questions a desk asks of every credential, read the same way by every front end.

use docseal::model::UnknownName;
use docseal::{Policy, Requirement};

/// A relying party's standing questions, as the command line's flags, the service's
/// `require` object and Python's arguments give them (each optional; the names of
/// [`Requirement`]'s `FromStr`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questions {
    /// A vehicle class the licence must permit, in its own class system (any case).
    #[serde(default)]
    pub class: Option<String>,
    /// Years the holder must have reached.
    #[serde(default)]
    pub min_age: Option<u32>,
    /// `air` or `rail`: what a temporary pass must allow.
    #[serde(default)]
    pub travel_mode: Option<String>,
    /// The document type the credential must be (`passport`, `driving-licence`,
    /// `temporary-pass`, or an alias).
    #[serde(default)]
    pub document_type: Option<String>,
}

impl Questions {
    /// The requirements, in the order above; empty strings ask nothing.
    ///
    /// # Errors
    /// [`UnknownName`] for a class left empty, an unknown travel mode or document type.
    pub fn requirements(&self) -> Result<Vec<Requirement>, UnknownName> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut asked = Vec::new();
        if let Some(class) = given(&self.class) {
            asked.push(format!("class={class}").parse()?);
        }
        if let Some(years) = self.min_age.filter(|&y| y > 0) {
            asked.push(Requirement::MinAge(years));
        }
        if let Some(mode) = given(&self.travel_mode) {
            asked.push(format!("travel-mode={mode}").parse()?);
        }
        if let Some(name) = given(&self.document_type) {
            asked.push(format!("document-type={name}").parse()?);
        }
        Ok(asked)
    }

    /// `policy` with these questions added.
    ///
    /// # Errors
    /// As [`Questions::requirements`].
    pub fn apply(&self, policy: Policy) -> Result<Policy, UnknownName> {
        Ok(self.requirements()?.into_iter().fold(policy, Policy::require))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_read_as_every_front_end_gives_them() {
        let asked: Questions =
            serde_json::from_str(r#"{"class": "c1", "min_age": 21, "document_type": "licence"}"#).expect("JSON");
        let requirements = asked.requirements().expect("known names");
        assert_eq!(requirements.len(), 3);
        assert_eq!(requirements[0], Requirement::VehicleClass("C1".into()));
        assert!(serde_json::from_str::<Questions>(r#"{"colour": "red"}"#).is_err());
        let bad = Questions { travel_mode: Some("sea".into()), ..Questions::default() };
        assert!(bad.requirements().unwrap_err().to_string().contains("air or rail"));
        let empty = Questions { class: Some(" ".into()), min_age: Some(0), ..Questions::default() };
        assert!(empty.requirements().expect("nothing asked").is_empty());
    }
}

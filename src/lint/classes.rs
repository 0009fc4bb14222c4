//! The failure classes `lint` reports: their ids here, every fact about them (title, kind, severity, docs) from the signature set.
//!
//! The signature files are the only registry: a check decides *whether* and
//! *where* a class applies and says so in its own words; what the class is
//! comes from `signatures/<id>.toml`, as for `scan`.

use super::Severity;
use crate::signature::{self, Kind, SignatureSet};

/// Every class a lint check can emit. A test checks that it equals the ids
/// the checks' sources use, and that each is in the signature set.
pub const CLASSES: &[&str] = &[
    "daemon-tls-port",
    "daemon-unix-socket",
    "dind-service-missing",
    "service-alias",
    "dind-not-privileged",
    "service-not-ready",
    "tls-certs-missing",
    "storage-driver",
    "registry-auth",
    "compose-missing",
    "container-name-conflict",
    "buildah-storage",
    "unpinned-image",
    "dind-socket-binding",
];

/// What the signature set says about a class a lint check reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    /// The class id, e.g. `daemon-tls-port`.
    pub id: String,
    /// The signature's one-line title.
    pub title: String,
    /// The signature's kind.
    pub kind: Kind,
    /// The signature's severity.
    pub severity: Severity,
    /// The signature's first documentation link: the same page `scan` cites.
    pub docs: String,
}

/// The class with this id in the built-in signature set.
pub fn class(id: &str) -> Option<Class> {
    class_in(SignatureSet::builtin_shared().ok()?, id)
}

/// The class with this id in `set`.
pub fn class_in(set: &SignatureSet, id: &str) -> Option<Class> {
    let s = set.by_id(id)?;
    Some(Class {
        id: s.id.clone(),
        title: s.title.clone(),
        kind: s.kind,
        severity: match s.severity {
            signature::Severity::Error => Severity::Error,
            signature::Severity::Warning => Severity::Warning,
            signature::Severity::Info => Severity::Info,
        },
        docs: s.docs.first().cloned().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lint_class_is_a_signature_and_cites_its_docs() {
        let set = SignatureSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        for id in CLASSES {
            let c = class_in(&set, id).unwrap_or_else(|| panic!("{id}: not in the signature set"));
            assert_eq!(c.docs, set.by_id(id).map(|s| s.docs[0].clone()).unwrap_or_default());
        }
        assert_eq!(class("unpinned-image").map(|c| c.severity), Some(Severity::Info));
        assert!(class("no-such-class").is_none());
    }
}

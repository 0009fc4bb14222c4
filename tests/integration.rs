//! The one integration-test binary; each module says what belongs in it.

/// Helpers: running the real binary, temporary directories.
mod util;

/// The command line: formats, exit codes, stdin, errors, colour.
mod cli;
/// Every corpus log against its expected classification.
mod corpus;
/// The fast scanner against the naive reference on the corpus, at several buffer sizes.
mod oracle;
/// The knowledge base: every example line of every signature, and registry invariants.
mod signatures;

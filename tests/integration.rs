//! The one integration-test binary; each module says what belongs in it.

/// Helpers: running the real binary, temporary directories.
mod util;

/// The command line: formats, exit codes, stdin, errors, colour.
mod cli;
/// Every corpus log against its expected classification.
mod corpus;
/// `doctor` against loopback HTTP/TLS servers, closed ports, bad names, and a real dockerd when one can start.
mod doctor;
/// Hostile and broken input: empty, binary, UTF-16, cut-off logs, huge lines, FIFOs, secrets.
mod hostile;
/// `dindlog lint`: the configuration model and every check against corpus/lint.
mod lint;
/// The fast scanner against the naive reference on the corpus, at several buffer sizes.
mod oracle;
/// The knowledge base: every example line of every signature, and registry invariants.
mod signatures;

//! The one integration-test binary; each module says what belongs in it.

/// Helpers: running the real binary, temporary directories.
mod util;

/// Bulk inputs: directory walking, compressed logs and archives with their limits, shards, merging shard reports.
mod bulk;

/// The command line: formats, exit codes, stdin, errors, colour.
mod cli;
/// Every corpus log against its expected classification.
mod corpus;
/// `doctor` against loopback HTTP/TLS servers, closed ports, bad names, and a real dockerd when one can start.
mod doctor;
/// Every corpus log through every output format and report file, against `tests/golden/`; report-file contracts.
mod golden;
/// Hostile and broken input: empty, binary, UTF-16, cut-off logs, huge lines, FIFOs, secrets.
mod hostile;
/// `dindlog lint`: the configuration model and every check against corpus/lint.
mod lint;
/// The fast scanner against the naive reference on the corpus, at several buffer sizes.
mod oracle;
/// Properties: findings unchanged by colour codes, `\r` rewrites, timestamp headers and continuations, CRLF, buffer and read sizes.
mod prop;
/// A reference scanner written from the format's description, sharing no code with dindlog's.
mod reference;
/// The knowledge base: every example line of every signature, and registry invariants.
mod signatures;
/// The shipped job template run by gitlab-ci-local: reports, retry's exit code, the fleet jobs, GitLab's CI schema.
mod template;

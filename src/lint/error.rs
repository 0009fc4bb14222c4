//! Why a configuration could not be read: typed, with the file, line and column where one exists.

use std::fmt;

/// A configuration `lint` could not read or resolve.
///
/// Every variant that comes from a place in a file names that file, line and
/// column (1-based), so the CLI can print it as is. Problems `lint` can work
/// around (a remote include, an unknown key) are notes in the report, not
/// errors.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LintError {
    /// A file could not be read.
    Io {
        /// The path as given or as derived from an include.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// The CI configuration is not valid YAML.
    Yaml {
        /// The file with the error.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// The runner configuration is not valid TOML.
    Toml {
        /// The file with the error.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// The YAML is valid but not a GitLab CI configuration, or exceeds a limit.
    Invalid {
        /// The file with the problem.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
    /// A `!reference` names a job or key that does not exist.
    ReferenceNotFound {
        /// The file holding the `!reference` tag.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The reference as written, e.g. `[.setup, script]`.
        reference: String,
    },
    /// `!reference` tags that refer to each other in a loop, or nest too deep.
    ReferenceCycle {
        /// The file holding the `!reference` tag.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The reference as written.
        reference: String,
    },
    /// `extends` names a job that does not exist.
    ExtendsNotFound {
        /// The file holding the `extends` key.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The job whose `extends` is wrong.
        job: String,
        /// The missing parent.
        parent: String,
    },
    /// `extends` chains that loop.
    ExtendsCycle {
        /// The file holding the `extends` key that closes the loop.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The jobs in the loop, first repeated at the end.
        chain: Vec<String>,
    },
    /// `include:local` files that include each other.
    IncludeCycle {
        /// The files in the loop, first repeated at the end.
        chain: Vec<String>,
    },
    /// The built-in signature set, which holds what each class is, did not load.
    Signatures {
        /// The loader's message.
        message: String,
    },
    /// An `include:local` file does not exist.
    IncludeNotFound {
        /// The file holding the `include` entry.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The path as written in `include`.
        include: String,
    },
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LintError::Io { path, message } => write!(f, "{path}: cannot read: {message}"),
            LintError::Yaml { file, line, column, message } => {
                write!(f, "{file}:{line}:{column}: yaml syntax error: {message}")
            }
            LintError::Toml { file, line, column, message } => {
                write!(f, "{file}:{line}:{column}: toml syntax error: {message}")
            }
            LintError::Invalid { file, line, column, message } => {
                write!(f, "{file}:{line}:{column}: {message}")
            }
            LintError::ReferenceNotFound { file, line, column, reference } => {
                write!(f, "{file}:{line}:{column}: !reference {reference} could not be found")
            }
            LintError::ReferenceCycle { file, line, column, reference } => write!(
                f,
                "{file}:{line}:{column}: !reference {reference} refers to itself \
                 or nests more than 10 levels"
            ),
            LintError::ExtendsNotFound { file, line, column, job, parent } => write!(
                f,
                "{file}:{line}:{column}: job {job:?} extends {parent:?}, which does not exist"
            ),
            LintError::ExtendsCycle { file, line, column, chain } => {
                write!(f, "{file}:{line}:{column}: circular extends: {}", chain.join(" -> "))
            }
            LintError::IncludeCycle { chain } => {
                write!(f, "circular include:local: {}", chain.join(" -> "))
            }
            LintError::Signatures { message } => write!(f, "built-in signatures: {message}"),
            LintError::IncludeNotFound { file, line, column, include } => {
                write!(f, "{file}:{line}:{column}: include:local file {include:?} does not exist")
            }
        }
    }
}

impl std::error::Error for LintError {}

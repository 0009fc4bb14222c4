//! The command line as clap sees it: raw flags only; `main.rs` resolves them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Explains why a GitLab CI job that builds Docker images failed.
#[derive(Debug, Parser)]
#[command(
    name = "dindlog",
    version,
    about,
    args_conflicts_with_subcommands = true,
    max_term_width = 100,
    after_help = "Without a subcommand, dindlog scans: `dindlog job.log` is `dindlog scan job.log`.\n\n\
Exit status: 0 no finding at or above --fail-on, 1 findings, 2 an error (unreadable input, bad signature file, \
bad option). `run` exits with the command's status, `annotate` with 0; the README lists every command's."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub scan: ScanArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan job logs (the default).
    Scan(ScanArgs),
    /// Run a command, pass its output through, and diagnose it if it fails.
    Run(RunArgs),
    /// In after_script: print the diagnosis of the logs `run` kept and write reports.
    Annotate(AnnotateArgs),
    /// Check .gitlab-ci.yml (and the runner's config.toml) for documented misconfigurations.
    Lint(LintArgs),
    /// Check the Docker daemon from inside the job: DOCKER_HOST, DNS, port, TLS, API, certificates.
    Doctor(DoctorArgs),
    /// Combine the `--format json` reports of several shards into one.
    Merge {
        /// The JSON reports, in order.
        #[arg(required = true, value_name = "REPORT")]
        reports: Vec<PathBuf>,
        /// Also write the merged report as one self-contained HTML page.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Print a shell completion script (class ids complete after `explain`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page of dindlog (roff), or write one page per subcommand into DIR.
    Man {
        /// Write dindlog.1, dindlog-scan.1, ... (every page the SUBCOMMANDS sections name) into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print docs/classes.md, the class documentation, from the built-in signatures.
    #[command(hide = true)]
    ClassesMarkdown,
    /// Print everything known about one failure class.
    Explain {
        /// The class id, e.g. dind-not-privileged.
        id: String,
        #[command(flatten)]
        set: SignatureDirArg,
        #[command(flatten)]
        color: ColorArg,
    },
    /// List the failure classes, or test signature files.
    Signatures {
        #[command(subcommand)]
        action: Option<SignaturesAction>,
        /// Output format for the list.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        #[command(flatten)]
        set: SignatureDirArg,
    },
}

/// `dindlog signatures ...`.
#[derive(Debug, Subcommand)]
pub enum SignaturesAction {
    /// Run every example line of every signature (built-in plus DIR) like a test suite.
    Test {
        /// A directory of your own signature files.
        dir: Option<PathBuf>,
    },
    /// Scan logs of successful jobs and list every finding: each one is a false positive.
    CheckFp {
        /// A directory (walked recursively) or files of logs from green jobs.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Options of the commands that read logs (`scan`, `run`, `annotate`). They are
/// not global: each command shows and accepts only the options it uses.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Add or override failure classes from *.toml files in DIR.
    #[arg(long, value_name = "DIR")]
    pub signatures: Option<PathBuf>,
    /// When to colour the output (CLICOLOR_FORCE, NO_COLOR and TERM=dumb are read with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Show credentials found in evidence lines instead of masking them.
    #[arg(long)]
    pub no_redact: bool,
}

/// `--signatures DIR` alone, for the knowledge-base commands; global so that
/// `signatures test` and `signatures check-fp` take it too.
#[derive(Debug, Args, Clone)]
pub struct SignatureDirArg {
    /// Add or override failure classes from *.toml files in DIR.
    #[arg(long, value_name = "DIR", global = true)]
    pub signatures: Option<PathBuf>,
}

/// `--color` alone, for the commands that print no log text.
#[derive(Debug, Args, Clone)]
pub struct ColorArg {
    /// When to colour the output (CLICOLOR_FORCE, NO_COLOR and TERM=dumb are read with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

impl CommonArgs {
    /// The options of a command that reads no log: nothing to unmask.
    pub fn knowledge(set: SignatureDirArg, color: ColorChoice) -> CommonArgs {
        CommonArgs { signatures: set.signatures, color, no_redact: false }
    }
}

/// `dindlog [scan]` options.
#[derive(Debug, Args, Clone)]
pub struct ScanArgs {
    /// Job logs, directories (walked) or archives to read; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A service container log (`docker logs` of dind) to read together with the job log.
    #[arg(short = 's', long = "service-log", value_name = "FILE")]
    pub service_logs: Vec<PathBuf>,
    /// Inside a job: use its environment (GitLab's variables, /etc/hosts, /etc/resolv.conf)
    /// as context and evidence, as `run` does.
    #[arg(long)]
    pub env_context: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Print only the summary over all inputs (formats human, json, jsonl; an error with the others).
    #[arg(long)]
    pub summary: bool,
    #[command(flatten)]
    pub reports: ReportArgs,
    /// Also walk hidden files and directories (names starting with `.`).
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links while walking directories (loops are detected).
    #[arg(short = 'L', long)]
    pub follow: bool,
    /// In walked directories and archives, take only files and members matching GLOB (repeatable; `*`, `**`, `?`, `[..]`).
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    pub globs: Vec<dindlog::walk::Glob>,
    /// In walked directories and archives, skip files, members and directories matching GLOB (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<dindlog::walk::Glob>,
    /// Scan only shard I of N (e.g. 2/8): the inputs, down to archive members, split by size.
    #[arg(long, value_name = "I/N", value_parser = dindlog::walk::parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Skip an archive member or compressed log that expands past this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 30)]
    pub max_member_bytes: u64,
    /// Skip a compressed stream that expands more than N times its size (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_ratio: u64,
    /// Threads for scanning several inputs (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Read buffer size in bytes (for testing chunk boundaries).
    #[arg(long, hide = true, default_value_t = dindlog::DEFAULT_CAPACITY)]
    pub buffer_size: usize,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Report files written beside the main output.
#[derive(Debug, Args, Clone, Default)]
pub struct ReportArgs {
    /// Also write a JUnit XML report (GitLab `artifacts:reports:junit`).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a Code Quality report (GitLab `artifacts:reports:codequality`).
    #[arg(long, value_name = "FILE")]
    pub codequality: Option<PathBuf>,
    /// Also write an annotations report (GitLab `artifacts:reports:annotations`).
    #[arg(long, value_name = "FILE")]
    pub annotations: Option<PathBuf>,
    /// Also write a dotenv report (`DINDLOG_ROOT_CAUSE`, `DINDLOG_TRANSIENT`, ...).
    #[arg(long, value_name = "FILE")]
    pub dotenv: Option<PathBuf>,
    /// Also write one self-contained HTML page: the summary as charts, each job's root cause.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Read this `.gitlab-ci.yml` to point each finding at the line to change.
    #[arg(long, value_name = "FILE")]
    pub ci_config: Option<PathBuf>,
}

/// `dindlog doctor` options.
#[derive(Debug, Args, Clone)]
pub struct DoctorArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DoctorFormat::Human)]
    pub format: DoctorFormat,
    /// Seconds each check may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub timeout: f64,
    #[command(flatten)]
    pub color: ColorArg,
}

/// Output formats of `doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DoctorFormat {
    /// For a person.
    Human,
    /// JSON.
    Json,
}

/// `dindlog lint` options.
#[derive(Debug, Args, Clone)]
pub struct LintArgs {
    /// The CI configuration.
    #[arg(value_name = "FILE", default_value = ".gitlab-ci.yml")]
    pub ci_config: PathBuf,
    /// The runner's config.toml, for the checks that need it (privileged, volumes, executor).
    #[arg(long, value_name = "FILE")]
    pub runner_config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Also write a Code Quality report (GitLab `artifacts:reports:codequality`).
    #[arg(long, value_name = "FILE")]
    pub codequality: Option<PathBuf>,
    /// Exit 1 when a finding reaches this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub color: ColorArg,
}

/// Output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// For a person.
    Human,
    /// JSON: findings, notes and the jobs as dindlog read them.
    Json,
    /// A GitLab Code Quality report.
    Codequality,
}

/// `dindlog run` options.
#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    /// Keep the command's output here [default: $CI_PROJECT_DIR/.dindlog/run-<time>-<pid>.log].
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// When the command fails and the root cause is transient (rate limit, service not
    /// ready), exit with N instead, for `retry: exit_codes: [N]`.
    #[arg(long, value_name = "N")]
    pub transient_exit: Option<u8>,
    /// Do not look at the daemon when the command failed (the probe takes at most 3 s).
    #[arg(long)]
    pub no_probe: bool,
    /// The most bytes of output the kept copy holds: its head and its tail, with a line
    /// saying how much was cut (the analysis reads everything).
    #[arg(long, value_name = "BYTES", default_value_t = dindlog::run::DEFAULT_KEEP_BYTES)]
    pub keep_bytes: u64,
    #[command(flatten)]
    pub reports: ReportArgs,
    #[command(flatten)]
    pub common: CommonArgs,
    /// The command and its arguments, after `--`.
    #[arg(required = true, trailing_var_arg = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// `dindlog annotate` options.
#[derive(Debug, Args, Clone)]
pub struct AnnotateArgs {
    /// Logs to read [default: every *.log that `dindlog run` kept in $CI_PROJECT_DIR/.dindlog].
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A service container log to read together with the job logs.
    #[arg(short = 's', long = "service-log", value_name = "FILE")]
    pub service_logs: Vec<PathBuf>,
    /// Do not look at the daemon when the job failed and `run` left no diagnosis.
    #[arg(long)]
    pub no_probe: bool,
    #[command(flatten)]
    pub reports: ReportArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Output formats of `scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For a person at a terminal.
    Human,
    /// One JSON document.
    Json,
    /// JSON Lines: events as each input is classified.
    Jsonl,
    /// GitHub Actions workflow commands (`::error`, `::group::`).
    Github,
    /// The human output inside a collapsible GitLab job-log section.
    Gitlab,
}

/// Output formats of `signatures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Table,
    /// JSON.
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal (not TERM=dumb), or CLICOLOR_FORCE is set; never
    /// when NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
    /// Never exit 1 because of findings.
    Never,
}

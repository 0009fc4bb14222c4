//! The `annotations` format: GitLab's annotations report (`artifacts:reports:annotations`), links to each finding's documentation and log line.

use std::io::Write;

use serde::Serialize;

use super::export::{ExportError, Exporter, Options, Subject};
use super::FileReport;
use crate::classify::Role;

/// The `annotations` exporter (log reports only).
pub struct Annotations;

impl Exporter for Annotations {
    fn export(
        &self,
        w: &mut dyn Write,
        subject: Subject<'_>,
        opts: &Options,
    ) -> Result<(), ExportError> {
        let (reports, _) = subject.logs("annotations")?;
        Ok(w.write_all(annotations(reports, opts.job_url.as_deref()).as_bytes())?)
    }
}

#[derive(Serialize)]
struct ExternalLink<'a> {
    external_link: Link<'a>,
}

#[derive(Serialize)]
struct Link<'a> {
    label: String,
    url: &'a str,
}

/// GitLab's annotations report: a link to each finding's documentation, and,
/// when `job_url` is known, to its first evidence line in the job log.
fn annotations(reports: &[FileReport], job_url: Option<&str>) -> String {
    let mut links = Vec::new();
    let mut line_urls = Vec::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.role != Role::Symptom) {
            if let Some(url) = job_url {
                line_urls.push((
                    format!("{}: log line {}", f.id, f.first_line),
                    format!("{url}#L{}", f.first_line),
                ));
            }
            for d in &f.docs {
                if !links.iter().any(|(_, u): &(String, &str)| *u == d.as_str()) {
                    links.push((format!("{}: {}", f.id, f.title), d.as_str()));
                }
            }
        }
    }
    let mut list: Vec<ExternalLink<'_>> = line_urls
        .iter()
        .map(|(label, url)| ExternalLink { external_link: Link { label: label.clone(), url } })
        .collect();
    list.extend(
        links.into_iter().map(|(label, url)| ExternalLink { external_link: Link { label, url } }),
    );
    // GitLab accepts at most 1000 entries per list.
    list.truncate(1000);
    let doc = std::collections::BTreeMap::from([("dindlog", list)]);
    serde_json::to_string_pretty(&doc).expect("annotations json") + "\n"
}

//! The runner's `config.toml`: the `[[runners]]` entries and the keys the checks read, with positions.

use toml::de::{DeTable, DeValue};

use super::error::LintError;
use super::yaml::{FileId, Pos};

/// How a runner runs jobs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Executor {
    /// `docker`, `docker+machine`, `docker-autoscaler`, `docker-windows`.
    Docker,
    Kubernetes,
    /// `shell`, `ssh`, `custom` and the VM executors: jobs use the host's daemon, if any.
    Host,
}

#[derive(Clone, Debug)]
pub(crate) struct Setting<T> {
    pub value: T,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub(crate) struct RunnerService {
    pub name: Setting<String>,
}

/// `[runners.docker]` or `[runners.kubernetes]`.
#[derive(Clone, Debug)]
pub(crate) struct Containers {
    /// The table header.
    pub pos: Pos,
    pub privileged: Option<Setting<bool>>,
    /// Docker only: overrides `privileged` for service containers.
    pub services_privileged: Option<Setting<bool>>,
    /// Container-side paths of mounted volumes (`host:container[:mode]` or
    /// `container`), Kubernetes `mount_path`s, with the entry's position.
    pub mounts: Vec<Setting<String>>,
    pub image: Option<Setting<String>>,
    pub services: Vec<RunnerService>,
}

#[derive(Clone, Debug)]
pub(crate) struct Runner {
    /// `name`, or `#N` (1-based) when it has none.
    pub name: String,
    /// The `[[runners]]` header.
    pub pos: Pos,
    pub executor: Executor,
    pub containers: Option<Containers>,
    /// `environment = ["NAME=value"]`.
    pub environment: Vec<Setting<String>>,
    /// `[runners.feature_flags]` entries.
    pub feature_flags: Vec<(String, Setting<bool>)>,
}

impl Runner {
    /// Where privileged mode is decided for services: the key if written,
    /// else the executor table, else the runner.
    pub fn privileged_for_services(&self) -> (bool, Pos) {
        let Some(c) = &self.containers else { return (false, self.pos) };
        if let Some(s) = &c.services_privileged {
            return (s.value, s.pos);
        }
        match &c.privileged {
            Some(p) => (p.value, p.pos),
            None => (false, c.pos),
        }
    }

    /// The volume entry that binds the host's Docker socket, if any.
    pub fn socket_binding(&self) -> Option<&Setting<String>> {
        self.containers.as_ref()?.mounts.iter().find(|m| m.value == "/var/run/docker.sock")
    }

    pub fn has_mount(&self, path: &str) -> bool {
        self.containers.as_ref().is_some_and(|c| c.mounts.iter().any(|m| m.value == path))
    }

    /// A feature flag set in `[runners.feature_flags]` or `environment`.
    pub fn feature_flag(&self, name: &str) -> Option<Pos> {
        let table =
            self.feature_flags.iter().find(|(n, s)| n == name && s.value).map(|(_, s)| s.pos);
        table.or_else(|| {
            self.environment
                .iter()
                .find(|e| e.value.split_once('=').is_some_and(|(n, v)| n == name && truthy(v)))
                .map(|e| e.pos)
        })
    }

    pub fn sets_env(&self, name: &str) -> bool {
        self.environment.iter().any(|e| e.value.split_once('=').is_some_and(|(n, _)| n == name))
    }
}

/// How the runner parses booleans in variables (Go's `strconv.ParseBool`).
pub(crate) fn truthy(v: &str) -> bool {
    matches!(v.trim(), "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// Parses `source` (the runner configuration at `path`).
pub(crate) fn parse(source: &str, path: &str, file: FileId) -> Result<Vec<Runner>, LintError> {
    let lines = LineIndex::new(source);
    let root = DeTable::parse(source).map_err(|e| {
        let (line, column) = lines.line_col(e.span().map_or(0, |s| s.start));
        LintError::Toml {
            file: path.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let pos = |offset: usize| {
        let (line, col) = lines.line_col(offset);
        Pos { file, line, col }
    };
    let mut out = Vec::new();
    let Some(DeValue::Array(runners)) = get(root.get_ref(), "runners").map(|v| v.get_ref()) else {
        return Ok(out);
    };
    for (i, r) in runners.iter().enumerate() {
        let DeValue::Table(t) = r.get_ref() else { continue };
        let header = pos(r.span().start);
        let name = str_of(t, "name").map_or_else(|| format!("#{}", i + 1), |(s, _)| s.to_string());
        let executor_name = str_of(t, "executor").map(|(s, _)| s).unwrap_or("");
        let docker = table(t, "docker");
        let kube = table(t, "kubernetes");
        let executor = match executor_name {
            "kubernetes" => Executor::Kubernetes,
            e if e.starts_with("docker") => Executor::Docker,
            "" if kube.is_some() => Executor::Kubernetes,
            "" if docker.is_some() => Executor::Docker,
            _ => Executor::Host,
        };
        let containers = match executor {
            Executor::Docker => docker.map(|(d, span)| containers(d, pos(span), false, &pos)),
            Executor::Kubernetes => kube.map(|(k, span)| containers(k, pos(span), true, &pos)),
            Executor::Host => None,
        };
        let environment = array_of_str(t, "environment")
            .into_iter()
            .map(|(value, o)| Setting { value: value.to_string(), pos: pos(o) })
            .collect();
        let mut feature_flags = Vec::new();
        if let Some((ff, _)) = table(t, "feature_flags") {
            for (k, v) in ff.iter() {
                if let Some(b) = v.get_ref().as_bool() {
                    feature_flags.push((
                        k.get_ref().to_string(),
                        Setting { value: b, pos: pos(k.span().start) },
                    ));
                }
            }
        }
        out.push(Runner { name, pos: header, executor, containers, environment, feature_flags });
    }
    Ok(out)
}

fn containers(t: &DeTable<'_>, header: Pos, kube: bool, pos: &dyn Fn(usize) -> Pos) -> Containers {
    let boolean = |key: &str| {
        get(t, key).and_then(|v| {
            v.get_ref().as_bool().map(|b| Setting { value: b, pos: pos(key_span(t, key)) })
        })
    };
    let mut mounts = Vec::new();
    if kube {
        // [[runners.kubernetes.volumes.<kind>]] mount_path = "..."
        if let Some((vols, _)) = table(t, "volumes") {
            for (_, kind) in vols.iter() {
                let DeValue::Array(items) = kind.get_ref() else { continue };
                for item in items.iter() {
                    if let DeValue::Table(v) = item.get_ref() {
                        if let Some((m, o)) = str_of(v, "mount_path") {
                            mounts.push(Setting {
                                value: m.trim_end_matches('/').to_string(),
                                pos: pos(o),
                            });
                        }
                    }
                }
            }
        }
    } else {
        for (v, o) in array_of_str(t, "volumes") {
            // "/certs/client", "/host:/container", "/host:/container:ro"
            let parts: Vec<&str> = v.split(':').collect();
            let container = match parts.len() {
                1 => parts[0],
                _ => parts[1],
            };
            mounts
                .push(Setting { value: container.trim_end_matches('/').to_string(), pos: pos(o) });
        }
    }
    let image = str_of(t, "image").map(|(s, o)| Setting { value: s.to_string(), pos: pos(o) });
    let mut services = Vec::new();
    if let Some(DeValue::Array(items)) = get(t, "services").map(|v| v.get_ref()) {
        for item in items.iter() {
            if let DeValue::Table(s) = item.get_ref() {
                if let Some((n, o)) = str_of(s, "name") {
                    services.push(RunnerService {
                        name: Setting { value: n.to_string(), pos: pos(o) },
                    });
                }
            }
        }
    }
    Containers {
        pos: header,
        privileged: boolean("privileged"),
        services_privileged: if kube { None } else { boolean("services_privileged") },
        mounts,
        image,
        services,
    }
}

fn get<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<&'a toml::Spanned<DeValue<'i>>> {
    t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

fn key_span(t: &DeTable<'_>, key: &str) -> usize {
    t.iter().find(|(k, _)| k.get_ref() == key).map_or(0, |(k, _)| k.span().start)
}

fn table<'a, 'i>(t: &'a DeTable<'i>, key: &str) -> Option<(&'a DeTable<'i>, usize)> {
    let v = get(t, key)?;
    match v.get_ref() {
        DeValue::Table(x) => Some((x, v.span().start)),
        _ => None,
    }
}

fn str_of<'a>(t: &'a DeTable<'_>, key: &str) -> Option<(&'a str, usize)> {
    let v = get(t, key)?;
    v.get_ref().as_str().map(|s| (s, v.span().start))
}

fn array_of_str<'a>(t: &'a DeTable<'_>, key: &str) -> Vec<(&'a str, usize)> {
    match get(t, key).map(|v| v.get_ref()) {
        Some(DeValue::Array(a)) => {
            a.iter().filter_map(|v| v.get_ref().as_str().map(|s| (s, v.span().start))).collect()
        }
        _ => Vec::new(),
    }
}

/// Byte offsets to 1-based line and character column.
struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(src: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { src, starts }
    }

    fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self.src.get(start..offset).map_or(offset - start, |s| s.chars().count());
        (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(col + 1).unwrap_or(u32::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"concurrent = 4

[[runners]]
  name = "docker-privileged"
  executor = "docker"
  environment = ["DOCKER_HOST=tcp://docker:2375", "FF_NETWORK_PER_BUILD=1"]
  [runners.docker]
    image = "docker:24.0.5"
    privileged = false
    services_privileged = true
    volumes = ["/cache", "/srv/certs:/certs/client:ro", "/var/run/docker.sock:/var/run/docker.sock"]
    [[runners.docker.services]]
      name = "docker:24.0.5-dind"
      alias = "docker"

[[runners]]
  executor = "kubernetes"
  [runners.kubernetes]
    privileged = true
    [[runners.kubernetes.volumes.empty_dir]]
      name = "docker-certs"
      mount_path = "/certs/client"
  [runners.feature_flags]
    FF_NETWORK_PER_BUILD = true

[[runners]]
  name = "shell"
  executor = "shell"
"#;

    #[test]
    fn reads_runners() {
        let rs = parse(CONFIG, "config.toml", 1).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rs.len(), 3);
        let d = &rs[0];
        assert_eq!(
            (d.name.as_str(), &d.executor, d.pos.line),
            ("docker-privileged", &Executor::Docker, 3)
        );
        let (privileged, pos) = d.privileged_for_services();
        assert!(privileged, "services_privileged overrides privileged");
        assert_eq!((pos.line, pos.col), (10, 5));
        assert_eq!(d.socket_binding().map(|s| s.pos.line), Some(11));
        assert!(d.has_mount("/certs/client") && d.has_mount("/cache"));
        assert_eq!(d.feature_flag("FF_NETWORK_PER_BUILD").map(|p| p.line), Some(6));
        assert!(d.sets_env("DOCKER_HOST"));
        let c = d.containers.as_ref().expect("docker table");
        assert_eq!(c.services.first().map(|s| s.name.value.as_str()), Some("docker:24.0.5-dind"));
        assert_eq!(c.image.as_ref().map(|i| i.pos.line), Some(8));

        let k = &rs[1];
        assert_eq!((k.name.as_str(), &k.executor), ("#2", &Executor::Kubernetes));
        assert!(k.has_mount("/certs/client"));
        assert!(k.privileged_for_services().0);
        assert_eq!(k.feature_flag("FF_NETWORK_PER_BUILD").map(|p| p.line), Some(24));
        assert_eq!(rs[2].executor, Executor::Host);
        assert!(!rs[2].privileged_for_services().0);
    }

    #[test]
    fn syntax_error_has_position() {
        match parse("[[runners]]\n  name = \"x\n", "c.toml", 0) {
            Err(e @ LintError::Toml { .. }) => {
                assert!(e.to_string().starts_with("c.toml:2:"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(parse("", "c.toml", 0).map(|r| r.is_empty()).unwrap_or(false));
        assert!(parse("runners = 3", "c.toml", 0).map(|r| r.is_empty()).unwrap_or(false));
    }

    #[test]
    fn line_index() {
        let li = LineIndex::new("ab\né\nc");
        assert_eq!(li.line_col(0), (1, 1));
        assert_eq!(li.line_col(3), (2, 1));
        assert_eq!(li.line_col(5), (2, 2));
        assert_eq!(li.line_col(6), (3, 1));
        assert_eq!(li.line_col(99), (3, 2));
    }
}

#!/usr/bin/env python3
"""Generate dindlog's test corpus: realistic GitLab CI job logs plus the
expected classification of each.

Run from anywhere: `python3 corpus/make_corpus.py`. Standard library only;
deterministic (same bytes on every run), so the output is committed and a
re-run must leave `git status` clean.

Conventions
-----------
* Every log is built by one function registered with `@corpus(...)`. The
  decorator carries the expected result; the function only writes the log.
  Each log becomes `corpus/<name>.log` (raw bytes, exactly what GitLab stores)
  and `corpus/<name>.expect.toml` (format: corpus/README.md).
* A log is a list of *writes*: (stream, O|E, text, time). Streams follow the
  runner: 0x00 runner/executor (health-check block on 00E), 0x01 job script
  (01O stdout, 01E stderr), 0x0f service logs from CI_DEBUG_SERVICES.
  Without FF_TIMESTAMPS the writes are concatenated. With it, `render_ts`
  emulates the runner's timestamper: a 32-byte header on every physical line,
  a write holding `\\r` but no `\\n` is flushed at once with an added `\\n`
  and the next line on that stream carries `+`, and a line longer than 8 KiB
  is cut into `+` continuations.
* Bytes are real: ESC is 0x1b, `\\r` is 0x0d. Runner lines are
  `\\e[0K<text>\\e[0;m`, stage headers bold cyan, `$ cmd` echoes bold green,
  section markers `section_start:<unix>:<name>\\r\\e[0K` with no newline.
  Runner >= 17.1 prints `Starting service img...`, older `Starting service img ...`.
* A service log given to dindlog with --service-log is written beside the
  log as `<name>.service.txt` (not `.log`, so it is not taken for a job log).
* Hosts, project ids, tokens and digests are invented (digests are hashes of
  the log name). Public endpoints appear only where a real message names
  them (Docker Hub's registry and rate-limit text, proxy.golang.org, npm).
* The expectation is the truth under the catalog's semantics
  (/work/shared/catalog.md), not a prediction of what the engine prints:
  causes most likely first, symptoms are findings a cause explains, advice is
  unpinned-image / log-truncated. A log holds no evidence for a class it does
  not list; `near-miss-*` logs list no cause, candidate or symptom.
"""

import calendar
import hashlib
import os
import random
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# ANSI constants as the runner writes them (helpers/ansi_colors.go)
# ---------------------------------------------------------------------------
ESC = "\x1b"
CLEAR = ESC + "[0K"
RESET = ESC + "[0;m"
BOLD_GREEN = ESC + "[32;1m"
BOLD_RED = ESC + "[31;1m"
BOLD_CYAN = ESC + "[36;1m"
BOLD_YELLOW = ESC + "[33;1m"
YELLOW = ESC + "[0;33m"
GREY = ESC + "[0;37m"

RUNNER, JOB, SERVICE = 0x00, 0x01, 0x0F
SPLIT_LIMIT = 8192  # the timestamper cuts lines longer than this


def digest(seed, n=64):
    """A deterministic hex string standing in for sha256 digests and ids."""
    out = ""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(("%s/%d" % (seed, i)).encode()).hexdigest()
        i += 1
    return out[:n]


def epoch(stamp):
    """'2024-05-01T10:00:00' (UTC) -> float seconds."""
    return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%S")))


def iso(t, digits=6):
    """RFC 3339 UTC with a fixed number of fractional digits."""
    whole = int(t)
    frac = t - whole
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    micro = "%06d" % int(frac * 1e6)
    if digits == 6:
        return base + "." + micro + "Z"
    extra = "%03d" % (int(frac * 1e9) % 1000)
    return base + "." + micro + extra + "Z"


def inner_time(line):
    """The daemon's own `time="..."` stamp in a dockerd log line, or None."""
    i = line.find('time="')
    if i < 0:
        return None
    stamp = line[i + 6:i + 6 + 30].rstrip('"Z')
    whole, _, frac = stamp.partition(".")
    return epoch(whole) + float("0." + (frac or "0"))


def vtuple(version):
    return tuple(int(p) for p in version.split("."))


def lines(text):
    """Split a dedented block; a leading newline is dropped, others kept."""
    if text.startswith("\n"):
        text = text[1:]
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


# ---------------------------------------------------------------------------
# The log being written
# ---------------------------------------------------------------------------
class Runner:
    """One gitlab-runner as its preamble shows it."""

    def __init__(self, version, revision, name, token, executor="docker", flags=()):
        self.version = version
        self.revision = revision
        self.name = name
        self.token = token
        self.executor = executor
        self.flags = list(flags)

    @property
    def v(self):
        return vtuple(self.version)


class Log:
    def __init__(self, name, start, timestamps=False):
        self.name = name
        self.t = epoch(start)
        self.timestamps = timestamps
        self.writes = []
        self.rnd = random.Random(name)
        self.limit = None  # output_limit in bytes when the log is truncated
        self.extras = {}  # other files written beside the log (service logs)
        self.runner = None

    # -- clock -------------------------------------------------------------
    def wait(self, seconds):
        self.t += seconds

    def _tick(self):
        self.t += self.rnd.uniform(0.0002, 0.004)

    def write(self, data, stream=JOB, kind="O"):
        self.writes.append((stream, kind, data, self.t))
        self._tick()

    # -- runner-side messages (stream 00) ---------------------------------
    def println(self, text):
        self.write(CLEAR + text + RESET + "\n", RUNNER)

    def infoln(self, text):
        self.write(BOLD_GREEN + text + RESET + "\n", RUNNER)

    def warningln(self, text):
        self.write(YELLOW + "WARNING: " + text + RESET + "\n", RUNNER)

    def errorln(self, text):
        self.write(BOLD_RED + "ERROR: " + text + RESET + "\n", RUNNER)

    def runner_raw(self, text):
        self.write(text, RUNNER)

    def section_start(self, name, header=None):
        self.write("section_start:%d:%s\r%s" % (int(self.t), name, CLEAR), RUNNER)
        if header is not None:
            self.write(CLEAR + BOLD_CYAN + header + RESET + RESET + "\n", RUNNER)

    def section_end(self, name):
        self.write("section_end:%d:%s\r%s" % (int(self.t), name, CLEAR), RUNNER)

    # -- job-side output (stream 01) --------------------------------------
    def cmd(self, command):
        self.write(BOLD_GREEN + "$ " + command + RESET + "\n", JOB)

    def notice(self, text):
        self.write(BOLD_GREEN + text + RESET + "\n", JOB)

    def out(self, text, step=0.0):
        for line in lines(text):
            self.write(line + "\n", JOB, "O")
            if step:
                self.wait(step)

    def err(self, text, step=0.0):
        for line in lines(text):
            self.write(line + "\n", JOB, "E")
            if step:
                self.wait(step)

    def raw(self, data, kind="O"):
        self.write(data, JOB, kind)

    # -- service logs (stream 0f, CI_DEBUG_SERVICES) -----------------------
    def svc(self, alias, text, step=0.05):
        """Service log lines; returns [(time, line)] so that a health-check
        block can repeat the same lines with the same stamps."""
        written = []
        for line in lines(text):
            inner = inner_time(line)
            if inner is not None and inner >= self.t:  # the runtime stamps a line after it is written
                self.t = inner + self.rnd.uniform(0.0003, 0.004)
            written.append((self.t, line))
            self.write(GREY + "[service:%s] " % alias + iso(self.t, 9) + " " + line + RESET + "\n",
                       SERVICE)
            self.wait(step)
        return written

    # -- rendering ---------------------------------------------------------
    def render(self):
        if self.timestamps:
            data = render_ts(self.writes)
        else:
            data = "".join(w[2] for w in self.writes).encode("utf-8")
        if self.limit is not None:
            assert len(data) > self.limit, "%s: log shorter than its limit" % self.name
            data = data[: self.limit] + (
                "\n" + BOLD_YELLOW + "Job's log exceeded limit of %d bytes.\n"
                "Job execution will continue but no more output will be collected."
                % self.limit + RESET + "\n").encode()
        return data


def ts_header(t, stream, kind, continuation):
    return ("%s %02x%s%s" % (iso(t), stream, kind, "+" if continuation else " ")).encode()


def render_ts(writes):
    """Emulate the runner's FF_TIMESTAMPS writer (timestamper.go)."""
    out = bytearray()
    cont = {}
    for stream, kind, text, t in writes:
        key = (stream, kind)
        buf = text.encode("utf-8")
        while buf:
            nl = buf.find(b"\n")
            if nl < 0:
                # A partial line: flushed now only because it holds a \r
                # (every partial write in this corpus does).
                assert b"\r" in buf, "partial write without \\r: %r" % buf[:40]
                line, buf, end = buf, b"", False
            else:
                line, buf, end = buf[:nl], buf[nl + 1:], True
            while len(line) > SPLIT_LIMIT:
                out += ts_header(t, stream, kind, cont.get(key, False)) + line[:SPLIT_LIMIT] + b"\n"
                cont[key] = True
                line = line[SPLIT_LIMIT:]
            out += ts_header(t, stream, kind, cont.get(key, False)) + line + b"\n"
            cont[key] = not end
    return bytes(out)


# ---------------------------------------------------------------------------
# Preamble, stages and footer
# ---------------------------------------------------------------------------
def image_repo(image):
    """docker:24.0.5-dind -> docker; reg.example/x/docker:1 -> reg.example/x/docker."""
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        return image[: len(image) - len(last)] + last.split(":", 1)[0]
    return image


def service_slug(image):
    return image_repo(image).replace("/", "__")


# When each log "ran": a few days after its runner version was released, so
# versions, section timestamps and FF_TIMESTAMPS headers agree.
RUN_DAY = {
    "12.5.0": "2019-12-10", "13.3.1": "2020-09-14", "15.4.0": "2022-10-05", "15.6.1": "2022-12-07",
    "15.8.2": "2023-02-20", "15.11.0": "2023-04-25", "15.11.1": "2023-05-10", "16.1.0": "2023-06-28",
    "16.2.0": "2023-07-26", "16.3.0": "2023-08-29", "16.3.1": "2023-09-12", "16.4.0": "2023-10-02",
    "16.5.0": "2023-10-25", "16.6.0": "2023-11-29", "16.6.1": "2023-12-14", "16.7.0": "2024-01-10",
    "16.8.0": "2024-01-30", "16.8.1": "2024-02-06", "16.9.0": "2024-02-22", "16.9.1": "2024-03-05",
    "16.10.0": "2024-03-27", "16.11.0": "2024-04-24", "16.11.1": "2024-05-08", "17.0.0": "2024-05-22",
    "17.0.1": "2024-06-05", "17.1.0": "2024-06-25", "17.2.0": "2024-07-23", "17.3.1": "2024-08-27",
    "17.4.0": "2024-09-24", "17.5.0": "2024-10-23", "17.6.0": "2024-11-21", "17.7.0": "2024-12-19",
    "17.8.0": "2025-01-23", "17.8.3": "2025-02-04", "17.9.0": "2025-02-25", "17.9.1": "2025-03-06",
    "17.10.0": "2025-03-26", "17.10.1": "2025-04-02", "17.11.0": "2025-04-24", "18.0.0": "2025-05-22",
    "18.2.0": "2025-07-22", "18.8.0": "2026-01-22", "18.9.0": "2026-02-19",
}


def runner_header(log, r):
    log.runner = r
    minutes = int(digest("clock" + log.name, 6), 16) % (10 * 60)
    log.t = epoch(RUN_DAY[r.version] + "T07:00:00") + minutes * 60 + int(digest("s" + log.name, 2), 16) % 60
    log.println("Running with gitlab-runner %s (%s)" % (r.version, r.revision))
    if r.v >= (16, 0, 0):
        log.println("  on %s %s, system ID: s_%s" % (r.name, r.token, digest(r.name, 12)))
    else:
        log.println("  on %s %s" % (r.name, r.token))
    if r.flags:
        log.println("  feature flags: " + ", ".join(r.flags))


def using_image(log, image):
    log.println("Using docker image sha256:%s for %s with digest %s@sha256:%s ..."
                % (digest("id" + image), image, image_repo(image), digest("dg" + image)))


def pull(log, image):
    r = log.runner
    if r.v >= (15, 1, 0):
        log.println("Using effective pull policy of [always] for container %s" % image)
    log.println("Pulling docker image %s ..." % image)
    log.wait(1.3 + log.rnd.random() * 2)
    using_image(log, image)


def container_name(log, project_id, image, index=0):
    return "runner-%s-project-%d-concurrent-0-%s-%s-%d" % (
        log.runner.token.lower(), project_id, digest("ct" + log.name, 8), service_slug(image), index)


def health_block(log, container, error, checker=None, service_lines=(), service_t0=None):
    """The `*** WARNING: Service ... probably didn't start properly.` block
    (services.go), written in one go to stream 00E."""
    parts = ["\n", YELLOW + "*** WARNING:" + RESET + " Service " + container
             + " probably didn't start properly.\n", "\n", "Health check error:\n", error + "\n"]
    if checker is not None:
        parts += ["\n", "Health check container logs:\n"] + [l + "\n" for l in checker]
    parts += ["\n", "Service container logs:\n"]
    t = service_t0 if service_t0 is not None else log.t - 30
    for line in service_lines:
        if isinstance(line, tuple):  # (seconds after service start, text)
            t = (service_t0 if service_t0 is not None else log.t - 30) + line[0]
            line = line[1]
        inner = inner_time(line)
        if inner is not None and inner >= t:
            t = inner + log.rnd.uniform(0.0003, 0.004)
        parts.append(iso(t, 9) + " " + line + "\n")
        t += log.rnd.uniform(0.0005, 0.08)
    parts += ["\n", YELLOW + "*********" + RESET + "\n", "\n"]
    log.write("".join(parts), RUNNER, "E")


def prepare_docker(log, r, image, services=(), wait=True, health=None, pull_image=True):
    """Preamble of the docker executor up to the end of prepare_executor.
    `health` is called right after the `Waiting for services` line."""
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "%s" executor' % r.executor)
    log.println("Using Docker executor with image %s ..." % image)
    for svc in services:
        if r.v >= (17, 1, 0):
            log.println("Starting service %s..." % svc)
        else:
            log.println("Starting service %s ..." % svc)
        pull(log, svc)
    if services and wait:
        if r.v >= (15, 0, 0):
            log.println("Waiting for services to be up and running (timeout 30 seconds)...")
        else:
            log.println("Waiting for services to be up and running...")
        log.wait(2.5)
        if health:
            log.wait(28)
            health()
    if pull_image:
        pull(log, image)
    log.wait(0.4)
    log.section_end("prepare_executor")


def prepare_k8s(log, r, image, namespace, project_id, pod_suffix, pending=2, svc_count=1, during=None):
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "kubernetes" executor')
    log.println("Using Kubernetes namespace: %s" % namespace)
    log.println("Using Kubernetes executor with image %s ..." % image)
    log.println("Using attach strategy to execute scripts...")
    log.section_end("prepare_executor")
    log.section_start("prepare_script", "Preparing environment")
    log.println("Using FF_USE_POD_ACTIVE_DEADLINE_SECONDS, the Pod activeDeadlineSeconds will be "
                "set to the job timeout: 1h0m0s...")
    pod = "runner-%s-project-%d-concurrent-0-%s" % (r.token.lower(), project_id, pod_suffix)
    containers = "build helper" + "".join(" svc-%d" % i for i in range(svc_count))
    for _ in range(pending):
        log.wait(3.0)
        log.runner_raw("Waiting for pod %s/%s to be running, status is Pending\n" % (namespace, pod))
        log.runner_raw('\tContainersNotReady: "containers with unready status: [%s]"\n' % containers)
    log.wait(2.0)
    if during:
        during()
    log.out("Running on %s via %s..." % (pod, r.name))
    log.section_end("prepare_script")
    return pod


def prepare_script(log, host, during=None):
    log.section_start("prepare_script", "Preparing environment")
    if during:
        during()
    log.out("Running on %s via %s..." % (host, log.runner.name))
    log.wait(0.8)
    log.section_end("prepare_script")


def docker_job_host(log, project_id):
    return "runner-%s-project-%d-concurrent-0" % (log.runner.token.lower(), project_id)


def get_sources(log, project, sha, ref="main", depth=20, root="/builds", fresh=True, during=None):
    log.section_start("get_sources", "Getting source from Git repository")
    log.notice("Fetching changes with git depth set to %d..." % depth)
    if during:
        during()
    if fresh:
        log.out("Initialized empty Git repository in %s/%s/.git/" % (root, project))
        log.notice("Created fresh repository.")
    else:
        log.out("Reinitialized existing Git repository in %s/%s/.git/" % (root, project))
    log.wait(1.1)
    if not fresh:
        pipeline = 100000 + int(digest(project, 4), 16) % 90000
        log.out("From https://gitlab.example.com/%s\n * [new ref]         refs/pipelines/%d -> "
                "refs/pipelines/%d" % (project, pipeline, pipeline))
    log.notice("Checking out %s as detached HEAD (ref is %s)..." % (sha[:8], ref))
    if not fresh:
        log.notice("Removing build/")
        log.notice("Removing .pytest_cache/")
    log.out("")
    log.notice("Skipping Git submodules setup")
    if log.runner.v >= (16, 0, 0):
        log.cmd('git remote set-url origin "${CI_REPOSITORY_URL}"')
    log.wait(0.3)
    log.section_end("get_sources")


def download_artifacts(log, job, job_id):
    log.section_start("download_artifacts", "Downloading artifacts")
    log.notice("Downloading artifacts for %s (%d)..." % (job, job_id))
    log.wait(0.7)
    log.out("Downloading artifacts from coordinator... ok        %s  host=gitlab.example.com id=%d "
            "responseStatus=200 OK token=glcbt-6%s" % (RESET, job_id, digest("art" + log.name, 3)))
    log.section_end("download_artifacts")


def step_script(log, image=None):
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    if image and log.runner.executor == "docker":
        using_image(log, image)


def after_script(log, body):
    log.section_end("step_script")
    log.section_start("after_script", "Running after_script")
    log.notice("Running after script...")
    body()
    log.section_end("after_script")


def footer(log, ok, exit_code=1, artifacts=None, after=None, message=None):
    """Close step_script (or after_script), upload artifacts, clean up, and
    print the job result."""
    if after is not None:
        after_script(log, after)
    else:
        log.section_end("step_script")
    if artifacts:
        what = "successful" if ok else "failed"
        sec = "upload_artifacts_on_success" if ok else "upload_artifacts_on_failure"
        log.section_start(sec, "Uploading artifacts for %s job" % what)
        log.notice("Uploading artifacts...")
        found = 1 if "." in artifacts.rsplit("/", 1)[-1] else 3 + log.rnd.randint(0, 20)
        log.out("%s: found %d matching artifact files and directories %s" % (artifacts, found, RESET))
        log.wait(0.9)
        log.out('Uploading artifacts as "archive" to coordinator... 201 Created%s  id=%d '
                'responseStatus=201 Created token=glcbt-6%s' % (RESET, 70000 + log.rnd.randint(0, 9999),
                                                               digest(log.name, 3)))
        log.section_end(sec)
    log.section_start("cleanup_file_variables", "Cleaning up project directory and file based variables")
    log.wait(0.5)
    log.section_end("cleanup_file_variables")
    if ok:
        log.infoln("Job succeeded")
    elif message:
        log.errorln("Job failed: " + message)
    elif log.runner.executor == "kubernetes":
        log.errorln("Job failed: command terminated with exit code %d" % exit_code)
    elif log.runner.executor == "shell":
        log.errorln("Job failed: exit status %d" % exit_code)
    else:
        log.errorln("Job failed: exit code %d" % exit_code)


# ---------------------------------------------------------------------------
# Reusable job output
# ---------------------------------------------------------------------------
def dind_cert_lines():
    return [
        "Certificate request self-signature ok",
        "subject=CN = docker:dind server",
        "/certs/server/cert.pem: OK",
        "Certificate request self-signature ok",
        "subject=CN = docker:dind client",
        "/certs/client/cert.pem: OK",
    ]


def dockerd_lines(log, version="24.0.5", tls=True, containerd="v1.7.2", driver="overlay2", t0=None):
    """A healthy dockerd start-up as the dind service prints it; its own
    `time=` stamps start at t0 (default: now)."""
    t = log.t - 0.05 if t0 is None else t0
    out = []

    def d(level, msg):
        nonlocal t
        t += log.rnd.uniform(0.001, 0.06)
        out.append('time="%s" level=%s msg=%s' % (iso(t, 9), level, msg))

    d("info", '"Starting up"')
    d("warning", '"could not change group /var/run/docker.sock to docker: group docker not found"')
    if not tls:
        d("warning", '"Binding to IP address without --tlsverify is insecure and gives root access '
                     'on this machine to everyone who has access to your network." host="tcp://0.0.0.0:2375"')
    d("info", '"containerd not running, starting managed containerd"')
    out.append('time="%s" level=info msg="started new containerd process" '
               'address=/var/run/docker/containerd/containerd.sock module=libcontainerd pid=%d'
               % (iso(t, 9), 28 + log.rnd.randint(0, 40)))
    d("info", '"starting containerd" revision=%s version=%s' % (digest("ctd" + containerd, 40), containerd))
    d("info", 'serving... address=/var/run/docker/containerd/containerd-debug.sock')
    d("info", 'serving... address=/var/run/docker/containerd/containerd.sock.ttrpc')
    d("info", 'serving... address=/var/run/docker/containerd/containerd.sock')
    d("info", '"containerd successfully booted in 0.0%ds"' % (21000 + log.rnd.randint(0, 40000)))
    d("info", '"Loading containers: start."')
    d("info", '"Loading containers: done."')
    d("info", '"Docker daemon" commit=%s graphdriver=%s version=%s' % (digest("c" + version, 7), driver, version))
    d("info", '"Daemon has completed initialization"')
    d("info", '"API listen on /var/run/docker.sock"')
    d("info", '"API listen on [::]:%d"' % (2376 if tls else 2375))
    return out


def unprivileged_dind_lines(tls=True):
    """What docker:*-dind prints when the container is not privileged."""
    out = dind_cert_lines() if tls else []
    out += [
        "ip: can't find device 'ip_tables'",
        "modprobe: can't change directory to '/lib/modules': No such file or directory",
        "mount: permission denied (are you root?)",
        "Could not mount /sys/kernel/security.",
        "AppArmor detection and --privileged mode might break.",
        "mount: permission denied (are you root?)",
    ]
    return out


def docker_version_client(log, version="24.0.5", api="1.43", go="go1.20.6", commit="ced0996"):
    log.out("""
Client:
 Version:           %s
 API version:       %s
 Go version:        %s
 Git commit:        %s
 Built:             Fri Jul 21 20:34:15 2023
 OS/Arch:           linux/amd64
 Context:           default
""" % (version, api, go, commit))


def docker_info_client(log, version="24.0.5", buildx="v0.11.2", compose="v2.20.2"):
    log.out("""
Client:
 Version:    %s
 Context:    default
 Debug Mode: false
 Plugins:
  buildx: Docker Buildx (Docker Inc.)
    Version:  %s
    Path:     /usr/local/libexec/docker/cli-plugins/docker-buildx
  compose: Docker Compose (Docker Inc.)
    Version:  %s
    Path:     /usr/local/libexec/docker/cli-plugins/docker-compose
""" % (version, buildx, compose))


def docker_info_ok(log, version="24.0.5", driver="overlay2", name=None, cpus=4, mem="15.61GiB"):
    docker_info_client(log, version)
    name = name or digest("host" + log.name, 12)
    log.out("")
    log.out("""
Server:
 Containers: 0
  Running: 0
  Paused: 0
  Stopped: 0
 Images: 0
 Server Version: %s
 Storage Driver: %s
%s Logging Driver: json-file
 Cgroup Driver: cgroupfs
 Cgroup Version: 2
 Plugins:
  Volume: local
  Network: bridge host ipvlan macvlan null overlay
  Log: awslogs fluentd gcplogs gelf journald json-file local logentries splunk syslog
 Swarm: inactive
 Runtimes: io.containerd.runc.v2 runc
 Default Runtime: runc
 Init Binary: docker-init
 containerd version: %s
 runc version: v1.1.8-0-g82f18fe
 init version: de40ad0
 Security Options:
  seccomp
   Profile: builtin
  cgroupns
 Kernel Version: 5.15.0-1057-aws
 Operating System: Alpine Linux v3.18 (containerized)
 OSType: linux
 Architecture: x86_64
 CPUs: %d
 Total Memory: %s
 Name: %s
 ID: %s
 Docker Root Dir: /var/lib/docker
 Debug Mode: false
 Experimental: false
 Insecure Registries:
  127.0.0.0/8
 Live Restore Enabled: false
 Product License: Community Engine
""" % (version, driver,
       (" Backing Filesystem: extfs\n Supports d_type: true\n Using metacopy: false\n"
        " Native Overlay Diff: true\n userxattr: false\n") if driver == "overlay2" else "",
       digest("ctdv" + version, 40), cpus, mem, name,
       ":".join(digest("id" + log.name, 36)[i:i + 4].upper() for i in range(0, 36, 4)[:6])))


def login_ok(log, registry="$CI_REGISTRY", user='"$CI_REGISTRY_USER"', password='"$CI_REGISTRY_PASSWORD"'):
    log.cmd('echo %s | docker login -u %s --password-stdin %s' % (password, user, registry))
    log.wait(0.8)
    log.out("""
WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Configure a credential helper to remove this warning. See
https://docs.docker.com/engine/reference/commandline/login/#credentials-store

Login Succeeded
""")


def push_ok(log, repo, tag, nlayers=6):
    log.cmd("docker push %s:%s" % (repo, tag))
    log.out("The push refers to repository [%s]" % expand(repo))
    layers = [digest("layer%s%d" % (log.name, i), 12) for i in range(nlayers)]
    for l in layers:
        log.out("%s: Preparing" % l)
    for l in layers[2:]:
        log.out("%s: Waiting" % l)
    log.wait(1.5)
    for i, l in enumerate(layers):
        if i >= nlayers - 2:
            log.out("%s: Mounted from library/%s" % (l, "alpine"))
        else:
            log.out("%s: Pushed" % l)
        log.wait(0.4)
    log.out("%s: digest: sha256:%s size: %d" % (expand(tag), digest("push" + log.name), 1570 + nlayers * 211))


_EXPAND = {}


def expand(s):
    """Replace the few CI variables used in echoed commands by their value
    for output lines (the command echo keeps the variable)."""
    for k, v in _EXPAND.items():
        s = s.replace(k, v)
    return s


def set_vars(**kv):
    _EXPAND.clear()
    for k, v in kv.items():
        _EXPAND["$" + k] = v
        _EXPAND["${%s}" % k] = v


def hub(image):
    """golang:1.22 -> docker.io/library/golang:1.22 (BuildKit's spelling)."""
    first = image.split("/", 1)[0]
    if "/" not in image:
        return "docker.io/library/" + image
    if "." in first or ":" in first:
        return image
    return "docker.io/" + image


def bk_time(secs):
    """BuildKit prints step-relative times with four significant digits."""
    if secs < 10:
        return "%.3f" % secs
    if secs < 100:
        return "%.2f" % secs
    if secs < 1000:
        return "%.1f" % secs
    return "%.0f" % secs


class BuildKit:
    """`docker build` / `docker buildx build` with --progress=plain output."""

    def __init__(self, log, dockerfile, name="default", driver="docker"):
        self.log = log
        self.n = 0
        self.dockerfile = dockerfile  # list of Dockerfile lines, for the error excerpt
        self.header = '#0 building with "%s" instance using %s driver' % (name, driver)

    def start(self, bases, dockerfile_size="1.02kB", context="2.31MB"):
        log = self.log
        log.err(self.header)
        log.err("")
        self.vertex("[internal] load build definition from Dockerfile",
                    ["transferring dockerfile: %s done" % dockerfile_size], 0.0)
        for b in bases:
            self.vertex("[internal] load metadata for %s" % hub(b), [], 1.1)
        self.vertex("[internal] load .dockerignore", ["transferring context: 2B done"], 0.0)
        self.context = context

    def vertex(self, label, body=(), dur=0.1, done=True):
        log = self.log
        self.n += 1
        n = self.n
        log.err("#%d %s" % (n, label))
        for b in body:
            log.err("#%d %s" % (n, b))
        log.wait(dur)
        if done:
            log.err("#%d DONE %.1fs" % (n, dur))
            log.err("")
        return n

    def from_(self, step, image, layers=4):
        ref = "%s@sha256:%s" % (hub(image), digest("base" + image))
        body = ["resolve %s 0.0s done" % ref]
        sizes = ["3.41MB", "1.64kB", "29.15MB", "48.49MB", "7.12kB", "12.7MB"]
        lay = [digest("l%s%d" % (image, i)) for i in range(layers)]
        for i, l in enumerate(lay):
            body.append("sha256:%s %s / %s %.1fs done" % (l, sizes[i % 6], sizes[i % 6], 0.3 + i * 0.4))
        for l in lay:
            body.append("extracting sha256:%s" % l)
            body.append("extracting sha256:%s %.1fs done" % (l, 0.1 + self.log.rnd.random()))
        return self.vertex("[%s] FROM %s" % (step, ref), body, 4.2)

    def context_(self):
        return self.vertex("[internal] load build context",
                           ["transferring context: %s 0.2s done" % self.context], 0.2)

    def cached(self, step, what):
        return self.vertex("[%s] %s" % (step, what), ["CACHED"], 0.0, done=False)

    def run(self, step, what, output=(), dur=2.0):
        """A successful step; `output` is a list of (seconds, text)."""
        log = self.log
        self.n += 1
        n = self.n
        log.err("#%d [%s] %s" % (n, step, what))
        start = log.t
        for secs, text in output:
            log.t = max(log.t, start + secs)
            log.err("#%d %s %s" % (n, bk_time(secs), text))
        log.t = max(log.t, start + dur)
        log.err("#%d DONE %.1fs" % (n, dur))
        log.err("")
        return n

    def fail(self, step, what, output, exit_code=1, line_no=None, shell=True):
        """A failing RUN step, the error box and the final `failed to solve`."""
        log = self.log
        self.n += 1
        n = self.n
        log.err("#%d [%s] %s" % (n, step, what))
        start = log.t
        for secs, text in output:
            log.t = max(log.t, start + secs)
            log.err("#%d %s %s" % (n, bk_time(secs), text))
        cmd = what[4:] if what.startswith("RUN ") else what
        proc = 'process "/bin/sh -c %s" did not complete successfully: exit code: %d' % (
            cmd.replace('"', '\\"'), exit_code)
        log.err("#%d ERROR: %s" % (n, proc))
        log.err("------")
        log.err(" > [%s] %s:" % (step, what))
        for secs, text in output[-8:]:
            log.err("%s %s" % (bk_time(secs), text))
        log.err("------")
        self.excerpt(line_no)
        log.err("ERROR: failed to solve: %s" % proc)

    def excerpt(self, line_no):
        log = self.log
        if line_no is None:
            return
        log.err("Dockerfile:%d" % line_no)
        log.err("--------------------")
        lo = max(1, line_no - 2)
        hi = min(len(self.dockerfile), line_no + 2)
        for i in range(lo, hi + 1):
            mark = ">>>" if i == line_no else "   "
            log.err("%4d | %s %s" % (i, mark, self.dockerfile[i - 1]))
        log.err("--------------------")

    def export(self, name, push=False):
        body = ["exporting layers", "exporting layers 1.4s done",
                "writing image sha256:%s done" % digest("img" + self.log.name),
                "naming to %s done" % name]
        if push:
            body += ["pushing layers", "pushing layers 3.8s done",
                     "pushing manifest for %s@sha256:%s" % (name, digest("man" + self.log.name)),
                     "pushing manifest for %s@sha256:%s 0.6s done" % (name, digest("man" + self.log.name))]
        return self.vertex("exporting to image", body, 5.9 if push else 1.4)


def legacy_from(log, image, step, total, cached=False):
    log.out("Step %d/%d : FROM %s" % (step, total, image))
    if not cached:
        tag = image.split(":", 1)[1] if ":" in image else "latest"
        log.out("%s: Pulling from %s" % (tag, image_repo(image) if "/" in image else "library/" + image_repo(image)))
        lay = [digest("lg%s%d" % (image, i), 12) for i in range(4)]
        for l in lay:
            log.out("%s: Pulling fs layer" % l)
        for l in lay[1:]:
            log.out("%s: Waiting" % l)
        log.wait(2.0)
        for l in lay:
            log.out("%s: Verifying Checksum" % l)
            log.out("%s: Download complete" % l)
        for l in lay:
            log.out("%s: Pull complete" % l)
        log.out("Digest: sha256:%s" % digest("lgd" + image))
        log.out("Status: Downloaded newer image for %s" % image)
    log.out(" ---> %s" % digest("lgi" + image, 12))


def legacy_step(log, step, total, instr, output=(), run=True):
    log.out("Step %d/%d : %s" % (step, total, instr))
    cid = digest("run%s%d" % (log.name, step), 12)
    if run:
        log.out(" ---> Running in %s" % cid)
        for o in output:
            log.out(o)
        log.wait(1.0 + log.rnd.random() * 3)
        log.out("Removing intermediate container %s" % cid)
    log.out(" ---> %s" % digest("res%s%d" % (log.name, step), 12))


LEGACY_DEPRECATED = """
DEPRECATED: The legacy builder is deprecated and will be removed in a future release.
            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0
            environment-variable.
"""


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------
CORPUS = []


def corpus(name, description, causes=(), candidates=(), symptoms=(), advice=(), service_logs=()):
    def register(fn):
        CORPUS.append(dict(name=name, fn=fn, description=description, causes=list(causes),
                           candidates=list(candidates), symptoms=list(symptoms),
                           advice=list(advice), service_logs=list(service_logs)))
        return fn
    return register


def toml_list(items):
    return "[" + ", ".join('"%s"' % i for i in items) + "]"


def expect_toml(entry):
    desc = entry["description"].replace("\\", "\\\\").replace('"', '\\"')
    return ('description = "%s"\n'
            "causes      = %s\n"
            "candidates  = %s\n"
            "symptoms    = %s\n"
            "advice      = %s\n"
            "service_logs = %s\n") % (desc, toml_list(entry["causes"]), toml_list(entry["candidates"]),
                                      toml_list(entry["symptoms"]), toml_list(entry["advice"]),
                                      toml_list(entry["service_logs"]))


# ===========================================================================
# The dind daemon does not start (privileges, iptables, storage, cgroups)
# ===========================================================================
def checker_lines(log, ports=(2376,), tries=6):
    cid = digest("cid" + log.name, 12)
    out = ["waiting for TCP connection to %s on [2375 2376]..." % cid]
    for i in range(tries):
        out.append("dialing %s:%d..." % (cid, ports[i % len(ports)]))
    return out


def docker_info_server_error(log, message):
    log.out("")
    log.out("Server:")
    log.out("ERROR: " + message)
    log.err("errors pretty printing info")


@corpus("dind-not-privileged-healthcheck",
        "docker executor, runner 17.3.1, FF_TIMESTAMPS; the dind service runs unprivileged: the "
        "health-check block shows the entrypoint's mount errors and the job cannot resolve `docker`",
        causes=["dind-not-privileged"], symptoms=["service-not-ready"])
def dind_not_privileged_healthcheck(log):
    log.timestamps = True
    r = Runner("17.3.1", "66269445", "docker-ci-02", "t3xyf9ep", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 4187

    def health():
        name = container_name(log, pid, dind)
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=checker_lines(log, (2375, 2376), 8),
                     service_lines=unprivileged_dind_lines(tls=True))

    prepare_docker(log, r, img, [dind], health=health)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "payments/ledger-api", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, 'error during connect: Get "https://docker:2376/v1.24/info": '
                                  'dial tcp: lookup docker on 10.0.0.2:53: no such host')

    def after():
        log.cmd('docker logout "$CI_REGISTRY" || true')
        log.out("Removing login credentials for registry.gitlab.example.com")

    footer(log, False, after=after)


@corpus("dind-not-privileged-k8s-tls-off",
        "kubernetes executor, runner 16.10.0, CI_DEBUG_SERVICES; dind runs unprivileged and keeps "
        "restarting, TLS is off on purpose, so the client's `Cannot connect ... tcp://docker:2375` "
        "comes from a daemon that never started",
        causes=["dind-not-privileged"], symptoms=["daemon-tls-port", "service-not-ready"])
def dind_not_privileged_k8s(log):
    r = Runner("16.10.0", "81ab07f6", "gitlab-runner-k8s-7d9c8f6b5-x2klp", "k8wq3vzn",
               executor="kubernetes")
    img = "docker:24.0.5"
    prepare_k8s(log, r, img, "ci-jobs", 2291, "0bq7xm2c", pending=2,
                during=lambda: log.svc("docker", "\n".join(unprivileged_dind_lines(tls=False)[:3]), 0.02))
    get_sources(log, "data/ingest-worker", digest("sha" + log.name, 40), ref="develop")
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.svc("docker", "\n".join(unprivileged_dind_lines(tls=False)[3:]), 0.02)
    log.cmd('echo "DOCKER_HOST=$DOCKER_HOST DOCKER_TLS_CERTDIR=${DOCKER_TLS_CERTDIR:-<empty>}"')
    log.out("DOCKER_HOST=tcp://docker:2375 DOCKER_TLS_CERTDIR=<empty>")
    log.cmd("docker --version")
    log.out("Docker version 24.0.5, build ced0996")
    log.wait(5)
    log.svc("docker", "\n".join(unprivileged_dind_lines(tls=False)), 0.02)
    log.cmd('docker build --pull -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err("ERROR: Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?")

    def after():
        log.cmd("docker ps -a || true")
        log.err("Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?")

    footer(log, False, after=after)


@corpus("dind-not-privileged-debug-services",
        "docker executor, runner 16.11.1 (service wait disabled), FF_NETWORK_PER_BUILD and "
        "CI_DEBUG_SERVICES; the `[service:docker]` lines show the mount errors, so the job's "
        "`lookup docker ... no such host` is decided",
        causes=["dind-not-privileged"])
def dind_not_privileged_debug_services(log):
    r = Runner("16.11.1", "535ced5f", "build-runner-eu-1", "qz4hd8wc",
               flags=["FF_NETWORK_PER_BUILD:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 731
    prepare_docker(log, r, img, [dind], wait=False)
    prepare_script(log, docker_job_host(log, pid),
                   during=lambda: log.svc("docker", "\n".join(dind_cert_lines()), 0.01))
    get_sources(log, "web/storefront", digest("sha" + log.name, 40), ref="release/2024.05",
                during=lambda: log.svc("docker", "\n".join(unprivileged_dind_lines(tls=True)[6:]), 0.01))
    step_script(log, img)
    log.cmd('echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"')
    log.err('error during connect: Post "https://docker:2376/v1.24/auth": dial tcp: lookup docker on '
            '127.0.0.11:53: no such host')
    footer(log, False)


@corpus("dind-iptables-nftables-unpinned",
        "docker executor, runner 16.6.1, December 2023: the unpinned docker:dind service fails in "
        "iptables (nf_tables) while creating its bridge network; health-check block, job cannot "
        "resolve docker",
        causes=["dind-iptables"], symptoms=["service-not-ready"], advice=["unpinned-image"])
def dind_iptables_unpinned(log):
    r = Runner("16.6.1", "f5da3c5a", "ci-shared-03", "m2ks8dqe")
    img, dind, pid = "docker:24.0.7", "docker:dind", 3012

    def health():
        name = container_name(log, pid, dind)
        t0 = log.t - 30
        svc = dind_cert_lines() + dockerd_lines(log, "24.0.7", containerd="v1.7.11", t0=t0 + 0.1)[:11]
        svc += [
            'time="%s" level=info msg="stopping event stream following graceful shutdown" error="<nil>" '
            'module=libcontainerd namespace=moby' % iso(t0 + 0.61, 9),
            'time="%s" level=info msg="stopping healthcheck following graceful shutdown" '
            'module=libcontainerd' % iso(t0 + 0.62, 9),
            "failed to start daemon: Error initializing network controller: error obtaining controller "
            "instance: unable to add return rule in DOCKER-ISOLATION-STAGE-1 chain:  (iptables failed: "
            "iptables --wait -A DOCKER-ISOLATION-STAGE-1 -j RETURN: iptables v1.8.10 (nf_tables):  "
            "RULE_APPEND failed (No such file or directory): rule in chain DOCKER-ISOLATION-STAGE-1",
            " (exit status 4))",
        ]
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=checker_lines(log, (2375, 2376), 6), service_lines=svc, service_t0=t0)

    prepare_docker(log, r, img, [dind], health=health)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "mobile/push-gateway", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG" .')
    log.err('ERROR: error during connect: Head "https://docker:2376/_ping": dial tcp: lookup docker on '
            '169.254.169.254:53: no such host')
    footer(log, False)


@corpus("dind-iptables-no-nat-table",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS and CI_DEBUG_SERVICES; dind 25.0.3 cannot "
        "create its NAT chain because the host kernel lacks nf_tables nat support",
        causes=["dind-iptables"], symptoms=["service-not-ready"])
def dind_iptables_no_nat(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "onprem-builder-11", "vh7n2pqa",
               flags=["FF_TIMESTAMPS:true", "FF_NETWORK_PER_BUILD:true"])
    img, dind, pid = "docker:25.0.3", "docker:25.0.3-dind", 655
    failing = [
        "failed to start daemon: Error initializing network controller: error obtaining controller "
        "instance: failed to register \"bridge\" driver: failed to create NAT chain DOCKER: iptables "
        "failed: iptables --wait -t nat -N DOCKER: iptables v1.8.10 (nf_tables): TABLE_ADD failed "
        "(Not supported): table nat",
        " (exit status 4)",
    ]

    started = {}

    def health():
        name = container_name(log, pid, dind)
        t0 = started["lines"][0][0]
        svc = [(t - t0, line) for t, line in started["lines"]]
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=checker_lines(log, (2376,), 5), service_lines=svc, service_t0=t0)

    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % dind)
    pull(log, dind)
    started["lines"] = log.svc("docker", "\n".join(dind_cert_lines()), 0.01)
    started["lines"] += log.svc("docker", "\n".join(dockerd_lines(log, "25.0.3", containerd="v1.7.13")[:11]), 0.01)
    started["lines"] += log.svc("docker", "\n".join(failing), 0.01)
    log.println("Waiting for services to be up and running (timeout 30 seconds)...")
    log.wait(30)
    health()
    pull(log, img)
    log.section_end("prepare_executor")
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "infra/edge-proxy", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker buildx build --pull --tag \"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA\" .")
    log.err('ERROR: error during connect: Head "https://docker:2376/_ping": dial tcp: lookup docker on '
            '127.0.0.11:53: no such host')
    footer(log, False)


@corpus("storage-driver-overlay-unsupported",
        "docker executor, runner 15.11.0; DOCKER_DRIVER forces overlay2 on a host whose dind volume "
        "cannot mount overlay: dockerd exits with `error initializing graphdriver`",
        causes=["storage-driver"], symptoms=["service-not-ready"])
def storage_driver_graphdriver(log):
    r = Runner("15.11.0", "436955cb", "legacy-docker-runner", "fw9c3kta")
    img, dind, pid = "docker:20.10.24", "docker:20.10.24-dind", 118

    def health():
        name = container_name(log, pid, dind)
        t0 = log.t - 30
        t = t0 + 0.4
        svc = dind_cert_lines() + [
            'time="%s" level=info msg="Starting up"' % iso(t, 9),
            'time="%s" level=info msg="libcontainerd: started new containerd process" pid=39' % iso(t + 0.01, 9),
            'time="%s" level=info msg="containerd successfully booted in 0.029318s"' % iso(t + 0.05, 9),
            'time="%s" level=error msg="failed to mount overlay: invalid argument" storage-driver=overlay2'
            % iso(t + 0.09, 9),
            'time="%s" level=info msg="stopping healthcheck following graceful shutdown" module=libcontainerd'
            % iso(t + 0.1, 9),
            "failed to start daemon: error initializing graphdriver: driver not supported",
        ]
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=checker_lines(log, (2375, 2376), 4), service_lines=svc, service_t0=t0)

    prepare_docker(log, r, img, [dind], health=health)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "tools/report-renderer", digest("sha" + log.name, 40), ref="master", depth=50)
    step_script(log, img)
    log.cmd('echo "using storage driver $DOCKER_DRIVER"')
    log.out("using storage driver overlay2")
    log.cmd("docker version")
    docker_version_client(log, "20.10.24", "1.41", "go1.19.7", "297e128")
    log.err('error during connect: Get "https://docker:2376/v1.24/version": dial tcp: lookup docker on '
            '10.0.0.2:53: no such host')
    footer(log, False)


@corpus("storage-driver-vfs-job-timeout",
        "docker executor, runner 16.3.1; dind falls back to the vfs storage driver (`Storage Driver: "
        "vfs` in docker info) and the multi-stage build runs into the job timeout",
        causes=["storage-driver"])
def storage_driver_vfs(log):
    r = Runner("16.3.1", "2a2c2bd9", "vm-runner-02", "zp5k2mvd")
    img, dind, pid = "docker:23.0.6", "docker:23.0.6-dind", 2210
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "analytics/warehouse-loader", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_ok(log, "23.0.6", driver="vfs")
    df = ["FROM python:3.11.6-slim AS build", "WORKDIR /app", "COPY requirements.txt .",
          "RUN pip wheel --wheel-dir /wheels -r requirements.txt", "COPY . .",
          "FROM python:3.11.6-slim", "COPY --from=build /wheels /wheels",
          "RUN pip install --no-index /wheels/*", "COPY --from=build /app /app",
          'CMD ["python", "-m", "loader"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["python:3.11.6-slim"])
    bk.from_("build 1/5", "python:3.11.6-slim", 4)
    bk.context_()
    bk.run("build 2/5", "WORKDIR /app", (), 9.8)
    bk.run("build 3/5", "COPY requirements.txt .", (), 12.4)
    pkgs = ["numpy-1.26.2", "pandas-2.1.4", "pyarrow-14.0.2", "sqlalchemy-2.0.23", "psycopg2-binary-2.9.9",
            "boto3-1.34.11", "botocore-1.34.11", "python-dateutil-2.8.2", "pytz-2023.3.post1"]
    out = [(1.2 + i * 3.1, "Collecting %s==%s" % tuple(p.rsplit("-", 1))) for i, p in enumerate(pkgs)]
    out += [(40.0 + i * 2.2, "Saved /wheels/%s-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
             % p.replace("-binary", "_binary")) for i, p in enumerate(pkgs)]
    bk.run("build 4/5", "RUN pip wheel --wheel-dir /wheels -r requirements.txt", out, 612.7)
    bk.run("build 5/5", "COPY . .", (), 241.3)
    n = bk.n + 1
    bk.n = n
    log.err("#%d [stage-1 2/4] COPY --from=build /wheels /wheels" % n)
    log.wait(2700)
    footer(log, False, message="execution took longer than 1h0m0s seconds")


@corpus("cgroup-mountpoint-dind-19-03",
        "docker executor, runner 15.8.2 on a cgroup v2 host; the pinned but old docker:19.03.12 pair "
        "cannot start containers: `cgroups: cgroup mountpoint does not exist`",
        causes=["cgroup-mountpoint"])
def cgroup_mountpoint(log):
    r = Runner("15.8.2", "4d1ca121", "ubuntu2204-runner", "hg6t2wrx")
    img, dind, pid = "docker:19.03.12", "docker:19.03.12-dind", 987
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "qa/contract-tests", digest("sha" + log.name, 40), ref="master")
    step_script(log, img)
    log.cmd("docker pull $CI_REGISTRY_IMAGE/ci-tools:2.3")
    log.out("2.3: Pulling from qa/contract-tests/ci-tools")
    lay = [digest("ct%d" % i, 12) for i in range(5)]
    for l in lay:
        log.out("%s: Pulling fs layer" % l)
    log.wait(3)
    for l in lay:
        log.out("%s: Verifying Checksum" % l)
        log.out("%s: Download complete" % l)
    for l in lay:
        log.out("%s: Pull complete" % l)
    log.out("Digest: sha256:%s" % digest("ctd" + log.name))
    log.out("Status: Downloaded newer image for registry.gitlab.example.com/qa/contract-tests/ci-tools:2.3")
    log.out("registry.gitlab.example.com/qa/contract-tests/ci-tools:2.3")
    log.cmd("docker run --rm $CI_REGISTRY_IMAGE/ci-tools:2.3 pact-verifier --version")
    log.err("docker: Error response from daemon: cgroups: cgroup mountpoint does not exist: unknown.")
    footer(log, False, exit_code=125)


@corpus("k8s-service-localhost-runner-12-5",
        "kubernetes executor, runner 12.5.0 (no stage headers yet, `build_script` section): services "
        "share the pod's network, so `docker` does not resolve and the job needs tcp://localhost:2375",
        causes=["k8s-service-localhost"])
def k8s_localhost(log):
    r = Runner("12.5.0", "577f813d", "gitlab-runner-gitlab-runner-6c8d5f7b9-qx2lm", "kz8pw3nr",
               executor="kubernetes")
    runner_header(log, r)
    log.section_start("prepare_executor")
    log.println("Using Kubernetes namespace: gitlab-ci")
    log.println("Using Kubernetes executor with image docker:19.03.5 ...")
    log.section_end("prepare_executor")
    log.section_start("prepare_script")
    pod = "runner-kz8pw3nr-project-311-concurrent-0bx7q2"
    for _ in range(3):
        log.wait(3)
        log.runner_raw("Waiting for pod gitlab-ci/%s to be running, status is Pending\n" % pod)
    log.out("Running on %s via %s..." % (pod, r.name))
    log.section_end("prepare_script")
    log.section_start("get_sources")
    log.notice("Fetching changes with git depth set to 50...")
    log.out("Initialized empty Git repository in /builds/platform/ingest-worker/.git/")
    log.notice("Created fresh repository.")
    log.out("From https://gitlab.example.com/platform/ingest-worker")
    log.out(" * [new ref]         refs/pipelines/48213 -> refs/pipelines/48213")
    log.out(" * [new branch]      master     -> origin/master")
    log.notice("Checking out 5b8e1d0c as master...")
    log.out("")
    log.notice("Skipping Git submodules setup")
    log.section_end("get_sources")
    log.section_start("restore_cache")
    log.section_end("restore_cache")
    log.section_start("download_artifacts")
    log.section_end("download_artifacts")
    log.section_start("build_script")
    log.cmd("docker info")
    log.out("Client:\n Debug Mode: false")
    log.out("")
    log.out("Server:")
    log.out("ERROR: error during connect: Get http://docker:2375/v1.40/info: dial tcp: lookup docker on "
            "10.96.0.10:53: no such host")
    log.out("errors pretty printing info")
    log.section_end("build_script")
    log.section_start("after_script")
    log.notice("Running after script...")
    log.cmd("docker logout $CI_REGISTRY")
    log.out("Removing login credentials for registry.gitlab.example.com")
    log.section_end("after_script")
    log.errorln("Job failed: command terminated with exit code 1")


@corpus("service-not-ready-k8s-slow-dind",
        "kubernetes executor, runner 17.4.0, FF_TIMESTAMPS, CI_DEBUG_SERVICES, no HEALTHCHECK_TCP_PORT: "
        "the job talks to docker:2376 before the (healthy) dind daemon listens; the service log shows "
        "it coming up seconds later",
        causes=["service-not-ready"])
def service_not_ready_k8s(log):
    log.timestamps = True
    r = Runner("17.4.0", "b92ee590", "gitlab-runner-build-5c9d7b8f4-qz2lm", "c8rm4xtb",
               executor="kubernetes", flags=["FF_TIMESTAMPS:true"])
    img = "docker:24.0.5"
    prepare_k8s(log, r, img, "ci-builds", 5120, "h7k2p9zq", pending=1,
                during=lambda: log.svc("docker", "\n".join(dind_cert_lines()), 0.3))
    get_sources(log, "search/indexer", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd("ls /certs/client")
    log.out("ca.pem\ncert.pem\nkey.pem")
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, "Cannot connect to the Docker daemon at tcp://docker:2376. Is the docker "
                                  "daemon running?")
    log.wait(6.5)
    log.svc("docker", "\n".join(dockerd_lines(log, "24.0.5")), 0.01)

    def after():
        log.cmd('echo "job finished with status $CI_JOB_STATUS"')
        log.out("job finished with status failed")

    footer(log, False, after=after)


@corpus("service-not-ready-healthcheck-timeout-succeeds",
        "docker executor, runner 16.11.1; dind on a busy host needs more than the 30 s health-check "
        "timeout, the warning block shows a normal (slow) start-up, and the job then succeeds",
        causes=["service-not-ready"])
def service_not_ready_succeeds(log):
    r = Runner("16.11.1", "535ced5f", "shared-docker-07", "yb3p8kwd")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 1450
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/design/icons-cdn",
             CI_COMMIT_SHORT_SHA=digest("sha" + log.name, 8))

    def health():
        name = container_name(log, pid, dind)
        # 4096-bit key generation on a loaded host takes most of the timeout;
        # the runner reads the service log a few seconds after giving up
        log.wait(6)
        t0 = log.t - 37
        certs = dind_cert_lines()
        svc = [(off, text) for off, text in zip((9.8, 9.9, 10.0, 22.6, 22.7, 22.8), certs)]
        svc += [(31.2 + i * 0.09, text) for i, text in enumerate(dockerd_lines(log, "24.0.5", t0=t0 + 31.1))]
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=checker_lines(log, (2375, 2376), 10), service_lines=svc, service_t0=t0)

    prepare_docker(log, r, img, [dind], health=health)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "design/icons-cdn", digest("sha" + log.name, 40))
    step_script(log, img)
    login_ok(log)
    df = ["FROM nginx:1.25.4-alpine", "COPY dist/ /usr/share/nginx/html/", "COPY nginx.conf /etc/nginx/conf.d/default.conf"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["nginx:1.25.4-alpine"], "164B", "4.87MB")
    bk.from_("1/3", "nginx:1.25.4-alpine", 5)
    bk.context_()
    bk.run("2/3", "COPY dist/ /usr/share/nginx/html/", (), 0.2)
    bk.run("3/3", "COPY nginx.conf /etc/nginx/conf.d/default.conf", (), 0.1)
    bk.export("registry.gitlab.example.com/design/icons-cdn:%s" % digest("sha" + log.name, 8))
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 7)
    footer(log, True)


# ===========================================================================
# Reaching the daemon: ports, sockets, TLS, service names
# ===========================================================================
@corpus("daemon-tls-port-debug-services",
        "docker executor, runner 17.3.1, FF_TIMESTAMPS, CI_DEBUG_SERVICES; dind 24.0.5 serves TLS on "
        "2376 (`API listen on [::]:2376`) while an old template sets DOCKER_HOST=tcp://docker:2375",
        causes=["daemon-tls-port"])
def daemon_tls_port_debug(log):
    log.timestamps = True
    r = Runner("17.3.1", "66269445", "docker-ci-05", "rw2q7nxe", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2875
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % dind)
    pull(log, dind)
    log.svc("docker", "\n".join(dind_cert_lines()), 0.05)
    log.println("Waiting for services to be up and running (timeout 30 seconds)...")
    log.svc("docker", "\n".join(dockerd_lines(log, "24.0.5")), 0.01)
    pull(log, img)
    log.section_end("prepare_executor")
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "billing/invoice-pdf", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('echo "DOCKER_HOST=$DOCKER_HOST"')
    log.out("DOCKER_HOST=tcp://docker:2375")
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, "Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker "
                                  "daemon running?")
    footer(log, False)


@corpus("daemon-tls-port-buildkit-grpc",
        "docker executor, runner 13.3.1 (2020); docker:19.03.12-dind enables TLS by default and listens "
        "on 2376 only; the job keeps DOCKER_HOST=tcp://docker:2375 and BuildKit's gRPC dial is refused",
        causes=["daemon-tls-port"])
def daemon_tls_port_grpc(log):
    r = Runner("13.3.1", "738bbe5a", "docker-runner-legacy", "n4bx7kcd")
    img, dind, pid = "docker:19.03.12", "docker:19.03.12-dind", 164
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "intranet/wiki-exporter", digest("sha" + log.name, 40), ref="master", depth=50)
    step_script(log, img)
    log.cmd("docker version || true")
    log.out("""
Client: Docker Engine - Community
 Version:           19.03.12
 API version:       1.40
 Go version:        go1.13.10
 Git commit:        48a66213fe
 Built:             Mon Jun 22 15:42:53 2020
 OS/Arch:           linux/amd64
 Experimental:      false""")
    log.err("Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?")
    log.cmd("export DOCKER_BUILDKIT=1")
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err('time="%s" level=error msg="failed to dial gRPC: cannot connect to the Docker daemon. Is '
            '\'docker daemon\' running on this host?: dial tcp 172.17.0.3:2375: connect: connection refused"'
            % (iso(log.t)[:19] + "Z"))
    log.err("Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?")
    footer(log, False)


@corpus("daemon-unix-socket-custom-image",
        "docker executor, runner 16.4.0 with FF_NETWORK_PER_BUILD; a custom deploy image builds "
        "DOCKER_HOST from the legacy DOCKER_PORT_2375_TCP link variable, which no longer exists, so "
        "the client falls back to the local socket",
        causes=["daemon-unix-socket"])
def daemon_unix_socket_custom(log):
    r = Runner("16.4.0", "6e766faf", "k3s-node-runner", "pd6w3hyt", flags=["FF_NETWORK_PER_BUILD:true"])
    img = "registry.gitlab.example.com/platform/ci-images/deploy-tools:2023.09.1"
    dind, pid = "docker:24.0.5-dind", 3377
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "platform/status-page", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('export DOCKER_HOST="$DOCKER_PORT_2375_TCP"')
    log.cmd('echo "DOCKER_HOST=${DOCKER_HOST:-<unset>}"')
    log.out("DOCKER_HOST=<unset>")
    log.cmd("docker version --format 'client {{.Client.Version}}'")
    log.out("client 24.0.5")
    log.err("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
    footer(log, False)


@corpus("daemon-unix-socket-k8s",
        "kubernetes executor, runner 17.8.3, FF_TIMESTAMPS, CI_DEBUG_SERVICES; the Kubernetes executor "
        "skips the docker image's entrypoint, nothing sets DOCKER_HOST and the client uses "
        "unix:///var/run/docker.sock while dind is healthy",
        causes=["daemon-unix-socket"])
def daemon_unix_socket_k8s(log):
    log.timestamps = True
    r = Runner("17.8.3", "690ce25c", "gitlab-runner-eks-6b8f9c7d4-mtr2n", "xe5v9qwa",
               executor="kubernetes", flags=["FF_TIMESTAMPS:true"])
    img = "docker:24.0.5"
    def dind_up():
        log.svc("docker", "\n".join(dind_cert_lines()), 0.05)
        log.svc("docker", "\n".join(dockerd_lines(log, "24.0.5")), 0.01)

    prepare_k8s(log, r, img, "gitlab", 6021, "p3c8v1rz", pending=2, during=dind_up)
    get_sources(log, "ml/feature-store", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('docker buildx build --tag "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" --push .')
    log.err("ERROR: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
    footer(log, False)


@corpus("executor-daemon-unreachable",
        "docker executor, runner 16.11.1; the runner's own connection to the host daemon fails during "
        "preparation (a runner administration problem, not the job's)",
        causes=["executor-daemon-unreachable"])
def executor_daemon_unreachable(log):
    r = Runner("16.11.1", "535ced5f", "docker-host-14", "uj8r2mzs")
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    msg = ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon "
           "running? (docker.go:958:0s)")
    for i in range(3):
        log.errorln("Preparation failed: " + msg)
        log.infoln("Will be retried in 3s ...")
        log.wait(3)
    log.section_end("prepare_executor")
    log.errorln("Job failed (system failure): " + msg)


@corpus("dind-service-missing",
        "docker executor, runner 15.11.1; DOCKER_HOST points at tcp://docker:2375 but this job defines "
        "no services, and the preamble starts no dind",
        causes=["dind-service-missing"])
def dind_service_missing(log):
    r = Runner("15.11.1", "0a3d2b71", "docker-ci-01", "ak3m9fqp")
    img, pid = "docker:23.0.6", 902
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "marketing/landing-pages", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_client(log, "23.0.6", "v0.10.5", "v2.18.1")
    docker_info_server_error(log, 'error during connect: Get "http://docker:2375/v1.24/info": dial tcp: '
                                  'lookup docker on 10.0.0.2:53: no such host')
    footer(log, False)


def long_build_error(log):
    """The legacy builder's POST /build URL carries every build arg; with a
    base64 CA bundle the error line passes 8 KiB and the timestamper cuts it
    in the middle of `no such host`."""
    import base64
    from urllib.parse import quote
    rnd = random.Random("pem" + log.name)
    for trim in range(0, 400):
        pem = ""
        for c in range(4):
            body = base64.b64encode(bytes(rnd.getrandbits(8) for _ in range(1100 - (trim if c == 3 else 0))))
            body = body.decode()
            pem += "-----BEGIN CERTIFICATE-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) \
                   + "\n-----END CERTIFICATE-----\n"
        rnd.seed("pem" + log.name)
        b64 = base64.b64encode(pem.encode()).decode()
        args = '{"APP_VERSION":"1.14.2","CA_BUNDLE_B64":"%s","GIT_SHA":"%s"}' % (b64, digest("sha" + log.name, 40))
        url = ("http://docker:2376/v1.24/build?buildargs=%s&cachefrom=%%5B%%5D&cgroupparent=&cpuperiod=0"
               "&cpuquota=0&cpusetcpus=&cpusetmems=&cpushares=0&dockerfile=Dockerfile&labels=%%7B%%7D"
               "&memory=0&memswap=0&networkmode=default&rm=1&shmsize=0&t=%s&target=&ulimits=null&version=1"
               % (quote(args, safe=""),
                  quote("registry.gitlab.example.com/billing/invoicing/api:%s" % digest("sha" + log.name, 8),
                        safe="")))
        line = ('error during connect: Post "%s": dial tcp: lookup docker on 10.0.0.2:53: no such host' % url)
        at = line.index("no such host")
        if at + 2 <= SPLIT_LIMIT <= at + 10:
            return line
    raise AssertionError("no split position found")


@corpus("dind-service-missing-long-line-ts",
        "docker executor, runner 17.11.0, FF_TIMESTAMPS; no dind service, legacy builder with a base64 "
        "CA bundle as build arg: the `lookup docker ... no such host` error line is over 8 KiB and the "
        "timestamper splits it across a `+` continuation inside `no such host`",
        causes=["dind-service-missing"])
def dind_service_missing_long(log):
    log.timestamps = True
    r = Runner("17.11.0", "0f67ff19", "docker-ci-09", "bf2k7wqz", flags=["FF_TIMESTAMPS:true"])
    img, pid = "docker:27.3.1", 4521
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "billing/invoicing", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('echo "building $CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHORT_SHA against $DOCKER_HOST"')
    log.out("building registry.gitlab.example.com/billing/invoicing/api:%s against tcp://docker:2376"
            % digest("sha" + log.name, 8))
    log.cmd('DOCKER_BUILDKIT=0 docker build --build-arg APP_VERSION="$APP_VERSION" --build-arg '
            'CA_BUNDLE_B64="$(base64 -w0 ci/ca-bundle.pem)" --build-arg GIT_SHA="$CI_COMMIT_SHA" '
            '-t "$CI_REGISTRY_IMAGE/api:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.err(long_build_error(log))

    def after():
        log.cmd('echo "status: $CI_JOB_STATUS"')
        log.out("status: failed")

    footer(log, False, after=after)


@corpus("service-alias-registry-host",
        "docker executor, runner 17.3.1; the dind service image comes from a registry mirror "
        "(registry.example.com/mirror/docker:24.0.5-dind), so its hostname is not `docker`",
        causes=["service-alias"])
def service_alias(log):
    r = Runner("17.3.1", "66269445", "secure-zone-runner", "gq8v4mxp")
    img = "registry.example.com/mirror/docker:24.0.5"
    dind, pid = "registry.example.com/mirror/docker:24.0.5-dind", 1893
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "payments/fraud-scoring", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, 'error during connect: Get "https://docker:2376/v1.24/info": dial tcp: '
                                  'lookup docker on 10.0.0.2:53: no such host')

    def after():
        log.cmd("docker logout registry.example.com || true")
        log.out("Removing login credentials for registry.example.com")

    footer(log, False, after=after)


@corpus("service-alias-debug-services-ts",
        "docker executor, runner 18.2.0, FF_TIMESTAMPS, FF_NETWORK_PER_BUILD, CI_DEBUG_SERVICES; dind "
        "pulled through a Harbor proxy project is healthy under its derived aliases, but `docker` does "
        "not resolve",
        causes=["service-alias"])
def service_alias_ts(log):
    log.timestamps = True
    r = Runner("18.2.0", "d2f5c1b4", "harbor-zone-runner-2", "sm7d2kfa",
               flags=["FF_TIMESTAMPS:true", "FF_NETWORK_PER_BUILD:true"])
    img = "harbor.corp.example/dockerhub/library/docker:25.0.5"
    dind, pid = "harbor.corp.example/dockerhub/library/docker:25.0.5-dind", 7730
    alias = "harbor.corp.example-dockerhub-library-docker-harbor.corp.example__dockerhub__library__docker"
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % dind)
    pull(log, dind)
    log.println("Waiting for services to be up and running (timeout 30 seconds)...")
    log.svc(alias, "\n".join(dind_cert_lines()), 0.05)
    log.svc(alias, "\n".join(dockerd_lines(log, "25.0.5", containerd="v1.7.13")), 0.01)
    pull(log, img)
    log.section_end("prepare_executor")
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "logistics/route-planner", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('docker build --pull -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err('ERROR: error during connect: Head "https://docker:2376/_ping": dial tcp: lookup docker on '
            '127.0.0.11:53: no such host')
    footer(log, False)


@corpus("tls-certs-missing-ca-pem",
        "docker executor, runner 16.2.0; the job sets DOCKER_TLS_VERIFY and DOCKER_CERT_PATH but the "
        "runner does not mount the /certs/client volume, so the client has no CA file",
        causes=["tls-certs-missing"])
def tls_certs_missing_ca(log):
    r = Runner("16.2.0", "782e15da", "gcp-docker-runner-3", "ev4n8ckr")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2604
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "support/ticket-router", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("ls -la /certs/client")
    log.err("ls: /certs/client: No such file or directory")
    log.cmd("docker version")
    log.err("unable to resolve docker endpoint: open /certs/client/ca.pem: no such file or directory")
    footer(log, False)


@corpus("tls-certs-missing-http-to-https",
        "kubernetes executor, runner 17.0.0; DOCKER_HOST is tcp://docker:2376 but DOCKER_TLS_VERIFY and "
        "DOCKER_CERT_PATH are unset (the Kubernetes executor skips the entrypoint that sets them)",
        causes=["tls-certs-missing"])
def tls_certs_http(log):
    r = Runner("17.0.0", "44feccdf", "gitlab-runner-aks-84d6c7f9b-9wqzt", "jt3w6pnd",
               executor="kubernetes")
    img = "docker:24.0.5"
    prepare_k8s(log, r, img, "ci", 3188, "k2x8q4ve", pending=2)
    get_sources(log, "hr/onboarding-portal", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('env | grep ^DOCKER_ | sort')
    log.out("DOCKER_HOST=tcp://docker:2376\nDOCKER_TLS_CERTDIR=/certs")
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, "Error response from daemon: Client sent an HTTP request to an HTTPS server.")
    footer(log, False)


@corpus("tls-certs-missing-x509-docker-2376",
        "docker executor, runner 17.5.0, FF_TIMESTAMPS; /certs/client is a host volume shared by "
        "concurrent jobs and holds another dind's CA: `x509: certificate signed by unknown authority` "
        "against docker:2376 (TLS settings, not a registry CA)",
        causes=["tls-certs-missing"])
def tls_certs_x509(log):
    log.timestamps = True
    r = Runner("17.5.0", "8ec04662", "bare-metal-runner-04", "wd9f3hxn", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 5802
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "games/leaderboard", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("ls -l --time-style=+%F /certs/client")
    log.out("total 12\n-rw-r--r--    1 root     root          1895 2024-10-02 ca.pem\n"
            "-rw-r--r--    1 root     root          1863 2024-10-02 cert.pem\n"
            "-rw-------    1 root     root          3272 2024-10-02 key.pem")
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, 'error during connect: Get "https://docker:2376/v1.24/info": tls: failed to '
                                  'verify certificate: x509: certificate signed by unknown authority (possibly '
                                  'because of "crypto/rsa: verification error" while trying to verify '
                                  'candidate authority certificate "docker:dind CA")')
    footer(log, False)


# ===========================================================================
# Registries and networks
# ===========================================================================
RATE_LIMIT = ("toomanyrequests: You have reached your pull rate limit. You may increase the limit by "
              "authenticating and upgrading: https://www.docker.com/increase-rate-limit")


def kaniko_job_preamble(log, r, img, project, pid, ref="main"):
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, project, digest("sha" + log.name, 40), ref=ref)
    step_script(log, img)
    log.cmd('echo "{\\"auths\\":{\\"${CI_REGISTRY}\\":{\\"auth\\":\\"$(printf "%s:%s" "${CI_REGISTRY_USER}" '
            '"${CI_REGISTRY_PASSWORD}" | base64 | tr -d \'\\n\')\\"}}}" > /kaniko/.docker/config.json')


def kaniko(log, t, msg):
    log.out("INFO[%04d] %-40s" % (t, msg))


@corpus("custom-ca-registry-login",
        "docker executor, runner 16.8.1; `docker login` to an internal Harbor fails because its "
        "certificate comes from a corporate CA the dind daemon does not trust",
        causes=["custom-ca"])
def custom_ca_login(log):
    r = Runner("16.8.1", "a6097117", "corp-docker-runner-1", "hn5c2twq")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 1288
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "treasury/fx-rates", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_ok(log)
    log.cmd('docker login -u "$HARBOR_USER" -p "$HARBOR_PASSWORD" harbor.corp.example')
    log.err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
    log.err('Error response from daemon: Get "https://harbor.corp.example/v2/": tls: failed to verify '
            'certificate: x509: certificate signed by unknown authority')
    footer(log, False)


@corpus("custom-ca-kaniko",
        "kaniko on the docker executor, runner 17.2.0, FF_TIMESTAMPS; the base image comes from a "
        "Nexus proxy signed by a corporate CA that kaniko's bundle lacks",
        causes=["custom-ca"])
def custom_ca_kaniko(log):
    log.timestamps = True
    r = Runner("17.2.0", "6428c282", "docker-ci-04", "fy2m8rbq", flags=["FF_TIMESTAMPS:true"])
    img = "gcr.io/kaniko-project/executor:v1.23.2-debug"
    kaniko_job_preamble(log, r, img, "retail/pos-sync", 2650)
    log.cmd('/kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" '
            '--destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA}"')
    kaniko(log, 0, "Retrieving image manifest nexus.corp.example:8443/base/node:20.11.1-alpine")
    kaniko(log, 0, "Retrieving image nexus.corp.example:8443/base/node:20.11.1-alpine from registry "
                   "nexus.corp.example:8443")
    log.wait(0.4)
    log.err('error building image: getting stage builder for stage 0: Get "https://nexus.corp.example:8443/v2/": '
            'tls: failed to verify certificate: x509: certificate signed by unknown authority')
    footer(log, False)


@corpus("custom-ca-and-rate-limit",
        "docker executor, runner 17.7.0, FF_TIMESTAMPS; the pull from the internal mirror fails on an untrusted "
        "corporate CA, the fallback pull from Docker Hub then hits the anonymous rate limit",
        causes=["custom-ca", "rate-limit"])
def custom_ca_and_rate_limit(log):
    log.timestamps = True
    r = Runner("17.7.0", "3153ccc6", "shared-eu-west-2", "pk9x3dmv", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 3540
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "research/notebook-runner", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_ok(log)
    log.cmd('docker pull "$MIRROR/library/python:3.12.3-slim" || docker pull python:3.12.3-slim')
    log.err('Error response from daemon: Get "https://mirror.corp.example/v2/": tls: failed to verify '
            'certificate: x509: certificate signed by unknown authority')
    log.wait(0.6)
    log.err("Error response from daemon: " + RATE_LIMIT)
    footer(log, False)


@corpus("rate-limit-buildkit",
        "docker executor, runner 16.5.0; BuildKit cannot resolve the base image because Docker Hub "
        "answers 429 toomanyrequests",
        causes=["rate-limit"])
def rate_limit_buildkit(log):
    r = Runner("16.5.0", "853330f9", "autoscale-runner", "ta6q2zvk")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2077
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "frontend/admin-console", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err('#0 building with "default" instance using docker driver')
    log.err("")
    log.err("#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 742B done\n"
            "#1 DONE 0.0s")
    log.err("")
    ref = "docker.io/library/node:20.9.0-alpine"
    reason = ("failed to copy: httpReadSeeker: failed open: unexpected status code "
              "https://registry-1.docker.io/v2/library/node/manifests/sha256:%s: 429 Too Many Requests - "
              "Server message: %s" % (digest("node20"), RATE_LIMIT))
    log.err("#2 [internal] load metadata for %s" % ref)
    log.wait(1.4)
    log.err("#2 ERROR: " + reason)
    log.err("------\n > [internal] load metadata for %s:\n------" % ref)
    log.err("Dockerfile:1\n--------------------\n   1 | >>> FROM node:20.9.0-alpine AS deps\n"
            "   2 |     WORKDIR /app\n   3 |     COPY package.json package-lock.json ./\n--------------------")
    log.err("ERROR: failed to solve: node:20.9.0-alpine: failed to resolve source metadata for %s: %s"
            % (ref, reason))
    footer(log, False)


@corpus("rate-limit-service-pull-ts",
        "docker executor, runner 18.8.0 (timestamps on by default); the runner itself cannot pull the "
        "dind service image from Docker Hub: rate limit, job fails before any script runs",
        causes=["rate-limit"])
def rate_limit_runner(log):
    log.timestamps = True
    r = Runner("18.8.0", "5a1b9e03", "docker-ci-12", "lc4w8pnh")
    img, dind = "docker:24.0.5", "docker:24.0.5-dind"
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % dind)
    log.println("Using effective pull policy of [always] for container %s" % dind)
    log.println("Pulling docker image %s ..." % dind)
    log.wait(1.2)
    log.warningln('Failed to pull image with policy "always": Error response from daemon: %s '
                  '(manager.go:254:1s)' % RATE_LIMIT)
    log.section_end("prepare_executor")
    log.errorln('Job failed: failed to pull image "%s" with specified policies [always]: Error response '
                'from daemon: %s (manager.go:254:1s)' % (dind, RATE_LIMIT))


@corpus("registry-auth-unpinned",
        "docker executor, runner 15.4.0, docker:latest with docker:dind; the image builds but the push "
        "has no credentials because the fresh dind daemon was never logged in",
        causes=["registry-auth"], advice=["unpinned-image"])
def registry_auth_unpinned(log):
    r = Runner("15.4.0", "43b2dc3d", "docker-ci-01", "ak3m9fqp")
    img, dind, pid = "docker:latest", "docker:dind", 618
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/shop/web", CI_COMMIT_SHORT_SHA=sha[:8])
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "shop/web", sha)
    step_script(log, img)
    log.cmd("docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .")
    log.out("Sending build context to Docker daemon  6.144MB")
    legacy_from(log, "nginx:1.23.1-alpine", 1, 4)
    legacy_step(log, 2, 4, "COPY public/ /usr/share/nginx/html/", run=False)
    legacy_step(log, 3, 4, "COPY nginx/default.conf /etc/nginx/conf.d/default.conf", run=False)
    legacy_step(log, 4, 4, "RUN nginx -t", ["nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
                                            "nginx: configuration file /etc/nginx/nginx.conf test is successful"])
    log.out("Successfully built %s" % digest("res%s4" % log.name, 12))
    log.out("Successfully tagged registry.gitlab.example.com/shop/web:%s" % sha[:8])
    log.cmd("docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA")
    log.out("The push refers to repository [registry.gitlab.example.com/shop/web]")
    lay = [digest("pl%d" % i, 12) for i in range(6)]
    for l in lay:
        log.out("%s: Preparing" % l)
    for l in lay[1:]:
        log.out("%s: Waiting" % l)
    log.err("no basic auth credentials")
    footer(log, False)


@corpus("registry-auth-kaniko-push",
        "kaniko on the docker executor, runner 16.11.0; config.json is written for $CI_REGISTRY but the "
        "destination is another registry, so the push-permission check is unauthorized",
        causes=["registry-auth"])
def registry_auth_kaniko(log):
    r = Runner("16.11.0", "91a27b2a", "docker-ci-06", "vr3k9mtx")
    img = "gcr.io/kaniko-project/executor:v1.22.0-debug"
    kaniko_job_preamble(log, r, img, "platform/base-images", 1734, ref="v2.4.0")
    log.cmd("/kaniko/executor version")
    log.out("Kaniko version :  v1.22.0")
    log.cmd('/kaniko/executor --context "${CI_PROJECT_DIR}/alpine" --dockerfile "${CI_PROJECT_DIR}/alpine/'
            'Dockerfile" --destination "${RELEASE_REGISTRY}/platform/base-alpine:${CI_COMMIT_TAG}"')
    log.err('error checking push permissions -- make sure you entered the correct tag name, and that you are '
            'authenticated correctly, and try again: checking push permission for '
            '"releases.registry.example.net/platform/base-alpine:v2.4.0": POST '
            'https://releases.registry.example.net/v2/platform/base-alpine/blobs/uploads/: UNAUTHORIZED: '
            'authentication required; [map[Action:pull Class: Name:platform/base-alpine Type:repository] '
            'map[Action:push Class: Name:platform/base-alpine Type:repository]]')
    footer(log, False)


@corpus("registry-auth-dockerhub-login-ts",
        "docker executor, runner 17.9.1, FF_TIMESTAMPS; Docker Hub rejects the CI user's token",
        causes=["registry-auth"])
def registry_auth_hub(log):
    log.timestamps = True
    r = Runner("17.9.1", "bbf75488", "docker-ci-07", "dm8q2wvc", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:27.5.1", "docker:27.5.1-dind", 6650
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "oss/cli-tool", digest("sha" + log.name, 40), ref="v0.9.3")
    step_script(log, img)
    log.cmd('echo "$DOCKERHUB_TOKEN" | docker login -u "$DOCKERHUB_USER" --password-stdin')
    log.err('Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: incorrect '
            'username or password')
    footer(log, False)


@corpus("registry-empty-variable",
        "docker executor, runner 17.8.0, FF_TIMESTAMPS; a feature branch job uses protected release-registry variables "
        "that are empty here: non-TTY login prompt, then a tag starting with `/`",
        causes=["registry-empty-variable"])
def registry_empty_variable(log):
    log.timestamps = True
    r = Runner("17.8.0", "e4f782b3", "docker-ci-03", "hb2n6wxd", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2319
    sha = digest("sha" + log.name, 40)
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "payments/gateway", sha, ref="feature/retry-webhooks")
    step_script(log, img)
    log.cmd('docker login -u "$RELEASE_REGISTRY_USER" -p "$RELEASE_REGISTRY_PASSWORD" "$RELEASE_REGISTRY" || '
            'echo "login failed, trying anonymous push"')
    log.err("Error: Cannot perform an interactive login from a non TTY device")
    log.out("login failed, trying anonymous push")
    log.cmd('docker build -t "$RELEASE_REGISTRY/payments/gateway:$CI_COMMIT_SHORT_SHA" .')
    log.err('ERROR: invalid tag "/payments/gateway:%s": invalid reference format' % sha[:8])
    footer(log, False)


@corpus("proxy-daemon-registry-timeout",
        "docker executor, runner 16.1.0 behind a mandatory HTTP proxy; the dind daemon has no proxy "
        "settings and its pull of the base image times out",
        causes=["proxy"])
def proxy_timeout(log):
    r = Runner("16.1.0", "b72e108d", "dmz-runner-01", "gz7c3kfn")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 845
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "gov/forms-service", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('echo "job proxy: ${HTTPS_PROXY:-<unset>}"')
    log.out("job proxy: http://proxy.corp.example:3128")
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err('#0 building with "default" instance using docker driver')
    log.err("")
    log.err("#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 511B done\n"
            "#1 DONE 0.0s")
    log.err("")
    ref = "docker.io/library/python:3.12.1-slim"
    reason = ('failed to do request: Head "https://registry-1.docker.io/v2/library/python/manifests/3.12.1-slim": '
              'dial tcp 198.51.100.23:443: i/o timeout')
    log.err("#2 [internal] load metadata for %s" % ref)
    log.wait(30.2)
    log.err("#2 ERROR: " + reason)
    log.err("------\n > [internal] load metadata for %s:\n------" % ref)
    log.err("Dockerfile:1\n--------------------\n   1 | >>> FROM python:3.12.1-slim\n   2 |     WORKDIR /srv\n"
            "   3 |     COPY requirements.txt .\n--------------------")
    log.err("ERROR: failed to solve: python:3.12.1-slim: failed to resolve source metadata for %s: %s"
            % (ref, reason))
    footer(log, False)


@corpus("dind-mtu-k8s-legacy-curl",
        "kubernetes executor, runner 17.2.0, FF_TIMESTAMPS; on an overlay network with MTU 1450 the "
        "dind default of 1500 stalls TLS inside the build: curl's progress meter (`\\r` rewrites, `+` "
        "continuations) ends in SSL_ERROR_SYSCALL on a continuation line",
        causes=["dind-mtu"])
def dind_mtu(log):
    log.timestamps = True
    r = Runner("17.2.0", "6428c282", "gitlab-runner-gke-5f7d8c9b6-lq4nz", "ws5r8tjy",
               executor="kubernetes", flags=["FF_TIMESTAMPS:true"])
    img = "docker:24.0.5"
    prepare_k8s(log, r, img, "builds", 4410, "r9w2c6yt", pending=1)
    get_sources(log, "apis/grpc-gateway", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('DOCKER_BUILDKIT=0 docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  1.868MB")
    legacy_from(log, "golang:1.22.2-bookworm", 1, 8)
    legacy_step(log, 2, 8, "WORKDIR /src")
    legacy_step(log, 3, 8, "RUN apt-get update && apt-get install -y --no-install-recommends unzip", [
        "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]",
        "Get:2 http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]",
        "Get:3 http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]",
        "Get:4 http://deb.debian.org/debian bookworm/main amd64 Packages [8786 kB]",
        "Fetched 9040 kB in 2s (4518 kB/s)",
        "Reading package lists...",
        "Reading package lists...",
        "Building dependency tree...",
        "Reading state information...",
        "The following NEW packages will be installed:",
        "  unzip",
        "0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.",
        "Need to get 166 kB of archives.",
        "Get:1 http://deb.debian.org/debian bookworm/main amd64 unzip amd64 6.0-28 [166 kB]",
        "Fetched 166 kB in 0s (1921 kB/s)",
        "Setting up unzip (6.0-28) ...",
    ])
    url = "https://releases.tools.example/protoc/v26.1/protoc-26.1-linux-x86_64.zip"
    cmd = "curl -fL -o /tmp/protoc.zip %s && unzip -q /tmp/protoc.zip -d /usr/local" % url
    log.out("Step 4/8 : RUN %s" % cmd)
    log.out(" ---> Running in %s" % digest("mtu" + log.name, 12))
    log.out("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed")
    meter = "\r  0     0    0     0    0     0      0      0 --:--:-- %8s --:--:--     0"
    log.raw(meter % "--:--:--")
    for sec in range(1, 11):
        log.wait(1.0)
        log.raw(meter % ("0:00:%02d" % sec))
    log.raw("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to releases.tools.example:443 \n")
    log.err("The command '/bin/sh -c %s' returned a non-zero code: 35" % cmd)
    footer(log, False)


# ===========================================================================
# Tools and executors
# ===========================================================================
def prepare_shell(log, r, host):
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "shell" executor')
    log.println("Using Shell (bash) executor...")
    log.section_end("prepare_executor")
    log.section_start("prepare_script", "Preparing environment")
    log.out("Running on %s..." % host)
    log.section_end("prepare_script")


def apk_add(log, pkgs):
    log.out("fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\n"
            "fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/community/x86_64/APKINDEX.tar.gz")
    for i, (p, v) in enumerate(pkgs):
        log.out("(%d/%d) Installing %s (%s)" % (i + 1, len(pkgs), p, v))
    log.out("Executing busybox-1.36.1-r15.trigger")
    log.out("OK: %d MiB in %d packages" % (18 + len(pkgs), 15 + len(pkgs)))


@corpus("docker-cli-missing",
        "docker executor, runner 17.0.1, FF_TIMESTAMPS; the job image is plain alpine:3.19 with a dind "
        "service, and has no docker client",
        causes=["docker-cli-missing"])
def docker_cli_missing(log):
    log.timestamps = True
    r = Runner("17.0.1", "bbf7a8b3", "docker-ci-08", "ns4f7gvk", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "alpine:3.19", "docker:24.0.5-dind", 3921
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "iot/firmware-signer", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("apk add --no-cache make bash git")
    apk_add(log, [("ncurses-terminfo-base", "6.4_p20231125-r0"), ("libncursesw", "6.4_p20231125-r0"),
                  ("readline", "8.2.1-r2"), ("bash", "5.2.21-r0"), ("brotli-libs", "1.1.0-r1"),
                  ("c-ares", "1.27.0-r0"), ("libunistring", "1.1-r2"), ("libidn2", "2.3.4-r4"),
                  ("nghttp2-libs", "1.58.0-r0"), ("libcurl", "8.5.0-r0"), ("libexpat", "2.6.2-r0"),
                  ("pcre2", "10.42-r2"), ("git", "2.43.0-r0"), ("make", "4.4.1-r2")])
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err("/bin/sh: eval: line 152: docker: not found")
    footer(log, False, exit_code=127)


@corpus("compose-missing",
        "docker executor, runner 17.10.0, FF_TIMESTAMPS; docker:24.0.5 ships the compose v2 plugin but "
        "not the removed v1 `docker-compose` binary the script calls",
        causes=["compose-missing"])
def compose_missing(log):
    log.timestamps = True
    r = Runner("17.10.0", "e8e2f33e", "docker-ci-10", "ck2v6rnw", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2750
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "crm/contact-sync", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info --format '{{.ServerVersion}} {{.Driver}}'")
    log.out("24.0.5 overlay2")
    log.cmd("docker-compose -f compose.ci.yml up -d --build")
    log.err("/bin/sh: eval: line 147: docker-compose: not found")

    def after():
        log.cmd("docker compose -f compose.ci.yml logs --no-color --tail=50 || true")
        log.cmd("docker compose -f compose.ci.yml down -v || true")

    footer(log, False, exit_code=127, after=after)


@corpus("socket-permission-shell",
        "shell executor, runner 15.11.1; the gitlab-runner user is not in the docker group and cannot "
        "open /var/run/docker.sock",
        causes=["socket-permission"])
def socket_permission(log):
    r = Runner("15.11.1", "0a3d2b71", "build-vm-07", "gh4kt9wz", executor="shell")
    prepare_shell(log, r, "build-vm-07")
    sha = digest("sha" + log.name, 40)
    get_sources(log, "finance/reports", sha, root="/home/gitlab-runner/builds/gh4kt9wz/0", fresh=False)
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd("id")
    log.out("uid=997(gitlab-runner) gid=997(gitlab-runner) groups=997(gitlab-runner)")
    log.cmd("ls -l /var/run/docker.sock")
    log.out("srw-rw---- 1 root docker 0 May  2 06:14 /var/run/docker.sock")
    log.cmd("docker --version")
    log.out("Docker version 20.10.21, build baeda1f")
    log.cmd("docker build -t reports:$CI_COMMIT_SHORT_SHA .")
    log.err('Got permission denied while trying to connect to the Docker daemon socket at '
            'unix:///var/run/docker.sock: Post "http://%%2Fvar%%2Frun%%2Fdocker.sock/v1.24/build?buildargs=%%7B%%7D'
            '&cachefrom=%%5B%%5D&cgroupparent=&cpuperiod=0&cpuquota=0&cpusetcpus=&cpusetmems=&cpushares=0'
            '&dockerfile=Dockerfile&labels=%%7B%%7D&memory=0&memswap=0&networkmode=default&rm=1&shmsize=0'
            '&t=reports%%3A%s&target=&ulimits=null&version=1": dial unix /var/run/docker.sock: connect: '
            'permission denied' % sha[:8])
    footer(log, False)


@corpus("container-name-conflict",
        "docker executor with the host socket bound in, runner 17.6.0, FF_TIMESTAMPS; a concurrent "
        "pipeline already runs a container with the fixed name `integration-db` on the shared daemon",
        causes=["container-name-conflict"])
def container_name_conflict(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "socket-runner-01", "fm6b3xqs", flags=["FF_TIMESTAMPS:true"])
    img, pid = "docker:24.0.5", 1502
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "orders/order-service", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info --format 'server {{.ServerVersion}} on {{.Name}}'")
    log.out("server 24.0.9 on ci-docker-host-02")
    log.cmd("docker run -d --name integration-db -e POSTGRES_PASSWORD=ci -p 5432 postgres:15.6-alpine")
    log.err('docker: Error response from daemon: Conflict. The container name "/integration-db" is already in '
            'use by container "%s". You have to remove (or rename) that container to be able to reuse that '
            'name.' % digest("other" + log.name))
    log.err("See 'docker run --help'.")
    footer(log, False, exit_code=125)


@corpus("buildx-cache-driver",
        "docker executor, runner 17.3.1, FF_TIMESTAMPS, docker 27.1.1; `--cache-to type=registry` with "
        "the default docker build driver",
        causes=["buildx-cache-driver"])
def buildx_cache(log):
    log.timestamps = True
    r = Runner("17.3.1", "66269445", "docker-ci-05", "rw2q7nxe", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:27.1.1", "docker:27.1.1-dind", 4470
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "media/thumbnailer", digest("sha" + log.name, 40))
    step_script(log, img)
    login_ok(log)
    log.cmd('docker buildx build --cache-from type=registry,ref="$CI_REGISTRY_IMAGE/cache:main" --cache-to '
            'type=registry,ref="$CI_REGISTRY_IMAGE/cache:main",mode=max -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" '
            '--push .')
    log.err("ERROR: Cache export is not supported for the docker driver.\n"
            "Switch to a different driver, or turn on the containerd image store, and try again.\n"
            "Learn more at https://docs.docker.com/go/build-cache-backends/")
    footer(log, False)


@corpus("buildah-storage-overlay",
        "docker executor, runner 16.3.0; buildah's default overlay storage cannot be stacked on the "
        "container's overlayfs root",
        causes=["buildah-storage"])
def buildah_storage(log):
    r = Runner("16.3.0", "8ec04662", "openshift-bridge-runner", "qa5t9mvc")
    img, pid = "quay.io/containers/buildah:v1.31.2", 2988
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "platform/ubi-nginx", digest("sha" + log.name, 40))
    download_artifacts(log, "compile-modules", 880412)
    step_script(log, img)
    log.cmd("buildah --version")
    log.out("buildah version 1.31.2 (image-spec 1.1.0-rc.3, runtime-spec 1.1.0)")
    log.cmd('buildah login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"')
    log.out("Login Succeeded!")
    log.cmd('buildah build --format docker -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err('time="%sZ" level=error msg="\'overlay\' is not supported over overlayfs, a mount_program is '
            'required: backing file system is unsupported for this graph driver"' % iso(log.t)[:19])
    log.err("Error: kernel does not support overlay fs: 'overlay' is not supported over overlayfs, a "
            "mount_program is required: backing file system is unsupported for this graph driver")
    footer(log, False, exit_code=125)


def buildctl_command(log):
    log.cmd('mkdir -p ~/.docker && echo "{\\"auths\\":{\\"$CI_REGISTRY\\":{\\"username\\":\\"$CI_REGISTRY_USER\\",'
            '\\"password\\":\\"$CI_REGISTRY_PASSWORD\\"}}}" > ~/.docker/config.json')
    log.cmd("buildctl-daemonless.sh build --frontend dockerfile.v0 --local context=. --local dockerfile=. "
            "--output type=image,name=$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA,push=true")


@corpus("rootless-buildkit-uidmap",
        "docker executor, runner 17.1.0, FF_TIMESTAMPS; moby/buildkit rootless cannot create its user "
        "namespace under the runner's default seccomp/AppArmor profile (newuidmap fails)",
        causes=["rootless-buildkit"])
def rootless_uidmap(log):
    log.timestamps = True
    r = Runner("17.1.0", "2b813ade", "docker-ci-11", "ye7w3mpk", flags=["FF_TIMESTAMPS:true"])
    img, pid = "moby/buildkit:v0.13.2-rootless", 3390
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "identity/sso-bridge", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('echo "BUILDKITD_FLAGS=$BUILDKITD_FLAGS"')
    log.out("BUILDKITD_FLAGS=--oci-worker-no-process-sandbox")
    buildctl_command(log)
    log.wait(3.2)
    log.err("could not connect to unix:///run/user/1000/buildkit/buildkitd.sock after 10 trials\n"
            "========== log ==========\n"
            "[rootlesskit:parent] error: failed to setup UID/GID map: newuidmap 29 [0 1000 1 1 100000 65536] "
            "failed: newuidmap: write to uid_map failed: Operation not permitted\n"
            ": exit status 1")
    footer(log, False)


@corpus("rootless-buildkit-apparmor-k8s",
        "kubernetes executor, runner 17.10.1, FF_TIMESTAMPS; AppArmor blocks rootlesskit's mount "
        "propagation in the build container",
        causes=["rootless-buildkit"])
def rootless_apparmor(log):
    log.timestamps = True
    r = Runner("17.10.1", "f9bbc8b1", "gitlab-runner-ocp-6d5b9c8f7-vx4rt", "kb8n5qfd",
               executor="kubernetes", flags=["FF_TIMESTAMPS:true"])
    img = "moby/buildkit:v0.15.2-rootless"
    prepare_k8s(log, r, img, "ci-rootless", 5577, "t6y1u8ws", pending=2, svc_count=0)
    get_sources(log, "analytics/event-collector", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    buildctl_command(log)
    log.wait(3.0)
    log.err("could not connect to unix:///run/user/1000/buildkit/buildkitd.sock after 10 trials\n"
            "========== log ==========\n"
            "[rootlesskit:child ] error: failed to share mount point: /: permission denied\n"
            "[rootlesskit:parent] error: child exited: exit status 1")
    footer(log, False)


# ===========================================================================
# Truncated logs
# ===========================================================================
MAVEN_DEPS = [
    ("org/springframework/boot", "spring-boot-starter-parent", "3.2.5"),
    ("org/springframework/boot", "spring-boot-dependencies", "3.2.5"),
    ("org/springframework/boot", "spring-boot-starter-web", "3.2.5"),
    ("org/springframework/boot", "spring-boot-starter-data-jpa", "3.2.5"),
    ("org/springframework/boot", "spring-boot-starter-actuator", "3.2.5"),
    ("org/springframework", "spring-core", "6.1.6"),
    ("org/springframework", "spring-context", "6.1.6"),
    ("org/springframework", "spring-webmvc", "6.1.6"),
    ("org/springframework", "spring-orm", "6.1.6"),
    ("org/springframework/data", "spring-data-jpa", "3.2.5"),
    ("org/hibernate/orm", "hibernate-core", "6.4.4.Final"),
    ("jakarta/persistence", "jakarta.persistence-api", "3.1.0"),
    ("com/fasterxml/jackson/core", "jackson-databind", "2.15.4"),
    ("com/fasterxml/jackson/core", "jackson-core", "2.15.4"),
    ("com/fasterxml/jackson/datatype", "jackson-datatype-jsr310", "2.15.4"),
    ("org/apache/tomcat/embed", "tomcat-embed-core", "10.1.20"),
    ("org/postgresql", "postgresql", "42.7.3"),
    ("org/flywaydb", "flyway-core", "9.22.3"),
    ("io/micrometer", "micrometer-core", "1.12.5"),
    ("io/micrometer", "micrometer-registry-prometheus", "1.12.5"),
    ("org/slf4j", "slf4j-api", "2.0.13"),
    ("ch/qos/logback", "logback-classic", "1.4.14"),
    ("org/yaml", "snakeyaml", "2.2"),
    ("org/apache/maven/plugins", "maven-surefire-plugin", "3.1.2"),
    ("org/apache/maven/plugins", "maven-compiler-plugin", "3.11.0"),
    ("org/apache/maven/plugins", "maven-jar-plugin", "3.3.0"),
    ("org/apache/maven/plugins", "maven-resources-plugin", "3.3.1"),
    ("org/codehaus/plexus", "plexus-utils", "3.5.1"),
    ("org/ow2/asm", "asm", "9.6"),
    ("net/bytebuddy", "byte-buddy", "1.14.13"),
]


def maven_download_lines(log, start, rounds):
    out = []
    t = start
    for rnd_ in range(rounds):
        for grp, art, ver in MAVEN_DEPS:
            ext = "pom" if rnd_ % 2 == 0 else "jar"
            url = "https://repo.maven.apache.org/maven2/%s/%s/%s/%s-%s.%s" % (grp, art, ver, art, ver, ext)
            t += log.rnd.uniform(0.01, 0.2)
            out.append((t, "[INFO] Downloading from central: " + url))
            t += log.rnd.uniform(0.01, 0.3)
            size = log.rnd.randint(2, 900)
            out.append((t, "[INFO] Downloaded from central: %s (%d kB at %d kB/s)" % (url, size,
                                                                                        log.rnd.randint(80, 4000))))
    return out


@corpus("log-truncated",
        "docker executor, runner 17.2.0, output_limit = 32 (KB); a Maven build in BuildKit fills the log "
        "and the runner stops collecting it mid-build: nothing follows the limit notice",
        advice=["log-truncated"])
def log_truncated(log):
    r = Runner("17.2.0", "6428c282", "java-builds-runner", "rk7c4dzm")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 812
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "billing/invoice-service", digest("sha" + log.name, 40))
    step_script(log, img)
    login_ok(log)
    df = ["FROM maven:3.9.6-eclipse-temurin-21 AS build", "WORKDIR /src", "COPY pom.xml .",
          "RUN mvn -B dependency:go-offline", "COPY src ./src", "RUN mvn -B -o package -DskipTests"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["maven:3.9.6-eclipse-temurin-21", "eclipse-temurin:21.0.3_9-jre-alpine"])
    bk.from_("build 1/6", "maven:3.9.6-eclipse-temurin-21", 6)
    bk.context_()
    bk.run("build 2/6", "WORKDIR /src", (), 0.1)
    bk.run("build 3/6", "COPY pom.xml .", (), 0.0)
    bk.run("build 4/6", "RUN mvn -B dependency:go-offline", maven_download_lines(log, 1.8, 6), 74.2)
    log.limit = 32768


@corpus("log-truncated-ts-vfs",
        "docker executor, runner 18.9.0 (timestamps by default), output_limit = 48 (KB); dind runs on "
        "the vfs driver (`Storage Driver: vfs`) and the verbose frontend build is cut off mid-line",
        causes=["storage-driver"], advice=["log-truncated"])
def log_truncated_vfs(log):
    log.timestamps = True
    r = Runner("18.9.0", "c41d7a2e", "docker-ci-13", "zx3p9bwk")
    img, dind, pid = "docker:28.0.4", "docker:28.0.4-dind", 9051
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "web/customer-portal", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker info")
    docker_info_ok(log, "28.0.4", driver="vfs")
    df = ["FROM node:22.14.0-alpine AS build", "WORKDIR /app", "COPY package.json package-lock.json ./",
          "RUN npm ci", "COPY . .", "RUN npm run build -- --verbose"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["node:22.14.0-alpine"])
    bk.from_("build 1/6", "node:22.14.0-alpine", 4)
    bk.context_()
    bk.run("build 2/6", "WORKDIR /app", (), 3.9)
    bk.run("build 3/6", "COPY package.json package-lock.json ./", (), 4.4)
    bk.run("build 4/6", "RUN npm ci", [(48.1, "added 1412 packages, and audited 1413 packages in 47s"),
                                      (48.2, "found 0 vulnerabilities")], 188.0)
    bk.run("build 5/6", "COPY . .", (), 96.3)
    out = [(2.0, "> customer-portal@4.12.0 build"), (2.0, "> webpack --mode production --verbose")]
    t = 9.0
    areas = ["components/orders", "components/billing", "components/profile", "pages", "hooks", "services/api",
             "store/slices", "utils", "i18n/locales", "components/shared"]
    for i in range(420):
        t += log.rnd.uniform(0.05, 0.6)
        area = areas[i % len(areas)]
        out.append((t, "./src/%s/%s%d.tsx %d.%d KiB [built] [code generated]"
                    % (area, ["Table", "Form", "Modal", "List", "Card", "View"][i % 6], i,
                       log.rnd.randint(1, 30), log.rnd.randint(0, 9))))
    bk.run("build 6/6", "RUN npm run build -- --verbose", out, 412.0)
    log.limit = 49152


# ===========================================================================
# Ambiguity: `lookup docker ... no such host` with and without deciding evidence
# ===========================================================================
def bare_build_script(log, host_port="docker:2375", dns="10.0.0.2:53"):
    sha = digest("sha" + log.name, 40)
    image = "registry.gitlab.example.com/comms/notifier"
    log.out("""
==> ci/build-image.sh (comms/notifier)
+ set -eu
+ IMAGE=%(image)s
+ TAG=%(short)s
+ git describe --tags --always
v3.7.1-14-g%(short)s
+ env
+ grep -E '^(CI_COMMIT_REF_NAME|CI_PIPELINE_SOURCE|DOCKER_HOST|DOCKER_TLS_CERTDIR)='
+ sort
CI_COMMIT_REF_NAME=main
CI_PIPELINE_SOURCE=push
DOCKER_HOST=tcp://%(hp)s
DOCKER_TLS_CERTDIR=
+ make -s lint
shellcheck ci/build-image.sh ci/deploy.sh scripts/migrate.sh
yamllint -s .gitlab-ci.yml deploy/
go vet ./...
+ hadolint --no-color Dockerfile
+ echo 'hadolint: no findings'
hadolint: no findings
+ date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ
+ BUILD_DATE=2024-08-14T09:21:05Z
+ echo 'building %(image)s:%(short)s (v3.7.1-14-g%(short)s, 2024-08-14T09:21:05Z)'
building %(image)s:%(short)s (v3.7.1-14-g%(short)s, 2024-08-14T09:21:05Z)
+ docker --version
Docker version 24.0.5, build ced0996
+ docker build --pull --label org.opencontainers.image.revision=%(sha)s --label org.opencontainers.image.source=https://gitlab.example.com/comms/notifier -t %(image)s:%(short)s .
ERROR: error during connect: Head "http://%(hp)s/_ping": dial tcp: lookup docker on %(dns)s: no such host
+ status=1
+ echo 'image build failed (exit 1)'
image build failed (exit 1)
+ exit 1
""" % dict(image=image, short=sha[:8], sha=sha, hp=host_port, dns=dns))


@corpus("ambiguous-no-such-host-bare",
        "no runner preamble at all (a build script's own output, saved with tee): `lookup docker ... no "
        "such host` and nothing that tells the possible causes apart",
        candidates=["dind-not-privileged", "dind-iptables", "storage-driver", "service-alias",
                    "dind-service-missing", "k8s-service-localhost"])
def ambiguous_bare(log):
    bare_build_script(log)


@corpus("ambiguous-no-such-host-plain-dind",
        "docker executor, runner 16.6.0 with the service wait disabled; a plain docker:24.0.5-dind "
        "service was started, no service log exists, and the job cannot resolve `docker`: the dind "
        "daemon died, but the log does not say why",
        candidates=["dind-not-privileged", "dind-iptables", "storage-driver"])
def ambiguous_plain_dind(log):
    r = Runner("16.6.0", "9f7c3d1e", "hetzner-runner-2", "vn4d8sjq")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 1377
    prepare_docker(log, r, img, [dind], wait=False)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "tooling/release-bot", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"')
    log.err('error during connect: Post "https://docker:2376/v1.24/auth": dial tcp: lookup docker on '
            '10.10.0.2:53: no such host')
    footer(log, False)


@corpus("bare-no-such-host-with-service-log",
        "the bare build-script output of ambiguous-no-such-host-bare, analysed together with the dind "
        "container's own log (passed with --service-log), which shows the unprivileged mount errors",
        causes=["dind-not-privileged"],
        service_logs=["bare-no-such-host-with-service-log.service.txt"])
def bare_with_service_log(log):
    bare_build_script(log)
    log.extras["bare-no-such-host-with-service-log.service.txt"] = "\n".join(unprivileged_dind_lines(tls=False)) + "\n"


# ===========================================================================
# Near misses: failures (and successes) that must not yield an error finding
# ===========================================================================
def dind_job(log, r, project, pid, img="docker:24.0.5", dind="docker:24.0.5-dind", ref="main"):
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, project, digest("sha" + log.name, 40), ref=ref)
    step_script(log, img)


@corpus("near-miss-go-mod-download-dns",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS; healthy dind, `RUN go mod download` cannot "
        "resolve proxy.golang.org inside the build: the application's network, not the daemon's")
def nm_go_mod(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "docker-ci-02", "t3xyf9ep", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "finance/ledger", 2044)
    df = ["FROM golang:1.22.2-alpine AS builder", "WORKDIR /src", "COPY go.mod go.sum ./", "RUN go mod download",
          "COPY . .", "RUN CGO_ENABLED=0 go build -trimpath -o /out/ledger ./cmd/ledger", "",
          "FROM alpine:3.19.1", "COPY --from=builder /out/ledger /usr/local/bin/ledger",
          'ENTRYPOINT ["ledger"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["golang:1.22.2-alpine", "alpine:3.19.1"], "412B", "1.06MB")
    bk.from_("builder 1/6", "golang:1.22.2-alpine", 5)
    bk.context_()
    bk.from_("stage-1 1/2", "alpine:3.19.1", 1)
    bk.run("builder 2/6", "WORKDIR /src", (), 0.1)
    bk.run("builder 3/6", "COPY go.mod go.sum ./", (), 0.0)
    mod = "gitlab.example.com/finance/libs/money"
    bk.fail("builder 4/6", "RUN go mod download", [
        (0.371, 'go: %s@v1.3.0: Get "https://proxy.golang.org/%s/@v/v1.3.0.mod": dial tcp: lookup '
                'proxy.golang.org on 10.0.0.2:53: no such host' % (mod, mod))], line_no=4)
    footer(log, False)


@corpus("near-miss-npm-enotfound",
        "docker executor, runner 16.8.0, legacy builder; `npm ci` inside a RUN step fails with "
        "getaddrinfo ENOTFOUND and npm's proxy hints")
def nm_npm(log):
    r = Runner("16.8.0", "c72a09b6", "docker-ci-06", "vr3k9mtx")
    dind_job(log, r, "frontend/checkout", 1592)
    log.cmd('DOCKER_BUILDKIT=0 docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  2.331MB")
    legacy_from(log, "node:20.11.1-alpine", 1, 8)
    legacy_step(log, 2, 8, "WORKDIR /app")
    legacy_step(log, 3, 8, "ENV NODE_ENV=production", run=True)
    legacy_step(log, 4, 8, "COPY package.json package-lock.json ./", run=False)
    log.out("Step 5/8 : RUN npm ci --no-audit --no-fund")
    log.out(" ---> Running in %s" % digest("npm" + log.name, 12))
    log.out("""
npm ERR! code ENOTFOUND
npm ERR! syscall getaddrinfo
npm ERR! errno ENOTFOUND
npm ERR! network request to https://registry.npmjs.org/@nestjs%2fcore/-/core-10.3.3.tgz failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org
npm ERR! network This is a problem related to network connectivity.
npm ERR! network In most cases you are behind a proxy or have bad network settings.
npm ERR! network
npm ERR! network If you are behind a proxy, please make sure that the
npm ERR! network 'proxy' config is set properly.  See: 'npm help config'

npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2024-01-30T09_41_12_377Z-debug-0.log
""")
    log.err("The command '/bin/sh -c npm ci --no-audit --no-fund' returned a non-zero code: 1")
    footer(log, False)


@corpus("near-miss-apt-temporary-failure",
        "docker executor, runner 18.0.0, FF_TIMESTAMPS; `apt-get update` inside the build cannot resolve "
        "deb.debian.org")
def nm_apt(log):
    log.timestamps = True
    r = Runner("18.0.0", "0b3c5fa1", "docker-ci-04", "fy2m8rbq", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "geo/tile-server", 3305)
    df = ["FROM debian:bookworm-20250428-slim", "RUN apt-get update && apt-get install -y --no-install-recommends "
          "libpq5 ca-certificates", "COPY --chown=1000:1000 bin/tile-server /usr/local/bin/", "USER 1000",
          'ENTRYPOINT ["tile-server"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["debian:bookworm-20250428-slim"], "296B", "18.40MB")
    bk.from_("1/3", "debian:bookworm-20250428-slim", 1)
    bk.context_()
    out = [(0.402, "Ign:1 http://deb.debian.org/debian bookworm InRelease"),
           (0.402, "Ign:2 http://deb.debian.org/debian bookworm-updates InRelease"),
           (0.402, "Ign:3 http://deb.debian.org/debian-security bookworm-security InRelease")]
    t = 5.4
    for attempt in range(2):
        for i, suite in enumerate(["debian bookworm", "debian bookworm-updates", "debian-security bookworm-security"]):
            out.append((t, "Err:%d http://deb.debian.org/%s InRelease" % (i + 1, suite)))
            out.append((t, "  Temporary failure resolving 'deb.debian.org'"))
            t += 5.0
    out += [(t, "Reading package lists..."),
            (t, "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure "
                "resolving 'deb.debian.org'"),
            (t, "W: Failed to fetch http://deb.debian.org/debian/dists/bookworm-updates/InRelease  Temporary "
                "failure resolving 'deb.debian.org'"),
            (t, "W: Failed to fetch http://deb.debian.org/debian-security/dists/bookworm-security/InRelease  "
                "Temporary failure resolving 'deb.debian.org'"),
            (t, "W: Some index files failed to download. They have been ignored, or old ones used instead."),
            (t + 0.1, "Reading package lists..."),
            (t + 0.1, "Building dependency tree..."),
            (t + 0.1, "Reading state information..."),
            (t + 0.1, "E: Unable to locate package libpq5")]
    bk.fail("2/3", df[1], out, exit_code=100, line_no=2)
    footer(log, False)


@corpus("near-miss-maven-transfer",
        "docker executor, runner 17.1.0, FF_TIMESTAMPS; Maven inside the build cannot transfer an "
        "artifact from the internal Nexus (name resolution)")
def nm_maven(log):
    log.timestamps = True
    r = Runner("17.1.0", "2b813ade", "java-builds-runner", "rk7c4dzm", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "billing/billing-service", 818)
    df = ["FROM maven:3.9.6-eclipse-temurin-21 AS build", "WORKDIR /src", "COPY . .",
          "RUN mvn -B -s ci/settings.xml package -DskipTests", "",
          "FROM eclipse-temurin:21.0.3_9-jre-alpine", "COPY --from=build /src/target/app.jar /app.jar"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["maven:3.9.6-eclipse-temurin-21", "eclipse-temurin:21.0.3_9-jre-alpine"], "338B", "3.91MB")
    bk.from_("build 1/4", "maven:3.9.6-eclipse-temurin-21", 6)
    bk.context_()
    bk.run("build 2/4", "WORKDIR /src", (), 0.0)
    bk.run("build 3/4", "COPY . .", (), 0.1)
    nexus = "https://nexus.corp.example/repository/maven-public/"
    out = [(1.912, "[INFO] Scanning for projects..."),
           (2.407, "[INFO] "),
           (2.408, "[INFO] -----------------< com.example.billing:billing-service >------------------"),
           (2.408, "[INFO] Building billing-service 2.7.0"),
           (2.408, "[INFO]   from pom.xml"),
           (2.409, "[INFO] --------------------------------[ jar ]---------------------------------"),
           (2.613, "[INFO] Downloading from nexus: %sorg/postgresql/postgresql/42.7.3/postgresql-42.7.3.pom" % nexus),
           (12.79, "[INFO] ------------------------------------------------------------------------"),
           (12.79, "[INFO] BUILD FAILURE"),
           (12.79, "[INFO] ------------------------------------------------------------------------"),
           (12.79, "[INFO] Total time:  10.882 s"),
           (12.79, "[INFO] Finished at: 2024-06-25T11:02:44Z"),
           (12.79, "[INFO] ------------------------------------------------------------------------"),
           (12.80, "[ERROR] Failed to execute goal on project billing-service: Could not resolve dependencies "
                   "for project com.example.billing:billing-service:jar:2.7.0: Failed to collect dependencies at "
                   "org.postgresql:postgresql:jar:42.7.3: Failed to read artifact descriptor for "
                   "org.postgresql:postgresql:jar:42.7.3: The following artifacts could not be resolved: "
                   "org.postgresql:postgresql:pom:42.7.3 (absent): Could not transfer artifact "
                   "org.postgresql:postgresql:pom:42.7.3 from/to nexus (%s): nexus.corp.example: Temporary "
                   "failure in name resolution -> [Help 1]" % nexus),
           (12.80, "[ERROR] "),
           (12.80, "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch."),
           (12.80, "[ERROR] Re-run Maven using the -X switch to enable full debug logging.")]
    bk.fail("build 4/4", "RUN mvn -B -s ci/settings.xml package -DskipTests", out, line_no=4)
    footer(log, False)


@corpus("near-miss-pip-proxy-error",
        "docker executor, runner 16.9.1, legacy builder; pip inside a RUN step cannot reach the proxy "
        "it was told to use (ProxyError)")
def nm_pip(log):
    r = Runner("16.9.1", "782c6ecb", "dmz-runner-02", "gz7c3kfn")
    dind_job(log, r, "ml/scoring-api", 977)
    log.cmd('DOCKER_BUILDKIT=0 docker build --build-arg HTTPS_PROXY="$BUILD_PROXY" -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  812.5kB")
    legacy_from(log, "python:3.12.2-slim", 1, 7)
    legacy_step(log, 2, 7, "ARG HTTPS_PROXY")
    legacy_step(log, 3, 7, "WORKDIR /srv")
    legacy_step(log, 4, 7, "COPY requirements.txt .", run=False)
    log.out("Step 5/7 : RUN pip install --no-cache-dir -r requirements.txt")
    log.out(" ---> Running in %s" % digest("pip" + log.name, 12))
    for left in range(4, -1, -1):
        log.out("WARNING: Retrying (Retry(total=%d, connect=None, read=None, redirect=None, status=None)) after "
                "connection broken by 'ProxyError('Cannot connect to proxy.', NewConnectionError('<pip._vendor."
                "urllib3.connection.HTTPSConnection object at 0x7f3b2c1d4e50>: Failed to establish a new "
                "connection: [Errno 111] Connection refused'))': /simple/fastapi/" % left)
        log.wait(1.0 + left)
    log.out("ERROR: Could not find a version that satisfies the requirement fastapi==0.110.0 (from versions: none)")
    log.out("ERROR: No matching distribution found for fastapi==0.110.0")
    log.err("The command '/bin/sh -c pip install --no-cache-dir -r requirements.txt' returned a non-zero code: 1")
    footer(log, False)


@corpus("near-miss-helm-proxyconnect-in-run",
        "docker executor, runner 17.8.0, FF_TIMESTAMPS; helm inside a RUN step gets `proxyconnect tcp: "
        "... connection refused` from the build's own proxy settings")
def nm_helm(log):
    log.timestamps = True
    r = Runner("17.8.0", "e4f782b3", "docker-ci-03", "hb2n6wxd", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "platform/charts-bundle", 2860)
    df = ["FROM alpine/helm:3.14.4", "WORKDIR /charts", "COPY chart/ ./chart/",
          "RUN helm repo add bitnami https://charts.bitnami.example/bitnami && helm dependency build ./chart",
          "RUN helm package ./chart -d /out"]
    log.cmd('docker build --build-arg HTTPS_PROXY=http://10.20.0.5:3128 -t "$CI_REGISTRY_IMAGE/bundle:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["alpine/helm:3.14.4"], "241B", "88.2kB")
    bk.from_("1/5", "alpine/helm:3.14.4", 3)
    bk.context_()
    bk.run("2/5", "WORKDIR /charts", (), 0.0)
    bk.run("3/5", "COPY chart/ ./chart/", (), 0.0)
    bk.fail("4/5", df[3], [
        (0.512, 'Error: looks like "https://charts.bitnami.example/bitnami" is not a valid chart repository or '
                'cannot be reached: Get "https://charts.bitnami.example/bitnami/index.yaml": proxyconnect tcp: '
                'dial tcp 10.20.0.5:3128: connect: connection refused')], line_no=4)
    footer(log, False)


@corpus("near-miss-go-test-failure",
        "docker executor, runner 16.4.0, golang image without docker; a unit test fails")
def nm_go_test(log):
    r = Runner("16.4.0", "6e766faf", "docker-ci-01", "ak3m9fqp")
    img, pid = "golang:1.21.3-bookworm", 2122
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "finance/ledger", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("go version")
    log.out("go version go1.21.3 linux/amd64")
    log.cmd("go test ./... -count=1")
    pkg = "gitlab.example.com/finance/ledger"
    log.out("""
go: downloading github.example.com/shopspring-fork/decimal v1.3.1
?   	%(p)s/cmd/ledger	[no test files]
ok  	%(p)s/internal/config	0.012s
ok  	%(p)s/internal/currency	0.019s
--- FAIL: TestReconcile_DuplicateEntries (0.00s)
    reconcile_test.go:88: expected 2 entries after merge, got 3
    reconcile_test.go:89: entries: [{id:7 amount:12.50} {id:7 amount:12.50} {id:9 amount:-3.00}]
--- FAIL: TestReconcile_Rounding (0.00s)
    reconcile_test.go:121: total = 100.01, want 100.00
FAIL
FAIL	%(p)s/internal/reconcile	0.031s
ok  	%(p)s/internal/store	0.207s
ok  	%(p)s/internal/api	0.118s
FAIL
""" % dict(p=pkg))
    footer(log, False)


@corpus("near-miss-jest-failure",
        "docker executor, runner 17.9.0, FF_TIMESTAMPS, node image; a jest suite fails")
def nm_jest(log):
    log.timestamps = True
    r = Runner("17.9.0", "c0bb0a5b", "docker-ci-07", "dm8q2wvc", flags=["FF_TIMESTAMPS:true"])
    img, pid = "node:20.11.1-bookworm", 4012
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "shop/cart-service", digest("sha" + log.name, 40))
    log.section_start("restore_cache", "Restoring cache")
    log.notice("Checking cache for node-modules-protected...")
    log.out("Downloading cache from https://storage.googleapis.example/runner-cache/project/4012/node-modules-protected%s  ETag=\"%s\"" % (RESET, digest("etag", 32)))
    log.notice("Successfully extracted cache")
    log.section_end("restore_cache")
    step_script(log, img)
    log.cmd("npm ci --prefer-offline")
    log.out("\nadded 934 packages, and audited 935 packages in 21s\n\n118 packages are looking for funding\n"
            "  run `npm fund` for details\n\nfound 0 vulnerabilities")
    log.cmd("npx jest --ci --reporters=default --reporters=jest-junit")
    log.err("""
PASS src/pricing/tax.spec.ts
PASS src/pricing/currency.spec.ts
FAIL src/cart/cart.service.spec.ts
  \u25cf CartService \u203a applyDiscount \u203a caps percentage discounts at 50%

    expect(received).toBe(expected) // Object.is equality

    Expected: 50
    Received: 65

      42 |     const cart = buildCart([{ sku: "A-1", price: 100, qty: 1 }]);
      43 |     service.applyDiscount(cart, { type: "percent", value: 65 });
    > 44 |     expect(cart.discount).toBe(50);
         |                           ^
      45 |   });
      46 | });
      47 |

      at Object.<anonymous> (src/cart/cart.service.spec.ts:44:27)

PASS src/cart/cart.controller.spec.ts
PASS src/inventory/reservation.spec.ts

Test Suites: 1 failed, 4 passed, 5 total
Tests:       1 failed, 57 passed, 58 total
Snapshots:   0 total
Time:        6.412 s
Ran all test suites.
""")
    footer(log, False, artifacts="junit.xml")


@corpus("near-miss-success-unpinned",
        "docker executor, runner 15.11.0, docker:latest with docker:dind; build and push succeed, only "
        "the unpinned images deserve advice",
        advice=["unpinned-image"])
def nm_success_unpinned(log):
    r = Runner("15.11.0", "436955cb", "docker-ci-01", "ak3m9fqp")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/docs/handbook", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "docs/handbook", 356, img="docker:latest", dind="docker:dind")
    login_ok(log)
    df = ["FROM nginx:1.24.0-alpine", "COPY public/ /usr/share/nginx/html/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["nginx:1.24.0-alpine"], "92B", "14.9MB")
    bk.from_("1/2", "nginx:1.24.0-alpine", 5)
    bk.context_()
    bk.run("2/2", "COPY public/ /usr/share/nginx/html/", (), 0.3)
    bk.export("registry.gitlab.example.com/docs/handbook:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 7)
    footer(log, True)


@corpus("near-miss-cp-permission-denied",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS; a config-rendering script for the `docker` target cannot write "
        "its output file: `cp: ... Permission denied` unrelated to any daemon")
def nm_cp(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "ci-shared-03", "m2ks8dqe", flags=["FF_TIMESTAMPS:true"])
    img, pid = "registry.gitlab.example.com/platform/ci-images/config-renderer:1.4.0", 2731
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "ops/app-config", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("whoami")
    log.out("app")
    log.cmd("./scripts/render-config.sh docker")
    log.out("""
rendering config for target: docker
  template: templates/app.env.tmpl
  values:   values/docker.yaml
  output:   /etc/app/docker.env
rendered 42 keys (3 from defaults)""")
    log.err("cp: cannot create regular file '/etc/app/docker.env': Permission denied")
    log.out("render-config: failed to install /etc/app/docker.env")
    footer(log, False)


@corpus("near-miss-curl-tls-app-host",
        "docker executor, runner 17.4.0, FF_TIMESTAMPS; curl inside a RUN step rejects an application "
        "host's expired certificate (not a registry, not the daemon)")
def nm_curl_tls(log):
    log.timestamps = True
    r = Runner("17.4.0", "b92ee590", "docker-ci-06", "vr3k9mtx", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "etl/geo-enricher", 3610)
    url = "https://artifacts.internal.example/geo/GeoLite2-City-2024-09.tar.gz"
    df = ["FROM python:3.12.6-slim", "WORKDIR /srv", "RUN apt-get update && apt-get install -y curl",
          "RUN curl -fsSL -o /srv/geo.tar.gz %s" % url, "COPY . ."]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["python:3.12.6-slim"], "301B", "640.2kB")
    bk.from_("1/5", "python:3.12.6-slim", 4)
    bk.context_()
    bk.run("2/5", "WORKDIR /srv", (), 0.0)
    bk.run("3/5", df[2], [(0.51, "Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]"),
                          (1.93, "Fetched 9204 kB in 1s (6734 kB/s)"),
                          (4.20, "Setting up curl (7.88.1-10+deb12u7) ..."),
                          (4.31, "Processing triggers for libc-bin (2.36-9+deb12u8) ...")], 4.6)
    bk.fail("4/5", df[3], [
        (0.412, "curl: (60) SSL certificate problem: certificate has expired"),
        (0.412, "More details here: https://curl.se/docs/sslcerts.html"),
        (0.412, ""),
        (0.412, "curl failed to verify the legitimacy of the server and therefore could not"),
        (0.412, "establish a secure connection to it. To learn more about this situation and"),
        (0.412, "how to fix it, please visit the web page mentioned above.")], exit_code=60, line_no=4)
    footer(log, False)


@corpus("near-miss-echo-docs-docker-2376",
        "docker executor, runner 18.0.0, FF_TIMESTAMPS; the job prints the project's docs about "
        "tcp://docker:2376 and TLS, then builds and pushes successfully")
def nm_echo_docs(log):
    log.timestamps = True
    r = Runner("18.0.0", "0b3c5fa1", "docker-ci-08", "ns4f7gvk", flags=["FF_TIMESTAMPS:true"])
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/devex/ci-templates", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "devex/ci-templates", 5003)
    log.cmd("cat docs/docker-in-ci.md")
    log.out("""
# Building images in CI

Jobs talk to the dind service over TLS:

    DOCKER_HOST=tcp://docker:2376
    DOCKER_TLS_CERTDIR=/certs
    DOCKER_TLS_VERIFY=1
    DOCKER_CERT_PATH=/certs/client

The service is started by the `.docker-build` template. Plain TCP on port 2375
is switched off on purpose; keep the variables above as they are.
""")
    log.cmd("docker info --format '{{.ServerVersion}} via {{.Name}}'")
    log.out("24.0.5 via %s" % digest("dindhost" + log.name, 12))
    login_ok(log)
    df = ["FROM alpine:3.20.0", "RUN apk add --no-cache bash jq", "COPY templates/ /templates/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["alpine:3.20.0"], "110B", "58.1kB")
    bk.from_("1/3", "alpine:3.20.0", 1)
    bk.context_()
    bk.run("2/3", df[1], [(0.31, "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz"),
                          (0.77, "(1/6) Installing ncurses-terminfo-base (6.4_p20240420-r0)"),
                          (0.91, "(6/6) Installing jq (1.7.1-r0)"),
                          (0.95, "OK: 10 MiB in 20 packages")], 1.1)
    bk.run("3/3", df[2], (), 0.0)
    bk.export("registry.gitlab.example.com/devex/ci-templates:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 3)
    footer(log, True)


@corpus("near-miss-pinned-dind-success",
        "docker executor, runner 18.8.0 (timestamps by default), pinned docker:24.0.5 with "
        "docker:24.0.5-dind; curl's progress meter (`\\r` rewrites, `+` continuations), BuildKit build, "
        "push, Job succeeded")
def nm_pinned_success(log):
    log.timestamps = True
    r = Runner("18.8.0", "5a1b9e03", "docker-ci-12", "lc4w8pnh")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/search/query-api", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "search/query-api", 6120)
    log.cmd("apk add --no-cache curl")
    apk_add(log, [("brotli-libs", "1.1.0-r1"), ("c-ares", "1.28.1-r0"), ("libunistring", "1.1-r2"),
                  ("libidn2", "2.3.4-r4"), ("nghttp2-libs", "1.58.0-r0"), ("libcurl", "8.9.1-r1"),
                  ("curl", "8.9.1-r1")])
    log.cmd('curl -fL -o /usr/local/bin/hadolint "https://downloads.tools.example/hadolint/v2.12.0/'
            'hadolint-Linux-x86_64" && chmod +x /usr/local/bin/hadolint')
    log.err("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
            "                                 Dload  Upload   Total   Spent    Left  Speed")
    log.raw("\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0", "E")
    log.wait(1.0)
    log.raw("\r 37 2342k   37  879k    0     0  1402k      0  0:00:01 --:--:--  0:00:01 1401k", "E")
    log.wait(0.7)
    log.raw("\r100 2342k  100 2342k    0     0  2731k      0 --:--:-- --:--:-- --:--:-- 2731k\n", "E")
    log.cmd("hadolint Dockerfile")
    login_ok(log)
    df = ["FROM golang:1.23.4-alpine AS build", "WORKDIR /src", "COPY . .",
          "RUN CGO_ENABLED=0 go build -o /out/query-api ./cmd/query-api", "FROM alpine:3.21.0",
          "COPY --from=build /out/query-api /usr/local/bin/query-api", 'ENTRYPOINT ["query-api"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["golang:1.23.4-alpine", "alpine:3.21.0"], "305B", "2.77MB")
    bk.from_("build 1/4", "golang:1.23.4-alpine", 5)
    bk.from_("stage-1 1/2", "alpine:3.21.0", 1)
    bk.context_()
    bk.run("build 2/4", "WORKDIR /src", (), 0.0)
    bk.run("build 3/4", "COPY . .", (), 0.1)
    bk.run("build 4/4", df[3], [(1.1, "go: downloading gitlab.example.com/search/libs/tokenize v0.8.2"),
                                (1.3, "go: downloading golang.org/x/text v0.21.0")], 38.4)
    bk.run("stage-1 2/2", df[5], (), 0.1)
    bk.export("registry.gitlab.example.com/search/query-api:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 4)
    footer(log, True)


@corpus("near-miss-kaniko-success",
        "kaniko on the docker executor, runner 17.5.0, FF_TIMESTAMPS; image built and pushed")
def nm_kaniko(log):
    log.timestamps = True
    r = Runner("17.5.0", "8ec04662", "docker-ci-09", "bf2k7wqz", flags=["FF_TIMESTAMPS:true"])
    img = "gcr.io/kaniko-project/executor:v1.23.2-debug"
    kaniko_job_preamble(log, r, img, "chat/web", 2975, ref="v1.8.0")
    log.cmd('/kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" '
            '--destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_TAG}"')
    dest = "registry.gitlab.example.com/chat/web:1.8.0"
    steps = [(0, "Retrieving image manifest node:20.11.1-alpine"),
             (0, "Retrieving image node:20.11.1-alpine from registry index.docker.io"),
             (1, "Built cross stage deps: map[]"),
             (1, "Retrieving image manifest node:20.11.1-alpine"),
             (1, "Returning cached image manifest"),
             (1, "Executing 0 build triggers"),
             (1, "Building stage 'node:20.11.1-alpine' [idx: '0', base-idx: '-1']"),
             (1, "Unpacking rootfs as cmd RUN npm ci --omit=dev requires it."),
             (4, "WORKDIR /app"), (4, "Cmd: workdir"), (4, "Changed working directory to /app"),
             (4, "Creating directory /app with uid -1 and gid -1"), (4, "Taking snapshot of files..."),
             (4, "COPY package*.json ./"), (4, "Taking snapshot of files..."),
             (4, "RUN npm ci --omit=dev"), (4, "Initializing snapshotter ..."),
             (4, "Taking snapshot of full filesystem..."), (6, "Cmd: /bin/sh"),
             (6, "Args: [-c npm ci --omit=dev]"), (6, "Running: [/bin/sh -c npm ci --omit=dev]")]
    for t, m in steps:
        kaniko(log, t, m)
    log.out("\nadded 142 packages, and audited 143 packages in 9s\n\n14 packages are looking for funding\n"
            "  run `npm fund` for details\n\nfound 0 vulnerabilities")
    for t, m in [(16, "Taking snapshot of full filesystem..."), (18, "COPY . ."), (18, "Taking snapshot of files..."),
                 (18, 'CMD ["node", "server.js"]'), (18, "Pushing image to %s" % dest)]:
        kaniko(log, t, m)
    log.wait(3)
    kaniko(log, 21, "Pushed registry.gitlab.example.com/chat/web@sha256:%s" % digest("kpush" + log.name))
    footer(log, True)


@corpus("near-miss-shell-executor-success",
        "shell executor, runner 15.6.1, user in the docker group; legacy-builder build and push succeed")
def nm_shell_success(log):
    r = Runner("15.6.1", "133d7e76", "build-vm-03", "pw8e2hqx", executor="shell")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/finance/reports", CI_COMMIT_SHORT_SHA=sha[:8])
    prepare_shell(log, r, "build-vm-03")
    get_sources(log, "finance/reports", sha, root="/home/gitlab-runner/builds/pw8e2hqx/0", fresh=False)
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd("id")
    log.out("uid=997(gitlab-runner) gid=997(gitlab-runner) groups=997(gitlab-runner),998(docker)")
    log.cmd("docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .")
    log.out("Sending build context to Docker daemon  9.216MB")
    legacy_from(log, "python:3.10.8-slim", 1, 5, cached=True)
    legacy_step(log, 2, 5, "WORKDIR /app")
    legacy_step(log, 3, 5, "COPY requirements.txt .", run=False)
    legacy_step(log, 4, 5, "RUN pip install --no-cache-dir -r requirements.txt", [
        "Collecting jinja2==3.1.2", "  Downloading Jinja2-3.1.2-py3-none-any.whl (133 kB)",
        "Collecting weasyprint==57.1", "  Downloading weasyprint-57.1-py3-none-any.whl (263 kB)",
        "Installing collected packages: MarkupSafe, jinja2, weasyprint",
        "Successfully installed MarkupSafe-2.1.1 jinja2-3.1.2 weasyprint-57.1"])
    legacy_step(log, 5, 5, "COPY . .", run=False)
    log.out("Successfully built %s" % digest("res%s5" % log.name, 12))
    log.out("Successfully tagged registry.gitlab.example.com/finance/reports:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 5)
    footer(log, True)


# ===========================================================================
# Main
# ===========================================================================
def catalog_ids():
    """Every class id, read from the signature files: they are the registry."""
    import tomllib
    sig = os.path.join(os.path.dirname(HERE), "signatures")
    ids = []
    for fname in sorted(os.listdir(sig)):
        if fname.endswith(".toml"):
            with open(os.path.join(sig, fname), "rb") as f:
                ids.append(tomllib.load(f)["id"])
    return ids


CATALOG = catalog_ids()


def check(entries):
    names = [e["name"] for e in entries]
    assert len(names) == len(set(names)), "duplicate names"
    seen = set()
    for e in entries:
        for role in ("causes", "candidates", "symptoms", "advice"):
            for cls in e[role]:
                assert cls in CATALOG, "%s: unknown class %s" % (e["name"], cls)
        if e["name"].startswith("near-miss-"):
            assert not (e["causes"] or e["candidates"] or e["symptoms"]), e["name"]
        seen.update(e["causes"] + e["candidates"] + e["advice"])
    missing = [c for c in CATALOG if c not in seen]
    if os.environ.get("CORPUS_PARTIAL"):
        if missing:
            print("warning: classes without a cause/candidate/advice log: %s" % missing)
        return
    assert not missing, "classes without a cause/candidate/advice log: %s" % missing


def load_case_modules():
    """Cases may also live in `corpus/cases_*.py` files: each runs with this
    module's names in scope (helpers, `corpus`, CATALOG) so a group of classes
    keeps its logs in its own file."""
    for fname in sorted(os.listdir(HERE)):
        if fname.startswith("cases_") and fname.endswith(".py"):
            path = os.path.join(HERE, fname)
            with open(path) as f:
                exec(compile(f.read(), path, "exec"), globals())


def main():
    load_case_modules()
    check(CORPUS)
    for e in CORPUS:
        log = Log(e["name"], "2024-01-01T00:00:00")
        _EXPAND.clear()
        e["fn"](log)
        with open(os.path.join(HERE, e["name"] + ".log"), "wb") as f:
            f.write(log.render())
        for fname, text in sorted(log.extras.items()):
            with open(os.path.join(HERE, fname), "wb") as f:
                f.write(text.encode())
        with open(os.path.join(HERE, e["name"] + ".expect.toml"), "w") as f:
            f.write(expect_toml(e))
    print("wrote %d logs to %s" % (len(CORPUS), HERE))


if __name__ == "__main__":
    main()

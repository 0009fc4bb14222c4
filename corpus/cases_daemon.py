# Cases for reaching the daemon: dind-tls-hostname and client-daemon-api-skew (catalog v2).
# Error lines come from real binaries run for the purpose: docker CLI 20.10.24 (Go 1.19) and
# 28.2.2 (Go 1.24), docker-py 7.1.0, docker-compose 1.29.2 (Debian) against dockerd 20.10.24,
# with a server certificate made the way the dind entrypoint makes it (sorted SANs: the
# container id, docker, localhost, its IPs) and with DOCKER_API_VERSION outside the daemon's
# window. Hosts, versions and ids were then set to what a GitLab job would show.


@corpus("dind-tls-hostname-alias",
        "docker executor, runner 17.8.3, CI_DEBUG_SERVICES; the dind service gets `alias: dind` and "
        "DOCKER_HOST=tcp://dind:2376: the certificates are shared and TLS is on, but the server "
        "certificate the entrypoint generated names docker, localhost and the container id, not dind",
        causes=["dind-tls-hostname"])
def dind_tls_hostname_alias(log):
    r = Runner("17.8.3", "690ce25c", "docker-ci-09", "v7kq2mzd", flags=["CI_DEBUG_SERVICES:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 6114
    cid = digest("cid" + log.name, 12)
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % dind)
    pull(log, dind)
    log.svc("dind", "\n".join(dind_cert_lines()), 0.05)
    log.println("Waiting for services to be up and running (timeout 30 seconds)...")
    log.svc("dind", "\n".join(dockerd_lines(log, "24.0.5")), 0.01)
    pull(log, img)
    log.section_end("prepare_executor")
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "payments/ledger-api", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd('env | grep ^DOCKER_ | sort')
    log.out("DOCKER_CERT_PATH=/certs/client\nDOCKER_HOST=tcp://dind:2376\nDOCKER_TLS_CERTDIR=/certs\n"
            "DOCKER_TLS_VERIFY=1")
    log.cmd("docker info")
    docker_info_client(log)
    docker_info_server_error(log, 'error during connect: Get "https://dind:2376/v1.24/info": tls: failed to '
                                  'verify certificate: x509: certificate is valid for %s, docker, localhost, '
                                  'not dind' % cid)
    footer(log, False)


@corpus("dind-tls-hostname-compose-v1-excerpt",
        "a pasted excerpt (no preamble) of docker-compose 1.29 in a job whose dind service is pulled "
        "from a mirror and reached under its derived name; Python's match_hostname lists the "
        "certificate's names (reproduced wording)",
        causes=["dind-tls-hostname"])
def dind_tls_hostname_compose(log):
    host = "registry.example.com__mirror__docker"
    cid = digest("cid" + log.name, 12)
    log.out("""$ export DOCKER_HOST=tcp://%(h)s:2376
$ docker-compose -f docker-compose.ci.yml up -d --build
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/docker/api/client.py", line 214, in _retrieve_server_version
    return self.version(api_version=False)["ApiVersion"]
  File "/usr/lib/python3/dist-packages/requests/adapters.py", line 517, in send
    raise SSLError(e, request=request)
requests.exceptions.SSLError: HTTPSConnectionPool(host='%(h)s', port=2376): Max retries exceeded with url: /version (Caused by SSLError(CertificateError("hostname '%(h)s' doesn't match either of '%(c)s', 'docker', 'localhost', '127.0.0.1', '172.17.0.3'")))

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/bin/docker-compose", line 33, in <module>
    sys.exit(load_entry_point('docker-compose==1.29.2', 'console_scripts', 'docker-compose')())
  File "/usr/lib/python3/dist-packages/docker/api/client.py", line 221, in _retrieve_server_version
    raise DockerException(
docker.errors.DockerException: Error while fetching server API version: HTTPSConnectionPool(host='%(h)s', port=2376): Max retries exceeded with url: /version (Caused by SSLError(CertificateError("hostname '%(h)s' doesn't match either of '%(c)s', 'docker', 'localhost', '127.0.0.1', '172.17.0.3'")))
ERROR: Job failed: exit code 1""" % dict(h=host, c=cid))


@corpus("near-miss-x509-app-hostname",
        "a deploy job's smoke test reaches the application under a name its certificate lacks: Go's "
        "HostnameError against an application host, no daemon involved; not dind-tls-hostname")
def near_miss_x509_app_hostname(log):
    r = Runner("17.8.3", "690ce25c", "docker-ci-09", "v7kq2mzd")
    img, pid = "alpine/k8s:1.29.2", 6120
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "payments/ledger-api", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("kubectl --context prod rollout status deploy/ledger-api --timeout=120s")
    log.out('deployment "ledger-api" successfully rolled out')
    log.cmd("./scripts/smoke.sh https://ledger.internal.example:8443/healthz")
    log.out('Get "https://ledger.internal.example:8443/healthz": tls: failed to verify certificate: x509: '
            'certificate is valid for ledger.example.com, api.example.com, not ledger.internal.example')
    log.out("smoke test failed after 3 attempts")
    footer(log, False)


@corpus("client-daemon-api-skew-dind-29",
        "docker executor, runner 18.8.0 (January 2026); the job image is the stale docker:19.03.12 "
        "while the unpinned docker:dind service now runs Engine 29, whose minimum API is 1.44",
        causes=["client-daemon-api-skew"], advice=["unpinned-image"])
def api_skew_dind_29(log):
    r = Runner("18.8.0", "5e4a6a7e", "docker-ci-02", "q8mzk4wd")
    img, dind, pid = "docker:19.03.12", "docker:dind", 7751
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "mobile/release-tools", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker version")
    docker_version_client(log, "19.03.12", "1.40", "go1.13.10", "48a66213fe")
    log.err("Error response from daemon: client version 1.40 is too old. Minimum supported API version "
            "is 1.44, please upgrade your client to a newer version")
    footer(log, False)


@corpus("client-daemon-api-skew-runner-preparation",
        "docker+machine executor, runner 16.6.1 on machines that now install Engine 29: the runner's "
        "own client is refused before any job container exists (executor side, retried)",
        causes=["client-daemon-api-skew"])
def api_skew_runner_preparation(log):
    r = Runner("16.6.1", "f5da3c5a", "autoscale-manager-1", "p3xw9rkt", executor="docker+machine")
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker+machine" executor')
    msg = ("Error response from daemon: client version 1.42 is too old. Minimum supported API version "
           "is 1.44, please upgrade your client to a newer version (docker.go:779:0s)")
    log.errorln("Failed to remove network for build")
    for i in range(3):
        log.errorln("Preparation failed: " + msg)
        log.infoln("Will be retried in 3s ...")
        log.wait(3)
    log.section_end("prepare_executor")
    log.errorln("Job failed (system failure): " + msg)


@corpus("client-daemon-api-skew-testcontainers-excerpt",
        "a pasted Maven excerpt: Testcontainers' docker-java asks for API 1.32 and a dind 29 service "
        "refuses it; every strategy then fails (no preamble)",
        causes=["client-daemon-api-skew"])
def api_skew_testcontainers(log):
    refused = ('Status 400: {"message":"client version 1.32 is too old. Minimum supported API version is '
               '1.44, please upgrade your client to a newer version"}')
    log.out("""[INFO] Running com.example.orders.OrderRepositoryIT
10:41:07.412 [main] INFO org.testcontainers.dockerclient.DockerClientProviderStrategy -- Loaded org.testcontainers.dockerclient.EnvironmentAndSystemPropertyClientProviderStrategy from ~/.testcontainers.properties, will try it first
10:41:07.981 [main] INFO org.testcontainers.dockerclient.DockerClientProviderStrategy -- Found Docker environment with Environment variables, system properties and defaults. Resolved dockerHost=tcp://docker:2375
10:41:08.104 [main] ERROR org.testcontainers.dockerclient.DockerClientProviderStrategy -- Could not find a valid Docker environment. Please check configuration. Attempted configurations were:
\tEnvironmentAndSystemPropertyClientProviderStrategy: failed with exception BadRequestException (%s
)
\tUnixSocketClientProviderStrategy: failed with exception InvalidConfigurationException (Could not find unix domain socket). Root cause NoSuchFileException (/var/run/docker.sock)
As no valid configuration was found, execution cannot continue.
[ERROR] Tests run: 4, Failures: 0, Errors: 4, Skipped: 0, Time elapsed: 1.218 s <<< FAILURE! -- in com.example.orders.OrderRepositoryIT
[ERROR] com.example.orders.OrderRepositoryIT -- Time elapsed: 1.218 s <<< ERROR!
java.lang.IllegalStateException: Could not find a valid Docker environment. Please see logs and check configuration""" % refused)


@corpus("near-miss-docker-version-api-window",
        "a successful job prints `docker version`: client API 1.52 against an engine whose API window "
        "is 1.44..1.52; the minimum-version line is information, not a skew")
def near_miss_docker_version_api(log):
    r = Runner("18.8.0", "5e4a6a7e", "docker-ci-02", "q8mzk4wd")
    img, dind, pid = "docker:29.1.2", "docker:29.1.2-dind", 7760
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "mobile/release-tools", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("docker version")
    docker_version_client(log, "29.1.2", "1.52", "go1.25.5", "890dcca")
    log.out("""
Server: Docker Engine - Community
 Engine:
  Version:          29.1.2
  API version:      1.52 (minimum version 1.44)
  Go version:       go1.25.5
  Git commit:       de45c2a
  Built:            Tue Dec  2 21:55:19 2025
  OS/Arch:          linux/amd64
  Experimental:     false
""")
    log.cmd('echo "pinned API: ${DOCKER_API_VERSION:-negotiated}"')
    log.out("pinned API: negotiated")
    footer(log, True)

# Near misses of ordinary jobs (issue: false alarms on real logs): failing builds, tests,
# deploys and scans that mention docker, daemons, registries, TLS, DNS or ports 2375/2376
# in passing, and successful jobs whose output carries daemon words. Each is written the
# way the named tool prints; none yields an error-severity finding unless its expectation
# names the true cause.


def plain_job(log, r, img, project, pid):
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, project, digest("sha" + log.name, 40))
    step_script(log, img)


@corpus("near-miss-go-test-docker-package",
        "docker executor, runner 17.7.0, golang image, no service; unit tests of the project's own "
        "`internal/docker` package fail: paths and assertions print docker, DOCKER_HOST and tcp://docker:2376")
def nm_go_docker_pkg(log):
    r = Runner("17.7.0", "3153ccc6", "docker-ci-05", "qe4t7nvb")
    plain_job(log, r, "golang:1.23.4-bookworm", "platform/deployer", 5120)
    log.cmd("go test ./... 2>&1 | tee report.txt")
    p = "gitlab.example.com/platform/deployer"
    log.out("""
ok  	%(p)s/internal/config	0.015s
--- FAIL: TestHostFromEnv (0.00s)
    --- FAIL: TestHostFromEnv/tls_default (0.00s)
        env_test.go:41: DOCKER_HOST: got "tcp://docker:2375", want "tcp://docker:2376"
    --- FAIL: TestHostFromEnv/socket_fallback (0.00s)
        env_test.go:41: DOCKER_HOST: got "", want "unix:///var/run/docker.sock"
FAIL
FAIL	%(p)s/internal/docker	0.022s
ok  	%(p)s/internal/registry	0.041s
FAIL""" % dict(p=p))
    footer(log, False)


@corpus("dind-mtu-npm-econnreset-in-run",
        "docker executor, runner 17.10.0, FF_TIMESTAMPS; healthy dind, `npm ci` inside a BuildKit RUN step "
        "gets ECONNRESET from the npm registry after 30 s: a reset during a build inside dind is the "
        "catalog's MTU evidence (a warning; a flaky registry would print the same)",
        causes=["dind-mtu"])
def nm_npm_reset(log):
    log.timestamps = True
    r = Runner("17.10.0", "8b64d7f2", "docker-ci-02", "t3xyf9ep", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "shop/storefront", 4410)
    df = ["FROM node:20.18.1-alpine", "WORKDIR /app", "COPY package.json package-lock.json ./",
          "RUN npm ci --no-audit", "COPY . .", "RUN npm run build"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["node:20.18.1-alpine"], "188B", "5.12MB")
    bk.from_("1/6", "node:20.18.1-alpine", 4)
    bk.context_()
    bk.run("2/6", "WORKDIR /app", (), 0.0)
    bk.run("3/6", df[2], (), 0.0)
    bk.fail("4/6", df[3], [
        (31.2, "npm error code ECONNRESET"),
        (31.2, "npm error network aborted"),
        (31.2, "npm error network This is a problem related to network connectivity."),
        (31.2, "npm error network In most cases you are behind a proxy or have bad network settings."),
        (31.2, "npm error network"),
        (31.2, "npm error network If you are behind a proxy, please make sure that the"),
        (31.2, "npm error network 'proxy' config is set properly.  See: 'npm help config'"),
        (31.3, "npm error A complete log of this run can be found in: /root/.npm/_logs/2025-03-26T08_12_44_102Z-debug-0.log")],
        line_no=4)
    footer(log, False)


@corpus("near-miss-go-mod-timeout-legacy",
        "docker executor, runner 16.6.1, legacy builder; `go mod download` inside a RUN step times out "
        "on the module proxy (i/o timeout): the build's network, not the daemon")
def nm_go_mod_legacy(log):
    r = Runner("16.6.1", "f5da3c5a", "docker-ci-03", "hb2n6wxd")
    dind_job(log, r, "finance/fx-rates", 2290)
    log.cmd('DOCKER_BUILDKIT=0 docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  184.3kB")
    legacy_from(log, "golang:1.21.5-alpine", 1, 6)
    legacy_step(log, 2, 6, "WORKDIR /src")
    legacy_step(log, 3, 6, "COPY go.mod go.sum ./", run=False)
    log.out("Step 4/6 : RUN go mod download")
    log.out(" ---> Running in %s" % digest("gm" + log.name, 12))
    log.out('go: github.example.com/jackc/pgx/v5@v5.5.1: Get "https://proxy.golang.org/github.example.com/jackc/'
            'pgx/v5/@v/v5.5.1.zip": dial tcp 142.250.74.81:443: i/o timeout')
    log.err("The command '/bin/sh -c go mod download' returned a non-zero code: 1")
    footer(log, False)


@corpus("near-miss-kubectl-x509-hostname",
        "kubernetes executor, runner 17.4.0; a deploy job's kubectl reaches the cluster API under a name its "
        "certificate does not carry: the cluster's certificate, not dind's")
def nm_kubectl_hostname(log):
    r = Runner("17.4.0", "b92ee590", "k8s-deploy-runner", "c9w2rzpk", executor="kubernetes")
    prepare_k8s(log, r, "bitnami/kubectl:1.30.4", "gitlab-runner", 3391, "w8k2n4rq", svc_count=0)
    get_sources(log, "platform/manifests", digest("sha" + log.name, 40))
    step_script(log)
    log.cmd("kubectl --server https://k8s-api.corp.example:6443 apply -k overlays/prod")
    log.err("E0924 10:14:07.519833      27 memcache.go:265] couldn't get current server API group list: Get "
            "\"https://k8s-api.corp.example:6443/api?timeout=32s\": tls: failed to verify certificate: x509: "
            "certificate is valid for kubernetes, kubernetes.default, kubernetes.default.svc, 10.96.0.1, not "
            "k8s-api.corp.example")
    log.err("error: unable to recognize \"overlays/prod\": Get \"https://k8s-api.corp.example:6443/api?timeout=32s\": "
            "tls: failed to verify certificate: x509: certificate is valid for kubernetes, kubernetes.default, "
            "kubernetes.default.svc, 10.96.0.1, not k8s-api.corp.example")
    footer(log, False)


@corpus("near-miss-terraform-x509-provider",
        "docker executor, runner 17.9.1, FF_TIMESTAMPS, terraform image; `terraform init` behind an "
        "intercepting proxy cannot verify the provider registry: the job image's trust store, no daemon involved")
def nm_terraform(log):
    log.timestamps = True
    r = Runner("17.9.1", "bbf75488", "ci-shared-03", "m2ks8dqe", flags=["FF_TIMESTAMPS:true"])
    plain_job(log, r, "hashicorp/terraform:1.9.8", "infra/network", 802)
    log.cmd("terraform init -input=false")
    log.out("""
Initializing the backend...

Successfully configured the backend "http"! Terraform will automatically
use this backend unless the backend configuration changes.
Initializing provider plugins...
- Finding hashicorp/aws versions matching "~> 5.70"...
""")
    log.err("""
Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws:
could not connect to registry.terraform.io: failed to request discovery
document: Get "https://registry.terraform.io/.well-known/terraform.json": tls:
failed to verify certificate: x509: certificate signed by unknown authority
""")
    footer(log, False)


@corpus("near-miss-docker-info-warnings-success",
        "docker executor, runner 17.0.0, TLS switched off on purpose (DOCKER_TLS_CERTDIR=\"\", tcp://docker:2375); "
        "docker info ends with the daemon's warnings (API without encryption, no swap limit, bridge-nf); "
        "login prints the unencrypted-credentials warning; build and push succeed")
def nm_info_warnings(log):
    r = Runner("17.0.0", "44feccdf", "docker-ci-11", "kd8s3xmq")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/data/ingest", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "data/ingest", 1733)
    log.cmd("docker info")
    docker_info_ok(log)
    log.err("""WARNING: API is accessible on http://0.0.0.0:2375 without encryption.
         Access to the remote API is equivalent to root access on the host. Refer
         to the 'Docker daemon attack surface' section in the documentation for
         more information: https://docs.docker.com/go/attack-surface/
WARNING: No swap limit support
WARNING: bridge-nf-call-iptables is disabled
WARNING: bridge-nf-call-ip6tables is disabled""")
    login_ok(log)
    df = ["FROM python:3.12.3-slim", "COPY . /app", 'CMD ["python", "/app/main.py"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["python:3.12.3-slim"], "98B", "402.1kB")
    bk.from_("1/2", "python:3.12.3-slim", 4)
    bk.context_()
    bk.run("2/2", "COPY . /app", (), 0.1)
    bk.export("registry.gitlab.example.com/data/ingest:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 5)
    footer(log, True)


def wait_loop(log, host, tries):
    log.cmd("for i in $(seq 1 30); do docker info >/dev/null 2>&1 && break; docker version >/dev/null || "
            "true; echo \"waiting for docker ($i)\"; sleep 1; done")
    for i in range(1, tries + 1):
        log.err("Cannot connect to the Docker daemon at %s. Is the docker daemon running?" % host)
        log.out("waiting for docker (%d)" % i)
        log.wait(1.0)


@corpus("service-not-ready-wait-loop-2375-success",
        "docker executor, runner 16.10.0, DOCKER_HOST tcp://docker:2375 with TLS off; the script's own wait "
        "loop sees `Cannot connect` three times while dind starts, then the daemon answers and the job "
        "succeeds: the service was slow, TLS and port are fine",
        causes=["service-not-ready"])
def wait_loop_2375(log):
    r = Runner("16.10.0", "81ab07f6", "docker-ci-04", "fy2m8rbq")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/ops/backup-agent", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "ops/backup-agent", 2604)
    wait_loop(log, "tcp://docker:2375", 3)
    log.cmd("docker version --format '{{.Server.Version}}'")
    log.out("24.0.5")
    login_ok(log)
    df = ["FROM alpine:3.19.1", "RUN apk add --no-cache restic", "COPY agent.sh /usr/local/bin/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["alpine:3.19.1"], "104B", "3.1kB")
    bk.from_("1/3", "alpine:3.19.1", 1)
    bk.context_()
    bk.run("2/3", df[1], [(0.4, "OK: 28 MiB in 19 packages")], 0.9)
    bk.run("3/3", df[2], (), 0.0)
    bk.export("registry.gitlab.example.com/ops/backup-agent:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 3)
    footer(log, True)


@corpus("service-not-ready-wait-loop-2376-success",
        "docker executor, runner 17.11.0, FF_TIMESTAMPS, TLS on tcp://docker:2376; the wait loop sees "
        "`Cannot connect` twice, then the daemon answers; the job succeeds",
        causes=["service-not-ready"])
def wait_loop_2376(log):
    log.timestamps = True
    r = Runner("17.11.0", "0f67ff19", "docker-ci-08", "ns4f7gvk", flags=["FF_TIMESTAMPS:true"])
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/web/landing", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "web/landing", 3927, img="docker:27.3.1", dind="docker:27.3.1-dind")
    wait_loop(log, "tcp://docker:2376", 2)
    df = ["FROM nginx:1.27.2-alpine", "COPY public/ /usr/share/nginx/html/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["nginx:1.27.2-alpine"], "81B", "1.2MB")
    bk.from_("1/2", "nginx:1.27.2-alpine", 5)
    bk.context_()
    bk.run("2/2", df[1], (), 0.1)
    bk.export("registry.gitlab.example.com/web/landing:%s" % sha[:8])
    footer(log, True)


@corpus("near-miss-trivy-cves",
        "docker executor, runner 17.8.3, trivy image; the scan finds HIGH CVEs whose titles say "
        "unauthorized, denied, certificate and docker, and `--exit-code 1` fails the job")
def nm_trivy(log):
    r = Runner("17.8.3", "690ce25c", "docker-ci-06", "vr3k9mtx")
    plain_job(log, r, "aquasec/trivy:0.58.1", "payments/api", 2213)
    log.cmd('trivy image --exit-code 1 --severity HIGH,CRITICAL --no-progress "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"')
    log.out("""2025-02-04T10:21:07Z	INFO	[vuln] Vulnerability scanning is enabled
2025-02-04T10:21:07Z	INFO	[secret] Secret scanning is enabled
2025-02-04T10:21:12Z	INFO	Detected OS	family="alpine" version="3.19.1"
2025-02-04T10:21:12Z	INFO	[alpine] Detecting vulnerabilities...	os_version="3.19" repository="3.19" pkg_num=41
2025-02-04T10:21:12Z	INFO	Number of language-specific files	num=1
2025-02-04T10:21:12Z	INFO	[gobinary] Detecting vulnerabilities...

registry.gitlab.example.com/payments/api:4f1c2b9a (alpine 3.19.1)

Total: 1 (HIGH: 1, CRITICAL: 0)

┌────────────┬────────────────┬──────────┬────────┬───────────────────┬───────────────┬──────────────────────────────────────────────────────────┐
│  Library   │ Vulnerability  │ Severity │ Status │ Installed Version │ Fixed Version │                          Title                           │
├────────────┼────────────────┼──────────┼────────┼───────────────────┼───────────────┼──────────────────────────────────────────────────────────┤
│ libcrypto3 │ CVE-2024-6119  │ HIGH     │ fixed  │ 3.1.4-r5          │ 3.1.7-r0      │ openssl: Possible denial of service in X.509 name checks │
│            │                │          │        │                   │               │ https://avd.aquasec.com/nvd/cve-2024-6119                │
└────────────┴────────────────┴──────────┴────────┴───────────────────┴───────────────┴──────────────────────────────────────────────────────────┘

usr/local/bin/api (gobinary)

Total: 2 (HIGH: 2, CRITICAL: 0)

┌─────────────────────────────┬────────────────┬──────────┬────────┬───────────────────┬───────────────┬──────────────────────────────────────────────────────────────┐
│           Library           │ Vulnerability  │ Severity │ Status │ Installed Version │ Fixed Version │                            Title                             │
├─────────────────────────────┼────────────────┼──────────┼────────┼───────────────────┼───────────────┼──────────────────────────────────────────────────────────────┤
│ github.com/docker/docker    │ CVE-2024-41110 │ CRITICAL │ fixed  │ v24.0.7+incompat… │ 23.0.15, 26.1.5, │ moby: Authz zero length regression                           │
│                             │                │          │        │                   │ 27.1.1, 25.0.6   │ https://avd.aquasec.com/nvd/cve-2024-41110                   │
├─────────────────────────────┼────────────────┼──────────┼────────┼───────────────────┼───────────────┼──────────────────────────────────────────────────────────────┤
│ golang.org/x/crypto         │ CVE-2024-45337 │ CRITICAL │ fixed  │ v0.28.0           │ 0.31.0        │ golang.org/x/crypto/ssh: Misuse of                           │
│                             │                │          │        │                   │               │ ServerConfig.PublicKeyCallback may cause authorization       │
│                             │                │          │        │                   │               │ bypass in golang.org/x/crypto                                │
└─────────────────────────────┴────────────────┴──────────┴────────┴───────────────────┴───────────────┴──────────────────────────────────────────────────────────────┘""")
    footer(log, False)


@corpus("near-miss-grype-cves",
        "docker executor, runner 17.5.0, FF_TIMESTAMPS; grype lists vulnerabilities whose package names say "
        "docker and whose ids describe unauthorized access, then fails on `--fail-on high`")
def nm_grype(log):
    log.timestamps = True
    r = Runner("17.5.0", "8ec04662", "docker-ci-09", "bf2k7wqz", flags=["FF_TIMESTAMPS:true"])
    plain_job(log, r, "anchore/grype:v0.84.0-debug", "tools/registry-sync", 1187)
    log.cmd("grype dir:. --fail-on high --only-fixed")
    log.out("""NAME                           INSTALLED               FIXED-IN                TYPE       VULNERABILITY        SEVERITY
github.com/docker/distribution v2.8.1+incompatible     2.8.2-beta.1            go-module  GHSA-hqxw-f8mx-cpmw  High
github.com/docker/docker       v20.10.24+incompatible  25.0.6                  go-module  GHSA-v23v-6jw2-98fq  Critical
github.com/docker/docker       v20.10.24+incompatible  24.0.9                  go-module  GHSA-xw73-rw38-6vjc  Medium
golang.org/x/net               v0.17.0                 0.23.0                  go-module  GHSA-4v7x-pqxf-cx7m  Medium""")
    log.err("1 error occurred:\n\t* discovered vulnerabilities at or above the severity threshold")
    footer(log, False)


@corpus("near-miss-docker-py-409-remove-running",
        "docker executor, runner 17.2.0, healthy dind; a pytest fixture's teardown removes a container that "
        "is still running and docker-py raises APIError 409 Conflict: a test bug, not a name clash")
def nm_dockerpy_409(log):
    r = Runner("17.2.0", "6428c282", "docker-ci-01", "ak3m9fqp")
    dind_job(log, r, "data/etl-runner", 3118, img="python:3.12.4-bookworm")
    log.cmd("pip install -q -r requirements-test.txt")
    log.cmd("pytest -q tests/integration")
    log.out("""..........E                                                              [100%]
==================================== ERRORS ====================================
_________________ ERROR at teardown of test_worker_processes_batch _________________

    @pytest.fixture
    def worker(docker_client):
        c = docker_client.containers.run("etl-worker:test", detach=True, name=f"worker-{uuid4().hex[:8]}")
        yield c
>       c.remove()

tests/integration/conftest.py:31: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _
/usr/local/lib/python3.12/site-packages/docker/models/containers.py:367: in remove
    return self.client.api.remove_container(self.id, **kwargs)
/usr/local/lib/python3.12/site-packages/docker/utils/decorators.py:19: in wrapped
    return f(self, resource_id, *args, **kwargs)
/usr/local/lib/python3.12/site-packages/docker/api/container.py:1037: in remove_container
    self._raise_for_status(res)
/usr/local/lib/python3.12/site-packages/docker/api/client.py:277: in _raise_for_status
    raise create_api_error_from_http_exception(e) from e
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

E           docker.errors.APIError: 409 Client Error for http://docker:2375/v1.45/containers/8f2c91d0a4b7?v=False&link=False&force=False: Conflict ("cannot remove container "/worker-3fa9c1e2": container is running: stop the container before removing or force remove")

/usr/local/lib/python3.12/site-packages/docker/errors.py:39: APIError
=========================== short test summary info ============================
ERROR tests/integration/test_worker.py::test_worker_processes_batch - docker.errors.APIError: 409 Client Error for http://docker:2375/v1.45/containers/8f2c91d0a4b7?v=False&link=False&force=False: Conflict ("cannot remove container "/worker-3fa9c1e2": container is running: stop the container before removing or force remove")
10 passed, 1 error in 14.87s""")
    footer(log, False)


@corpus("near-miss-compose-unhealthy-db",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS; `docker compose up --wait` for integration tests: "
        "the database container never becomes healthy (bad init script); the daemon works throughout")
def nm_compose_unhealthy(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "docker-ci-07", "dm8q2wvc", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "crm/contacts", 4470, img="docker:27.3.1", dind="docker:27.3.1-dind")
    log.cmd("docker compose -f compose.ci.yml up -d --wait")
    log.err("""
 Network contacts_default  Creating
 Network contacts_default  Created
 Volume "contacts_pgdata"  Creating
 Volume "contacts_pgdata"  Created
 Container contacts-db-1  Creating
 Container contacts-db-1  Created
 Container contacts-api-1  Creating
 Container contacts-api-1  Created
 Container contacts-db-1  Starting
 Container contacts-db-1  Started
 Container contacts-db-1  Waiting
 Container contacts-db-1  Error
dependency failed to start: container contacts-db-1 is unhealthy""")
    log.cmd("docker compose -f compose.ci.yml logs db | tail -n 5")
    log.out("""db-1  | /usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/01-schema.sql
db-1  | psql:/docker-entrypoint-initdb.d/01-schema.sql:14: ERROR:  syntax error at or near "PRIMARY"
db-1  | LINE 3:     id uuid PRIMARY KEY DEFAULT gen_random_uuid() PRIMARY KEY,
db-1  |                                                            ^
db-1  | psql:/docker-entrypoint-initdb.d/01-schema.sql: ERROR: init script failed""")
    footer(log, False)


@corpus("near-miss-docker-run-tests-fail",
        "docker executor, runner 16.9.0, healthy dind; the job runs the freshly built image's test suite "
        "with `docker run` and the tests fail (exit code 1)")
def nm_docker_run_tests(log):
    r = Runner("16.9.0", "656c1943", "docker-ci-10", "jw5p9xcm")
    dind_job(log, r, "ml/features", 1402)
    log.cmd('docker run --rm "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" python -m pytest -q')
    log.out("""Unable to find image 'registry.gitlab.example.com/ml/features:1a2b3c4d' locally
1a2b3c4d: Pulling from ml/features
Digest: sha256:%s
Status: Downloaded newer image for registry.gitlab.example.com/ml/features:1a2b3c4d
..F....
=================================== FAILURES ===================================
_____________________________ test_scaler_roundtrip _____________________________
tests/test_scaler.py:22: in test_scaler_roundtrip
    assert restored == pytest.approx(values)
E   assert [0.0, 0.5, 1.0] == approx([0.0 ± 1.0e-12, 0.5 ± 5.0e-07, 0.99 ± 9.9e-07])
=========================== short test summary info ============================
FAILED tests/test_scaler.py::test_scaler_roundtrip - assert [0.0, 0.5, 1.0] == approx([0.0, 0.5, 0.99])
1 failed, 6 passed in 2.31s""" % digest("runimg" + log.name))
    footer(log, False)


@corpus("near-miss-iptables-test-job",
        "docker executor, runner 17.3.1, a firewall-script test job in a plain alpine image (not privileged, "
        "no dind): `iptables-restore --test` refuses to run without root, the same words the dind daemon "
        "prints when unprivileged, but no daemon is involved")
def nm_iptables_test(log):
    r = Runner("17.3.1", "66269445", "ci-shared-02", "p2x8mbvd")
    plain_job(log, r, "alpine:3.20.3", "netops/edge-firewall", 2966)
    log.cmd("apk add --no-cache iptables >/dev/null")
    log.cmd("iptables-restore --test rules/edge.v4")
    log.err("iptables-restore v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)")
    footer(log, False)


@corpus("near-miss-iptables-test-job-with-dind",
        "docker executor, runner 17.3.1, FF_TIMESTAMPS; the job has a healthy dind service for its image and "
        "also unit-tests its firewall rules in the (unprivileged) job container: iptables refuses without "
        "root there, while the daemon answers")
def nm_iptables_dind(log):
    log.timestamps = True
    r = Runner("17.3.1", "66269445", "ci-shared-02", "p2x8mbvd", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "netops/edge-gateway", 2967)
    log.cmd("docker info --format '{{.ServerVersion}}'")
    log.out("24.0.5")
    log.cmd("apk add --no-cache iptables >/dev/null")
    log.cmd("./test/firewall.sh")
    log.out("loading rules/edge.v4 into a scratch table")
    log.err("iptables v1.8.10 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)")
    log.out("firewall test: FAILED (could not load rules)")
    footer(log, False)


@corpus("near-miss-mount-tmpfs-script",
        "docker executor, runner 16.11.0, busybox-based job image, no dind; the test script mounts a tmpfs "
        "for its cache and busybox `mount` refuses in an unprivileged container")
def nm_mount_tmpfs(log):
    r = Runner("16.11.0", "91a27b2a", "ci-shared-01", "bn6r2kqs")
    plain_job(log, r, "alpine:3.19.1", "tools/fscache", 1840)
    log.cmd("mkdir -p /mnt/ramcache && mount -t tmpfs -o size=256m tmpfs /mnt/ramcache")
    log.err("mount: permission denied (are you root?)")
    footer(log, False)


@corpus("near-miss-cache-upload-dns-success",
        "docker executor, runner 17.4.0; the job succeeds but the runner cannot upload the cache (its "
        "object storage name does not resolve): a runner warning, not a daemon problem")
def nm_cache_dns(log):
    r = Runner("17.4.0", "b92ee590", "docker-ci-02", "t3xyf9ep")
    plain_job(log, r, "node:20.18.1-bookworm", "web/admin-ui", 3502)
    log.cmd("npm ci && npm run build")
    log.out("added 812 packages in 21s\n\n> admin-ui@3.4.0 build\n> vite build\n\n✓ 1432 modules transformed.\n✓ built in 18.44s")
    log.section_end("step_script")
    log.section_start("archive_cache", "Saving cache for successful job")
    log.notice("Creating cache node-modules-protected...")
    log.out("node_modules/: found 41210 matching artifact files and directories%s" % RESET)
    log.warningln('Uploading cache.zip to https://s3.runner-cache.example/runner/project/3502/node-modules-protected: '
                  'Put "https://s3.runner-cache.example/runner/project/3502/node-modules-protected": dial tcp: '
                  'lookup s3.runner-cache.example on 10.0.0.2:53: no such host')
    log.warningln("Retrying...                                         %s  context=cache-uploader error=request redirected" % RESET)
    log.notice("Failed to create cache")
    log.section_end("archive_cache")
    log.section_start("cleanup_file_variables", "Cleaning up project directory and file based variables")
    log.section_end("cleanup_file_variables")
    log.infoln("Job succeeded")


@corpus("near-miss-deploy-remote-daemon-2375",
        "docker executor, runner 17.9.0, FF_TIMESTAMPS; no dind service: a deploy job drives a remote swarm "
        "manager over tcp://swarm-mgr-01.prod.example:2375 and the manager is down; none of the catalog's "
        "dind/job-image classes applies")
def nm_remote_daemon(log):
    log.timestamps = True
    r = Runner("17.9.0", "c0bb0a5b", "deploy-runner", "dq3v8nkm", flags=["FF_TIMESTAMPS:true"])
    plain_job(log, r, "docker:27.3.1", "ops/stack", 611)
    log.cmd("export DOCKER_HOST=tcp://swarm-mgr-01.prod.example:2375")
    log.cmd("docker stack deploy --with-registry-auth -c stack.yml web")
    log.err("Cannot connect to the Docker daemon at tcp://swarm-mgr-01.prod.example:2375. Is the docker daemon running?")
    footer(log, False)


@corpus("near-miss-deploy-remote-daemon-with-dind",
        "docker executor, runner 17.9.0; the job builds with a healthy dind (push succeeds), then deploys to a "
        "remote swarm manager at 10.40.2.11:2375 which refuses: the deploy target is down, dind is fine")
def nm_remote_daemon_dind(log):
    r = Runner("17.9.0", "c0bb0a5b", "deploy-runner", "dq3v8nkm")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/ops/portal", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "ops/portal", 612, img="docker:27.3.1", dind="docker:27.3.1-dind")
    login_ok(log)
    df = ["FROM nginx:1.27.2-alpine", "COPY dist/ /usr/share/nginx/html/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["nginx:1.27.2-alpine"], "81B", "2.4MB")
    bk.from_("1/2", "nginx:1.27.2-alpine", 5)
    bk.context_()
    bk.run("2/2", df[1], (), 0.1)
    bk.export("registry.gitlab.example.com/ops/portal:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 4)
    log.cmd("docker -H tcp://10.40.2.11:2375 service update --image \"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA\" portal_web")
    log.err('error during connect: Post "http://10.40.2.11:2375/v1.47/services/portal_web/update": dial tcp '
            '10.40.2.11:2375: connect: connection refused')
    footer(log, False)


@corpus("near-miss-app-test-port-2375",
        "docker executor, runner 16.8.1, Go image, no service; an integration test of the project's Docker "
        "API proxy dials its own fake upstream on 127.0.0.1:2375 before the test server has started")
def nm_app_2375(log):
    r = Runner("16.8.1", "a6097117", "docker-ci-05", "qe4t7nvb")
    plain_job(log, r, "golang:1.22.0-bookworm", "platform/sock-proxy", 3770)
    log.cmd("go test -race ./...")
    p = "gitlab.example.com/platform/sock-proxy"
    log.out("""--- FAIL: TestProxyForwardsPing (0.01s)
    proxy_test.go:58: GET /_ping: Get "http://127.0.0.1:2375/_ping": dial tcp 127.0.0.1:2375: connect: connection refused
FAIL
FAIL	%(p)s/internal/proxy	1.204s
ok  	%(p)s/internal/filter	0.311s
FAIL""" % dict(p=p))
    footer(log, False)


@corpus("near-miss-pip-ssl-in-run",
        "docker executor, runner 17.1.0, legacy builder; pip inside a RUN step behind an intercepting proxy "
        "fails certificate verification: the build container's trust store, not the daemon's")
def nm_pip_ssl(log):
    r = Runner("17.1.0", "2b813ade", "dmz-runner-02", "gz7c3kfn")
    dind_job(log, r, "ml/scoring-batch", 978)
    log.cmd('DOCKER_BUILDKIT=0 docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  90.11kB")
    legacy_from(log, "python:3.11.9-slim", 1, 4)
    legacy_step(log, 2, 4, "COPY requirements.txt .", run=False)
    log.out("Step 3/4 : RUN pip install --no-cache-dir -r requirements.txt")
    log.out(" ---> Running in %s" % digest("pips" + log.name, 12))
    log.out("WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection "
            "broken by 'SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
            "failed: self-signed certificate in certificate chain (_ssl.c:1006)'))': /simple/numpy/")
    log.out("Could not fetch URL https://pypi.org/simple/numpy/: There was a problem confirming the ssl certificate: "
            "HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded with url: /simple/numpy/ (Caused by "
            "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "self-signed certificate in certificate chain (_ssl.c:1006)'))) - skipping")
    log.out("ERROR: Could not find a version that satisfies the requirement numpy==1.26.4 (from versions: none)")
    log.out("ERROR: No matching distribution found for numpy==1.26.4")
    log.err("The command '/bin/sh -c pip install --no-cache-dir -r requirements.txt' returned a non-zero code: 1")
    footer(log, False)


@corpus("near-miss-ssh-deploy-denied",
        "docker executor, runner 17.0.1; a deploy step's ssh to the app host is refused (publickey) after "
        "the image was pushed: permission denied, but not a registry's")
def nm_ssh_denied(log):
    r = Runner("17.0.1", "b3e4fb64", "deploy-runner", "dq3v8nkm")
    plain_job(log, r, "alpine:3.20.3", "ops/blog", 619)
    log.cmd('ssh -o StrictHostKeyChecking=yes deploy@app-01.prod.example "docker compose pull && docker compose up -d"')
    log.err("Warning: Permanently added 'app-01.prod.example' (ED25519) to the list of known hosts.")
    log.err("deploy@app-01.prod.example: Permission denied (publickey).")
    footer(log, False, exit_code=255)


@corpus("near-miss-hadolint-fails",
        "docker executor, runner 17.10.1, hadolint image; the Dockerfile lint fails on DL3007 (FROM ...:latest) "
        "and DL3008: rules about the project's Dockerfile, no build ran")
def nm_hadolint(log):
    r = Runner("17.10.1", "f5dfa4d6", "docker-ci-01", "ak3m9fqp")
    plain_job(log, r, "hadolint/hadolint:v2.12.0-debian", "web/cms", 2019)
    log.cmd("hadolint --failure-threshold warning Dockerfile")
    log.out("""Dockerfile:1 DL3007 warning: Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag
Dockerfile:4 DL3008 warning: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`
Dockerfile:4 DL3009 info: Delete the apt-get lists after installing something""")
    footer(log, False)


@corpus("near-miss-gradle-tests-docker-names",
        "docker executor, runner 17.8.0, FF_TIMESTAMPS, gradle image, no service; unit tests named after "
        "the project's Docker image builder fail on an assertion")
def nm_gradle(log):
    log.timestamps = True
    r = Runner("17.8.0", "e4f782b3", "java-builds-runner", "rk7c4dzm", flags=["FF_TIMESTAMPS:true"])
    plain_job(log, r, "gradle:8.10.2-jdk21", "billing/invoicer", 819)
    log.cmd("gradle test --no-daemon")
    log.out("""
> Task :compileJava
> Task :compileTestJava
> Task :test

DockerImageTagTest > tagIsDerivedFromCommit() FAILED
    org.opentest4j.AssertionFailedError: expected: <registry.example.com/billing/invoicer:1a2b3c4d> but was: <registry.example.com/billing/invoicer:latest>
        at app//com.example.billing.docker.DockerImageTagTest.tagIsDerivedFromCommit(DockerImageTagTest.java:27)

14 tests completed, 1 failed

> Task :test FAILED

FAILURE: Build failed with an exception.

* What went wrong:
Execution failed for task ':test'.
> There were failing tests. See the report at: file:///builds/billing/invoicer/build/reports/tests/test/index.html

BUILD FAILED in 41s
3 actionable tasks: 3 executed""")
    footer(log, False)


@corpus("near-miss-apk-fetch-in-run-buildkit",
        "docker executor, runner 18.2.0, FF_TIMESTAMPS; `apk add` inside a BuildKit RUN step cannot fetch "
        "the index (DNS) and then cannot find the package")
def nm_apk_run(log):
    log.timestamps = True
    r = Runner("18.2.0", "1ea6a3b4", "docker-ci-03", "hb2n6wxd", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "tools/linkcheck", 5521, img="docker:27.3.1", dind="docker:27.3.1-dind")
    df = ["FROM alpine:3.20.3", "RUN apk add --no-cache curl jq", "COPY check.sh /usr/local/bin/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["alpine:3.20.3"], "97B", "2.1kB")
    bk.from_("1/3", "alpine:3.20.3", 1)
    bk.context_()
    bk.fail("2/3", df[1], [
        (0.212, "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz"),
        (10.23, "WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: DNS lookup error"),
        (10.23, "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz"),
        (20.25, "WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/community: DNS lookup error"),
        (20.26, "ERROR: unable to select packages:"),
        (20.26, "  curl (no such package):"),
        (20.26, "    required by: world[curl]"),
        (20.26, "  jq (no such package):"),
        (20.26, "    required by: world[jq]")], line_no=2)
    footer(log, False)


TC_HEAD = """[INFO] Running com.example.orders.OrderRepositoryIT
10:41:02.113 [main] INFO org.testcontainers.images.PullPolicy -- Image pull policy will be performed by: DefaultPullPolicy()
10:41:02.120 [main] INFO org.testcontainers.utility.ImageNameSubstitutor -- Image name substitution will be performed by: DefaultImageNameSubstitutor (composite of 'ConfigurationFileImageNameSubstitutor' and 'PrefixingImageNameSubstitutor')"""

TC_TAIL = """	DockerDesktopClientProviderStrategy: failed with exception NullPointerException (Cannot invoke "java.nio.file.Path.toString()" because the return value of "org.testcontainers.dockerclient.DockerDesktopClientProviderStrategy.getSocketPath()" is null)As no valid configuration was found, execution cannot continue.
See https://java.testcontainers.org/on_failure.html for more details.
[ERROR] Tests run: 3, Failures: 0, Errors: 3, Skipped: 0, Time elapsed: 0.512 s <<< FAILURE! -- in com.example.orders.OrderRepositoryIT
[ERROR] com.example.orders.OrderRepositoryIT -- Time elapsed: 0.512 s <<< ERROR!
java.lang.IllegalStateException: Could not find a valid Docker environment. Please see logs and check configuration
[INFO] 
[INFO] Results:
[INFO] 
[ERROR] Errors: 
[ERROR]   OrderRepositoryIT » IllegalState Could not find a valid Docker environment. Please see logs and check configuration
[INFO] 
[ERROR] Tests run: 41, Failures: 0, Errors: 3, Skipped: 0
[INFO] BUILD FAILURE"""


@corpus("daemon-unix-socket-testcontainers-no-service",
        "docker executor, runner 17.6.0, Maven image, no service and no DOCKER_HOST; Testcontainers tries the "
        "default socket, which the job container does not have (NoSuchFileException /var/run/docker.sock): "
        "the client falls back to a socket that is not there",
        causes=["daemon-unix-socket"])
def tc_no_service(log):
    r = Runner("17.6.0", "374d34fd", "java-builds-runner", "rk7c4dzm")
    plain_job(log, r, "maven:3.9.6-eclipse-temurin-21", "shop/orders", 4871)
    log.cmd("mvn -B verify")
    log.out(TC_HEAD)
    log.out("""10:41:02.412 [main] ERROR org.testcontainers.dockerclient.DockerClientProviderStrategy -- Could not find a valid Docker environment. Please check configuration. Attempted configurations were:
	UnixSocketClientProviderStrategy: failed with exception InvalidConfigurationException (Could not find unix domain socket). Root cause NoSuchFileException (/var/run/docker.sock)""")
    log.out(TC_TAIL)
    footer(log, False)


@corpus("daemon-tls-port-testcontainers-2375",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS; dind 24.0.5 serves TLS on 2376 but the job sets "
        "DOCKER_HOST tcp://docker:2375 for Testcontainers: its environment strategy is refused on 2375 and "
        "the socket fallback fails too; the refused address is the cause, not the missing socket",
        causes=["daemon-tls-port"])
def tc_2375(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "java-builds-runner", "rk7c4dzm", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "shop/payments", 4872, img="maven:3.9.6-eclipse-temurin-21")
    log.cmd("mvn -B verify")
    log.out(TC_HEAD)
    log.out("""10:41:02.412 [main] ERROR org.testcontainers.dockerclient.DockerClientProviderStrategy -- Could not find a valid Docker environment. Please check configuration. Attempted configurations were:
	EnvironmentAndSystemPropertyClientProviderStrategy: failed with exception HttpHostConnectException (Connect to http://docker:2375 [docker/172.17.0.3] failed: Connection refused)
	UnixSocketClientProviderStrategy: failed with exception InvalidConfigurationException (Could not find unix domain socket). Root cause NoSuchFileException (/var/run/docker.sock)""")
    log.out(TC_TAIL)
    footer(log, False)


@corpus("near-miss-after-script-docker-missing",
        "docker executor, runner 17.7.0, golang image; the unit tests fail, then a shared after_script runs "
        "`docker logout` in an image without docker: after_script cannot fail a job, the tests did")
def nm_after_script(log):
    r = Runner("17.7.0", "3153ccc6", "docker-ci-05", "qe4t7nvb")
    plain_job(log, r, "golang:1.23.4-bookworm", "platform/quota", 5121)
    log.cmd("go test ./...")
    log.out("""--- FAIL: TestQuotaExceeded (0.00s)
    quota_test.go:33: expected ErrQuota, got <nil>
FAIL
FAIL	gitlab.example.com/platform/quota/internal/limits	0.014s
FAIL""")

    def after():
        log.cmd('docker logout "$CI_REGISTRY" || true')
        log.err("/bin/sh: eval: line 152: docker: not found")
    footer(log, False, after=after)


@corpus("near-miss-npm-publish-e403",
        "docker executor, runner 17.3.1, node image; `npm publish` is refused (E403) by the npm registry: a "
        "package registry's permission, not a container registry's")
def nm_npm_publish(log):
    r = Runner("17.3.1", "66269445", "ci-shared-02", "p2x8mbvd")
    plain_job(log, r, "node:20.18.1-bookworm", "ui/widgets", 2970)
    log.cmd("npm publish --access public")
    log.err("""npm notice Publishing to https://registry.npmjs.org/ with tag latest and public access
npm error code E403
npm error 403 403 Forbidden - PUT https://registry.npmjs.org/@example-ui%2fwidgets - You do not have permission to publish "@example-ui/widgets". Are you logged in as the correct user?
npm error 403 In most cases, you or one of your dependencies are requesting
npm error 403 a package version that is forbidden by your security policy, or
npm error 403 on a server you do not have access to.
npm error A complete log of this run can be found in: /root/.npm/_logs/2024-08-30T09_12_01_551Z-debug-0.log""")
    footer(log, False)


@corpus("near-miss-maven-deploy-401",
        "docker executor, runner 16.5.0, Maven image; `mvn deploy` to the GitLab package registry gets 401: "
        "Maven's credentials in ci_settings.xml, not a container registry")
def nm_mvn_deploy(log):
    r = Runner("16.5.0", "853330f9", "java-builds-runner", "rk7c4dzm")
    plain_job(log, r, "maven:3.9.5-eclipse-temurin-17", "billing/pricing", 821)
    log.cmd("mvn -B deploy -s ci_settings.xml -DskipTests")
    log.out("""[INFO] --- deploy:3.1.1:deploy (default-deploy) @ pricing ---
[INFO] Uploading to gitlab-maven: https://gitlab.example.com/api/v4/projects/821/packages/maven/com/example/pricing/1.4.0/pricing-1.4.0.jar
[INFO] ------------------------------------------------------------------------
[INFO] BUILD FAILURE
[INFO] ------------------------------------------------------------------------
[ERROR] Failed to execute goal org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy (default-deploy) on project pricing: Failed to deploy artifacts: Could not transfer artifact com.example:pricing:jar:1.4.0 from/to gitlab-maven (https://gitlab.example.com/api/v4/projects/821/packages/maven): status code: 401, reason phrase: Unauthorized (401) -> [Help 1]""")
    footer(log, False)


@corpus("near-miss-kubectl-rbac-forbidden",
        "kubernetes executor, runner 17.0.0; the deploy's service account may not patch the deployment: "
        "Kubernetes RBAC says forbidden, no registry or daemon involved")
def nm_kubectl_rbac(log):
    r = Runner("17.0.0", "44feccdf", "k8s-deploy-runner", "c9w2rzpk", executor="kubernetes")
    prepare_k8s(log, r, "bitnami/kubectl:1.30.4", "gitlab-runner", 3392, "p4m7x2kd", svc_count=0)
    get_sources(log, "platform/manifests", digest("sha" + log.name, 40))
    step_script(log)
    log.cmd('kubectl -n prod set image deployment/web web="$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"')
    log.err('Error from server (Forbidden): deployments.apps "web" is forbidden: User "system:serviceaccount:ci:deployer" '
            'cannot patch resource "deployments" in API group "apps" in the namespace "prod"')
    footer(log, False)


@corpus("near-miss-docker-ssh-host-publickey",
        "docker executor, runner 17.8.0, FF_TIMESTAMPS, docker CLI image, no service; `docker -H ssh://...` "
        "deploys to a remote host and ssh refuses the key: the deploy host's access, not a local daemon")
def nm_docker_ssh(log):
    log.timestamps = True
    r = Runner("17.8.0", "e4f782b3", "deploy-runner", "dq3v8nkm", flags=["FF_TIMESTAMPS:true"])
    plain_job(log, r, "docker:27.3.1-cli", "ops/blog", 620)
    log.cmd("docker -H ssh://deploy@app-01.prod.example compose up -d")
    log.err('error during connect: Get "http://docker.example.com/v1.47/containers/json?all=1&filters=%7B%22label%22%3A%7B%22'
            'com.docker.compose.project%3Dblog%22%3Atrue%7D%7D": command [ssh -o ConnectTimeout=30 -T -l deploy -- '
            'app-01.prod.example docker system dial-stdio] has exited with exit status 255, make sure the URL is valid, '
            'and Docker 18.09 or later is installed on the remote host: stderr=deploy@app-01.prod.example: Permission '
            'denied (publickey).')
    footer(log, False)


@corpus("near-miss-sonar-not-authorized",
        "docker executor, runner 17.9.0, sonar-scanner image; the scanner's token is rejected (`Not "
        "authorized`): a code-quality server's authentication")
def nm_sonar(log):
    r = Runner("17.9.0", "c0bb0a5b", "docker-ci-01", "ak3m9fqp")
    plain_job(log, r, "sonarsource/sonar-scanner-cli:5.0.1", "payments/api", 2214)
    log.cmd("sonar-scanner -Dsonar.qualitygate.wait=true")
    log.out("""INFO: Scanner configuration file: /opt/sonar-scanner/conf/sonar-scanner.properties
INFO: Project root configuration file: /builds/payments/api/sonar-project.properties
INFO: SonarScanner 5.0.1.3006
INFO: ------------------------------------------------------------------------
INFO: EXECUTION FAILURE
INFO: ------------------------------------------------------------------------
ERROR: Error during SonarScanner execution
ERROR: Not authorized. Analyzing this project requires authentication. Please check the user token in the property 'sonar.token' or the credentials in the properties 'sonar.login' and 'sonar.password'.""")
    footer(log, False)


@corpus("near-miss-postgres-service-dockerio-unhealthy",
        "docker executor, runner 17.4.0, python image with a `docker.io/library/postgres:16.4` service that "
        "exits at once (no POSTGRES_PASSWORD): the runner's health-check warning names a container with "
        "`docker.io` in it, but the service is the database, not a daemon; the tests then fail to connect")
def nm_pg_dockerio(log):
    r = Runner("17.4.0", "b92ee590", "docker-ci-04", "fy2m8rbq")
    img, svc, pid = "python:3.12.4-bookworm", "docker.io/library/postgres:16.4", 3140

    def health():
        name = container_name(log, pid, svc)
        health_block(log, name, 'service "%s-wait-for-service" timeout' % name,
                     checker=["%s waiting for TCP connection to 172.17.0.2 on [5432]..." % iso(log.t - 29, 9)],
                     service_lines=[
                         (0.4, "Error: Database is uninitialized and superuser password is not specified."),
                         (0.4, "       You must specify POSTGRES_PASSWORD to a non-empty value for the"),
                         (0.4, '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".')])

    prepare_docker(log, r, img, [svc], health=health)
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "data/ledger-api", digest("sha" + log.name, 40))
    step_script(log, img)
    log.cmd("pytest -q")
    log.out("""E   psycopg.OperationalError: connection failed: connection to server at "postgres" (172.17.0.2), port 5432 failed: Connection refused
E   	Is the server running on that host and accepting TCP/IP connections?
=========================== short test summary info ============================
ERROR tests/test_repository.py - psycopg.OperationalError: connection failed: connection to server at "postgres" (172.17.0.2), port 5432 failed: Connection refused
1 error in 0.41s""")
    footer(log, False)


@corpus("near-miss-runner-pull-timeout-service-image",
        "docker executor, runner 17.5.0, FF_TIMESTAMPS; the runner host's own daemon cannot reach Docker Hub to "
        "pull the dind service image (client timeout): the runner host's network or proxy, which no dind "
        "setting can fix; the job never starts")
def nm_runner_pull_timeout(log):
    log.timestamps = True
    r = Runner("17.5.0", "8ec04662", "docker-ci-13", "zk4m7qpd", flags=["FF_TIMESTAMPS:true"])
    img, svc = "docker:27.3.1", "docker:27.3.1-dind"
    runner_header(log, r)
    log.section_start("prepare_executor", 'Preparing the "docker" executor')
    log.println("Using Docker executor with image %s ..." % img)
    log.println("Starting service %s..." % svc)
    log.println("Using effective pull policy of [always] for container %s" % svc)
    log.println("Pulling docker image %s ..." % svc)
    log.wait(30.2)
    err = ('Error response from daemon: Get "https://registry-1.docker.io/v2/": net/http: request canceled while '
           'waiting for connection (Client.Timeout exceeded while awaiting headers) (manager.go:250:0s)')
    log.warningln('Failed to pull image with policy "always": ' + err)
    log.section_end("prepare_executor")
    log.errorln('Job failed: failed to pull image "%s" with specified policies [always]: %s' % (svc, err))


@corpus("near-miss-retry-wrapper-greps-errors",
        "docker executor, runner 17.10.0, FF_TIMESTAMPS, healthy dind; the script's pull wrapper greps its own "
        "output for `toomanyrequests: ` and `x509: certificate signed by unknown authority` (the echoed script "
        "lines carry the words), the pull succeeds and the unit tests in the image fail")
def nm_retry_wrapper(log):
    log.timestamps = True
    r = Runner("17.10.0", "8b64d7f2", "docker-ci-02", "t3xyf9ep", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "shop/catalog", 4412, img="docker:27.3.1", dind="docker:27.3.1-dind")
    log.cmd('for i in 1 2 3; do docker pull "$TEST_IMAGE" > pull.log 2>&1 && break; if grep -q "toomanyrequests: " '
            'pull.log; then echo "rate limited, waiting"; sleep 60; else cat pull.log; exit 1; fi; done')
    log.cmd("! grep -q 'x509: certificate signed by unknown authority' pull.log")
    log.cmd('docker run --rm "$TEST_IMAGE" npm test -- --ci')
    log.out("""
> catalog@2.3.0 test
> jest --ci

FAIL src/price.test.js
  ● formatPrice › rounds half up

    expect(received).toBe(expected) // Object.is equality

    Expected: "10.01"
    Received: "10.00"

Tests:       1 failed, 37 passed, 38 total""")
    footer(log, False)


@corpus("near-miss-cache-pull-tolerated-first-run",
        "docker executor, runner 17.8.0, healthy dind; the script warms the build cache with `docker pull "
        "example-ci/geo-api:cache || true`, which does not exist yet on Docker Hub (pull access denied), then the "
        "build's own test step fails: the tolerated pull is neither a credential problem nor the failure")
def nm_cache_pull(log):
    r = Runner("17.8.0", "e4f782b3", "docker-ci-03", "hb2n6wxd")
    dind_job(log, r, "geo/geo-api", 2861, img="docker:27.3.1", dind="docker:27.3.1-dind")
    log.cmd("docker pull example-ci/geo-api:cache || true")
    log.err("Error response from daemon: pull access denied for example-ci/geo-api, repository does not exist or may "
            "require 'docker login': denied: requested access to the resource is denied")
    df = ["FROM golang:1.23.4-alpine", "WORKDIR /src", "COPY . .", "RUN go test ./...",
          "RUN CGO_ENABLED=0 go build -o /out/geo-api ./cmd/geo-api"]
    log.cmd("docker build --cache-from example-ci/geo-api:cache -t geo-api:ci .")
    bk = BuildKit(log, df)
    bk.start(["golang:1.23.4-alpine"], "190B", "1.21MB")
    bk.from_("1/5", "golang:1.23.4-alpine", 5)
    bk.context_()
    bk.run("2/5", "WORKDIR /src", (), 0.0)
    bk.run("3/5", "COPY . .", (), 0.1)
    bk.fail("4/5", df[3], [
        (9.81, "--- FAIL: TestTileBounds (0.00s)"),
        (9.81, "    tiles_test.go:44: bounds for z=3 x=2 y=1: got [-90 0 -45 45], want [-90 0 -45 40.9799]"),
        (9.82, "FAIL"),
        (9.82, "FAIL\tgitlab.example.com/geo/geo-api/internal/tiles\t0.021s"),
        (9.90, "ok  \tgitlab.example.com/geo/geo-api/internal/store\t0.118s"),
        (9.91, "FAIL")], line_no=4)
    footer(log, False)


@corpus("near-miss-dind-27-ip6tables-warning-success",
        "docker executor, runner 17.6.0, FF_TIMESTAMPS, CI_DEBUG_SERVICES; dind 27.3.1 on a host without IPv6 "
        "NAT: dockerd warns that ip6tables is enabled but its chains cannot be set up (nf_tables `Could not "
        "fetch rule set generation id: Invalid argument`) and starts anyway (moby allows this since 27.0); "
        "build and push succeed")
def nm_dind27_ip6(log):
    log.timestamps = True
    r = Runner("17.6.0", "374d34fd", "docker-ci-12", "lc4w8pnh",
               flags=["FF_TIMESTAMPS:true", "CI_DEBUG_SERVICES:true"])
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/search/indexer", CI_COMMIT_SHORT_SHA=sha[:8])
    img, dind, pid = "docker:27.3.1", "docker:27.3.1-dind", 6121
    prepare_docker(log, r, img, [dind], wait=False)
    start = dockerd_lines(log, "27.3.1", containerd="v1.7.22")
    i = next(k for k, l in enumerate(start) if "Loading containers: start." in l)
    warn = ('time="%s" level=warning msg="ip6tables is enabled, but cannot set up ip6tables chains" '
            'error="failed to create NAT chain DOCKER: iptables failed: ip6tables --wait -t nat -N DOCKER: '
            'ip6tables v1.8.10 (nf_tables): Could not fetch rule set generation id: Invalid argument\\n '
            '(exit status 4)"' % start[i].split('"')[1])
    svc_lines = dind_cert_lines() + start[:i + 1] + [warn] + start[i + 1:]
    prepare_script(log, docker_job_host(log, pid),
                   during=lambda: log.svc("docker", "\n".join(svc_lines), 0.01))
    get_sources(log, "search/indexer", sha)
    step_script(log, img)
    login_ok(log)
    df = ["FROM alpine:3.20.3", "COPY indexer /usr/local/bin/indexer", 'ENTRYPOINT ["indexer"]']
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["alpine:3.20.3"], "96B", "12.9MB")
    bk.from_("1/2", "alpine:3.20.3", 1)
    bk.context_()
    bk.run("2/2", df[1], (), 0.2)
    bk.export("registry.gitlab.example.com/search/indexer:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 3)
    footer(log, True)


@corpus("near-miss-compose-probe-falls-back",
        "docker executor, runner 16.11.0, healthy dind 20.10; the script probes `docker compose version || "
        "docker-compose version`: the CLI has no compose plugin, Compose v1 answers and brings the test stack "
        "up, and the API tests fail: the probe's failure is expected, Compose is there")
def nm_compose_probe(log):
    r = Runner("16.11.0", "91a27b2a", "docker-ci-06", "vr3k9mtx")
    dind_job(log, r, "crm/contacts-api", 4471, img="registry.gitlab.example.com/ci/images/docker-compose:1.29.2",
             dind="docker:20.10.24-dind")
    log.cmd("docker compose version || docker-compose version")
    log.err("docker: 'compose' is not a docker command.\nSee 'docker --help'")
    log.out("""docker-compose version 1.29.2, build 5becea4c
docker-py version: 5.0.0
CPython version: 3.7.10
OpenSSL version: OpenSSL 1.1.1k  25 Mar 2021""")
    log.cmd("docker-compose -f compose.ci.yml run --rm tests")
    log.err("""Creating network "contacts-api_default" with the default driver
Creating contacts-api_db_1 ... 
Creating contacts-api_db_1 ... done
Creating contacts-api_tests_run ... 
Creating contacts-api_tests_run ... done""")
    log.out("""============================= test session starts ==============================
collected 21 items

tests/test_api.py ....F................                                  [100%]
FAILED tests/test_api.py::test_health - AssertionError: 503 != 200
========================= 1 failed, 20 passed in 3.12s =========================""")
    footer(log, False)


@corpus("near-miss-docker-cli-installed-on-demand",
        "docker executor, runner 17.9.0, FF_TIMESTAMPS, alpine 3.19 job image with a healthy dind service; the "
        "script probes `docker --version || apk add docker-cli`: the probe fails (`docker: not found`), the "
        "client is installed and builds; the build's own RUN step then fails on a lint error")
def nm_cli_on_demand(log):
    log.timestamps = True
    r = Runner("17.9.0", "c0bb0a5b", "docker-ci-07", "dm8q2wvc", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "web/docs-site", 4013, img="alpine:3.19.1", dind="docker:27.3.1-dind")
    log.cmd("docker --version || apk add --no-cache docker-cli")
    log.err("/bin/sh: docker: not found")
    apk_add(log, [("ca-certificates", "20240705-r0"), ("libseccomp", "2.5.5-r1"), ("docker-cli", "25.0.5-r1")])
    log.cmd("docker --version")
    log.out("Docker version 25.0.5, build 5dc9bcc")
    df = ["FROM node:20.18.1-alpine", "WORKDIR /site", "COPY . .", "RUN npm ci && npm run lint && npm run build"]
    log.cmd('docker build -t "docs-site:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["node:20.18.1-alpine"], "130B", "9.82MB")
    bk.from_("1/4", "node:20.18.1-alpine", 4)
    bk.context_()
    bk.run("2/4", "WORKDIR /site", (), 0.0)
    bk.run("3/4", "COPY . .", (), 0.2)
    bk.fail("4/4", df[3], [
        (14.2, "added 611 packages in 13s"),
        (15.9, "/site/src/pages/index.md"),
        (15.9, "  12:1  error  Unexpected heading level (h4 after h2)  md/heading-increment"),
        (15.9, "✖ 1 problem (1 error, 0 warnings)")], line_no=4)
    footer(log, False)


@corpus("registry-auth-trivy-remote-unauthorized",
        "docker executor, runner 17.9.1, trivy image, no service; `trivy image` of the pushed image without "
        "TRIVY_USERNAME/TRIVY_PASSWORD: Trivy tries the local daemon (no socket: expected, it is a probe), "
        "containerd and podman, then the registry, which answers UNAUTHORIZED: the credentials are the cause",
        causes=["registry-auth"])
def trivy_unauthorized(log):
    r = Runner("17.9.1", "bbf75488", "docker-ci-04", "fy2m8rbq")
    plain_job(log, r, "aquasec/trivy:0.50.1", "acme/web", 2215)
    log.cmd('trivy image --exit-code 1 --severity CRITICAL "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"')
    ref = "registry.gitlab.example.com/acme/web:4f1c2b9a"
    log.out("2025-03-06T10:21:07Z\tINFO\tVulnerability scanning is enabled\n"
            "2025-03-06T10:21:07Z\tINFO\tSecret scanning is enabled")
    log.out('2025-03-06T10:21:09Z\tFATAL\tFatal error\timage scan error: scan error: unable to initialize a scanner: '
            'unable to initialize an image scanner: unable to find the specified image "%s" in ["docker" '
            '"containerd" "podman" "remote"]: 4 errors occurred:' % ref)
    log.out("\t* docker error: unable to inspect the image (%s): Cannot connect to the Docker daemon at "
            "unix:///var/run/docker.sock. Is the docker daemon running?" % ref)
    log.out("\t* containerd error: containerd socket not found: /run/containerd/containerd.sock")
    log.out("\t* podman error: unable to initialize Podman client: no podman socket found: stat podman/podman.sock: "
            "no such file or directory")
    log.out("\t* remote error: GET https://registry.gitlab.example.com/v2/acme/web/manifests/4f1c2b9a: UNAUTHORIZED: "
            "authentication required; [map[Action:pull Class: Name:acme/web Type:repository]]")
    log.out("")
    footer(log, False)


@corpus("near-miss-deploy-remote-tls-expired",
        "docker executor, runner 17.9.0, FF_TIMESTAMPS; a healthy dind builds and pushes, then the deploy step "
        "talks TLS to a remote swarm manager by its own name on 2376 and that host's certificate has expired: "
        "the deploy target's certificate, not dind's")
def nm_remote_tls(log):
    log.timestamps = True
    r = Runner("17.9.0", "c0bb0a5b", "deploy-runner", "dq3v8nkm", flags=["FF_TIMESTAMPS:true"])
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/ops/wiki", CI_COMMIT_SHORT_SHA=sha[:8])
    dind_job(log, r, "ops/wiki", 613, img="docker:27.3.1", dind="docker:27.3.1-dind")
    login_ok(log)
    df = ["FROM nginx:1.27.2-alpine", "COPY site/ /usr/share/nginx/html/"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["nginx:1.27.2-alpine"], "80B", "7.7MB")
    bk.from_("1/2", "nginx:1.27.2-alpine", 5)
    bk.context_()
    bk.run("2/2", df[1], (), 0.2)
    bk.export("registry.gitlab.example.com/ops/wiki:%s" % sha[:8])
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 4)
    log.cmd("docker --tlsverify -H tcp://swarm-mgr-01.prod.example:2376 stack deploy --with-registry-auth -c stack.yml wiki")
    log.err('error during connect: Get "https://swarm-mgr-01.prod.example:2376/v1.47/info": tls: failed to verify '
            'certificate: x509: certificate has expired or is not yet valid: current time 2025-02-27T09:14:03Z is '
            'after 2025-02-26T23:59:59Z')
    footer(log, False)


@corpus("near-miss-deploy-remote-dns",
        "docker executor, runner 16.9.0, docker CLI image, no service; the deploy job addresses a remote daemon "
        "by name on 2376 and that name does not resolve from the runner's network: not a missing dind service")
def nm_remote_dns(log):
    r = Runner("16.9.0", "656c1943", "deploy-runner", "dq3v8nkm")
    plain_job(log, r, "docker:24.0.9-cli", "ops/status-page", 614)
    log.cmd("export DOCKER_HOST=tcp://swarm-mgr-02.prod.example:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$PWD/.deploy-certs")
    log.cmd("docker stack deploy -c stack.yml status")
    log.err('error during connect: Get "https://swarm-mgr-02.prod.example:2376/v1.44/info": dial tcp: lookup '
            'swarm-mgr-02.prod.example on 10.0.0.2:53: no such host')
    footer(log, False)


@corpus("service-not-ready-k8s-wait-loop-then-tests-fail",
        "kubernetes executor, runner 17.4.0, dind sidecar with TLS off on tcp://localhost:2375; the script's wait "
        "loop sees the daemon refuse twice (Kubernetes does not wait for services), `docker info` then answers "
        "through the same DOCKER_HOST, and the integration tests fail: the port is right, the daemon was only "
        "slow; the tests are the failure",
        causes=["service-not-ready"])
def k8s_wait_loop(log):
    r = Runner("17.4.0", "b92ee590", "k8s-runner-02", "h7c2wq9z", executor="kubernetes")
    prepare_k8s(log, r, "docker:27.3.1", "gitlab-ci", 3920, "n3k8d2qx")
    get_sources(log, "payments/ledger-it", digest("sha" + log.name, 40))
    step_script(log)
    wait_loop(log, "tcp://localhost:2375", 2)
    log.cmd("docker info --format '{{.ServerVersion}}' && docker info | grep -E 'Server Version|Storage Driver'")
    log.out("27.3.1\n Server Version: 27.3.1\n Storage Driver: overlay2")
    log.cmd("docker run --rm --network host -v \"$PWD:/src\" -w /src golang:1.23.4 go test -tags integration ./...")
    log.out("""--- FAIL: TestLedgerReplay (0.84s)
    replay_test.go:77: balance after replay = 1020.00, want 1000.00
FAIL
FAIL	gitlab.example.com/payments/ledger-it/internal/replay	1.311s
FAIL""")
    footer(log, False)


@corpus("service-not-ready-wait-loop-info-then-make-fails",
        "docker executor, runner 17.11.0, FF_TIMESTAMPS, TLS on tcp://docker:2376; `until docker info` sees the "
        "daemon refuse twice, then `docker info` answers (Server Version) and the integration tests fail: the "
        "service was slow to start, nothing about privileges, iptables or storage",
        causes=["service-not-ready"])
def wait_loop_info(log):
    log.timestamps = True
    r = Runner("17.11.0", "0f67ff19", "docker-ci-08", "ns4f7gvk", flags=["FF_TIMESTAMPS:true"])
    dind_job(log, r, "platform/edge-proxy", 3929, img="docker:27.3.1", dind="docker:27.3.1-dind")
    wait_loop(log, "tcp://docker:2376", 2)
    log.cmd('docker info | grep -E "Server Version|Storage Driver"')
    log.out(" Server Version: 27.3.1\n Storage Driver: overlay2")
    log.cmd("make integration-test")
    log.out("""docker compose -f test/compose.yml up -d --wait
go test -tags integration ./test/...
--- FAIL: TestRouteRewrite (0.42s)
    rewrite_test.go:58: GET /api/v2/users: status 404, want 200
FAIL
FAIL	gitlab.example.com/platform/edge-proxy/test	3.118s
make: *** [Makefile:41: integration-test] Error 1""")
    footer(log, False)


@corpus("near-miss-name-conflict-own-dind",
        "docker executor, runner 17.6.0, the job's own dind service; the script starts its test database with "
        "`docker run --name pg` twice (a copy-pasted setup line): the name was taken by the job itself on its "
        "fresh daemon, not by another job on a shared one")
def nm_name_conflict_dind(log):
    r = Runner("17.6.0", "374d34fd", "docker-ci-05", "qe4t7nvb")
    dind_job(log, r, "data/warehouse-sync", 3311, img="docker:27.3.1", dind="docker:27.3.1-dind")
    cid = digest("pg" + log.name, 64)
    log.cmd("docker run -d --name pg -e POSTGRES_PASSWORD=ci postgres:16.4")
    log.err("""Unable to find image 'postgres:16.4' locally
16.4: Pulling from library/postgres
Digest: sha256:%s
Status: Downloaded newer image for postgres:16.4""" % digest("pgimg" + log.name))
    log.out(cid)
    log.cmd("./ci/wait-for-pg.sh && docker run -d --name pg -e POSTGRES_PASSWORD=ci postgres:16.4")
    log.out("postgres is ready")
    log.err('docker: Error response from daemon: Conflict. The container name "/pg" is already in use by container '
            '"%s". You have to remove (or rename) that container to be able to reuse that name.\n'
            "See 'docker run --help'." % cid)
    footer(log, False, exit_code=125)

# Cases for the dind daemon and registry classes (dind-not-privileged, registry-auth,
# custom-ca, proxy, rate-limit). Lines come from real binaries run for the purpose:
# dockerd 26.1.5 (Debian 13) in an unprivileged container, docker CLI 28.2 with dockerd
# 20.10.24, podman 4.3 against a local distribution 2.8 registry.

REPRO_DOCKERD_26_UNPRIVILEGED = '2024-09-03T08:16:33.011479274Z time="2024-09-03T08:16:32.972757345Z" level=info msg="containerd not running, starting managed containerd"\n2024-09-03T08:16:33.011481661Z time="2024-09-03T08:16:32.973586694Z" level=info msg="started new containerd process" address=/var/run/docker/containerd/containerd.sock module=libcontainerd pid=14\n2024-09-03T08:16:33.011482912Z time="2024-09-03T08:16:32.989129553Z" level=info msg="starting containerd" revision="1.7.24~ds1-6+deb13u1" version="1.7.24~ds1"\n2024-09-03T08:16:33.091681641Z time="2024-09-03T08:16:33.091061227Z" level=info msg="metadata content store policy set" policy=shared\n2024-09-03T08:16:33.195835409Z time="2024-09-03T08:16:33.123058227Z" level=info msg="NRI interface is disabled by configuration."\n2024-09-03T08:16:33.195836426Z time="2024-09-03T08:16:33.123389137Z" level=info msg=serving... address=/var/run/docker/containerd/containerd-debug.sock\n2024-09-03T08:16:33.195837667Z time="2024-09-03T08:16:33.123503436Z" level=info msg=serving... address=/var/run/docker/containerd/containerd.sock.ttrpc\n2024-09-03T08:16:33.195838645Z time="2024-09-03T08:16:33.123535848Z" level=info msg=serving... address=/var/run/docker/containerd/containerd.sock\n2024-09-03T08:16:33.195839742Z time="2024-09-03T08:16:33.123549648Z" level=info msg="containerd successfully booted in 0.135165s"\n2024-09-03T08:16:34.016599713Z time="2024-09-03T08:16:34.016338007Z" level=error msg="failed to mount overlay: operation not permitted" storage-driver=overlay2\n2024-09-03T08:16:34.016632860Z time="2024-09-03T08:16:34.016591528Z" level=error msg="exec: \\"fuse-overlayfs\\": executable file not found in $PATH" storage-driver=fuse-overlayfs\n2024-09-03T08:16:34.016975813Z time="2024-09-03T08:16:34.016835163Z" level=warning msg="Unable to setup quota: operation not permitted\\n"\n2024-09-03T08:16:34.018001393Z time="2024-09-03T08:16:34.017867073Z" level=info msg="Loading containers: start."\n2024-09-03T08:16:34.036233848Z time="2024-09-03T08:16:34.025593168Z" level=info msg="unable to detect if iptables supports xlock: \'iptables --wait -L -n\': `iptables v1.8.11 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)`" error="exit status 4"\n2024-09-03T08:16:34.053768237Z time="2024-09-03T08:16:34.049603439Z" level=info msg="stopping event stream following graceful shutdown" error="<nil>" module=libcontainerd namespace=moby\n2024-09-03T08:16:34.053806211Z time="2024-09-03T08:16:34.050076550Z" level=info msg="stopping event stream following graceful shutdown" error="context canceled" module=libcontainerd namespace=plugins.moby\n2024-09-03T08:16:34.053808114Z time="2024-09-03T08:16:34.050254526Z" level=info msg="stopping healthcheck following graceful shutdown" module=libcontainerd\n2024-09-03T08:16:35.052601088Z failed to start daemon: Error initializing network controller: error obtaining controller instance: failed to register "bridge" driver: failed to create NAT chain DOCKER: iptables failed: iptables -t nat -N DOCKER: iptables v1.8.11 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n2024-09-03T08:16:35.052623417Z  (exit status 4)\n'


@corpus("dind-not-privileged-bare-dockerd-26",
        "a bare `docker logs -t` of an unprivileged container running dockerd 26.1.5 directly "
        "(reproduced): overlay may not be mounted and iptables refuses a non-root network "
        "namespace, so the daemon exits; no job log, no runner preamble",
        causes=["dind-not-privileged"])
def bare_dockerd_26_unprivileged(log):
    log.out(REPRO_DOCKERD_26_UNPRIVILEGED)


@corpus("registry-auth-podman-bare",
        "a pasted excerpt of podman and buildah against a registry with basic auth (reproduced "
        "with podman 4.3 / buildah 1.28): wrong password, then pulls and pushes without credentials",
        causes=["registry-auth"])
def registry_auth_podman_bare(log):
    log.out("""$ podman login -u ci -p "$REGISTRY_PASSWORD" reg.test:5443
Error: logging into "reg.test:5443": invalid username/password
$ podman pull reg.test:5443/app/bb:1
Trying to pull reg.test:5443/app/bb:1...
Error: initializing source docker://reg.test:5443/app/bb:1: reading manifest 1 in reg.test:5443/app/bb: unauthorized: authentication required
$ buildah push localimg docker://reg.test:5443/app/y:1
Getting image source signatures
Copying blob sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef
Error: pushing image "localimg" to "docker://reg.test:5443/app/y:1": trying to reuse blob sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef at destination: checking whether a blob sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef exists in reg.test:5443/app/y: unauthorized: authentication required""")


@corpus("near-miss-git-http-basic-denied",
        "a job script's `git clone` over HTTPS with a wrong token: GitLab answers `HTTP Basic: "
        "Access denied` to git, not to a registry client, so it is not registry-auth")
def near_miss_git_http_basic(log):
    log.out("""$ git clone https://gitlab-ci-token:${DEPLOY_TOKEN}@gitlab.example.com/platform/charts.git
Cloning into 'charts'...
remote: HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See https://gitlab.example.com/help/topics/git/troubleshooting_git.md#error-on-git-fetch-http-basic-access-denied
fatal: Authentication failed for 'https://gitlab.example.com/platform/charts.git/'
Cleaning up project directory and file based variables
ERROR: Job failed: exit code 128""")


@corpus("near-miss-helm-x509-job-script",
        "a deploy job's helm and kubectl fail certificate verification against the cluster API: "
        "the job image's trust store, not the daemon's; not custom-ca")
def near_miss_helm_x509(log):
    log.out("""$ kubectl config use-context platform/agent:prod
Switched to context "platform/agent:prod".
$ kubectl get ns
Unable to connect to the server: x509: certificate signed by unknown authority
$ helm upgrade --install web ./chart
Error: Kubernetes cluster unreachable: Get "https://10.20.0.1:6443/version": tls: failed to verify certificate: x509: certificate signed by unknown authority
Cleaning up project directory and file based variables
ERROR: Job failed: exit code 1""")

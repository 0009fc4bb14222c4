# Cases for the tool and executor classes added in catalog v2 (buildx-missing,
# image-name-invalid, bind-mount-context, buildah-userns, buildkit-log-clipped,
# dind-socket-binding) and more wordings for registry-empty-variable. Error lines marked
# (r) below were printed by real binaries run for the purpose: docker CLI 28.2.2 and
# 20.10.24 against dockerd 20.10.24 (Debian 12), docker-compose 1.29.2, buildah 1.28.2,
# podman 4.3.1, rootlesskit 1.1.0. The rest is assembled with this module's helpers.

# (r) docker CLI 28.2.2 with no cli-plugins directory, DOCKER_BUILDKIT=1.
BUILDX_MISSING_28 = """ERROR: BuildKit is enabled but the buildx component is missing or broken.
       Install the buildx component to build images with BuildKit:
       https://docs.docker.com/go/buildx/"""

# (r) docker CLI 28.2.2, BuildKit not forced: the legacy-builder notice, then the flag error.
LEGACY_FALLBACK_28 = """DEPRECATED: The legacy builder is deprecated and will be removed in a future release.
            Install the buildx component to build images with BuildKit:
            https://docs.docker.com/go/buildx/
"""


def tools_job(log, r, img, project, pid, services=(), ref="main"):
    prepare_docker(log, r, img, list(services))
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, project, digest("sha" + log.name, 40), ref=ref)
    step_script(log, img)


# ===========================================================================
# buildx-missing
# ===========================================================================
@corpus("buildx-missing-ci-image",
        "docker executor, runner 17.8.0, FF_TIMESTAMPS; a home-made CI image has the docker 27 CLI "
        "copied in without its plugins, and DOCKER_BUILDKIT=1 asks for BuildKit (reproduced message)",
        causes=["buildx-missing"])
def buildx_missing_ci_image(log):
    log.timestamps = True
    r = Runner("17.8.0", "e4f782b3", "docker-ci-04", "vd8m2kqa", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "registry.gitlab.example.com/platform/ci-images/deploy-tools:4.2.0", "docker:27.3.1-dind", 3318
    tools_job(log, r, img, "retail/basket-api", pid, [dind])
    log.cmd("docker version --format 'client {{.Client.Version}} server {{.Server.Version}}'")
    log.out("client 27.3.1 server 27.3.1")
    log.cmd('echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"')
    log.out("Login Succeeded")
    log.cmd('DOCKER_BUILDKIT=1 docker build --secret id=npmrc,src="$NPMRC" -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err(BUILDX_MISSING_28)
    footer(log, False)


@corpus("buildx-missing-legacy-fallback-bare",
        "a pasted excerpt: docker CLI 28 without buildx falls back to the legacy builder, which "
        "does not know `--push` (reproduced)",
        causes=["buildx-missing"])
def buildx_missing_legacy_bare(log):
    log.out("$ docker build --pull --push -t registry.example.com/shop/web:1.4.2 .")
    log.err(LEGACY_FALLBACK_28)
    log.err("unknown flag: --push")
    log.err("")
    log.err("Usage:  docker build [OPTIONS] PATH | URL | -")
    log.err("")
    log.err("Run 'docker build --help' for more information")
    log.out("ERROR: Job failed: exit code 125")


@corpus("buildx-missing-buildx-command-bare",
        "a pasted excerpt: `docker buildx build --platform ...` in an image whose CLI 20.10 has no "
        "buildx plugin (reproduced)",
        causes=["buildx-missing"])
def buildx_missing_command_bare(log):
    log.out("$ docker buildx create --use --name multiarch")
    log.err("docker: 'buildx' is not a docker command.")
    log.err("See 'docker --help'")
    log.out("$ docker buildx build --platform linux/amd64,linux/arm64 -t $IMAGE --push .")
    log.err("unknown flag: --platform")
    log.err("See 'docker --help'.")


@corpus("near-miss-legacy-builder-disabled-success",
        "shell executor, runner 16.9.1; DOCKER_BUILDKIT=0 on purpose, the legacy builder prints its "
        "deprecation notice and the build succeeds")
def nm_legacy_builder(log):
    r = Runner("16.9.1", "782c6ecb", "build-vm-05", "kt3w8fzd", executor="shell")
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/finance/ledger", CI_COMMIT_SHORT_SHA=sha[:8])
    prepare_shell(log, r, "build-vm-05")
    get_sources(log, "finance/ledger", sha, root="/home/gitlab-runner/builds/kt3w8fzd/0", fresh=False)
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd("DOCKER_BUILDKIT=0 docker build -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .")
    log.err(LEGACY_DEPRECATED)
    log.out("Sending build context to Docker daemon  3.072MB")
    legacy_from(log, "python:3.11.6-slim", 1, 3, cached=True)
    legacy_step(log, 2, 3, "COPY . /app", run=False)
    legacy_step(log, 3, 3, 'CMD ["python", "-m", "ledger"]', run=False)
    log.out("Successfully built %s" % digest("res%s3" % log.name, 12))
    log.out("Successfully tagged registry.gitlab.example.com/finance/ledger:%s" % sha[:8])
    footer(log, True)


# ===========================================================================
# image-name-invalid and registry-empty-variable
# ===========================================================================
@corpus("image-name-invalid-ref-name-tag",
        "docker executor, runner 17.10.0, FF_TIMESTAMPS; the tag is `$CI_COMMIT_REF_NAME` on branch "
        "`feature/Login-Page`, which has a `/`: docker 24 rejects the -t reference",
        causes=["image-name-invalid"])
def image_name_invalid_ref_name(log):
    log.timestamps = True
    r = Runner("17.10.0", "e8e2f33e", "docker-ci-12", "pq7s3vhc", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 4102
    tools_job(log, r, img, "web/portal", pid, [dind], ref="feature/Login-Page")
    login_ok(log)
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_NAME" .')
    log.err('invalid argument "registry.gitlab.example.com/web/portal:feature/Login-Page" for "-t, --tag" '
            'flag: invalid reference format')
    log.err("See 'docker build --help'.")
    footer(log, False, exit_code=125)


@corpus("image-name-invalid-kaniko-uppercase",
        "kaniko on the docker executor, runner 17.5.0; the destination is built from "
        "`$CI_PROJECT_PATH`, whose group has upper-case letters",
        causes=["image-name-invalid"])
def image_name_invalid_kaniko(log):
    r = Runner("17.5.0", "8ec04662", "docker-ci-09", "bf2k7wqz")
    img = "gcr.io/kaniko-project/executor:v1.23.2-debug"
    kaniko_job_preamble(log, r, img, "DataTeam/etl-runner", 3140)
    log.cmd('/kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" '
            '--destination "${CI_REGISTRY}/${CI_PROJECT_PATH}:${CI_COMMIT_SHORT_SHA}"')
    log.out("error checking push permissions -- make sure you entered the correct tag name, and that you are "
            "authenticated correctly, and try again: getting tag for destination: repository can only contain "
            "the characters `abcdefghijklmnopqrstuvwxyz0123456789_-./`: DataTeam/etl-runner")
    footer(log, False)


@corpus("image-name-invalid-compose-bare",
        "a pasted excerpt of docker-compose 1.29 pulling an image whose repository has upper case "
        "(reproduced)",
        causes=["image-name-invalid"])
def image_name_invalid_compose(log):
    log.out("$ docker-compose -f docker-compose.ci.yml pull")
    log.err("Pulling web ... ")
    log.err("")
    log.err("ERROR: for web  invalid reference format: repository name must be lowercase")
    log.err("invalid reference format: repository name must be lowercase")


@corpus("image-name-invalid-bare-branch-push",
        "an excerpt without the preamble: `docker push` of `$CI_COMMIT_BRANCH` as the tag; the "
        "message alone names no reference, the command shows the raw branch variable",
        causes=["image-name-invalid"])
def image_name_invalid_bare_branch(log):
    log.out("$ docker tag app:ci \"$CI_REGISTRY_IMAGE:$CI_COMMIT_BRANCH\"")
    log.err("Error parsing reference: \"registry.gitlab.example.com/ops/billing:release/2024.06\" is not a valid "
            "repository/tag: invalid reference format")
    log.out("$ docker push \"$CI_REGISTRY_IMAGE:$CI_COMMIT_BRANCH\"")
    log.err("invalid reference format")


@corpus("registry-empty-variable-compose-unset-tag",
        "a pasted excerpt of docker-compose 1.29: `${REGISTRY}` and `${TAG}` are not set, so the image "
        "is `/group/app:` (reproduced)",
        causes=["registry-empty-variable"])
def registry_empty_compose(log):
    log.out("$ docker-compose pull && docker-compose up -d")
    log.err("The REGISTRY variable is not set. Defaulting to a blank string.")
    log.err("The TAG variable is not set. Defaulting to a blank string.")
    log.err("Pulling web ... ")
    log.err("")
    log.err("ERROR: for web  invalid reference format")
    log.err("invalid reference format")


@corpus("registry-empty-variable-docker-28-arguments",
        "docker executor, runner 18.2.0; on an unprotected branch the protected `DEPLOY_IMAGE` and "
        "`DEPLOY_PASSWORD` are empty: docker 28 reports the missing values and argument (reproduced)",
        causes=["registry-empty-variable"])
def registry_empty_docker28(log):
    r = Runner("18.2.0", "4d7093e1", "docker-ci-14", "mz5c8twe")
    img, dind, pid = "docker:28.2.2-cli", "docker:28.2.2-dind", 3877
    tools_job(log, r, img, "ops/release-train", pid, [dind], ref="fix-retries")
    log.cmd('echo "$DEPLOY_PASSWORD" | docker login -u "$DEPLOY_USER" --password-stdin "$DEPLOY_REGISTRY"')
    log.err("password is empty")
    log.cmd("docker build -t app:ci .")
    log.err("#0 building with \"default\" instance using docker driver")
    log.err("#1 [internal] load build definition from Dockerfile")
    log.err("#1 DONE 0.0s")
    log.err("#2 exporting to image")
    log.err("#2 naming to docker.io/library/app:ci done")
    log.err("#2 DONE 0.1s")
    log.cmd("docker push $DEPLOY_IMAGE")
    log.err("docker: 'docker push' requires 1 argument")
    log.err("")
    log.err("Usage:  docker push [OPTIONS] NAME[:TAG]")
    log.err("")
    log.err("Run 'docker push --help' for more information")
    footer(log, False)


@corpus("ambiguous-invalid-reference-bare",
        "a two-line excerpt: `invalid reference format` from `docker run $IMAGE`, with nothing to "
        "tell an empty variable from a bad value",
        candidates=["image-name-invalid", "registry-empty-variable"])
def ambiguous_invalid_reference(log):
    log.out("$ docker run --rm \"$IMAGE\" ./run-tests.sh")
    log.err("docker: invalid reference format.")
    log.err("See 'docker run --help'.")


@corpus("near-miss-ref-slug-success",
        "docker executor, runner 17.10.0; the job echoes `$CI_COMMIT_REF_NAME` but tags with "
        "`$CI_COMMIT_REF_SLUG`, build and push succeed")
def nm_ref_slug(log):
    r = Runner("17.10.0", "e8e2f33e", "docker-ci-12", "pq7s3vhc")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 4102
    sha = digest("sha" + log.name, 40)
    set_vars(CI_REGISTRY_IMAGE="registry.gitlab.example.com/web/portal", CI_COMMIT_REF_SLUG="feature-login-page")
    tools_job(log, r, img, "web/portal", pid, [dind], ref="feature/Login-Page")
    login_ok(log)
    log.cmd('echo "branch $CI_COMMIT_REF_NAME -> tag $CI_COMMIT_REF_SLUG"')
    log.out("branch feature/Login-Page -> tag feature-login-page")
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG" .')
    bk = BuildKit(log, ["FROM nginx:1.25.4-alpine", "COPY dist/ /usr/share/nginx/html/"])
    bk.start(["nginx:1.25.4-alpine"])
    bk.from_("1/2", "nginx:1.25.4-alpine", 3)
    bk.context_()
    bk.run("2/2", "COPY dist/ /usr/share/nginx/html/", (), 0.3)
    bk.export("registry.gitlab.example.com/web/portal:feature-login-page")
    push_ok(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_REF_SLUG", 4)
    footer(log, True)


@corpus("near-miss-invalid-reference-in-run",
        "a Go test inside a RUN step prints `invalid reference format` for a table case: the "
        "application's test, not the job's image reference")
def nm_invalid_reference_run(log):
    bk = BuildKit(log, ["FROM golang:1.22.2", "WORKDIR /src", "COPY . .", "RUN go test ./..."])
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk.start(["golang:1.22.2"])
    bk.from_("1/4", "golang:1.22.2", 3)
    bk.context_()
    bk.run("2/4", "WORKDIR /src", (), 0.1)
    bk.run("3/4", "COPY . .", (), 0.4)
    bk.fail("4/4", "RUN go test ./...", [
        (2.1, "--- FAIL: TestParseImage (0.00s)"),
        (2.1, "    parse_test.go:41: case \"Upper/Case:1\": got error \"invalid reference format\", want nil"),
        (2.1, "invalid reference format"),
        (2.2, "FAIL\tgitlab.example.com/tools/imgref\t0.012s"),
        (2.2, "FAIL"),
    ], exit_code=1, line_no=4)


# ===========================================================================
# bind-mount-context
# ===========================================================================
@corpus("bind-mount-context-socket-binding",
        "docker executor with the host socket bound in, runner 17.6.0; `--mount type=bind` of a "
        "directory under /builds, which exists in the job container but not on the host",
        causes=["bind-mount-context"])
def bind_mount_socket(log):
    r = Runner("17.6.0", "374d34fd", "socket-runner-02", "wd3k9fpe")
    img, pid = "docker:24.0.5", 1733
    tools_job(log, r, img, "qa/e2e-suite", pid)
    log.cmd("ls config/")
    log.out("app.yml\nusers.json")
    log.cmd('docker run --rm --mount type=bind,source="$CI_PROJECT_DIR/config",target=/config '
            '"$CI_REGISTRY_IMAGE/runner:2.1" --config /config/app.yml')
    log.err('docker: Error response from daemon: invalid mount config for type "bind": bind source path does '
            'not exist: /builds/qa/e2e-suite/config.')
    log.err("See 'docker run --help'.")
    footer(log, False, exit_code=125)


@corpus("bind-mount-context-compose-bare",
        "a pasted excerpt of Compose v2 in a dind job: a bind mount of a file outside the shared "
        "build directory",
        causes=["bind-mount-context"])
def bind_mount_compose(log):
    log.out("$ docker compose -f compose.ci.yml up -d")
    log.err(" Network ci_default  Creating")
    log.err(" Network ci_default  Created")
    log.err(" Container ci-nginx-1  Creating")
    log.err('Error response from daemon: invalid mount config for type "bind": bind source path does not '
            'exist: /opt/ci-shared/nginx/default.conf')


@corpus("bind-mount-context-file-onto-file-bare",
        "a pasted excerpt: `-v` of a config file the daemon cannot see, so it creates a directory "
        "and runc cannot mount it onto the image's file (reproduced with dockerd 20.10)",
        causes=["bind-mount-context"])
def bind_mount_file(log):
    log.out("$ docker run --rm -v $PWD/nginx.conf:/etc/nginx/nginx.conf nginx:1.25.4-alpine nginx -t")
    log.err('docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc '
            'create failed: unable to start container process: error during container init: error mounting '
            '"/builds/web/edge/nginx.conf" to rootfs at "/etc/nginx/nginx.conf": mount '
            '/builds/web/edge/nginx.conf:/etc/nginx/nginx.conf (via /proc/self/fd/6), flags: 0x5000: not a '
            'directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the '
            'specified host path exists and is the expected type.')
    log.err("See 'docker run --help'.")


@corpus("near-miss-bind-mount-build-dir-success",
        "docker executor with dind, runner 17.6.0; the bind mount comes from $CI_PROJECT_DIR, and a "
        "test inside the container reports a missing optional file")
def nm_bind_mount_ok(log):
    r = Runner("17.6.0", "374d34fd", "docker-ci-06", "xr4n8qbl")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 1740
    tools_job(log, r, img, "qa/e2e-suite", pid, [dind])
    log.cmd('docker run --rm -v "$CI_PROJECT_DIR/config:/config:ro" alpine:3.19 sh -c '
            '"ls /config; cat /config/optional.yml || true"')
    log.out("app.yml\nusers.json")
    log.err("cat: can't open '/config/optional.yml': No such file or directory")
    footer(log, True)


# ===========================================================================
# buildah-userns
# ===========================================================================
@corpus("buildah-userns-unshare-denied",
        "docker executor, runner 17.9.1, FF_TIMESTAMPS; rootless buildah in an unprivileged job "
        "container under the default seccomp profile cannot unshare a user namespace",
        causes=["buildah-userns"])
def buildah_userns_unshare(log):
    log.timestamps = True
    r = Runner("17.9.1", "bbf75488", "docker-ci-15", "hc6v2pxm", flags=["FF_TIMESTAMPS:true"])
    img, pid = "quay.io/buildah/stable:v1.35.4", 2661
    tools_job(log, r, img, "platform/ubi-base", pid)
    log.cmd("id")
    log.out("uid=1000(build) gid=1000(build) groups=1000(build)")
    log.cmd('buildah build --storage-driver vfs -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err("Error during unshare(CLONE_NEWUSER): Operation not permitted")
    stamp = iso(log.t)[:19]
    log.err('time="%sZ" level=error msg="parsing PID \\"\\": strconv.Atoi: parsing \\"\\": invalid syntax"' % stamp)
    log.err('time="%sZ" level=error msg="(Unable to determine exit status)"' % stamp)
    footer(log, False)


@corpus("buildah-userns-insufficient-ids-bare",
        "a pasted excerpt: rootless buildah as a user without a /etc/subuid range cannot apply a "
        "layer owned by gid 42 (reproduced with buildah 1.28)",
        causes=["buildah-userns"])
def buildah_userns_ids(log):
    log.out("$ buildah from docker-archive:/tmp/base.tar")
    log.err("Getting image source signatures")
    log.err("Copying blob sha256:7c657c3098d2a7c2fba8814fcafb6396fcdb1068ef39d806dfb5462c02633714")
    log.err('time="2026-12-02T14:33:48Z" level=error msg="While applying layer: ApplyLayer stdout:  stderr: '
            'potentially insufficient UIDs or GIDs available in user namespace (requested 0:42 for /etc/shadow): '
            'Check /etc/subuid and /etc/subgid if configured locally and run podman-system-migrate: lchown '
            '/etc/shadow: invalid argument exit status 1"')
    log.err('Error: writing blob: adding layer with blob "sha256:7c657c3098d2a7c2fba8814fcafb6396fcdb1068ef39d806'
            'dfb5462c02633714": ApplyLayer stdout:  stderr: potentially insufficient UIDs or GIDs available in '
            'user namespace (requested 0:42 for /etc/shadow): Check /etc/subuid and /etc/subgid if configured '
            'locally and run podman-system-migrate: lchown /etc/shadow: invalid argument exit status 1')


@corpus("buildah-userns-podman-newuidmap-bare",
        "a pasted excerpt: rootless podman in a job image whose newuidmap lost its setuid bit "
        "(reproduced with podman 4.3)",
        causes=["buildah-userns"])
def buildah_userns_podman(log):
    log.out("$ podman build -t app:ci .")
    log.err('time="2026-12-02T14:34:34Z" level=warning msg="\\"/\\" is not a shared mount, this could cause '
            'issues or missing mounts with rootless containers"')
    log.err('time="2026-12-02T14:34:34Z" level=error msg="running `/usr/bin/newuidmap 23670 0 1001 1 1 100000 '
            '65536`: newuidmap: write to uid_map failed: Operation not permitted\\n"')
    log.err('Error: cannot set up namespace using "/usr/bin/newuidmap": should have setuid or have filecaps '
            'setuid: exit status 1')


@corpus("buildah-userns-crun-proc-k8s",
        "kubernetes executor, runner 17.4.0; buildah's default OCI isolation cannot mount /proc for a "
        "RUN step in the unprivileged build pod",
        causes=["buildah-userns"])
def buildah_userns_crun(log):
    r = Runner("17.4.0", "b92ee590", "gitlab-runner-7f9c6d8b4-lm2qz", "pf3x8kcw", executor="kubernetes")
    img = "quay.io/buildah/stable:v1.37.3"
    prepare_k8s(log, r, img, "ci-builds", 5120, "7c2mzq4d", pending=1, svc_count=0)
    get_sources(log, "search/indexer", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('buildah build --storage-driver vfs -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.out("STEP 1/4: FROM registry.access.redhat.com/ubi9/python-311:1-66")
    log.out("STEP 2/4: WORKDIR /opt/app-root/src")
    log.out("STEP 3/4: COPY requirements.txt .")
    log.out("STEP 4/4: RUN pip install -r requirements.txt")
    log.err("error running container: from /usr/bin/crun creating container for [/bin/sh -c pip install -r "
            "requirements.txt]: mount `/proc` to `/proc`: Operation not permitted")
    log.err(": exit status 1")
    log.err('Error: building at STEP "RUN pip install -r requirements.txt": while running runtime: exit status 1')
    footer(log, False)


@corpus("near-miss-buildah-chroot-success",
        "docker executor, runner 17.9.1; buildah with vfs and chroot isolation builds and pushes")
def nm_buildah_ok(log):
    r = Runner("17.9.1", "bbf75488", "docker-ci-15", "hc6v2pxm")
    img, pid = "quay.io/buildah/stable:v1.35.4", 2662
    tools_job(log, r, img, "platform/ubi-base", pid)
    log.cmd('echo "STORAGE_DRIVER=$STORAGE_DRIVER BUILDAH_ISOLATION=$BUILDAH_ISOLATION"')
    log.out("STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot")
    log.cmd('buildah build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.out("STEP 1/2: FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4")
    log.out("STEP 2/2: RUN microdnf -y install tar && microdnf clean all")
    log.out("Installing: tar;2:1.34-6.el9_4.x86_64;ubi-9-baseos-rpms")
    log.out("COMMIT registry.gitlab.example.com/platform/ubi-base:%s" % digest("sha" + log.name, 8))
    log.out("Getting image source signatures")
    log.out("Writing manifest to image destination")
    log.out("--> %s" % digest("bimg" + log.name, 11))
    log.out("Successfully tagged registry.gitlab.example.com/platform/ubi-base:%s" % digest("sha" + log.name, 8))
    footer(log, True)


# ===========================================================================
# buildkit-log-clipped
# ===========================================================================
@corpus("buildkit-log-clipped-npm",
        "docker executor, runner 17.7.0; a verbose `npm run build` step passes BuildKit's 1MiB step "
        "log limit and then fails: the step's own error is cut off",
        advice=["buildkit-log-clipped"])
def buildkit_log_clipped(log):
    r = Runner("17.7.0", "3153ccc6", "docker-ci-07", "tn5b8wrd")
    img, dind, pid = "docker:26.1.4", "docker:26.1.4-dind", 2290
    tools_job(log, r, img, "web/storefront", pid, [dind])
    df = ["FROM node:20.11.1-alpine", "WORKDIR /app", "COPY . .", "RUN npm ci && npm run build --verbose"]
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, df)
    bk.start(["node:20.11.1-alpine"])
    bk.from_("1/4", "node:20.11.1-alpine", 4)
    bk.context_()
    bk.run("2/4", "WORKDIR /app", (), 0.1)
    bk.run("3/4", "COPY . .", (), 1.2)
    out = [(1.0 + i * 0.21, "npm verb build compiling src/components/Product%03d.tsx" % i) for i in range(40)]
    out.append((41.07, "[output clipped, log limit 1MiB reached]"))
    bk.fail("4/4", "RUN npm ci && npm run build --verbose", out, exit_code=1, line_no=4)
    footer(log, False)


@corpus("buildkit-log-clipped-bare",
        "a pasted BuildKit excerpt: a test step's output was clipped at the speed limit before it "
        "failed",
        advice=["buildkit-log-clipped"])
def buildkit_log_clipped_bare(log):
    log.err("#11 [test 3/3] RUN pytest -vv")
    log.err("#11 3.412 tests/test_api.py::test_orders[case-0001] PASSED")
    log.err("#11 3.414 tests/test_api.py::test_orders[case-0002] PASSED")
    log.err("#11 9.871 [output clipped, log limit 100KiB/s reached]")
    log.err("#11 ERROR: process \"/bin/sh -c pytest -vv\" did not complete successfully: exit code: 1")


# ===========================================================================
# dind-socket-binding
# ===========================================================================
@corpus("dind-socket-binding-context-ls",
        "docker executor, runner 17.5.0; the runner binds the host socket and the job also starts "
        "docker:24.0.5-dind, but `docker context ls` shows the client on the host's socket",
        advice=["dind-socket-binding"])
def dind_socket_binding(log):
    r = Runner("17.5.0", "8ec04662", "shared-docker-runner", "jd4r7mzx")
    img, dind, pid = "docker:24.0.5", "docker:24.0.5-dind", 2877
    tools_job(log, r, img, "mobile/api-gateway", pid, [dind])
    log.cmd("docker context ls")
    log.out("NAME        DESCRIPTION                               DOCKER ENDPOINT               ERROR")
    log.out("default *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   ")
    log.cmd('docker build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    bk = BuildKit(log, ["FROM golang:1.22.2-alpine", "COPY . .", "RUN go build -o /gw ./cmd/gw"])
    bk.start(["golang:1.22.2-alpine"])
    bk.cached("1/3", "FROM docker.io/library/golang:1.22.2-alpine@sha256:%s" % digest("base golang"))
    bk.context_()
    bk.run("2/3", "COPY . .", (), 0.4)
    bk.run("3/3", "RUN go build -o /gw ./cmd/gw", (), 24.0)
    bk.export("registry.gitlab.example.com/mobile/api-gateway:%s" % digest("sha" + log.name, 8))
    footer(log, True)


@corpus("dind-socket-binding-env-ts",
        "docker executor, runner 17.9.0, FF_TIMESTAMPS; the job exports DOCKER_HOST to the mounted "
        "socket although it starts a dind service, then runs its tests",
        advice=["dind-socket-binding"])
def dind_socket_binding_env(log):
    log.timestamps = True
    r = Runner("17.9.0", "c0b8a2d4", "docker-ci-16", "qn3f6xwb", flags=["FF_TIMESTAMPS:true"])
    img, dind, pid = "docker:26.1.4", "docker:26.1.4-dind", 3012
    tools_job(log, r, img, "mobile/push-service", pid, [dind])
    log.cmd('export DOCKER_HOST="unix:///var/run/docker.sock"')
    log.cmd("env | grep ^DOCKER_")
    log.out("DOCKER_HOST=unix:///var/run/docker.sock\nDOCKER_TLS_CERTDIR=/certs")
    log.cmd("docker run --rm redis:7.2.4-alpine redis-server --version")
    log.out("Redis server v=7.2.4 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=%s" % digest("redis", 16))
    footer(log, True)


@corpus("near-miss-socket-binding-no-dind",
        "docker executor with the host socket bound in and no services, runner 17.5.0: socket binding "
        "on purpose, the client on the host's socket builds fine")
def nm_socket_binding(log):
    r = Runner("17.5.0", "8ec04662", "shared-docker-runner", "jd4r7mzx")
    img, pid = "docker:24.0.5", 2878
    tools_job(log, r, img, "mobile/api-gateway", pid)
    log.cmd("docker context ls")
    log.out("NAME        DESCRIPTION                               DOCKER ENDPOINT               ERROR")
    log.out("default *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   ")
    log.cmd("docker info --format '{{.ServerVersion}}'")
    log.out("24.0.9")
    footer(log, True)


# ===========================================================================
# buildah-storage, more wordings
# ===========================================================================
@corpus("buildah-storage-fuse-device-bare",
        "a pasted excerpt: buildah with fuse-overlayfs as its mount program in a container without "
        "/dev/fuse (reproduced with buildah 1.28 and fuse-overlayfs 1.10)",
        causes=["buildah-storage"])
def buildah_storage_fuse(log):
    log.out("$ buildah bud -t app:ci .")
    log.out("STEP 1/2: FROM scratch")
    log.out("STEP 2/2: COPY Dockerfile /x")
    log.err('time="2026-12-02T14:46:38Z" level=error msg="Unmounting /var/lib/containers/storage/overlay/'
            'c90960345bfbc9e9812e122925dce260289c257ce5821eed582d48bbd5b8a629/merged: invalid argument"')
    log.err('Error: mounting new container: mounting build container "ea2e4ecdf4f1": creating overlay mount to '
            '/var/lib/containers/storage/overlay/4dce5679ae93/merged, mount_data="lowerdir=/var/lib/containers/'
            'storage/overlay/4dce5679ae93/empty,upperdir=/var/lib/containers/storage/overlay/4dce5679ae93/diff,'
            'workdir=/var/lib/containers/storage/overlay/4dce5679ae93/work": using mount program '
            '/usr/bin/fuse-overlayfs: unknown argument ignored: lazytime')
    log.err("fuse: device not found, try 'modprobe fuse' first")
    log.err("fuse-overlayfs: cannot mount: No such file or directory")
    log.err(": exit status 1")


@corpus("buildah-storage-private-mount-k8s",
        "kubernetes executor, runner 17.11.0; buildah as a non-root pod user cannot make its overlay "
        "storage root a private mount",
        causes=["buildah-storage"])
def buildah_storage_private(log):
    r = Runner("17.11.0", "0f67ff19", "gitlab-runner-5d8f7c9b6-qq7xn", "rk2w9mfh", executor="kubernetes")
    img = "quay.io/buildah/stable:v1.38.1"
    prepare_k8s(log, r, img, "ci-builds", 6021, "m3x8bq2p", pending=1, svc_count=0)
    get_sources(log, "infra/flyway-image", digest("sha" + log.name, 40))
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('buildah build -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    log.err("Error: mount /home/build/.local/share/containers/storage/overlay:/home/build/.local/share/containers/"
            "storage/overlay, flags: 0x1000: permission denied")
    log.err('time="%sZ" level=warning msg="failed to shutdown storage: \\"mount /home/build/.local/share/containers/'
            'storage/overlay:/home/build/.local/share/containers/storage/overlay, flags: 0x1000: permission '
            'denied\\""' % iso(log.t)[:19])
    footer(log, False)


@corpus("registry-empty-variable-podman-login-bare",
        "a pasted excerpt: `podman login -p \"$REGISTRY_PASSWORD\"` with the variable empty prompts "
        "without a terminal (reproduced with podman 4.3)",
        causes=["registry-empty-variable"])
def registry_empty_podman(log):
    log.out('$ podman login -u "$REGISTRY_USER" -p "$REGISTRY_PASSWORD" "$REGISTRY"')
    log.err("Password: Error: getting username and password: reading password: inappropriate ioctl for device")

# Busy, ordinary jobs: long logs whose bulk is the everyday output of package managers,
# compilers, test runners and image builders (apt, pip, npm, go, Maven, pytest, jest,
# webpack, BuildKit, the legacy builder, kaniko, buildah, docker push, cache and artifact
# uploads). None has a Docker-infrastructure failure. They are near misses that must stay
# silent, and the sample of ordinary text the prefilter's guards are priced against
# (src/guards.rs), so they are written the way each tool prints, at realistic length.
# Package names, versions and sizes are plausible, not a record of any real build; all
# randomness comes from the log's own seeded generator (log.rnd).


# ---------------------------------------------------------------------------
# Shared helpers (prefixed busy_ so they do not collide with make_corpus names)
# ---------------------------------------------------------------------------
def busy_size(rnd, lo_kb, hi_kb):
    """apt's `[123 kB]` / `[1234 B]` / `[2815 kB]` sizes."""
    kb = rnd.uniform(lo_kb, hi_kb)
    if kb < 1:
        return "%d B" % int(kb * 1000)
    if kb < 10:
        return "%.1f kB" % kb
    return "%d kB" % kb


# Debian bookworm packages pulled in by `apt-get install build-essential libpq-dev git curl`
# (name, version, arch).
BUSY_APT_BUILD = [
    ("perl-modules-5.36", "5.36.0-7+deb12u1", "all"), ("libgdbm-compat4", "1.23-3", "amd64"),
    ("libperl5.36", "5.36.0-7+deb12u1", "amd64"), ("perl", "5.36.0-7+deb12u1", "amd64"),
    ("bzip2", "1.0.8-5+b1", "amd64"), ("xz-utils", "5.4.1-0.2", "amd64"),
    ("binutils-common", "2.40-2", "amd64"), ("libbinutils", "2.40-2", "amd64"),
    ("libctf-nobfd0", "2.40-2", "amd64"), ("libctf0", "2.40-2", "amd64"),
    ("libgprofng0", "2.40-2", "amd64"), ("libjansson4", "2.14-2", "amd64"),
    ("binutils-x86-64-linux-gnu", "2.40-2", "amd64"), ("binutils", "2.40-2", "amd64"),
    ("libc-dev-bin", "2.36-9+deb12u9", "amd64"), ("linux-libc-dev", "6.1.128-1", "amd64"),
    ("libcrypt-dev", "1:4.4.33-2", "amd64"), ("libtirpc-dev", "1.3.3+ds-1", "amd64"),
    ("libnsl-dev", "1.3.0-2", "amd64"), ("rpcsvc-proto", "1.4.3-1", "amd64"),
    ("libc6-dev", "2.36-9+deb12u9", "amd64"), ("libisl23", "0.25-1.1", "amd64"),
    ("libmpfr6", "4.2.0-1", "amd64"), ("libmpc3", "1.3.1-1", "amd64"),
    ("cpp-12", "12.2.0-14", "amd64"), ("cpp", "4:12.2.0-3", "amd64"),
    ("libcc1-0", "12.2.0-14", "amd64"), ("libgomp1", "12.2.0-14", "amd64"),
    ("libitm1", "12.2.0-14", "amd64"), ("libatomic1", "12.2.0-14", "amd64"),
    ("libasan8", "12.2.0-14", "amd64"), ("liblsan0", "12.2.0-14", "amd64"),
    ("libtsan2", "12.2.0-14", "amd64"), ("libubsan1", "12.2.0-14", "amd64"),
    ("libquadmath0", "12.2.0-14", "amd64"), ("libgcc-12-dev", "12.2.0-14", "amd64"),
    ("gcc-12", "12.2.0-14", "amd64"), ("gcc", "4:12.2.0-3", "amd64"),
    ("libstdc++-12-dev", "12.2.0-14", "amd64"), ("g++-12", "12.2.0-14", "amd64"),
    ("g++", "4:12.2.0-3", "amd64"), ("make", "4.3-4.1", "amd64"),
    ("libdpkg-perl", "1.21.22", "all"), ("patch", "2.7.6-7", "amd64"),
    ("dpkg-dev", "1.21.22", "all"), ("build-essential", "12.9", "amd64"),
    ("libbrotli1", "1.0.9-2+b6", "amd64"), ("libsasl2-modules-db", "2.1.28+dfsg-10", "amd64"),
    ("libsasl2-2", "2.1.28+dfsg-10", "amd64"), ("libldap-2.5-0", "2.5.13+dfsg-5", "amd64"),
    ("libnghttp2-14", "1.52.0-1+deb12u2", "amd64"), ("libpsl5", "0.21.2-1", "amd64"),
    ("librtmp1", "2.4+20151223.gitfa8646d.1-2+b2", "amd64"), ("libssh2-1", "1.10.0-3+b1", "amd64"),
    ("libcurl4", "7.88.1-10+deb12u8", "amd64"), ("curl", "7.88.1-10+deb12u8", "amd64"),
    ("libcurl3-gnutls", "7.88.1-10+deb12u8", "amd64"), ("liberror-perl", "0.17029-2", "all"),
    ("git-man", "1:2.39.5-0+deb12u2", "all"), ("git", "1:2.39.5-0+deb12u2", "amd64"),
    ("libexpat1", "2.5.0-1+deb12u1", "amd64"), ("libpq5", "15.10-0+deb12u1", "amd64"),
    ("libssl-dev", "3.0.15-1~deb12u1", "amd64"), ("libpq-dev", "15.10-0+deb12u1", "amd64"),
    ("openssl", "3.0.15-1~deb12u1", "amd64"), ("ca-certificates", "20230311", "all"),
]

# A runtime stage: `apt-get install ca-certificates tzdata libpq5` on bookworm-slim.
BUSY_APT_RUNTIME = [
    ("openssl", "3.0.15-1~deb12u1", "amd64"), ("ca-certificates", "20230311", "all"),
    ("tzdata", "2024b-0+deb12u1", "all"), ("libsasl2-modules-db", "2.1.28+dfsg-10", "amd64"),
    ("libsasl2-2", "2.1.28+dfsg-10", "amd64"), ("libldap-2.5-0", "2.5.13+dfsg-5", "amd64"),
    ("libpq5", "15.10-0+deb12u1", "amd64"), ("netbase", "6.4", "all"),
]

BUSY_DEBCONF_TTY = [
    "debconf: unable to initialize frontend: Dialog",
    "debconf: (TERM is not set, so the dialog frontend is not usable.)",
    "debconf: falling back to frontend: Readline",
    "debconf: unable to initialize frontend: Readline",
    "debconf: (Can't locate Term/ReadLine.pm in @INC (you may need to install the Term::ReadLine module) "
    "(@INC contains: /etc/perl /usr/local/lib/x86_64-linux-gnu/perl/5.36.0 /usr/local/share/perl/5.36.0 "
    "/usr/lib/x86_64-linux-gnu/perl5/5.36 /usr/share/perl5 /usr/lib/x86_64-linux-gnu/perl-base "
    "/usr/lib/x86_64-linux-gnu/perl/5.36 /usr/share/perl/5.36 /usr/local/lib/site_perl) at "
    "/usr/share/perl5/Debconf/FrontEnd/Readline.pm line 7.)",
    "debconf: falling back to frontend: Teletype",
]


def busy_apt(rnd, t, pkgs, requested, frontend_noninteractive=True, mirror="http://deb.debian.org"):
    """`apt-get update && apt-get install -y ...` on Debian bookworm: [(secs, line)], end time."""
    out = []

    def add(dt, text):
        nonlocal t
        t += dt
        out.append((t, text))

    add(0.3, "Get:1 %s/debian bookworm InRelease [151 kB]" % mirror)
    add(0.05, "Get:2 %s/debian bookworm-updates InRelease [55.4 kB]" % mirror)
    add(0.05, "Get:3 %s/debian-security bookworm-security InRelease [48.0 kB]" % mirror)
    add(0.4, "Get:4 %s/debian bookworm/main amd64 Packages [8792 kB]" % mirror)
    add(0.2, "Get:5 %s/debian bookworm-updates/main amd64 Packages [13.5 kB]" % mirror)
    add(0.1, "Get:6 %s/debian-security bookworm-security/main amd64 Packages [246 kB]" % mirror)
    add(0.6, "Fetched 9306 kB in 1s (7391 kB/s)")
    add(0.5, "Reading package lists...")
    add(0.4, "Reading package lists...")
    add(0.1, "Building dependency tree...")
    add(0.0, "Reading state information...")
    extra = [p for p in pkgs if p[0] not in requested]
    if extra:
        add(0.0, "The following additional packages will be installed:")
        names = [p[0] for p in extra]
        row = " "
        for n in names:
            if len(row) + len(n) + 1 > 79:
                add(0.0, row)
                row = " "
            row += " " + n
        add(0.0, row)
    add(0.0, "Suggested packages:")
    if "build-essential" in requested:
        add(0.0, "  bzip2-doc cpp-doc gcc-12-locales cpp-12-doc debian-keyring g++-multilib g++-12-multilib "
                 "gcc-12-doc")
        add(0.0, "  gcc-multilib manpages-dev autoconf automake libtool flex bison gdb gcc-doc gcc-12-multilib")
        add(0.0, "Recommended packages:")
        add(0.0, "  fakeroot gnupg libalgorithm-merge-perl less manpages manpages-dev libfile-fcntllock-perl")
    else:
        add(0.0, "  libsasl2-modules-gssapi-mit | libsasl2-modules-gssapi-heimdal libsasl2-modules-ldap")
        add(0.0, "  libsasl2-modules-otp libsasl2-modules-sql postgresql-doc-15")
        add(0.0, "Recommended packages:")
        add(0.0, "  libsasl2-modules libldap-common")
    add(0.0, "The following NEW packages will be installed:")
    row = " "
    for n in [p[0] for p in pkgs]:
        if len(row) + len(n) + 1 > 79:
            add(0.0, row)
            row = " "
        row += " " + n
    add(0.0, row)
    total_kb = 0
    sized = []
    for name, ver, arch in pkgs:
        kb = rnd.uniform(20, 9000) if name.startswith(("gcc", "cpp", "libasan", "libtsan", "g++", "perl-mod",
                                                       "git", "libperl", "binutils-x86", "linux-libc")) \
            else rnd.uniform(0.9, 700)
        total_kb += kb
        sized.append((name, ver, arch, kb))
    add(0.0, "0 upgraded, %d newly installed, 0 to remove and 0 not upgraded." % len(pkgs))
    add(0.0, "Need to get %.1f MB of archives." % (total_kb / 1000))
    add(0.0, "After this operation, %.0f MB of additional disk space will be used." % (total_kb * 3.6 / 1000))
    for i, (name, ver, arch, kb) in enumerate(sized):
        suite = "debian-security bookworm-security" if "deb12u" in ver and i % 3 == 0 else "debian bookworm"
        add(kb / 40000.0, "Get:%d %s/%s/main amd64 %s %s %s [%s]" % (
            i + 1, mirror, suite, name, arch, ver,
            ("%d B" % int(kb * 1000)) if kb < 1 else ("%.1f kB" % kb if kb < 10 else "%d kB" % kb)))
    if not frontend_noninteractive:
        for line in BUSY_DEBCONF_TTY:
            add(0.0, line)
        add(0.0, "dpkg-preconfigure: unable to re-open stdin: ")
    else:
        add(0.05, "debconf: delaying package configuration, since apt-utils is not installed")
    add(0.0, "Fetched %.1f MB in %ds (%.1f MB/s)" % (total_kb / 1000, max(1, int(total_kb / 30000)),
                                                   rnd.uniform(18, 42)))
    files = 6000 + rnd.randint(0, 400)
    for i, (name, ver, arch, kb) in enumerate(sized):
        multi = arch == "amd64" and name.startswith("lib") and i % 3 == 0  # Multi-Arch: same
        add(0.01, "Selecting previously unselected package %s%s." % (name, ":amd64" if multi else ""))
        if i == 0:
            add(0.02, "(Reading database ... %d files and directories currently installed.)" % files)
        deb = "%s_%s_%s.deb" % (name, ver.split(":", 1)[-1], arch)
        add(0.01, "Preparing to unpack .../%02d-%s ..." % (i, deb) if len(sized) > 1 else
            "Preparing to unpack .../%s ..." % deb)
        add(kb / 20000.0, "Unpacking %s%s (%s) ..." % (name, ":amd64" if multi else "", ver))
    for name, ver, arch, kb in reversed(sized):
        add(0.02, "Setting up %s (%s) ..." % (name, ver))
        if name == "tzdata":
            add(0.1, "")
            add(0.0, "Current default time zone: 'Etc/UTC'")
            add(0.0, "Local time is now:      Tue Mar 25 09:14:02 UTC 2025.")
            add(0.0, "Universal Time is now:  Tue Mar 25 09:14:02 UTC 2025.")
            add(0.0, "Run 'dpkg-reconfigure tzdata' if you wish to change it.")
            add(0.0, "")
        if name == "ca-certificates":
            add(0.2, "Updating certificates in /etc/ssl/certs...")
            add(0.6, "142 added, 0 removed; done.")
        if name in ("cpp", "gcc", "g++", "xz-utils", "bzip2"):
            alt = {"cpp": ("/usr/bin/cpp", "/lib/cpp", "cpp"), "gcc": ("/usr/bin/gcc", "/usr/bin/cc", "cc"),
                   "g++": ("/usr/bin/g++", "/usr/bin/c++", "c++"),
                   "xz-utils": ("/usr/bin/xz", "/usr/bin/lzma", "lzma"),
                   "bzip2": None}[name]
            if alt:
                add(0.0, "update-alternatives: using %s to provide %s (%s) in auto mode" % alt)
    add(0.1, "Processing triggers for libc-bin (2.36-9+deb12u9) ...")
    if any(p[0] == "ca-certificates" for p in pkgs):
        add(0.1, "Processing triggers for ca-certificates (20230311) ...")
        add(0.1, "Updating certificates in /etc/ssl/certs...")
        add(0.1, "0 added, 0 removed; done.")
        add(0.0, "Running hooks in /etc/ca-certificates/update.d...")
        add(0.0, "done.")
    return out, t


# Python packages as pip resolves them: (name, version, wheel suffix, size kB, required by index or
# None for a top-level requirement with its line in requirements.txt, spec when a dependency).
BUSY_PY = [
    ("fastapi", "0.115.8", "py3-none-any", 94.8, None, None),
    ("starlette", "0.45.3", "py3-none-any", 71.5, 0, "<0.46.0,>=0.40.0"),
    ("pydantic", "2.10.6", "py3-none-any", 431.7, 0, "!=1.8,!=1.8.1,!=2.0.0,!=2.0.1,!=2.1.0,<3.0.0,>=1.7.4"),
    ("typing-extensions", "4.12.2", "py3-none-any", 37.6, 0, ">=4.8.0"),
    ("annotated-types", "0.7.0", "py3-none-any", 13.6, 2, ">=0.6.0"),
    ("pydantic-core", "2.27.2", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 2012.3, 2, "==2.27.2"),
    ("anyio", "4.8.0", "py3-none-any", 96.0, 1, "<5,>=3.6.2"),
    ("idna", "3.10", "py3-none-any", 70.4, 6, ">=2.8"),
    ("sniffio", "1.3.1", "py3-none-any", 10.2, 6, ">=1.1"),
    ("uvicorn", "0.34.0", "py3-none-any", 62.3, None, None),
    ("click", "8.1.8", "py3-none-any", 98.2, 9, ">=7.0"),
    ("h11", "0.14.0", "py3-none-any", 58.3, 9, ">=0.8"),
    ("httptools", "0.6.4", "cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64."
     "manylinux2014_x86_64", 510.8, 9, ">=0.6.3"),
    ("python-dotenv", "1.0.1", "py3-none-any", 19.9, 9, ">=0.13"),
    ("pyyaml", "6.0.2", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 767.5, 9, ">=5.1"),
    ("uvloop", "0.21.0", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 4709.3, 9,
     "!=0.15.0,!=0.15.1,>=0.14.0"),
    ("watchfiles", "1.0.4", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 452.1, 9, ">=0.13"),
    ("websockets", "14.2", "cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64."
     "manylinux2014_x86_64", 168.9, 9, ">=10.4"),
    ("sqlalchemy", "2.0.38", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 3227.8, None, None),
    ("greenlet", "3.1.1", "cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64", 613.4, 18, "!=0.4.17"),
    ("alembic", "1.14.1", "py3-none-any", 233.6, None, None),
    ("mako", "1.3.9", "py3-none-any", 78.5, 20, None),
    ("markupsafe", "3.0.2", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 23.6, 21, ">=0.9.2"),
    ("psycopg", "3.2.4", "py3-none-any", 198.7, None, None),
    ("psycopg-binary", "3.2.4", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 4414.0, 23, "==3.2.4"),
    ("httpx", "0.28.1", "py3-none-any", 73.5, None, None),
    ("certifi", "2025.1.31", "py3-none-any", 166.4, 25, None),
    ("httpcore", "1.0.7", "py3-none-any", 78.6, 25, "==1.*"),
    ("redis", "5.2.1", "py3-none-any", 261.5, None, None),
    ("celery", "5.4.0", "py3-none-any", 425.9, None, None),
    ("billiard", "4.2.1", "py3-none-any", 86.8, 29, "<5.0,>=4.2.0"),
    ("kombu", "5.4.2", "py3-none-any", 201.3, 29, "<6.0,>=5.3.4"),
    ("vine", "5.1.0", "py3-none-any", 9.6, 29, "<6.0,>=5.1.0"),
    ("click-didyoumean", "0.3.1", "py3-none-any", 3.6, 29, ">=0.3.0"),
    ("click-repl", "0.3.0", "py3-none-any", 10.2, 29, ">=0.2.0"),
    ("click-plugins", "1.1.1", "py2.py3-none-any", 7.5, 29, ">=1.1.1"),
    ("tzdata", "2025.1", "py2.py3-none-any", 346.8, 29, ">=2022.7"),
    ("python-dateutil", "2.9.0.post0", "py2.py3-none-any", 229.9, 29, ">=2.8.2"),
    ("amqp", "5.3.1", "py3-none-any", 50.9, 31, "<6.0.0,>=5.1.1"),
    ("prompt-toolkit", "3.0.50", "py3-none-any", 387.8, 34, ">=3.0.36"),
    ("six", "1.17.0", "py2.py3-none-any", 11.0, 37, ">=1.5"),
    ("wcwidth", "0.2.13", "py2.py3-none-any", 34.2, 39, None),
    ("structlog", "25.1.0", "py3-none-any", 68.9, None, None),
    ("orjson", "3.10.15", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 130.6, None, None),
    ("boto3", "1.36.21", "py3-none-any", 139.2, None, None),
    ("botocore", "1.36.21", "py3-none-any", 13370.5, 44, "<1.37.0,>=1.36.21"),
    ("jmespath", "1.0.1", "py3-none-any", 20.3, 44, "<2.0.0,>=0.7.1"),
    ("s3transfer", "0.11.2", "py3-none-any", 84.2, 44, "<0.12.0,>=0.11.0"),
    ("urllib3", "2.3.0", "py3-none-any", 128.4, 45, "!=2.2.0,<3,>=1.25.4"),
    ("prometheus-client", "0.21.1", "py3-none-any", 54.7, None, None),
    ("sentry-sdk", "2.21.0", "py2.py3-none-any", 324.4, None, None),
    ("numpy", "2.2.3", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 16104.9, None, None),
    ("pandas", "2.2.3", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 12701.3, None, None),
    ("pytz", "2025.1", "py2.py3-none-any", 507.9, 52, ">=2020.1"),
    ("requests", "2.32.3", "py3-none-any", 64.9, None, None),
    ("charset-normalizer", "3.4.1", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 145.9, 54,
     "<4,>=2"),
    ("jinja2", "3.1.5", "py3-none-any", 134.6, None, None),
    ("pyjwt", "2.10.1", "py3-none-any", 22.9, None, None),
    ("cryptography", "44.0.1", "cp39-abi3-manylinux_2_28_x86_64", 4178.2, None, None),
    ("cffi", "1.17.1", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64", 479.3, 58, ">=1.12"),
    ("pycparser", "2.22", "py3-none-any", 117.6, 59, None),
    ("tenacity", "9.0.0", "py3-none-any", 28.2, None, None),
]

BUSY_PY_DEV = [
    ("pytest", "8.3.4", "py3-none-any", 343.1, None, None),
    ("iniconfig", "2.0.0", "py3-none-any", 5.9, 0, None),
    ("packaging", "24.2", "py3-none-any", 65.5, 0, None),
    ("pluggy", "1.5.0", "py3-none-any", 20.6, 0, "<2,>=1.5"),
    ("pytest-cov", "6.0.0", "py3-none-any", 22.9, None, None),
    ("coverage", "7.6.12", "cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64."
     "manylinux2014_x86_64", 243.2, 4, ">=7.5"),
    ("pytest-asyncio", "0.25.3", "py3-none-any", 19.5, None, None),
    ("respx", "0.22.0", "py2.py3-none-any", 25.1, None, None),
    ("freezegun", "1.5.1", "py3-none-any", 17.6, None, None),
    ("factory-boy", "3.3.3", "py2.py3-none-any", 37.2, None, None),
    ("faker", "36.1.1", "py3-none-any", 1900.4, 9, ">=0.7.0"),
    ("mypy", "1.15.0", "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.manylinux_2_28_x86_64",
     12451.1, None, None),
    ("mypy-extensions", "1.0.0", "py3-none-any", 4.7, 11, ">=1.0.0"),
    ("ruff", "0.9.6", "py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64", 12432.7, None, None),
]


def busy_human_size(kb):
    if kb >= 1000:
        return "%.1f MB" % (kb / 1000)
    return "%.1f kB" % kb if kb < 100 else "%d kB" % kb


def busy_pip_install(rnd, t, pkgs, reqfile="requirements.txt", site="/usr/local/lib/python3.12/site-packages",
                     already=(), bars=True):
    """pip 24's output for `pip install -r <reqfile>` with nothing cached: [(secs, line)], end time.
    `already` lists (name, version, line) requirements installed before (printed first)."""
    out = []

    def add(dt, text):
        nonlocal t
        t += dt
        out.append((t, text))

    for name, ver, line in already:
        add(0.01, "Requirement already satisfied: %s==%s in %s (from -r requirements.txt (line %d)) (%s)"
            % (name, ver, site, line, ver))
    line_no = {}
    n = 0
    for i, p in enumerate(pkgs):
        if p[4] is None:
            n += 1
            line_no[i] = n
    for i, (name, ver, tag, kb, parent, spec) in enumerate(pkgs):
        if parent is None:
            add(rnd.uniform(0.05, 0.3), "Collecting %s==%s (from -r %s (line %d))" % (name, ver, reqfile,
                                                                                     line_no[i]))
        else:
            chain = []
            a = parent
            while pkgs[a][4] is not None:
                chain.append(pkgs[a][0] + (pkgs[a][5] or ""))
                a = pkgs[a][4]
            chain.append("%s==%s" % (pkgs[a][0], pkgs[a][1]))
            via = "->".join(chain) + "->-r %s (line %d)" % (reqfile, line_no[a])
            add(rnd.uniform(0.02, 0.2), "Collecting %s%s (from %s)" % (name, spec or "", via))
        fname = name.replace("-", "_")
        add(rnd.uniform(0.01, 0.1), "  Downloading %s-%s-%s.whl.metadata (%s)" % (
            fname, ver, tag, busy_human_size(rnd.uniform(1.5, 40))))
    for name, ver, tag, kb, parent, spec in pkgs:
        fname = name.replace("-", "_")
        add(kb / 30000.0 + 0.01, "Downloading %s-%s-%s.whl (%s)" % (fname, ver, tag, busy_human_size(kb)))
        if bars and kb > 1000:
            mb = kb / 1000
            add(0.0, "   " + "\u2501" * 40 + " %.1f/%.1f MB %.1f MB/s eta 0:00:00" % (mb, mb, rnd.uniform(20, 80)))
    names = [p[0] for p in pkgs]
    order = list(reversed(names))
    add(0.2, "Installing collected packages: " + ", ".join(order))
    add(rnd.uniform(3, 9), "Successfully installed " + " ".join("%s-%s" % (p[0], p[1]) for p in
                                                               sorted(pkgs, key=lambda p: p[0])))
    return out, t


def busy_pip_footer(rnd, t, warn_root=True):
    out = []
    if warn_root:
        out.append((t, "WARNING: Running pip as the 'root' user can result in broken permissions and "
                       "conflicting behaviour with the system package manager, possibly rendering your system "
                       "unusable. It is recommended to use a virtual environment instead: "
                       "https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what "
                       "you are doing and want to suppress this warning."))
    out.append((t + 0.3, ""))
    out.append((t + 0.3, "[notice] A new release of pip is available: 24.3.1 -> 25.0.1"))
    out.append((t + 0.3, "[notice] To update, run: pip install --upgrade pip"))
    return out, t + 0.3


def busy_push(log, repo, tag, new, existing, first_push=True):
    """`docker push` of a tag: the layers this build made are pushed, the base image's
    already exist in the registry."""
    log.cmd("docker push %s:%s" % (repo, tag))
    log.out("The push refers to repository [%s]" % expand(repo))
    layers = [(digest("bl%s%d" % (log.name, i), 12), i < new) for i in range(new + existing)]
    for l, _ in layers:
        log.out("%s: Preparing" % l)
    for l, _ in layers[3:]:
        log.out("%s: Waiting" % l)
    log.wait(0.6)
    for l, fresh in reversed(layers):
        log.wait(log.rnd.uniform(0.1, 2.5) if fresh and first_push else 0.05)
        log.out("%s: %s" % (l, "Pushed" if fresh and first_push else "Layer already exists"))
    log.out("%s: digest: sha256:%s size: %d" % (expand(tag), digest("pushd" + log.name), 1150 + 211 * len(layers)))


def busy_restore_cache(log, key, pid):
    log.section_start("restore_cache", "Restoring cache")
    log.notice("Checking cache for %s..." % key)
    log.out('Downloading cache from https://storage.googleapis.example/gitlab-runner-cache/project/%d/%s%s  '
            'ETag="%s"' % (pid, key, RESET, digest("etag" + log.name, 32)))
    log.wait(2.4)
    log.notice("Successfully extracted cache")
    log.section_end("restore_cache")


def busy_save_cache(log, key, pid, path, files):
    log.section_end("step_script")
    log.section_start("archive_cache", "Saving cache for successful job")
    log.notice("Creating cache %s..." % key)
    log.out("%s: found %d matching artifact files and directories %s" % (path, files, RESET))
    log.wait(3.1)
    log.out("Uploading cache.zip to https://storage.googleapis.example/gitlab-runner-cache/project/%d/%s%s"
            % (pid, key, RESET))
    log.wait(1.2)
    log.notice("Created cache")
    log.section_end("archive_cache")


def busy_upload_artifacts(log, ok, paths):
    sec = "upload_artifacts_on_success" if ok else "upload_artifacts_on_failure"
    log.section_start(sec, "Uploading artifacts for %s job" % ("successful" if ok else "failed"))
    for kind, path, found in paths:
        log.notice("Uploading artifacts...")
        log.out("%s: found %d matching artifact files and directories %s" % (path, found, RESET))
        log.wait(0.8)
        log.out('Uploading artifacts as "%s" to coordinator... 201 Created%s  id=%d responseStatus=201 Created '
                'token=glcbt-64_%s' % (kind, RESET, 600000 + log.rnd.randint(0, 99999), digest(log.name + path, 9)))
    log.section_end(sec)


def busy_end(log, ok, exit_code=1):
    log.section_start("cleanup_file_variables", "Cleaning up project directory and file based variables")
    log.wait(0.5)
    log.section_end("cleanup_file_variables")
    if ok:
        log.infoln("Job succeeded")
    elif log.runner.executor == "kubernetes":
        log.errorln("Job failed: command terminated with exit code %d" % exit_code)
    elif log.runner.executor == "shell":
        log.errorln("Job failed: exit status %d" % exit_code)
    else:
        log.errorln("Job failed: exit code %d" % exit_code)


# ---------------------------------------------------------------------------
# 1. docker executor, dind with TLS, FF_TIMESTAMPS: apt + pip in BuildKit, push
# ---------------------------------------------------------------------------
@corpus("near-miss-busy-dind-tls-apt-pip-ts",
        "docker executor, runner 17.10.0, FF_TIMESTAMPS, pinned docker:27.5.1 with docker:27.5.1-dind over "
        "TLS (tcp://docker:2376); BuildKit builds a Python service: apt-get installs build-essential, "
        "libpq-dev, git and curl (Get:/Selecting/Unpacking/Setting up/Processing triggers, debconf), pip "
        "installs sixty packages (Collecting/Downloading/Successfully installed); pushed under two tags "
        "(Pushed, Layer already exists), cache saved; Job succeeded")
def busy_dind_apt_pip(log):
    log.timestamps = True
    r = Runner("17.10.0", "8b64d7f2", "docker-ci-14", "wz6r2kcx", flags=["FF_TIMESTAMPS:true"])
    pid = 7312
    sha = digest("sha" + log.name, 40)
    repo = "registry.gitlab.example.com/risk/scoring-api"
    set_vars(CI_REGISTRY_IMAGE=repo, CI_COMMIT_SHORT_SHA=sha[:8], CI_COMMIT_REF_SLUG="main")
    img, dind = "docker:27.5.1", "docker:27.5.1-dind"
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "risk/scoring-api", sha)
    busy_restore_cache(log, "buildx-main-protected", pid)
    step_script(log, img)
    log.cmd("docker version --format 'client {{.Client.Version}} / server {{.Server.Version}}'")
    log.out("client 27.5.1 / server 27.5.1")
    login_ok(log)
    log.cmd('docker pull "$CI_REGISTRY_IMAGE:main" || true')
    log.out("main: Pulling from risk/scoring-api")
    pulled = [digest("pl%s%d" % (log.name, i), 12) for i in range(9)]
    for l in pulled:
        log.out("%s: Pulling fs layer" % l)
    for l in pulled[1:]:
        log.out("%s: Waiting" % l)
    for l in pulled:
        log.wait(log.rnd.uniform(0.1, 1.4))
        log.out("%s: Verifying Checksum" % l)
        log.out("%s: Download complete" % l)
    for l in pulled:
        log.wait(log.rnd.uniform(0.1, 0.9))
        log.out("%s: Pull complete" % l)
    log.out("Digest: sha256:%s" % digest("prev" + log.name))
    log.out("Status: Downloaded newer image for %s:main" % repo)
    log.out("%s:main" % repo)
    df = ["FROM python:3.12.9-slim-bookworm",
          "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=0",
          "RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev git curl "
          "&& rm -rf /var/lib/apt/lists/*",
          "WORKDIR /app", "COPY requirements.txt .",
          "RUN pip install --upgrade pip setuptools wheel && pip install -r requirements.txt",
          "COPY . .", "RUN python -m compileall -q src && useradd --uid 10001 --create-home app",
          "USER 10001", 'CMD ["uvicorn", "scoring.main:app", "--host", "0.0.0.0", "--port", "8080"]']
    log.cmd('docker build --pull --cache-from "$CI_REGISTRY_IMAGE:main" --build-arg BUILDKIT_INLINE_CACHE=1 '
            '--progress=plain -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" -t "$CI_REGISTRY_IMAGE:main" .')
    bk = BuildKit(log, df)
    bk.start(["python:3.12.9-slim-bookworm"], "612B", "1.94MB")
    bk.vertex("importing cache manifest from %s:main" % repo, [], 0.4)
    bk.from_("1/7", "python:3.12.9-slim-bookworm", 4)
    bk.context_()
    apt_out, t = busy_apt(log.rnd, 0.0, BUSY_APT_BUILD, {"build-essential", "libpq-dev", "git", "curl"})
    bk.run("2/7", df[2], apt_out, t + 0.8)
    bk.run("3/7", "WORKDIR /app", (), 0.0)
    bk.run("4/7", "COPY requirements.txt .", (), 0.0)
    out = [(1.6, "Collecting pip"),
           (1.7, "  Downloading pip-25.0.1-py3-none-any.whl.metadata (3.7 kB)"),
           (1.7, "Collecting setuptools"),
           (1.8, "  Downloading setuptools-75.8.0-py3-none-any.whl.metadata (6.7 kB)"),
           (1.8, "Collecting wheel"),
           (1.9, "  Downloading wheel-0.45.1-py3-none-any.whl.metadata (2.3 kB)"),
           (1.9, "Downloading pip-25.0.1-py3-none-any.whl (1.8 MB)"),
           (2.0, "   " + "\u2501" * 40 + " 1.8/1.8 MB 41.2 MB/s eta 0:00:00"),
           (2.0, "Downloading setuptools-75.8.0-py3-none-any.whl (1.2 MB)"),
           (2.1, "   " + "\u2501" * 40 + " 1.2/1.2 MB 63.0 MB/s eta 0:00:00"),
           (2.1, "Downloading wheel-0.45.1-py3-none-any.whl (72 kB)"),
           (2.2, "Installing collected packages: wheel, setuptools, pip"),
           (2.2, "  Attempting uninstall: pip"),
           (2.2, "    Found existing installation: pip 24.3.1"),
           (2.4, "    Uninstalling pip-24.3.1:"),
           (2.5, "      Successfully uninstalled pip-24.3.1"),
           (4.1, "Successfully installed pip-25.0.1 setuptools-75.8.0 wheel-0.45.1")]
    pip_out, t = busy_pip_install(log.rnd, 4.4, BUSY_PY)
    foot, t = busy_pip_footer(log.rnd, t)
    bk.run("5/7", df[5], out + busy_pip_footer(log.rnd, 4.2)[0][:1] + pip_out + foot, t + 2.1)
    bk.run("6/7", "COPY . .", (), 0.2)
    bk.run("7/7", df[7], (), 3.4)
    n = bk.vertex("exporting to image", [
        "exporting layers", "exporting layers 6.1s done",
        "preparing layers for inline cache", "preparing layers for inline cache 0.1s done",
        "writing image sha256:%s done" % digest("img" + log.name),
        "naming to %s:%s done" % (repo, sha[:8]),
        "naming to %s:main done" % repo], 6.3)
    busy_push(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 5, 5)
    busy_push(log, "$CI_REGISTRY_IMAGE", "main", 5, 5, first_push=False)
    busy_save_cache(log, "buildx-main-protected", pid, ".buildx-cache/", 214)
    busy_end(log, True)


# ---------------------------------------------------------------------------
# 2. shell executor, host docker, legacy builder: Maven build and tests in a RUN step
# ---------------------------------------------------------------------------
# Artifacts Maven resolves for a Spring Boot service (group path, artifact, version).
BUSY_MVN = [
    ("org/springframework/boot", "spring-boot-starter-parent", "3.3.5", "pom"),
    ("org/springframework/boot", "spring-boot-dependencies", "3.3.5", "pom"),
    ("com/fasterxml/jackson", "jackson-bom", "2.17.2", "pom"),
    ("com/fasterxml/jackson", "jackson-parent", "2.17", "pom"),
    ("com/fasterxml", "oss-parent", "58", "pom"),
    ("io/micrometer", "micrometer-bom", "1.13.6", "pom"),
    ("io/micrometer", "micrometer-tracing-bom", "1.3.5", "pom"),
    ("io/netty", "netty-bom", "4.1.114.Final", "pom"),
    ("org/junit", "junit-bom", "5.10.5", "pom"),
    ("org/mockito", "mockito-bom", "5.11.0", "pom"),
    ("org/testcontainers", "testcontainers-bom", "1.19.8", "pom"),
    ("org/apache/maven/plugins", "maven-clean-plugin", "3.3.2", "jar"),
    ("org/apache/maven/plugins", "maven-resources-plugin", "3.3.1", "jar"),
    ("org/apache/maven/plugins", "maven-compiler-plugin", "3.13.0", "jar"),
    ("org/apache/maven/plugins", "maven-surefire-plugin", "3.2.5", "jar"),
    ("org/apache/maven/plugins", "maven-jar-plugin", "3.4.2", "jar"),
    ("org/springframework/boot", "spring-boot-maven-plugin", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter-web", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-autoconfigure", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter-logging", "3.3.5", "jar"),
    ("ch/qos/logback", "logback-classic", "1.5.11", "jar"),
    ("ch/qos/logback", "logback-core", "1.5.11", "jar"),
    ("org/apache/logging/log4j", "log4j-to-slf4j", "2.23.1", "jar"),
    ("org/apache/logging/log4j", "log4j-api", "2.23.1", "jar"),
    ("org/slf4j", "jul-to-slf4j", "2.0.16", "jar"),
    ("org/slf4j", "slf4j-api", "2.0.16", "jar"),
    ("jakarta/annotation", "jakarta.annotation-api", "2.1.1", "jar"),
    ("org/yaml", "snakeyaml", "2.2", "jar"),
    ("org/springframework/boot", "spring-boot-starter-json", "3.3.5", "jar"),
    ("com/fasterxml/jackson/core", "jackson-databind", "2.17.2", "jar"),
    ("com/fasterxml/jackson/core", "jackson-annotations", "2.17.2", "jar"),
    ("com/fasterxml/jackson/core", "jackson-core", "2.17.2", "jar"),
    ("com/fasterxml/jackson/datatype", "jackson-datatype-jdk8", "2.17.2", "jar"),
    ("com/fasterxml/jackson/datatype", "jackson-datatype-jsr310", "2.17.2", "jar"),
    ("com/fasterxml/jackson/module", "jackson-module-parameter-names", "2.17.2", "jar"),
    ("org/springframework/boot", "spring-boot-starter-tomcat", "3.3.5", "jar"),
    ("org/apache/tomcat/embed", "tomcat-embed-core", "10.1.31", "jar"),
    ("org/apache/tomcat/embed", "tomcat-embed-el", "10.1.31", "jar"),
    ("org/apache/tomcat/embed", "tomcat-embed-websocket", "10.1.31", "jar"),
    ("org/springframework", "spring-web", "6.1.14", "jar"),
    ("org/springframework", "spring-beans", "6.1.14", "jar"),
    ("org/springframework", "spring-webmvc", "6.1.14", "jar"),
    ("org/springframework", "spring-aop", "6.1.14", "jar"),
    ("org/springframework", "spring-context", "6.1.14", "jar"),
    ("org/springframework", "spring-expression", "6.1.14", "jar"),
    ("org/springframework", "spring-core", "6.1.14", "jar"),
    ("org/springframework", "spring-jcl", "6.1.14", "jar"),
    ("org/springframework", "spring-jdbc", "6.1.14", "jar"),
    ("org/springframework", "spring-orm", "6.1.14", "jar"),
    ("org/springframework", "spring-tx", "6.1.14", "jar"),
    ("org/springframework/data", "spring-data-jpa", "3.3.5", "jar"),
    ("org/springframework/data", "spring-data-commons", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter-data-jpa", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter-jdbc", "3.3.5", "jar"),
    ("com/zaxxer", "HikariCP", "5.1.0", "jar"),
    ("org/hibernate/orm", "hibernate-core", "6.5.3.Final", "jar"),
    ("jakarta/persistence", "jakarta.persistence-api", "3.1.0", "jar"),
    ("jakarta/transaction", "jakarta.transaction-api", "2.0.1", "jar"),
    ("org/jboss/logging", "jboss-logging", "3.5.3.Final", "jar"),
    ("org/hibernate/common", "hibernate-commons-annotations", "6.0.6.Final", "jar"),
    ("io/smallrye", "jandex", "3.1.2", "jar"),
    ("com/fasterxml", "classmate", "1.7.0", "jar"),
    ("net/bytebuddy", "byte-buddy", "1.14.19", "jar"),
    ("org/glassfish/jaxb", "jaxb-runtime", "4.0.5", "jar"),
    ("org/glassfish/jaxb", "jaxb-core", "4.0.5", "jar"),
    ("org/eclipse/angus", "angus-activation", "2.0.2", "jar"),
    ("org/glassfish/jaxb", "txw2", "4.0.5", "jar"),
    ("com/sun/istack", "istack-commons-runtime", "4.1.2", "jar"),
    ("jakarta/inject", "jakarta.inject-api", "2.0.1", "jar"),
    ("org/antlr", "antlr4-runtime", "4.13.0", "jar"),
    ("org/aspectj", "aspectjweaver", "1.9.22.1", "jar"),
    ("org/postgresql", "postgresql", "42.7.4", "jar"),
    ("org/checkerframework", "checker-qual", "3.42.0", "jar"),
    ("org/flywaydb", "flyway-core", "10.10.0", "jar"),
    ("org/flywaydb", "flyway-database-postgresql", "10.10.0", "jar"),
    ("com/fasterxml/jackson/dataformat", "jackson-dataformat-toml", "2.17.2", "jar"),
    ("io/micrometer", "micrometer-core", "1.13.6", "jar"),
    ("io/micrometer", "micrometer-commons", "1.13.6", "jar"),
    ("io/micrometer", "micrometer-observation", "1.13.6", "jar"),
    ("org/hdrhistogram", "HdrHistogram", "2.2.2", "jar"),
    ("org/latencyutils", "LatencyUtils", "2.0.3", "jar"),
    ("io/micrometer", "micrometer-registry-prometheus", "1.13.6", "jar"),
    ("io/prometheus", "prometheus-metrics-core", "1.2.1", "jar"),
    ("io/prometheus", "prometheus-metrics-model", "1.2.1", "jar"),
    ("io/prometheus", "prometheus-metrics-config", "1.2.1", "jar"),
    ("io/prometheus", "prometheus-metrics-tracer-common", "1.2.1", "jar"),
    ("io/prometheus", "prometheus-metrics-exposition-formats", "1.2.1", "jar"),
    ("org/springframework/boot", "spring-boot-starter-actuator", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-actuator-autoconfigure", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-actuator", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-starter-validation", "3.3.5", "jar"),
    ("org/hibernate/validator", "hibernate-validator", "8.0.1.Final", "jar"),
    ("jakarta/validation", "jakarta.validation-api", "3.0.2", "jar"),
    ("org/mapstruct", "mapstruct", "1.6.2", "jar"),
    ("org/mapstruct", "mapstruct-processor", "1.6.2", "jar"),
    ("org/projectlombok", "lombok", "1.18.34", "jar"),
    ("org/springframework/boot", "spring-boot-starter-test", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-test", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-test-autoconfigure", "3.3.5", "jar"),
    ("com/jayway/jsonpath", "json-path", "2.9.0", "jar"),
    ("jakarta/xml/bind", "jakarta.xml.bind-api", "4.0.2", "jar"),
    ("jakarta/activation", "jakarta.activation-api", "2.1.3", "jar"),
    ("net/minidev", "json-smart", "2.5.1", "jar"),
    ("net/minidev", "accessors-smart", "2.5.1", "jar"),
    ("org/ow2/asm", "asm", "9.6", "jar"),
    ("org/assertj", "assertj-core", "3.25.3", "jar"),
    ("org/awaitility", "awaitility", "4.2.2", "jar"),
    ("org/hamcrest", "hamcrest", "2.2", "jar"),
    ("org/junit/jupiter", "junit-jupiter", "5.10.5", "jar"),
    ("org/junit/jupiter", "junit-jupiter-api", "5.10.5", "jar"),
    ("org/opentest4j", "opentest4j", "1.3.0", "jar"),
    ("org/junit/platform", "junit-platform-commons", "1.10.5", "jar"),
    ("org/apiguardian", "apiguardian-api", "1.1.2", "jar"),
    ("org/junit/jupiter", "junit-jupiter-params", "5.10.5", "jar"),
    ("org/junit/jupiter", "junit-jupiter-engine", "5.10.5", "jar"),
    ("org/junit/platform", "junit-platform-engine", "1.10.5", "jar"),
    ("org/mockito", "mockito-core", "5.11.0", "jar"),
    ("net/bytebuddy", "byte-buddy-agent", "1.14.19", "jar"),
    ("org/objenesis", "objenesis", "3.3", "jar"),
    ("org/mockito", "mockito-junit-jupiter", "5.11.0", "jar"),
    ("org/skyscreamer", "jsonassert", "1.5.3", "jar"),
    ("com/vaadin/external/google", "android-json", "0.0.20131108.vaadin1", "jar"),
    ("org/springframework", "spring-test", "6.1.14", "jar"),
    ("org/xmlunit", "xmlunit-core", "2.9.1", "jar"),
    ("com/h2database", "h2", "2.2.224", "jar"),
    ("org/apache/maven/surefire", "surefire-junit-platform", "3.2.5", "jar"),
    ("org/apache/maven/surefire", "common-java5", "3.2.5", "jar"),
    ("org/junit/platform", "junit-platform-launcher", "1.10.5", "jar"),
    ("org/apache/maven/shared", "maven-shared-utils", "3.4.2", "jar"),
    ("org/codehaus/plexus", "plexus-utils", "4.0.1", "jar"),
    ("org/codehaus/plexus", "plexus-java", "1.2.0", "jar"),
    ("org/codehaus/plexus", "plexus-compiler-api", "2.15.0", "jar"),
    ("org/codehaus/plexus", "plexus-compiler-javac", "2.15.0", "jar"),
    ("org/codehaus/plexus", "plexus-compiler-manager", "2.15.0", "jar"),
    ("org/apache/commons", "commons-compress", "1.26.1", "jar"),
    ("commons-io", "commons-io", "2.16.1", "jar"),
    ("org/apache/commons", "commons-lang3", "3.14.0", "jar"),
    ("org/apache/maven/shared", "maven-filtering", "3.3.1", "jar"),
    ("org/sonatype/plexus", "plexus-build-api", "0.0.7", "jar"),
    ("org/apache/maven", "maven-archiver", "3.6.2", "jar"),
    ("org/codehaus/plexus", "plexus-archiver", "4.9.2", "jar"),
    ("org/codehaus/plexus", "plexus-io", "3.4.2", "jar"),
    ("org/iq80/snappy", "snappy", "0.4", "jar"),
    ("org/tukaani", "xz", "1.9", "jar"),
    ("com/github/luben", "zstd-jni", "1.5.5-11", "jar"),
    ("org/springframework/boot", "spring-boot-loader-tools", "3.3.5", "jar"),
    ("org/springframework/boot", "spring-boot-buildpack-platform", "3.3.5", "jar"),
    ("net/java/dev/jna", "jna-platform", "5.13.0", "jar"),
    ("org/apache/httpcomponents/client5", "httpclient5", "5.3.1", "jar"),
    ("org/apache/httpcomponents/core5", "httpcore5", "5.2.5", "jar"),
    ("org/apache/httpcomponents/core5", "httpcore5-h2", "5.2.5", "jar"),
    ("org/tomlj", "tomlj", "1.0.0", "jar"),
]


def busy_mvn_downloads(rnd, t, deps, repo="central", base="https://repo.maven.apache.org/maven2"):
    out = []
    for grp, art, ver, kind in deps:
        exts = ["pom"] if kind == "pom" else ["pom", "jar"]
        for ext in exts:
            url = "%s/%s/%s/%s/%s-%s.%s" % (base, grp, art, ver, art, ver, ext)
            t += rnd.uniform(0.005, 0.08)
            out.append((t, "Downloading from %s: %s" % (repo, url)))
            t += rnd.uniform(0.01, 0.25)
            size = rnd.uniform(0.6, 30) if ext == "pom" else rnd.uniform(3, 3200)
            speed = rnd.randint(90, 9000)
            sz = "%.1f kB" % size if size < 10 else ("%d kB" % size if size < 1000 else "%.1f MB" % (size / 1000))
            sp = "%d kB/s" % speed if speed < 1000 else "%.1f MB/s" % (speed / 1000)
            out.append((t, "Downloaded from %s: %s (%s at %s)" % (repo, url, sz, sp)))
    return out, t


BUSY_JAVA_TESTS = [
    "web.InvoiceControllerTest", "web.CustomerControllerTest", "web.PaymentControllerTest",
    "web.HealthEndpointTest", "web.ErrorHandlerTest", "service.InvoiceServiceTest",
    "service.TaxCalculatorTest", "service.CurrencyConverterTest", "service.DunningScheduleTest",
    "service.PaymentMatcherTest", "service.CreditNoteServiceTest", "domain.MoneyTest",
    "domain.InvoiceNumberTest", "domain.BillingPeriodTest", "domain.LineItemTest",
    "repository.InvoiceRepositoryTest", "repository.CustomerRepositoryTest", "mapping.InvoiceMapperTest",
    "mapping.CustomerMapperTest", "export.CsvExporterTest", "export.SepaXmlWriterTest",
    "export.PdfRendererTest", "config.SecurityConfigTest", "BillingServiceApplicationTests",
]


def busy_spring_boot_lines(rnd, t, cls, pid):
    """What a @SpringBootTest prints while its context starts (logback console pattern)."""
    stamp = "2024-05-08T10:%02d:%06.3f" % (int(t // 60) % 60, t % 60)

    def ln(level, thread, logger, msg):
        return "%sZ %5s %d --- [billing-service] [%15s] %-40s : %s" % (stamp, level, pid, thread[-15:],
                                                                        logger, msg)
    out = [ln("INFO", "main", "c.e.billing." + cls.split(".")[-1][:28],
              "Starting %s using Java 21.0.5 with PID %d (started by root in /src)" % (cls.split(".")[-1], pid)),
           ln("INFO", "main", "c.e.billing." + cls.split(".")[-1][:28],
              'The following 1 profile is active: "test"'),
           ln("INFO", "main", ".s.d.r.c.RepositoryConfigurationDelegate",
              "Bootstrapping Spring Data JPA repositories in DEFAULT mode."),
           ln("INFO", "main", ".s.d.r.c.RepositoryConfigurationDelegate",
              "Finished Spring Data repository scanning in %d ms. Found 7 JPA repository interfaces."
              % rnd.randint(40, 160)),
           ln("INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
           ln("INFO", "main", "com.zaxxer.hikari.pool.HikariPool",
              "HikariPool-1 - Added connection conn0: url=jdbc:h2:mem:billing user=SA"),
           ln("INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
           ln("INFO", "main", "org.flywaydb.core.FlywayExecutor", "Database: jdbc:h2:mem:billing (H2 2.2)"),
           ln("INFO", "main", "o.f.core.internal.command.DbMigrate",
              'Successfully applied 23 migrations to schema "PUBLIC", now at version v23 (execution time '
              '00:00.%03ds)' % rnd.randint(100, 999)),
           ln("INFO", "main", "o.hibernate.jpa.internal.util.LogHelper",
              "HHH000204: Processing PersistenceUnitInfo [name: default]"),
           ln("INFO", "main", "org.hibernate.Version", "HHH000412: Hibernate ORM core version 6.5.3.Final"),
           ln("INFO", "main", "o.h.c.internal.RegionFactoryInitiator",
              "HHH000026: Second-level cache disabled"),
           ln("INFO", "main", "o.h.e.t.j.p.i.JtaPlatformInitiator",
              "HHH000489: No JTA platform available (set 'hibernate.transaction.jta.platform' to enable JTA "
              "platform integration)"),
           ln("INFO", "main", "j.LocalContainerEntityManagerFactoryBean",
              "Initialized JPA EntityManagerFactory for persistence unit 'default'"),
           ln("WARN", "main", "JpaBaseConfiguration$JpaWebConfiguration",
              "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be performed "
              "during view rendering. Explicitly configure spring.jpa.open-in-view to disable this warning"),
           ln("INFO", "main", "o.s.b.a.e.web.EndpointLinksResolver",
              "Exposing 3 endpoints beneath base path '/actuator'"),
           ln("INFO", "main", "c.e.billing." + cls.split(".")[-1][:28],
              "Started %s in %.3f seconds (process running for %.3f)" % (cls.split(".")[-1],
                                                                        rnd.uniform(1.5, 4.5), t / 10))]
    return [(t + 0.01 * i, l) for i, l in enumerate(out)]


@corpus("near-miss-busy-shell-legacy-maven",
        "shell executor, runner 16.11.1, host docker 20.10 (legacy builder by default); a Maven build inside a "
        "RUN step downloads ~150 artifacts from Maven Central ([INFO] Downloading from/Downloaded from), "
        "compiles, runs surefire with Spring Boot test logs, BUILD SUCCESS; Step N/M, Running in, Removing "
        "intermediate container, Successfully built/tagged; docker push with Layer already exists; "
        "Job succeeded")
def busy_shell_maven(log):
    r = Runner("16.11.1", "535ced5f", "build-vm-07", "hk3p9wzq", executor="shell")
    sha = digest("sha" + log.name, 40)
    repo = "registry.gitlab.example.com/billing/billing-service"
    set_vars(CI_REGISTRY_IMAGE=repo, CI_COMMIT_SHORT_SHA=sha[:8])
    prepare_shell(log, r, "build-vm-07")
    get_sources(log, "billing/billing-service", sha, root="/home/gitlab-runner/builds/hk3p9wzq/0", fresh=False)
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd("docker version --format '{{.Server.Version}}'")
    log.out("20.10.24+dfsg1")
    log.cmd('docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"')
    log.err("WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
    log.out("WARNING! Your password will be stored unencrypted in /home/gitlab-runner/.docker/config.json.\n"
            "Configure a credential helper to remove this warning. See\n"
            "https://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\nLogin Succeeded")
    log.cmd("docker build --build-arg MAVEN_OPTS=\"-Dmaven.repo.local=/root/.m2/repository\" "
            "-t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA .")
    log.out("Sending build context to Docker daemon  2.531MB\r\r")
    legacy_from(log, "maven:3.9.9-eclipse-temurin-21", 1, 10)
    legacy_step(log, 2, 10, "WORKDIR /src")
    legacy_step(log, 3, 10, "COPY pom.xml .", run=False)
    legacy_step(log, 4, 10, "COPY src ./src", run=False)
    log.out("Step 5/10 : RUN mvn -B package")
    cid = digest("mvn" + log.name, 12)
    log.out(" ---> Running in %s" % cid)
    log.out("[INFO] Scanning for projects...")
    dl, t = busy_mvn_downloads(log.rnd, 0.0, BUSY_MVN[:11])
    for _, line in dl:
        log.out("[INFO] " + line)
    log.out("""[INFO] 
[INFO] ---------------< com.example.billing:billing-service >----------------
[INFO] Building billing-service 4.12.0
[INFO]   from pom.xml
[INFO] --------------------------------[ jar ]---------------------------------""")
    dl, t = busy_mvn_downloads(log.rnd, t, BUSY_MVN[11:17])
    for _, line in dl:
        log.out("[INFO] " + line)
    dl, t = busy_mvn_downloads(log.rnd, t, BUSY_MVN[17:])
    for _, line in dl:
        log.out("[INFO] " + line)
        log.wait(0.03)
    log.out("""[INFO] 
[INFO] --- clean:3.3.2:clean (default-clean) @ billing-service ---
[INFO] 
[INFO] --- resources:3.3.1:resources (default-resources) @ billing-service ---
[INFO] Copying 4 resources from src/main/resources to target/classes
[INFO] Copying 23 resources from src/main/resources to target/classes
[INFO] 
[INFO] --- compiler:3.13.0:compile (default-compile) @ billing-service ---
[INFO] Recompiling the module because of changed source code.
[INFO] Compiling 214 source files with javac [debug parameters release 21] to target/classes
[WARNING] /src/src/main/java/com/example/billing/export/SepaXmlWriter.java: Some input files use or override a deprecated API.
[WARNING] /src/src/main/java/com/example/billing/export/SepaXmlWriter.java: Recompile with -Xlint:deprecation for details.
[INFO] 
[INFO] --- resources:3.3.1:testResources (default-testResources) @ billing-service ---
[INFO] Copying 11 resources from src/test/resources to target/test-classes
[INFO] 
[INFO] --- compiler:3.13.0:testCompile (default-testCompile) @ billing-service ---
[INFO] Recompiling the module because of changed dependency.
[INFO] Compiling 96 source files with javac [debug parameters release 21] to target/test-classes
[INFO] 
[INFO] --- surefire:3.2.5:test (default-test) @ billing-service ---
[INFO] Using auto detected provider org.apache.maven.surefire.junitplatform.JUnitPlatformProvider
[INFO] 
[INFO] -------------------------------------------------------
[INFO]  T E S T S
[INFO] -------------------------------------------------------""")
    log.wait(8)
    total = skipped_total = 0
    t = 40.0
    for cls in BUSY_JAVA_TESTS:
        fq = "com.example.billing." + cls
        log.out("[INFO] Running " + fq)
        if cls.startswith(("web.", "repository.", "Billing")):
            for _, line in busy_spring_boot_lines(log.rnd, t, fq, 88):
                log.out(line)
        n = log.rnd.randint(3, 31)
        sk = 1 if log.rnd.random() < 0.15 else 0
        total += n
        skipped_total += sk
        el = log.rnd.uniform(0.02, 3.9)
        t += el
        log.wait(el)
        log.out("[INFO] Tests run: %d, Failures: 0, Errors: 0, Skipped: %d, Time elapsed: %.3f s -- in %s"
                % (n, sk, el, fq))
    log.out("""[INFO] 
[INFO] Results:
[INFO] 
[INFO] Tests run: %d, Failures: 0, Errors: 0, Skipped: %d
[INFO] 
[INFO] 
[INFO] --- jar:3.4.2:jar (default-jar) @ billing-service ---
[INFO] Building jar: /src/target/billing-service-4.12.0.jar
[INFO] 
[INFO] --- spring-boot:3.3.5:repackage (repackage) @ billing-service ---
[INFO] Replacing main artifact /src/target/billing-service-4.12.0.jar with repackaged archive, adding nested dependencies in BOOT-INF/.
[INFO] The original artifact has been renamed to /src/target/billing-service-4.12.0.jar.original
[INFO] ------------------------------------------------------------------------
[INFO] BUILD SUCCESS
[INFO] ------------------------------------------------------------------------
[INFO] Total time:  01:52 min
[INFO] Finished at: 2024-05-08T10:14:31Z
[INFO] ------------------------------------------------------------------------""" % (total, skipped_total))
    log.wait(2)
    log.out("Removing intermediate container %s" % cid)
    log.out(" ---> %s" % digest("res%s5" % log.name, 12))
    legacy_from(log, "eclipse-temurin:21.0.5_11-jre-jammy", 6, 10)
    legacy_step(log, 7, 10, "RUN groupadd --system app && useradd --system --gid app app")
    legacy_step(log, 8, 10, "COPY --from=0 /src/target/billing-service-4.12.0.jar /app/app.jar", run=False)
    legacy_step(log, 9, 10, "USER app")
    legacy_step(log, 10, 10, 'ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]')
    log.out("Successfully built %s" % digest("res%s10" % log.name, 12))
    log.out("Successfully tagged %s:%s" % (repo, sha[:8]))
    busy_push(log, "$CI_REGISTRY_IMAGE", "$CI_COMMIT_SHORT_SHA", 3, 6)
    log.cmd("docker image prune -f --filter until=24h")
    log.out("Deleted Images:")
    for i in range(14):
        log.out("deleted: sha256:%s" % digest("prune%s%d" % (log.name, i)))
    log.out("\nTotal reclaimed space: 1.284GB")
    log.section_end("step_script")
    busy_end(log, True)


# ---------------------------------------------------------------------------
# 3. kubernetes executor, kaniko, FF_TIMESTAMPS: npm ci, jest, tsc + webpack
# ---------------------------------------------------------------------------
BUSY_NPM_DEPRECATED = [
    ("inflight@1.0.6", "This module is not supported, and leaks memory. Do not use it. Check out lru-cache if you "
                       "want a good and tested way to coalesce async requests by a key value, which is much more "
                       "comprehensive and powerful."),
    ("rimraf@3.0.2", "Rimraf versions prior to v4 are no longer supported"),
    ("glob@7.2.3", "Glob versions prior to v9 are no longer supported"),
    ("glob@8.1.0", "Glob versions prior to v9 are no longer supported"),
    ("@humanwhocodes/config-array@0.11.14", "Use @eslint/config-array instead"),
    ("@humanwhocodes/object-schema@2.0.3", "Use @eslint/object-schema instead"),
    ("abab@2.0.6", "Use your platform's native atob() and btoa() methods instead"),
    ("domexception@4.0.0", "Use your platform's native DOMException instead"),
    ("w3c-hr-time@1.0.2", "Use your platform's native performance.now() and performance.timeOrigin."),
    ("sourcemap-codec@1.4.8", "Please use @jridgewell/sourcemap-codec instead"),
    ("stable@0.1.8", "Modern JS already guarantees Array#sort() is a stable sort, so this library is deprecated. "
                     "See the compatibility table on MDN: https://developer.mozilla.org/en-US/docs/Web/JavaScript/"
                     "Reference/Global_Objects/Array/sort#browser_compatibility"),
    ("@babel/plugin-proposal-class-properties@7.18.6",
     "This proposal has been merged to the ECMAScript standard and thus this plugin is no longer maintained. "
     "Please use @babel/plugin-transform-class-properties instead."),
    ("@babel/plugin-proposal-nullish-coalescing-operator@7.18.6",
     "This proposal has been merged to the ECMAScript standard and thus this plugin is no longer maintained. "
     "Please use @babel/plugin-transform-nullish-coalescing-operator instead."),
    ("@babel/plugin-proposal-optional-chaining@7.21.0",
     "This proposal has been merged to the ECMAScript standard and thus this plugin is no longer maintained. "
     "Please use @babel/plugin-transform-optional-chaining instead."),
    ("@babel/plugin-proposal-numeric-separator@7.18.6",
     "This proposal has been merged to the ECMAScript standard and thus this plugin is no longer maintained. "
     "Please use @babel/plugin-transform-numeric-separator instead."),
    ("@babel/plugin-proposal-private-methods@7.18.6",
     "This proposal has been merged to the ECMAScript standard and thus this plugin is no longer maintained. "
     "Please use @babel/plugin-transform-private-methods instead."),
    ("svgo@1.3.2", "This SVGO version is no longer supported. Upgrade to v2.x.x."),
    ("q@1.5.1", "You or someone you depend on is using Q, the JavaScript Promise library that gave JavaScript "
                "developers strong feelings about promises. They can almost certainly migrate to the native "
                "JavaScript promise now. Thank you literally everyone for joining me in this bet against the odds. "
                "Be excellent to each other.\n\n(For a CapTP with native promises, see @endo/eventual-send and "
                "@endo/captp)"),
    ("workbox-cacheable-response@6.6.0", "workbox-background-sync@6.6.0"),
    ("workbox-google-analytics@6.6.0", "It is not compatible with newer versions of GA starting with v4, as "
                                       "long as you are using GAv3 it should be ok, but the package is not "
                                       "longer being maintained"),
    ("eslint@8.57.1", "This version is no longer supported. Please see https://eslint.org/version-support for "
                      "other options."),
    ("uuid@3.4.0", "Please upgrade  to version 7 or higher.  Older versions may use Math.random() in certain "
                   "circumstances, which is known to be problematic.  See https://v8.dev/blog/math-random for "
                   "details."),
    ("querystring@0.2.0", "The querystring API is considered Legacy. new code should use the URLSearchParams API "
                          "instead."),
    ("har-validator@5.1.5", "this library is no longer supported"),
    ("request@2.88.2", "request has been deprecated, see https://github.com/request/request/issues/3142"),
    ("core-js@2.6.12", "core-js@<3.23.3 is no longer maintained and not recommended for usage due to the number "
                       "of issues. Because of the V8 engine whims, feature detection in old core-js versions could "
                       "cause a slowdown up to 100x even if nothing is polyfilled. Some versions have web "
                       "compatibility issues. Please, upgrade your dependencies to the actual version of core-js."),
]

BUSY_JS_AREAS = {
    "cart": ["CartSummary", "CartLine", "useCart", "cartReducer", "PromoCodeField", "ShippingEstimate"],
    "checkout": ["AddressForm", "PaymentStep", "ReviewStep", "useCheckout", "checkoutMachine", "validators"],
    "catalog": ["ProductCard", "ProductGrid", "FacetPanel", "SortSelect", "useSearch", "searchParams",
                "PriceTag", "AvailabilityBadge"],
    "account": ["LoginForm", "RegisterForm", "OrderHistory", "AddressBook", "useSession", "WishList"],
    "i18n": ["formatMoney", "formatDate", "pluralize", "LocaleSwitcher"],
    "lib": ["http", "retry", "debounce", "storage", "featureFlags", "analytics", "logger", "money"],
    "search": ["SearchBox", "Suggestions", "useAutocomplete", "highlight", "SpellingHint", "RecentSearches"],
    "content": ["HeroBanner", "ArticlePage", "RichText", "ImageGallery", "VideoEmbed", "cmsClient",
                "StoreLocator", "OpeningHours"],
    "layout": ["Header", "Footer", "MegaMenu", "Breadcrumbs", "CookieBanner", "Toast"],
}

BUSY_JS_VERBS = [
    "renders without items", "renders the subtotal", "updates quantity on change", "removes a line",
    "shows an error for invalid input", "disables submit while pending", "calls onSubmit with values",
    "formats negative amounts", "keeps focus after update", "matches snapshot", "handles empty response",
    "retries on 503", "debounces rapid input", "reads the stored value", "falls back to the default locale",
    "announces changes to screen readers", "hides when dismissed", "sorts by price ascending",
    "paginates results", "restores state from the URL",
]


def busy_jest(rnd):
    """`jest --ci --verbose` output, all green: (lines, suites, tests, skipped)."""
    out = []
    suites = tests = skipped = 0
    for area, names in sorted(BUSY_JS_AREAS.items()):
        for name in names:
            ext = "tsx" if name[0].isupper() else "ts"
            path = "src/%s/%s.test.%s" % (area, name, ext)
            secs = rnd.uniform(0.3, 9.0)
            out.append("PASS %s%s" % (path, " (%.3f s)" % secs if secs > 5 else ""))
            out.append("  %s" % name)
            for verb in rnd.sample(BUSY_JS_VERBS, rnd.randint(4, 12)):
                tests += 1
                if rnd.random() < 0.02:
                    skipped += 1
                    out.append("    \u25cb skipped %s" % verb)
                    continue
                ms = int(rnd.expovariate(1 / 25.0)) + 1
                out.append("    \u2713 %s%s" % (verb, " (%d ms)" % ms if ms > 4 else ""))
            if rnd.random() < 0.3:
                out.append("  %s edge cases" % name)
                for verb in rnd.sample(BUSY_JS_VERBS, 3):
                    tests += 1
                    out.append("    \u2713 %s (%d ms)" % (verb, rnd.randint(2, 60)))
            out.append("")
            suites += 1
    return out, suites, tests, skipped


def busy_webpack(rnd):
    out = []
    chunks = []
    for i in range(38):
        chunks.append("js/%d.%s.chunk.js" % (100 + i * 37 % 900, digest("chunk%d" % i, 8)))
    out.append("asset js/vendors.%s.js 1.12 MiB [emitted] [immutable] [minimized] [big] (name: vendors) "
               "(id hint: vendors) 1 related asset" % digest("vend", 8))
    out.append("asset js/main.%s.js 284 KiB [emitted] [immutable] [minimized] [big] (name: main) 1 related asset"
               % digest("mainjs", 8))
    for c in chunks:
        out.append("asset %s %.1f KiB [emitted] [immutable] [minimized] 1 related asset"
                   % (c, rnd.uniform(0.8, 96)))
    out.append("asset css/main.%s.css 48.2 KiB [emitted] [immutable] [minimized] (name: main)"
               % digest("maincss", 8))
    out.append("asset index.html 1.21 KiB [emitted]")
    out.append("asset robots.txt 67 bytes [emitted] [from: public/robots.txt] [copied]")
    out.append("Entrypoint main [big] 1.45 MiB (3.86 MiB) = js/runtime.%s.js 2.61 KiB js/vendors.%s.js 1.12 MiB "
               "css/main.%s.css 48.2 KiB js/main.%s.js 284 KiB 3 auxiliary assets"
               % (digest("rt", 8), digest("vend", 8), digest("maincss", 8), digest("mainjs", 8)))
    out.append("orphan modules 812 KiB [orphan] 402 modules")
    out.append("runtime modules 7.92 KiB 13 modules")
    out.append("cacheable modules 4.81 MiB (javascript) 48.4 KiB (css/mini-extract)")
    out.append("  javascript modules 4.76 MiB")
    out.append("    modules by path ./node_modules/ 3.91 MiB 612 modules")
    out.append("    modules by path ./src/ 873 KiB 288 modules")
    out.append("  css modules 48.4 KiB")
    out.append("    css ./node_modules/css-loader/dist/cjs.js!./node_modules/postcss-loader/dist/cjs.js!./src/"
               "styles/main.css 31.7 KiB [built] [code generated]")
    out.append("    + 17 modules")
    out += ["",
            "WARNING in asset size limit: The following asset(s) exceed the recommended size limit (244 KiB).",
            "This can impact web performance.",
            "Assets: ",
            "  js/vendors.%s.js (1.12 MiB)" % digest("vend", 8),
            "  js/main.%s.js (284 KiB)" % digest("mainjs", 8),
            "",
            "WARNING in entrypoint size limit: The following entrypoint(s) combined asset size exceeds the "
            "recommended limit (244 KiB). This can impact web performance.",
            "Entrypoints:",
            "  main (1.45 MiB)",
            "      js/runtime.%s.js" % digest("rt", 8),
            "      js/vendors.%s.js" % digest("vend", 8),
            "      css/main.%s.css" % digest("maincss", 8),
            "      js/main.%s.js" % digest("mainjs", 8),
            "",
            "",
            "webpack 5.97.1 compiled with 2 warnings in 41873 ms"]
    return out


@corpus("near-miss-busy-k8s-kaniko-npm-ts",
        "kubernetes executor, runner 17.8.3, FF_TIMESTAMPS; kaniko v1.23.2 with a registry layer cache builds a "
        "storefront: npm ci prints npm WARN deprecated lines and `added 1432 packages`, eslint, jest --verbose "
        "(ninety green suites), tsc and webpack (asset lines, size warnings); nginx runtime stage, cache layers "
        "and the image pushed; Job succeeded")
def busy_kaniko_npm(log):
    log.timestamps = True
    r = Runner("17.8.3", "690ce25c", "gitlab-runner-gke-5c7d8b9f6-q4nzd", "pr7x2mvk", executor="kubernetes",
               flags=["FF_TIMESTAMPS:true"])
    pid = 5538
    sha = digest("sha" + log.name, 40)
    repo = "registry.gitlab.example.com/shop/storefront"
    img = "gcr.io/kaniko-project/executor:v1.23.2-debug"
    prepare_k8s(log, r, img, "gitlab-ci", pid, "h6t2kq9w", pending=3, svc_count=0)
    get_sources(log, "shop/storefront", sha, ref="release/3.2")
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('echo "{\\"auths\\":{\\"${CI_REGISTRY}\\":{\\"auth\\":\\"$(printf "%s:%s" "${CI_REGISTRY_USER}" '
            '"${CI_REGISTRY_PASSWORD}" | base64 | tr -d \'\\n\')\\"}}}" > /kaniko/.docker/config.json')
    log.cmd('/kaniko/executor --context "${CI_PROJECT_DIR}" --dockerfile "${CI_PROJECT_DIR}/Dockerfile" '
            '--destination "${CI_REGISTRY_IMAGE}:${CI_COMMIT_SHORT_SHA}" --cache=true '
            '--cache-repo "${CI_REGISTRY_IMAGE}/cache" --snapshot-mode=redo --use-new-run')
    base, final = "node:18.19.1-bookworm-slim", "nginx:1.27.3-alpine"
    t = 0

    def k(dt, msg):
        nonlocal t
        t += dt
        log.wait(dt)
        kaniko(log, int(t), msg)

    k(0, "Resolved base name %s to build" % base)
    k(0, "Retrieving image manifest %s" % base)
    k(0, "Retrieving image %s from registry index.docker.io" % base)
    k(1, "Retrieving image manifest %s" % final)
    k(0, "Retrieving image %s from registry index.docker.io" % final)
    k(0, "Built cross stage deps: map[0:[/app/dist]]")
    k(0, "Retrieving image manifest %s" % base)
    k(0, "Returning cached image manifest")
    k(0, "Executing 0 build triggers")
    k(0, "Building stage '%s' [idx: '0', base-idx: '-1']" % base)
    k(0, "Checking for cached layer %s/cache:%s..." % (repo, digest("ck1" + log.name)))
    k(0, "No cached layer found for cmd RUN npm ci")
    k(0, "Unpacking rootfs as cmd COPY package.json package-lock.json ./ requires it.")
    k(4, "WORKDIR /app")
    k(0, "Cmd: workdir")
    k(0, "Changed working directory to /app")
    k(0, "Creating directory /app with uid -1 and gid -1")
    k(0, "COPY package.json package-lock.json ./")
    k(0, "RUN npm ci")
    k(0, "Initializing snapshotter ...")
    k(0, "Taking snapshot of full filesystem...")
    k(2, "Cmd: /bin/sh")
    k(0, "Args: [-c npm ci]")
    k(0, "Running: [/bin/sh -c npm ci]")
    for pkg, msg in BUSY_NPM_DEPRECATED:
        log.wait(log.rnd.uniform(0.2, 1.5))
        log.err("npm WARN deprecated %s: %s" % (pkg, msg))
    log.wait(38)
    t += 46
    log.out("\nadded 1432 packages, and audited 1433 packages in 46s\n\n263 packages are looking for funding\n"
            "  run `npm fund` for details\n\n9 vulnerabilities (2 low, 5 moderate, 2 high)\n\n"
            "To address issues that do not require attention, run:\n  npm audit fix\n\n"
            "To address all issues (including breaking changes), run:\n  npm audit fix --force\n\n"
            "Run `npm audit` for details.")
    k(1, "Taking snapshot of full filesystem...")
    k(9, "Pushing layer %s/cache:%s to cache now" % (repo, digest("ck1" + log.name)))
    k(0, "Pushing image to %s/cache:%s" % (repo, digest("ck1" + log.name)))
    k(0, "COPY . .")
    k(0, "Taking snapshot of files...")
    k(3, "Pushed %s/cache@sha256:%s" % (repo, digest("cp1" + log.name)))
    k(0, "RUN npm run lint && npm test -- --ci --verbose && npm run build")
    k(0, "Cmd: /bin/sh")
    k(0, "Args: [-c npm run lint && npm test -- --ci --verbose && npm run build]")
    k(0, "Running: [/bin/sh -c npm run lint && npm test -- --ci --verbose && npm run build]")
    log.out("\n> storefront@3.2.0 lint\n> eslint . --ext .ts,.tsx --max-warnings=0\n")
    log.wait(21)
    log.out("\n> storefront@3.2.0 test\n> jest --ci --verbose\n")
    lines_, suites, tests, skipped = busy_jest(log.rnd)
    for l in lines_:
        log.err(l)
        if l.startswith("PASS"):
            log.wait(log.rnd.uniform(0.2, 1.2))
    log.err("Test Suites: %d passed, %d total" % (suites, suites))
    log.err("Tests:       %d skipped, %d passed, %d total" % (skipped, tests - skipped, tests))
    log.err("Snapshots:   41 passed, 41 total")
    log.err("Time:        63.815 s")
    log.err("Ran all test suites.")
    log.out("\n> storefront@3.2.0 build\n> tsc --noEmit -p tsconfig.json && webpack --mode production\n")
    log.wait(12)
    log.out("Browserslist: caniuse-lite is outdated. Please run:\n  npx update-browserslist-db@latest\n"
            "  Why you should do it regularly: https://github.com/browserslist/update-db#readme")
    log.wait(41)
    log.out("\n".join(busy_webpack(log.rnd)))
    t += 150
    k(1, "Taking snapshot of full filesystem...")
    k(14, "Pushing layer %s/cache:%s to cache now" % (repo, digest("ck2" + log.name)))
    k(0, "Pushing image to %s/cache:%s" % (repo, digest("ck2" + log.name)))
    k(0, "Saving file app/dist for later use")
    k(5, "Pushed %s/cache@sha256:%s" % (repo, digest("cp2" + log.name)))
    k(0, "Deleting filesystem...")
    k(2, "Retrieving image manifest %s" % final)
    k(0, "Returning cached image manifest")
    k(0, "Executing 0 build triggers")
    k(0, "Building stage '%s' [idx: '1', base-idx: '-1']" % final)
    k(0, "Checking for cached layer %s/cache:%s..." % (repo, digest("ck3" + log.name)))
    k(0, "Using caching version of cmd: RUN rm /etc/nginx/conf.d/default.conf")
    k(0, "Unpacking rootfs as cmd COPY --from=0 /app/dist /usr/share/nginx/html requires it.")
    k(1, "RUN rm /etc/nginx/conf.d/default.conf")
    k(0, "Found cached layer, extracting to filesystem")
    k(0, "COPY nginx/storefront.conf /etc/nginx/conf.d/")
    k(0, "Taking snapshot of files...")
    k(0, "COPY --from=0 /app/dist /usr/share/nginx/html")
    k(0, "Taking snapshot of files...")
    k(0, "EXPOSE 8080")
    k(0, "Cmd: EXPOSE")
    k(0, "Adding exposed port: 8080/tcp")
    k(0, "No files changed in this command, skipping snapshotting.")
    k(0, "Pushing image to %s:%s" % (repo, sha[:8]))
    k(4, "Pushed %s@sha256:%s" % (repo, digest("kp" + log.name)))
    log.section_end("step_script")
    busy_end(log, True)


# ---------------------------------------------------------------------------
# 4. kubernetes executor, buildah (vfs, chroot): go test + go build -v, apt runtime stage
# ---------------------------------------------------------------------------
BUSY_GO_MODS = [
    ("github.com/go-chi/chi/v5", "v5.2.0", ["", "/middleware"]),
    ("github.com/jackc/pgx/v5", "v5.7.2", ["", "/internal/iobufpool", "/internal/pgio", "/internal/sanitize",
                                          "/internal/stmtcache", "/pgconn", "/pgconn/ctxwatch",
                                          "/pgconn/internal/bgreader", "/pgproto3", "/pgtype", "/pgxpool"]),
    ("github.com/jackc/pgpassfile", "v1.0.0", [""]),
    ("github.com/jackc/pgservicefile", "v0.0.0-20240606120523-5a60cdf6a761", [""]),
    ("github.com/jackc/puddle/v2", "v2.2.2", ["", "/internal/genstack"]),
    ("golang.org/x/crypto", "v0.32.0", ["/pbkdf2"]),
    ("golang.org/x/sync", "v0.10.0", ["/errgroup", "/semaphore"]),
    ("golang.org/x/text", "v0.21.0", ["/transform", "/unicode/norm", "/secure/bidirule", "/unicode/bidi"]),
    ("golang.org/x/net", "v0.34.0", ["/http/httpguts", "/http2", "/http2/hpack", "/idna", "/internal/timeseries",
                                     "/trace"]),
    ("golang.org/x/sys", "v0.29.0", ["/unix"]),
    ("github.com/prometheus/client_golang", "v1.20.5", ["/prometheus", "/prometheus/promhttp",
                                                        "/prometheus/internal", "/prometheus/collectors"]),
    ("github.com/prometheus/client_model", "v0.6.1", ["/go"]),
    ("github.com/prometheus/common", "v0.62.0", ["/expfmt", "/model"]),
    ("github.com/prometheus/procfs", "v0.15.1", ["", "/internal/fs", "/internal/util"]),
    ("github.com/beorn7/perks", "v1.0.1", ["/quantile"]),
    ("github.com/cespare/xxhash/v2", "v2.3.0", [""]),
    ("github.com/munnerz/goautoneg", "v0.0.0-20191010083416-a7dc8b61c822", [""]),
    ("google.golang.org/protobuf", "v1.36.3", ["/proto", "/reflect/protoreflect", "/types/known/timestamppb",
                                               "/encoding/protowire", "/internal/impl", "/internal/filedesc",
                                               "/encoding/prototext", "/types/known/anypb",
                                               "/types/known/durationpb"]),
    ("github.com/klauspost/compress", "v1.17.11", ["", "/flate", "/fse", "/huff0", "/zstd", "/s2"]),
    ("go.opentelemetry.io/otel", "v1.34.0", ["", "/attribute", "/baggage", "/codes", "/propagation",
                                             "/semconv/v1.26.0", "/internal/global"]),
    ("go.opentelemetry.io/otel/trace", "v1.34.0", ["", "/embedded", "/noop"]),
    ("go.opentelemetry.io/otel/metric", "v1.34.0", ["", "/embedded"]),
    ("go.opentelemetry.io/otel/sdk", "v1.34.0", ["", "/resource", "/trace", "/instrumentation"]),
    ("go.opentelemetry.io/otel/exporters/otlp/otlptrace", "v1.34.0", ["", "/internal/tracetransform"]),
    ("go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc", "v1.34.0", ["", "/internal/retry",
                                                                                    "/internal/otlpconfig"]),
    ("go.opentelemetry.io/proto/otlp", "v1.5.0", ["/collector/trace/v1", "/common/v1", "/resource/v1",
                                                  "/trace/v1"]),
    ("go.opentelemetry.io/auto/sdk", "v1.1.0", ["", "/internal/telemetry"]),
    ("github.com/go-logr/logr", "v1.4.2", ["", "/funcr"]),
    ("github.com/go-logr/stdr", "v1.2.2", [""]),
    ("google.golang.org/grpc", "v1.69.4", ["", "/codes", "/status", "/credentials", "/metadata", "/resolver",
                                           "/balancer", "/balancer/pickfirst", "/internal/transport",
                                           "/internal/grpcsync", "/internal/channelz", "/encoding/proto",
                                           "/keepalive", "/peer", "/stats", "/tap", "/grpclog",
                                           "/internal/backoff", "/internal/serviceconfig"]),
    ("google.golang.org/genproto/googleapis/rpc", "v0.0.0-20250115164207-1a7da9e5054f", ["/status",
                                                                                         "/errdetails"]),
    ("google.golang.org/genproto/googleapis/api", "v0.0.0-20250115164207-1a7da9e5054f", []),
    ("github.com/grpc-ecosystem/grpc-gateway/v2", "v2.25.1", []),
    ("github.com/cenkalti/backoff/v4", "v4.3.0", [""]),
    ("github.com/google/uuid", "v1.6.0", [""]),
    ("github.com/spf13/cobra", "v1.8.1", [""]),
    ("github.com/spf13/pflag", "v1.0.5", [""]),
    ("github.com/spf13/viper", "v1.19.0", ["", "/internal/encoding", "/internal/encoding/yaml",
                                           "/internal/encoding/toml", "/internal/encoding/json"]),
    ("github.com/fsnotify/fsnotify", "v1.8.0", [""]),
    ("github.com/sagikazarmark/locafero", "v0.7.0", [""]),
    ("github.com/sagikazarmark/slog-shim", "v0.1.0", [""]),
    ("github.com/sourcegraph/conc", "v0.3.0", ["", "/iter", "/panics"]),
    ("github.com/spf13/afero", "v1.12.0", ["", "/mem", "/internal/common"]),
    ("github.com/spf13/cast", "v1.7.1", [""]),
    ("github.com/subosito/gotenv", "v1.6.0", [""]),
    ("github.com/magiconair/properties", "v1.8.9", [""]),
    ("github.com/mitchellh/mapstructure", "v1.5.0", [""]),
    ("github.com/hashicorp/hcl", "v1.0.0", ["", "/hcl/ast", "/hcl/parser", "/hcl/scanner", "/hcl/strconv",
                                           "/hcl/token", "/json/parser", "/json/scanner", "/json/token"]),
    ("gopkg.in/ini.v1", "v1.67.0", [""]),
    ("gopkg.in/yaml.v3", "v3.0.1", [""]),
    ("github.com/pelletier/go-toml/v2", "v2.2.3", ["", "/internal/characters", "/internal/danger",
                                                   "/internal/tracker", "/unstable"]),
    ("go.uber.org/multierr", "v1.11.0", [""]),
    ("go.uber.org/zap", "v1.27.0", ["", "/buffer", "/internal", "/internal/bufferpool", "/internal/color",
                                    "/internal/exit", "/internal/pool", "/internal/stacktrace", "/zapcore"]),
    ("github.com/redis/go-redis/v9", "v9.7.0", ["", "/internal", "/internal/hashtag", "/internal/hscan",
                                               "/internal/pool", "/internal/proto", "/internal/rand",
                                               "/internal/util"]),
    ("github.com/dgryski/go-rendezvous", "v0.0.0-20200823014737-9f7001d12a5f", [""]),
    ("github.com/stretchr/testify", "v1.10.0", []),
    ("github.com/davecgh/go-spew", "v1.1.2-0.20180830191138-d8f796af33cc", []),
    ("github.com/pmezard/go-difflib", "v1.0.1-0.20181226105442-5d4384ee4fb2", []),
    ("github.com/golang-migrate/migrate/v4", "v4.18.1", ["", "/database", "/database/pgx/v5", "/source",
                                                         "/source/iofs", "/internal/url"]),
    ("github.com/hashicorp/errwrap", "v1.1.0", [""]),
    ("github.com/hashicorp/go-multierror", "v1.1.1", [""]),
    ("go.uber.org/atomic", "v1.11.0", [""]),
    ("github.com/segmentio/kafka-go", "v0.4.47", ["", "/compress", "/protocol", "/sasl", "/protocol/produce",
                                                 "/protocol/fetch", "/protocol/metadata"]),
    ("github.com/pierrec/lz4/v4", "v4.1.22", ["", "/internal/lz4block", "/internal/lz4stream"]),
    ("github.com/golang-jwt/jwt/v5", "v5.2.1", [""]),
    ("github.com/uber/h3-go/v4", "v4.1.2", [""]),
    ("github.com/paulmach/orb", "v0.11.1", ["", "/geojson", "/planar", "/encoding/wkb"]),
]

BUSY_GO_STD = """internal/goarch internal/unsafeheader internal/abi internal/cpu internal/bytealg internal/byteorder
internal/chacha8rand internal/coverage/rtcov internal/godebugs internal/goexperiment internal/goos
internal/profilerecord internal/runtime/atomic internal/runtime/exithook internal/stringslite
internal/runtime/syscall runtime/internal/math runtime/internal/sys internal/race sync/atomic math/bits
unicode unicode/utf8 unicode/utf16 internal/asan internal/msan cmp internal/itoa math runtime
internal/reflectlite errors sync internal/godebug io iter internal/oserror syscall internal/bisect
internal/testlog path internal/syscall/unix time internal/poll internal/syscall/execenv internal/fmtsort
io/fs internal/filepathlite os strconv reflect slices maps sort bytes strings internal/abi fmt bufio
encoding/binary encoding/base64 encoding/hex encoding/json encoding/pem encoding/csv encoding/asn1
context hash hash/crc32 hash/fnv hash/maphash compress/flate compress/gzip container/list container/heap
crypto crypto/internal/alias crypto/subtle crypto/internal/boring/sig crypto/internal/randutil
crypto/internal/boring crypto/cipher crypto/aes crypto/des crypto/internal/edwards25519/field
crypto/internal/nistec/fiat crypto/internal/bigmod crypto/sha256 crypto/sha512 crypto/sha1 crypto/md5
crypto/hmac crypto/rand math/rand math/rand/v2 math/big crypto/internal/nistec crypto/ecdh crypto/elliptic
crypto/ecdsa crypto/ed25519 crypto/rsa crypto/dsa crypto/x509/pkix crypto/internal/hpke crypto/internal/mlkem768
crypto/tls crypto/x509 vendor/golang.org/x/crypto/chacha20 vendor/golang.org/x/crypto/chacha20poly1305
vendor/golang.org/x/crypto/cryptobyte vendor/golang.org/x/crypto/cryptobyte/asn1 vendor/golang.org/x/crypto/hkdf
vendor/golang.org/x/crypto/sha3 vendor/golang.org/x/net/dns/dnsmessage vendor/golang.org/x/net/http/httpguts
vendor/golang.org/x/net/http/httpproxy vendor/golang.org/x/net/http2/hpack vendor/golang.org/x/net/idna
vendor/golang.org/x/text/secure/bidirule vendor/golang.org/x/text/transform vendor/golang.org/x/text/unicode/bidi
vendor/golang.org/x/text/unicode/norm internal/nettrace internal/singleflight internal/intern net/netip
runtime/cgo net net/url net/textproto mime mime/quotedprintable mime/multipart net/http/internal
net/http/internal/ascii net/http/httptrace net/http/internal/httpcommon log log/internal log/slog
log/slog/internal log/slog/internal/buffer net/http embed text/template/parse text/template html
html/template io/ioutil os/signal os/exec path/filepath regexp/syntax regexp runtime/debug runtime/pprof
runtime/trace database/sql/driver database/sql expvar flag net/http/pprof go/token go/scanner go/ast
go/build/constraint internal/lazyregexp internal/saferio debug/dwarf""".split()


BUSY_GO_TEST_NOUNS = ["Parse", "Validate", "Solve", "Encode", "Decode", "Distance", "Route", "Merge", "Split",
                      "Cache", "Retry", "Load", "Store", "Publish", "Consume", "Handler", "Middleware", "Token",
                      "Window", "Schedule", "Depot", "Stop", "Vehicle", "Capacity", "ETA", "Polyline", "Units"]
BUSY_GO_TEST_CASES = ["empty_input", "single_stop", "two_depots", "overlapping_windows", "max_capacity",
                      "zero_distance", "antimeridian", "unicode_names", "expired_token", "missing_header",
                      "large_fleet", "negative_weight", "rounding", "duplicate_ids", "timeout"]


def busy_go_test_v(rnd, pkg):
    """`go test -v` output of one package (all pass, a few skips and parallel subtests)."""
    out = []
    names = rnd.sample(BUSY_GO_TEST_NOUNS, rnd.randint(6, 14))
    for noun in names:
        for suffix in rnd.sample(["", "_Errors", "_Defaults", "_RoundTrip", "_Concurrent", "_Golden"], 2):
            name = "Test%s%s" % (noun, suffix)
            out.append("=== RUN   %s" % name)
            if rnd.random() < 0.06:
                out.append("    %s_test.go:%d: skipping: set ROUTE_PLANNER_INTEGRATION=1 to run"
                           % (pkg.rsplit("/", 1)[-1], rnd.randint(12, 300)))
                out.append("--- SKIP: %s (0.00s)" % name)
                continue
            if rnd.random() < 0.4:
                cases = rnd.sample(BUSY_GO_TEST_CASES, rnd.randint(2, 6))
                parallel = rnd.random() < 0.3
                for c in cases:
                    out.append("=== RUN   %s/%s" % (name, c))
                    if parallel:
                        out.append("=== PAUSE %s/%s" % (name, c))
                if parallel:
                    for c in cases:
                        out.append("=== CONT  %s/%s" % (name, c))
                times = [rnd.choice([0.0, 0.0, 0.0, 0.01, 0.02, 0.13]) for _ in cases]
                out.append("--- PASS: %s (%.2fs)" % (name, sum(times)))
                for c, tt in zip(cases, times):
                    out.append("    --- PASS: %s/%s (%.2fs)" % (name, c, tt))
            else:
                out.append("--- PASS: %s (%.2fs)" % (name, rnd.choice([0.0, 0.0, 0.0, 0.01, 0.04])))
    out.append("PASS")
    return out


@corpus("near-miss-busy-k8s-buildah-go",
        "kubernetes executor, runner 18.2.0, buildah v1.38 with vfs storage and chroot isolation (no dind); a "
        "two-stage Go build: blob copying, go: downloading for seventy modules, go test -v ./... (=== RUN, "
        "--- PASS/SKIP, ok and [no test files] lines), go build -v listing every package compiled, a debian runtime stage whose apt-get "
        "prints debconf's frontend fallbacks, COMMIT and buildah push; artifacts uploaded; Job succeeded")
def busy_buildah_go(log):
    r = Runner("18.2.0", "c8a03f49", "gitlab-runner-aks-7f6d9c5b8-lx2fp", "dn4w8qzt", executor="kubernetes")
    pid = 8104
    sha = digest("sha" + log.name, 40)
    mod = "gitlab.example.com/logistics/route-planner"
    repo = "registry.gitlab.example.com/logistics/route-planner"
    set_vars(CI_REGISTRY_IMAGE=repo, CI_COMMIT_SHORT_SHA=sha[:8])
    img = "quay.io/buildah/stable:v1.38.1"
    prepare_k8s(log, r, img, "ci-build", pid, "r8v2mx5c", pending=2, svc_count=0)
    get_sources(log, "logistics/route-planner", sha, ref="main")
    log.section_start("step_script", 'Executing "step_script" stage of the job script')
    log.cmd('export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot')
    log.cmd('buildah login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"')
    log.out("Login Succeeded!")
    log.cmd('buildah build --layers --build-arg VERSION="$CI_COMMIT_SHORT_SHA" -t '
            '"$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    steps = ["FROM docker.io/library/golang:1.23.5-bookworm AS build", "WORKDIR /src",
             "COPY go.mod go.sum ./", "COPY . .", "ARG VERSION", "RUN go test -v -count=1 ./...",
             'RUN CGO_ENABLED=0 go build -v -trimpath -ldflags="-s -w -X main.version=${VERSION}" '
             "-o /out/route-planner ./cmd/route-planner",
             "FROM docker.io/library/debian:bookworm-20250113-slim",
             "RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata libpq5 "
             "netbase && rm -rf /var/lib/apt/lists/*",
             "COPY --from=build /out/route-planner /usr/local/bin/route-planner",
             "USER 65532:65532", "EXPOSE 8080", 'ENTRYPOINT ["/usr/local/bin/route-planner"]']
    total = len(steps)
    layer = [0]

    def step(i, body=()):
        log.out("STEP %d/%d: %s" % (i, total, steps[i - 1]))
        for b in body:
            log.out(b)
        if not steps[i - 1].startswith("FROM"):
            layer[0] += 1
            log.wait(log.rnd.uniform(0.3, 2.0))
            log.out("--> %s" % digest("bl%s%d" % (log.name, layer[0]), 11))

    def pull(ref, n):
        out = ["Trying to pull %s..." % ref, "Getting image source signatures"]
        out += ["Copying blob sha256:%s" % digest("blob%s%d" % (ref, i)) for i in range(n)]
        out += ["Copying config sha256:%s" % digest("cfg" + ref), "Writing manifest to image destination"]
        return out

    step(1, pull("docker.io/library/golang:1.23.5-bookworm", 7))
    step(2)
    step(3)
    step(4)
    step(5)
    body = []
    for m, v, _ in BUSY_GO_MODS:
        body.append("go: downloading %s %s" % (m, v))
    pkgs = ["cmd/route-planner", "cmd/migrate", "internal/api", "internal/api/middleware", "internal/config",
            "internal/geo", "internal/geo/h3index", "internal/planner", "internal/planner/constraints",
            "internal/planner/solver", "internal/store", "internal/store/migrations", "internal/events",
            "internal/events/kafka", "internal/cache", "internal/telemetry", "internal/auth", "pkg/eta",
            "pkg/units", "pkg/polyline", "internal/testutil"]
    for p in sorted(pkgs):
        if p.startswith("cmd/") or p in ("internal/testutil", "internal/store/migrations"):
            body.append("?   \t%s/%s\t[no test files]" % (mod, p))
        else:
            body += busy_go_test_v(log.rnd, p)
            body.append("ok  \t%s/%s\t%.3fs" % (mod, p, log.rnd.uniform(0.004, 2.9)))
    step(6, body)
    body = list(BUSY_GO_STD)
    for m, v, subs in BUSY_GO_MODS:
        for s in subs:
            body.append(m + s)
    for p in sorted(pkgs):
        if p != "internal/testutil":
            body.append("%s/%s" % (mod, p))
    step(7, body)
    step(8, pull("docker.io/library/debian:bookworm-20250113-slim", 1))
    apt_out, _ = busy_apt(log.rnd, 0.0, BUSY_APT_RUNTIME, {"ca-certificates", "tzdata", "libpq5", "netbase"},
                          frontend_noninteractive=False)
    step(9, [l for _, l in apt_out])
    step(10)
    step(11)
    step(12)
    log.out("STEP %d/%d: %s" % (total, total, steps[-1]))
    log.out("COMMIT %s:%s" % (repo, sha[:8]))
    log.out("Getting image source signatures")
    for i in range(5):
        log.out("Copying blob sha256:%s" % digest("cblob%s%d" % (log.name, i)))
    log.out("Copying config sha256:%s" % digest("ccfg" + log.name))
    log.out("Writing manifest to image destination")
    log.out("--> %s" % digest("final" + log.name, 11))
    log.out("Successfully tagged %s:%s" % (repo, sha[:8]))
    log.out(digest("final" + log.name))
    log.cmd('buildah push --digestfile image-digest.txt "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA"')
    log.out("Getting image source signatures")
    for i in range(5):
        log.wait(log.rnd.uniform(0.2, 3))
        log.out("Copying blob sha256:%s" % digest("cblob%s%d" % (log.name, i)))
    log.out("Copying config sha256:%s" % digest("ccfg" + log.name))
    log.out("Writing manifest to image destination")
    log.cmd("cat image-digest.txt")
    log.out("sha256:%s" % digest("pushdg" + log.name))
    log.section_end("step_script")
    busy_upload_artifacts(log, True, [("archive", "image-digest.txt", 1)])
    busy_end(log, True)


# ---------------------------------------------------------------------------
# 5. docker executor, python image, no service: pip from cache, ruff, mypy, pytest fails
# ---------------------------------------------------------------------------
BUSY_PY_TESTS = {
    "tests/unit/test_money.py": ["test_round_half_even", "test_parse_amount", "test_format_amount",
                                 "test_currency_precision", "test_sum_mixed_currency_raises"],
    "tests/unit/test_features.py": ["test_age_bucket", "test_income_ratio", "test_missing_values_imputed",
                                    "test_one_hot_region", "test_feature_order_stable", "test_clip_outliers"],
    "tests/unit/test_model.py": ["test_load_model", "test_predict_shape", "test_predict_deterministic",
                                 "test_threshold_bounds", "test_explain_top_features", "test_version_tag"],
    "tests/unit/test_rules.py": ["test_rule_blacklist", "test_rule_velocity", "test_rule_country_mismatch",
                                 "test_rule_amount_spike", "test_rule_new_device", "test_rule_priority"],
    "tests/unit/test_config.py": ["test_defaults", "test_env_override", "test_invalid_port",
                                  "test_secret_masked"],
    "tests/unit/test_cache.py": ["test_get_miss", "test_set_get", "test_ttl_expiry", "test_key_namespacing"],
    "tests/unit/test_events.py": ["test_event_schema", "test_serialize", "test_deserialize_unknown_field",
                                  "test_partition_key"],
    "tests/api/test_health.py": ["test_liveness", "test_readiness", "test_metrics_exposed"],
    "tests/api/test_scores.py": ["test_score_single", "test_score_unknown_customer", "test_score_validation",
                                 "test_score_idempotency_key", "test_score_headers", "test_score_latency_budget"],
    "tests/api/test_batch.py": ["test_score_batch", "test_score_batch_limits", "test_score_batch_rejects_empty",
                                "test_score_batch_partial_errors"],
    "tests/api/test_auth.py": ["test_missing_token", "test_expired_token", "test_wrong_audience",
                               "test_scope_required"],
    "tests/db/test_repository.py": ["test_insert_score", "test_upsert_customer", "test_history_window",
                                    "test_migration_head"],
    "tests/worker/test_tasks.py": ["test_rescore_task", "test_retry_policy", "test_dead_letter",
                                   "test_batch_chunking"],
}
BUSY_PY_PARAMS = ["0.125-0.12", "0.135-0.14", "-0.125--0.12", "1-1", "0-0", "EUR", "USD", "JPY", "GBP", "CHF",
                  "de", "fr", "pl", "empty", "none", "max", "min", "utf8", "ascii", "leap-year", "dst-start",
                  "dst-end", "v1", "v2", "small", "large"]


def busy_pytest_items(rnd):
    items = []
    for path, funcs in BUSY_PY_TESTS.items():
        for f in funcs:
            if f == "test_round_half_even":
                for p in ["0.125-0.12", "0.135-0.14", "-0.125--0.12", "2.675-2.68", "1.005-1.0"]:
                    items.append("%s::%s[%s]" % (path, f, p))
            elif rnd.random() < 0.55:
                for p in rnd.sample(BUSY_PY_PARAMS, rnd.randint(4, 26)):
                    items.append("%s::%s[%s]" % (path, f, p))
            else:
                items.append("%s::%s" % (path, f))
    return items


def busy_pytest_line(nodeid, status, pct):
    left = "%s %s" % (nodeid, status)
    tail = "[%3d%%]" % pct
    pad = 80 - len(left) - len(tail)
    return left + " " * max(1, pad) + tail


@corpus("near-miss-busy-python-tests-fail",
        "docker executor, runner 17.5.0, python:3.12.9-slim-bookworm job image, no service; pip installs from the "
        "runner cache (Using cached, Requirement already satisfied), ruff and mypy pass, pytest -v runs about "
        "a thousand tests and two fail (assertion errors), coverage table and JUnit report uploaded; the job "
        "fails on its own tests")
def busy_pytest_fail(log):
    r = Runner("17.5.0", "8ec04662", "docker-ci-16", "gk5v8tnw")
    pid = 7313
    sha = digest("sha" + log.name, 40)
    img = "python:3.12.9-slim-bookworm"
    prepare_docker(log, r, img, [])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "risk/scoring-api", sha, ref="feature/rounding-mode")
    busy_restore_cache(log, "pip-feature-rounding-mode-non_protected", pid)
    step_script(log, img)
    log.cmd("python --version")
    log.out("Python 3.12.9")
    log.cmd("pip install --cache-dir .cache/pip -r requirements.txt")
    out = []
    line_no = 0
    for name, ver, tag, kb, parent, spec in BUSY_PY:
        if parent is None:
            line_no += 1
            out.append("Collecting %s==%s (from -r requirements.txt (line %d))" % (name, ver, line_no))
        else:
            out.append("Collecting %s%s (from %s==%s->-r requirements.txt (line %d))"
                       % (name, spec or "", BUSY_PY[parent][0], BUSY_PY[parent][1], line_no))
        out.append("  Using cached %s-%s-%s.whl.metadata (%s)" % (name.replace("-", "_"), ver, tag,
                                                                   busy_human_size(log.rnd.uniform(1.5, 40))))
    for name, ver, tag, kb, parent, spec in BUSY_PY:
        out.append("Using cached %s-%s-%s.whl (%s)" % (name.replace("-", "_"), ver, tag, busy_human_size(kb)))
    out.append("Installing collected packages: " + ", ".join(reversed([p[0] for p in BUSY_PY])))
    out.append("Successfully installed " + " ".join("%s-%s" % (p[0], p[1]) for p in
                                                    sorted(BUSY_PY, key=lambda p: p[0])))
    for l in out:
        log.out(l)
        log.wait(0.02)
    foot, _ = busy_pip_footer(log.rnd, 0.0)
    for _, l in foot:
        log.out(l)
    log.cmd("pip install --cache-dir .cache/pip -r requirements-dev.txt")
    already = []
    n = 0
    for name, ver, tag, kb, parent, spec in BUSY_PY:
        if parent is None:
            n += 1
            already.append((name, ver, n))
    dev_out, _ = busy_pip_install(log.rnd, 0.0, BUSY_PY_DEV, reqfile="requirements-dev.txt", already=already,
                                  bars=False)
    for _, l in dev_out:
        log.out(l.replace("Downloading", "Using cached"))
    for _, l in foot:
        log.out(l)
    log.cmd("ruff check src tests")
    log.out("All checks passed!")
    log.cmd("mypy src")
    log.wait(14)
    log.out("Success: no issues found in 142 source files")
    log.cmd("pytest -v --cov=scoring --cov-report=term --junitxml=report.xml")
    items = busy_pytest_items(log.rnd)
    log.out("""============================= test session starts ==============================
platform linux -- Python 3.12.9, pytest-8.3.4, pluggy-1.5.0 -- /usr/local/bin/python3.12
cachedir: .pytest_cache
rootdir: /builds/risk/scoring-api
configfile: pyproject.toml
testpaths: tests
plugins: anyio-4.8.0, respx-0.22.0, cov-6.0.0, asyncio-0.25.3, Faker-36.1.1
asyncio: mode=Mode.AUTO, asyncio_default_fixture_loop_scope=function
collecting ... collected %d items
""" % len(items))
    failing = {"tests/unit/test_money.py::test_round_half_even[0.125-0.12]",
               "tests/api/test_batch.py::test_score_batch_rejects_empty"}
    skipped = 0
    for i, it in enumerate(items):
        if it in failing:
            status = "FAILED"
        elif "test_migration_head" in it or (it.endswith("[utf8]") and "events" in it):
            status = "SKIPPED (needs a PostgreSQL DSN in SCORING_TEST_DB)" if "migration" in it else "SKIPPED"
            skipped += 1
        else:
            status = "PASSED"
        log.out(busy_pytest_line(it, status, (i + 1) * 100 // len(items)))
        log.wait(log.rnd.expovariate(1 / 0.04))
    log.out("""
=================================== FAILURES ===================================
_______________________ test_round_half_even[0.125-0.12] _______________________

amount = '0.125', expected = '0.12'

    @pytest.mark.parametrize(
        ("amount", "expected"),
        [("0.125", "0.12"), ("0.135", "0.14"), ("-0.125", "-0.12"), ("2.675", "2.68"), ("1.005", "1.0")],
    )
    def test_round_half_even(amount, expected):
>       assert money.round_amount(Decimal(amount)) == Decimal(expected)
E       AssertionError: assert Decimal('0.13') == Decimal('0.12')
E        +  where Decimal('0.13') = <function round_amount at 0x7f3a9c1e2b60>(Decimal('0.125'))
E        +    where <function round_amount at 0x7f3a9c1e2b60> = money.round_amount
E        +  and   Decimal('0.12') = Decimal('0.12')

tests/unit/test_money.py:41: AssertionError
________________________ test_score_batch_rejects_empty ________________________

client = <httpx.AsyncClient object at 0x7f3a9b8c4d10>

    async def test_score_batch_rejects_empty(client):
        resp = await client.post("/v1/scores:batch", json={"items": []})
>       assert resp.status_code == 400
E       assert 422 == 400
E        +  where 422 = <Response [422 Unprocessable Entity]>.status_code

tests/api/test_batch.py:58: AssertionError
------------------------------ Captured log call -------------------------------
INFO     httpx:_client.py:1740 HTTP Request: POST http://test/v1/scores:batch "HTTP/1.1 422 Unprocessable Entity"
=============================== warnings summary ===============================
tests/api/test_health.py::test_liveness
  /usr/local/lib/python3.12/site-packages/pydantic/_internal/_config.py:295: PydanticDeprecatedSince20: Support for class-based `config` is deprecated, use ConfigDict instead. Deprecated in Pydantic V2.0 to be removed in V3.0. See Pydantic V2 Migration Guide at https://errors.pydantic.dev/2.10/migration/
    warnings.warn(DEPRECATION_MESSAGE, category=PydanticDeprecatedSince20)

tests/worker/test_tasks.py::test_retry_policy
  /usr/local/lib/python3.12/site-packages/celery/app/base.py:1003: CPendingDeprecationWarning: The broker_connection_retry configuration setting will no longer determine
  whether broker connection retries are made during startup in Celery 6.0 and above.
  If you wish to retain the existing behavior for retrying connections on startup,
  you should set broker_connection_retry_on_startup to True.
    warnings.warn(

-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html
- generated xml file: /builds/risk/scoring-api/report.xml -

---------- coverage: platform linux, python 3.12.9-final-0 -----------
Name                                          Stmts   Miss  Cover
-----------------------------------------------------------------""")
    mods = ["__init__", "main", "config", "logging", "api/__init__", "api/deps", "api/health", "api/scores",
            "api/batch", "api/auth", "api/errors", "core/money", "core/features", "core/model", "core/rules",
            "core/explain", "db/__init__", "db/models", "db/repository", "db/session", "events/__init__",
            "events/schema", "events/producer", "cache", "worker/__init__", "worker/app", "worker/tasks",
            "telemetry"]
    ts = tm = 0
    for m in mods:
        st = log.rnd.randint(2, 260)
        miss = 0 if st < 8 else int(st * log.rnd.uniform(0, 0.25))
        ts += st
        tm += miss
        log.out("%-45s %5d  %5d  %4d%%" % ("src/scoring/%s.py" % m, st, miss, 100 * (st - miss) // st))
    log.out("-----------------------------------------------------------------")
    log.out("%-45s %5d  %5d  %4d%%" % ("TOTAL", ts, tm, 100 * (ts - tm) // ts))
    log.out("""
=========================== short test summary info ============================
FAILED tests/unit/test_money.py::test_round_half_even[0.125-0.12] - AssertionError: assert Decimal('0.13') == Decimal('0.12')
FAILED tests/api/test_batch.py::test_score_batch_rejects_empty - assert 422 == 400""")
    summary = " 2 failed, %d passed, %d skipped, 2 warnings in 61.84s " % (len(items) - 2 - skipped, skipped)
    left = (80 - len(summary)) // 2
    log.out("=" * left + summary + "=" * (80 - len(summary) - left))
    log.section_end("step_script")
    busy_upload_artifacts(log, False, [("junit", "report.xml", 1)])
    busy_end(log, False)


# ---------------------------------------------------------------------------
# 6. docker executor, dind with TLS, buildx docker-container driver: Gradle in a RUN step
# ---------------------------------------------------------------------------
BUSY_GRADLE_PROJECTS = {
    "common": ["MoneyTest", "ClockTest", "IdsTest", "ResultTest"],
    "catalog": ["ProductServiceTest", "PriceRuleTest", "CategoryTreeTest", "ProductControllerTest"],
    "orders": ["OrderServiceTest", "OrderStateMachineTest", "OrderControllerTest", "OrderRepositoryTest",
               "RefundPolicyTest"],
    "payments": ["PaymentServiceTest", "CardTokenTest", "WebhookVerifierTest", "SettlementJobTest"],
    "shipping": ["RateCalculatorTest", "LabelRendererTest", "CarrierClientTest", "TrackingParserTest"],
    "notifications": ["EmailTemplateTest", "SmsSenderTest", "DigestSchedulerTest"],
    "gateway": ["RoutingTest", "RateLimiterTest", "CorsConfigTest", "AuthFilterTest", "GatewayApplicationTests"],
}
BUSY_GRADLE_CASES = ["creates order()", "rejects empty cart()", "computes tax for EU()", "rounds half even()",
                     "returns 404 for unknown id()", "maps entity to dto()", "retries on timeout()",
                     "parses valid payload()", "rejects invalid signature()", "keeps insertion order()",
                     "applies discount once()", "serializes to JSON()", "handles concurrent updates()",
                     "uses configured clock()", "emits domain event()", "skips archived items()",
                     "paginates results()", "validates postcode()", "falls back to default carrier()",
                     "renders template with locale()"]


def busy_gradle_lines(rnd):
    out = ["Welcome to Gradle 8.12!", "", "Here are the highlights of this release:",
           " - Enhanced error and warning reporting with the Problems API",
           " - File-system watching support on Alpine Linux",
           " - Build and test Swift 6 libraries and apps", "",
           "For more details see https://docs.gradle.org/8.12/release-notes.html", "",
           "To honour the JVM settings for this build a single-use Daemon process will be forked. For more on "
           "this, please refer to https://docs.gradle.org/8.12/userguide/gradle_daemon.html"
           "#sec:disabling_the_daemon in the Gradle documentation.",
           "Daemon will be stopped at the end of the build "]
    tasks = 0
    for proj, tests in BUSY_GRADLE_PROJECTS.items():
        lib = proj == "common"
        for task in ["compileJava", "processResources", "classes"]:
            out.append("> Task :%s:%s%s" % (proj, task, " NO-SOURCE" if lib and task == "processResources" else ""))
            tasks += 1
            if task == "compileJava" and rnd.random() < 0.4:
                out.append("Note: Some input files use unchecked or unsafe operations.")
                out.append("Note: Recompile with -Xlint:unchecked for details.")
        for task in (["jar"] if lib else ["bootJar", "jar"]) + ["assemble", "compileTestJava",
                                                                   "processTestResources", "testClasses"]:
            out.append("> Task :%s:%s" % (proj, task))
            tasks += 1
        out.append("> Task :%s:test" % proj)
        tasks += 1
        for cls in tests:
            for case in rnd.sample(BUSY_GRADLE_CASES, rnd.randint(5, 16)):
                out.append("")
                out.append("%s > %s %s" % (cls, case, "SKIPPED" if rnd.random() < 0.02 else "PASSED"))
        out.append("> Task :%s:check" % proj)
        out.append("> Task :%s:build" % proj)
        tasks += 2
    out += ["", "Deprecated Gradle features were used in this build, making it incompatible with Gradle 9.0.", "",
            "You can use '--warning-mode all' to show the individual deprecation warnings and determine if they "
            "come from your own scripts or plugins.", "",
            "For more on this, please refer to https://docs.gradle.org/8.12/userguide/command_line_interface.html"
            "#sec:command_line_warnings in the Gradle documentation.", "",
            "BUILD SUCCESSFUL in 4m 38s", "%d actionable tasks: %d executed" % (tasks, tasks)]
    return out


@corpus("near-miss-busy-buildx-gradle-ts",
        "docker executor, runner 18.0.0, FF_TIMESTAMPS, pinned docker:27.5.1 with docker:27.5.1-dind over TLS; "
        "docker buildx with a docker-container builder (pinned moby/buildkit) and a registry cache: a Gradle "
        "multi-project build in a RUN step prints its task lines and a PASSED line per test, then BUILD "
        "SUCCESSFUL; layers, manifest and cache pushed; Job succeeded")
def busy_buildx_gradle(log):
    log.timestamps = True
    r = Runner("18.0.0", "0b3c5fa1", "docker-ci-17", "mq2t6hzv", flags=["FF_TIMESTAMPS:true"])
    pid = 9021
    sha = digest("sha" + log.name, 40)
    repo = "registry.gitlab.example.com/commerce/platform"
    set_vars(CI_REGISTRY_IMAGE=repo, CI_COMMIT_SHORT_SHA=sha[:8])
    img, dind = "docker:27.5.1", "docker:27.5.1-dind"
    prepare_docker(log, r, img, [dind])
    prepare_script(log, docker_job_host(log, pid))
    get_sources(log, "commerce/platform", sha, ref="main", depth=50)
    step_script(log, img)
    login_ok(log)
    log.cmd("docker buildx create --use --name ci-builder --driver docker-container "
            "--driver-opt image=moby/buildkit:v0.19.0")
    log.out("ci-builder")
    log.cmd('docker buildx build --cache-from "type=registry,ref=$CI_REGISTRY_IMAGE/cache:main" '
            '--cache-to "type=registry,ref=$CI_REGISTRY_IMAGE/cache:main,mode=max" --progress=plain --push '
            '-t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA" .')
    df = ["FROM gradle:8.12.1-jdk21 AS build", "WORKDIR /home/gradle/src", "COPY --chown=gradle:gradle . .",
          "RUN gradle build --no-daemon --console=plain", "FROM eclipse-temurin:21.0.6_7-jre-alpine",
          "COPY --from=build /home/gradle/src/gateway/build/libs/gateway.jar /app/gateway.jar",
          'ENTRYPOINT ["java", "-jar", "/app/gateway.jar"]']
    bk = BuildKit(log, df, name="ci-builder", driver="docker-container")
    log.err(bk.header)
    log.err("")
    bk.vertex("[internal] booting buildkit", [
        "pulling image moby/buildkit:v0.19.0", "pulling image moby/buildkit:v0.19.0 3.9s done",
        "creating container buildx_buildkit_ci-builder0", "creating container buildx_buildkit_ci-builder0 0.8s done"],
        4.7)
    bk.vertex("[internal] load build definition from Dockerfile", ["transferring dockerfile: 421B done"], 0.0)
    for b in ["gradle:8.12.1-jdk21", "eclipse-temurin:21.0.6_7-jre-alpine"]:
        bk.vertex("[internal] load metadata for %s" % hub(b), [], 1.3)
    bk.vertex("[auth] library/gradle:pull token for registry-1.docker.io", [], 0.0)
    bk.vertex("[internal] load .dockerignore", ["transferring context: 112B done"], 0.0)
    bk.vertex("importing cache manifest from %s/cache:main" % repo,
              ["inferred cache manifest type: application/vnd.oci.image.index.v1+json done"], 0.6)
    bk.from_("build 1/4", "gradle:8.12.1-jdk21", 6)
    bk.from_("stage-1 1/2", "eclipse-temurin:21.0.6_7-jre-alpine", 4)
    bk.vertex("[internal] load build context", ["transferring context: 6.82MB 0.4s done"], 0.4)
    bk.run("build 2/4", df[1], (), 0.1)
    bk.run("build 3/4", df[2], (), 0.6)
    gl = busy_gradle_lines(log.rnd)
    out = []
    t = 0.6
    for l in gl:
        if l.startswith("> Task"):
            t += log.rnd.uniform(4, 12) if ("compile" in l or l.endswith(":test")) else log.rnd.uniform(0.05, 1.5)
        elif l.endswith(("PASSED", "SKIPPED")):
            t += log.rnd.uniform(0.01, 0.4)
        out.append((t, l))
    bk.run("build 4/4", df[3], out, t + 1.2)
    bk.run("stage-1 2/2", df[5], (), 0.3)
    name = "%s:%s" % (repo, sha[:8])
    bk.vertex("exporting to image", [
        "exporting layers", "exporting layers 2.9s done",
        "exporting manifest sha256:%s 0.0s done" % digest("xm" + log.name),
        "exporting config sha256:%s 0.0s done" % digest("xc" + log.name),
        "exporting attestation manifest sha256:%s 0.0s done" % digest("xa" + log.name),
        "exporting manifest list sha256:%s 0.0s done" % digest("xl" + log.name),
        "naming to %s done" % name,
        "pushing layers", "pushing layers 5.7s done",
        "pushing manifest for %s@sha256:%s" % (name, digest("xl" + log.name)),
        "pushing manifest for %s@sha256:%s 0.9s done" % (name, digest("xl" + log.name))], 9.6)
    body = ["preparing build cache for export"]
    for i in range(9):
        d = digest("cache%s%d" % (log.name, i))
        body += ["writing layer sha256:%s" % d, "writing layer sha256:%s %.1fs done" % (d, log.rnd.uniform(0.1, 3))]
    body += ["writing config sha256:%s" % digest("ccfg" + log.name),
             "writing config sha256:%s 0.7s done" % digest("ccfg" + log.name),
             "writing cache manifest sha256:%s" % digest("cman" + log.name),
             "writing cache manifest sha256:%s 0.8s done" % digest("cman" + log.name),
             "preparing build cache for export 14.2s done"]
    bk.vertex("exporting cache to registry", body, 14.2)
    log.cmd("docker buildx rm ci-builder")
    footer(log, True)

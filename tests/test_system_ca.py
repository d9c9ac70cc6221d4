"""A client given no CA bundle trusts the system's bundle wherever the distribution
keeps it (``jobo_enterprise._config.SYSTEM_CA_FILES``), not only at Debian's path.

In a private mount namespace (root), ``/etc`` and ``/usr/local`` are overlaid by
throw-away copies: Debian's CA locations (``/etc/ssl/certs``, with the file and the
folder libcurl and OpenSSL default to) are removed, and a bundle holding the
sandbox's CA (after Debian's own certificates, as a real bundle would) is put at
one system path at a time: the RHEL/Fedora, RHEL 7, openSUSE, Alpine/macOS,
OpenELEC and FreeBSD locations. Each time a real TLS search through the C core
succeeds and ``diagnostics()`` names that file and the ``system`` source; with no
bundle anywhere the same call fails verification. certifi is kept out. Runs
against the checkout (``./dev test``) and against the installed wheel, with its
bundled libcurl (``./dev wheel-test``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from jobo_enterprise._config import SYSTEM_CA_FILES

DEBIAN_FILE = "/etc/ssl/certs/ca-certificates.crt"
OVERLAID = ("/etc", "/usr/local")


def _overlay_possible():
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = ('d=$(mktemp -d) && mount -t tmpfs none "$d" && mkdir "$d/u" "$d/w" && '
             'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$d/u,workdir=$d/w" /etc')
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", probe],
                          capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(
    not _overlay_possible(),
    reason="needs root, a private mount namespace and overlayfs (CI has them)")

# Run as `unshare --mount python -I -c SCRIPT STATE_DIR`: prints one JSON line, the
# outcome for each path (and for none).
SCRIPT = textwrap.dedent(r"""
    import json, os, shutil, subprocess, sys
    sys.modules["certifi"] = None  # as if certifi were not installed
    state, overlaid, debian_file, paths = sys.argv[1], sys.argv[2:4], sys.argv[4], sys.argv[5:]

    sandbox = subprocess.Popen([sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "20",
                                "--http-port", "-1", "--state-dir", os.path.join(state, "sandbox")],
                               stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(sandbox.stdout.readline())
        with open(debian_file) as f:
            bundle = f.read()
        with open(info["ca_cert"]) as f:
            bundle += f.read()
        # throw-away copies of /etc and /usr/local, seen only in this namespace
        for i, top in enumerate(overlaid):
            layer = os.path.join(state, "layer%d" % i)
            os.makedirs(layer)
            subprocess.run(["mount", "-t", "tmpfs", "none", layer], check=True)
            os.makedirs(layer + "/upper"), os.makedirs(layer + "/work")
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            "lowerdir=%s,upperdir=%s/upper,workdir=%s/work" % (top, layer, layer),
                            top], check=True)
        shutil.rmtree("/etc/ssl/certs")  # Debian's file, and the folder (CApath) around it
        for leftover in ("/etc/ssl/cert.pem", *paths):
            if os.path.lexists(leftover):
                os.remove(leftover)

        import jobo_enterprise
        from jobo_enterprise import JoboClient, JoboTLSError

        def search():
            client = JoboClient(api_key=info["keys"]["full"], base_url=info["base_url"], max_retries=0)
            try:
                found = len(client.jobs.search("engineer", page_size=2).jobs)
            except JoboTLSError as exc:
                found = "JoboTLSError: %s" % exc
            result = {"found": found, "client_source": client.ca_source,
                      "client_file": client.diagnostics()["ca_file"]}
            client.close()
            diag = jobo_enterprise.diagnostics()
            result.update(ca_file=diag["ca_file"], ca_source=diag["ca_source"])
            return result

        outcome = {"debian file gone": not os.path.lexists(debian_file), "none": search()}
        for path in paths:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(bundle)
            outcome[path] = search()
            os.remove(path)
        print(json.dumps(outcome))
    finally:
        sandbox.terminate()
        sandbox.wait(10)
""")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    if not os.path.isfile(DEBIAN_FILE):
        pytest.skip("builds the test bundles from Debian's CA file")
    state = tmp_path_factory.mktemp("system-ca")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JOBO_") and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    out = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", sys.executable, "-I", "-c", SCRIPT,
         str(state), *OVERLAID, DEBIAN_FILE, *SYSTEM_CA_FILES[1:]],
        capture_output=True, text=True, timeout=120, cwd="/", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_search_list_starts_with_debian_and_names_the_other_families():
    assert SYSTEM_CA_FILES[0] == DEBIAN_FILE
    for path in ("/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"):
        assert path in SYSTEM_CA_FILES
    assert all(path.startswith(OVERLAID) for path in SYSTEM_CA_FILES)


def test_without_any_system_bundle_the_same_call_fails_verification(outcome):
    """The control: Debian's locations are really gone, and nothing else trusts the
    sandbox's CA, so each success below comes from the file put at that path."""
    assert outcome["debian file gone"]
    none = outcome["none"]
    assert str(none["found"]).startswith("JoboTLSError"), none
    assert (none["ca_file"], none["ca_source"]) == (None, "libcurl default")
    assert none["client_source"] == "libcurl default"


@pytest.mark.parametrize("path", SYSTEM_CA_FILES[1:])
def test_a_bundle_at_the_distributions_path_is_found_and_reported(outcome, path):
    result = outcome[path]
    assert result["found"] == 2, result
    assert (result["ca_file"], result["ca_source"]) == (path, "system")
    assert (result["client_file"], result["client_source"]) == (path, "system")

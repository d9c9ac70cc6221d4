"""The installed binary wheel is self-contained (run by ``./dev wheel-test``).

These tests look at the jobo_enterprise that is imported: they run when it is an
installed wheel built by ``./dev wheel`` (it carries ``_bundled/bundled.json``), as
``./dev wheel-test`` arranges, with the system's libcurl, libcjson and libnghttp2
hidden. Against a checkout they skip, unless JOBO_WHEEL_TEST=1 says a wheel is
expected (then a checkout is a failure).
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

import jobo_enterprise

PACKAGE = os.path.dirname(os.path.abspath(jobo_enterprise.__file__))
BUNDLED = os.path.join(PACKAGE, "_bundled")
LIBS = os.path.join(os.path.dirname(PACKAGE), "jobo_enterprise_native.libs")

if not os.path.isfile(os.path.join(BUNDLED, "bundled.json")):
    if os.environ.get("JOBO_WHEEL_TEST") == "1":
        raise AssertionError(f"JOBO_WHEEL_TEST=1 but {PACKAGE} is not an installed wheel")
    pytest.skip("jobo_enterprise is not an installed binary wheel (./dev wheel-test runs these)",
                allow_module_level=True)

# Libraries of the base system, present on every manylinux system: what the
# extension may load from outside the wheel (glibc's parts, the loader, and the NSS
# modules the threaded resolver's getaddrinfo loads).
BASE_SYSTEM = re.compile(
    r"/(ld-linux[\w.-]*|libc|libm|libpthread|libdl|librt|libresolv|libutil|libgcc_s|"
    r"libnss_\w+|libnsl)\.so[.\d]*$")

# Runs with -I (no checkout on the path, no PYTHON* variables): notes the mapped
# libraries, imports the SDK, makes real HTTP/2 and HTTP/1.1 requests to a sandbox in
# another process (so the sandbox's own imports, Python's ssl among them, stay out of
# this one), and prints the libraries mapped since, with the folders of the
# interpreter's own extension modules loaded meanwhile.
PROBE = textwrap.dedent(r"""
    import json, subprocess, sys

    def mapped():
        with open("/proc/self/maps") as f:
            return {line.split(None, 5)[5].strip() for line in f
                    if len(line.split(None, 5)) == 6 and ".so" in line}

    before = mapped()
    modules_before = set(sys.modules)
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "50", "--http2",
         "--http-port", "-1"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(sandbox.stdout.readline())
        import jobo_enterprise
        from jobo_enterprise import JoboClient
        versions = []
        for http_version in ("2", "1.1"):
            client = JoboClient(api_key=info["keys"]["full"], base_url=info["base_url"],
                                ca_bundle=info["ca_cert"], http_version=http_version)
            result = client.jobs.search("engineer", page_size=3)
            versions.append([len(result.jobs), client.diagnostics()["attempts"][-1]["http_version"]])
            client.close()
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    dynload = sorted({getattr(sys.modules[m], "__file__", None) or "" for m in set(sys.modules) - modules_before})
    print(json.dumps({"new": sorted(mapped() - before), "core": jobo_enterprise._core.__file__,
                      "modules": [m for m in dynload if m.endswith(".so")], "versions": versions,
                      "diagnostics": jobo_enterprise.diagnostics()}))
""")


def _ldd_closure(paths):
    """The libraries the interpreter's own extension modules link to."""
    found = set()
    for path in paths:
        out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
        found.update(os.path.realpath(p) for p in re.findall(r"=> (/\S+)", out))
    return found


def _clean_env():
    """The environment without any CA or JOBO_* setting of the outer one."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("JOBO_") and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}


@pytest.fixture(scope="module")
def probe():
    out = subprocess.run([sys.executable, "-I", "-c", PROBE], capture_output=True, text=True,
                         timeout=120, cwd="/", env=_clean_env())
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_extension_maps_only_libraries_from_the_wheel_or_the_base_system(probe):
    assert probe["core"].startswith(PACKAGE)
    assert probe["versions"] == [[3, "2"], [3, "1.1"]]
    ours = [m for m in probe["modules"] if m.startswith(PACKAGE)]
    interpreter = [m for m in probe["modules"] if not m.startswith(PACKAGE)]
    allowed = _ldd_closure(interpreter) | {os.path.realpath(m) for m in probe["modules"]}
    foreign = [p for p in probe["new"]
               if not p.startswith(LIBS + os.sep) and not p.startswith(PACKAGE + os.sep)
               and not BASE_SYSTEM.search(p) and os.path.realpath(p) not in allowed]
    assert foreign == [], f"loaded from outside the wheel: {foreign}"
    assert ours and all(os.path.realpath(m) in map(os.path.realpath, probe["new"]) for m in ours)
    grafted = {re.sub(r"-[0-9a-f]{8}\.so.*", "", os.path.basename(p))
               for p in probe["new"] if p.startswith(LIBS + os.sep)}
    assert grafted == {"libcurl", "libssl", "libcrypto", "libnghttp2"}


def test_the_system_libcurl_and_libcjson_are_hidden_in_the_wheel_test():
    if os.environ.get("JOBO_WHEEL_TEST") != "1":
        pytest.skip("only ./dev wheel-test hides the system's libraries")
    for name in ("libcurl.so.4", "libcjson.so.1", "libnghttp2.so.14"):
        with pytest.raises(OSError):
            ctypes.CDLL(name)


def test_every_bundled_library_is_listed_with_its_licence():
    with open(os.path.join(BUNDLED, "bundled.json")) as f:
        bundled = {lib["name"]: lib for lib in json.load(f)}
    assert set(bundled) == {"libcurl", "cJSON", "OpenSSL", "nghttp2"}
    for lib in bundled.values():
        assert lib["why"] and lib["version"] and "Debian" in lib["source"]
        with open(os.path.join(BUNDLED, lib["licence"])) as f:
            assert len(f.read()) > 500, lib["licence"]
    owner = {"libcurl": "libcurl", "libssl": "OpenSSL", "libcrypto": "OpenSSL",
             "libnghttp2": "nghttp2"}
    grafted = {re.sub(r"-[0-9a-f]{8}\.so.*", "", f) for f in os.listdir(LIBS)}
    assert {owner[g] for g in grafted} == set(bundled) - {"cJSON"}
    info = jobo_enterprise._core.version_info()
    assert info["libcurl"] == bundled["libcurl"]["version"].split("-")[0]
    assert info["cjson"] == bundled["cJSON"]["version"].split("-")[0]


class _CurlVersionInfo(ctypes.Structure):
    """The head of libcurl's curl_version_info_data, up to the protocol list."""
    _fields_ = [("age", ctypes.c_int), ("version", ctypes.c_char_p),
                ("version_num", ctypes.c_uint), ("host", ctypes.c_char_p),
                ("features", ctypes.c_int), ("ssl_version", ctypes.c_char_p),
                ("ssl_version_num", ctypes.c_long), ("libz_version", ctypes.c_char_p),
                ("protocols", ctypes.POINTER(ctypes.c_char_p))]


def test_the_bundled_libcurl_has_only_what_the_sdk_uses():
    """HTTP and HTTPS only, linked with OpenSSL and nghttp2 and nothing else (no
    zlib, libidn2, libpsl, LDAP, RTMP, SSH, GSS-API)."""
    (path,) = [os.path.join(LIBS, f) for f in os.listdir(LIBS) if f.startswith("libcurl-")]
    curl = ctypes.CDLL(path)
    curl.curl_version.restype = ctypes.c_char_p
    parts = curl.curl_version().decode().split()
    assert [p.split("/")[0] for p in parts] == ["libcurl", "OpenSSL", "nghttp2"], parts
    curl.curl_version_info.restype = ctypes.POINTER(_CurlVersionInfo)
    data = curl.curl_version_info(9).contents  # CURLVERSION_NOW of 7.88
    protocols = []
    while data.protocols[len(protocols)]:
        protocols.append(data.protocols[len(protocols)].decode())
    assert sorted(protocols) == ["http", "https"]
    assert data.libz_version is None
    info = jobo_enterprise._core.version_info()
    assert info["http2"] and info["async_dns"] and info["ipv6"]
    assert info["ssl"].startswith("OpenSSL/")
    diagnostics = jobo_enterprise.diagnostics()
    assert [b.split()[0] for b in diagnostics["bundled"]] == ["libcurl", "cJSON", "nghttp2", "OpenSSL"]


def test_diagnostics_name_the_ca_file_the_bundled_libcurl_trusts(probe):
    """Debian's system bundle, or certifi when installed (the test extra brings it)."""
    info = probe["diagnostics"]
    expected = {"certifi"} if _has_certifi() else {"system"}
    assert info["ca_source"] in expected and os.path.isfile(info["ca_file"])


def test_the_bundled_libcurl_verifies_with_the_systems_ca_file(tmp_path):
    """In a private mount namespace, the sandbox's CA takes the place of Debian's CA
    file; certifi is kept out; a client given no CA bundle connects, so the bundled
    libcurl reads the system's CA file."""
    system_file = "/etc/ssl/certs/ca-certificates.crt"
    if os.geteuid() != 0 or not os.path.isfile(system_file):
        pytest.skip("needs root (a private mount namespace) and Debian's CA file")
    script = textwrap.dedent("""
        import json, subprocess, sys
        sys.modules["certifi"] = None  # as if certifi were not installed
        sandbox = subprocess.Popen([sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "20",
                                    "--http-port", "-1", "--state-dir", sys.argv[1]],
                                   stdout=subprocess.PIPE, text=True)
        try:
            info = json.loads(sandbox.stdout.readline())
            subprocess.run(["mount", "--bind", info["ca_cert"], sys.argv[2]], check=True)
            import jobo_enterprise
            from jobo_enterprise import JoboClient
            client = JoboClient(api_key=info["keys"]["full"], base_url=info["base_url"])
            found = len(client.jobs.search("engineer", page_size=2).jobs)
            print(json.dumps({"found": found, "diagnostics": jobo_enterprise.diagnostics()}))
        finally:
            sandbox.terminate()
            sandbox.wait(10)
    """)
    out = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable,
                          "-I", "-c", script, str(tmp_path), system_file],
                         capture_output=True, text=True, timeout=120, cwd="/", env=_clean_env())
    if "unshare failed" in out.stderr:
        pytest.skip("no private mount namespace here: " + out.stderr.strip())
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["found"] == 2
    assert result["diagnostics"]["ca_source"] == "system"
    assert result["diagnostics"]["ca_file"] == system_file


def _has_certifi():
    try:
        import certifi  # noqa: F401
    except ImportError:
        return False
    return True


def test_the_readme_diagnostics_example_matches_the_installed_wheel():
    """`jobo diagnostics`, as the README shows it for a wheel: the CA file and its
    source (without certifi), and the bundled libraries (names; versions follow
    Debian's updates)."""
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("### Binary wheels and source builds"):]
    block = re.search(r"```sh\njobo diagnostics\n(.*?)```", section, flags=re.S).group(1)
    shown = dict(line[2:].split(None, 1) for line in block.splitlines())
    jobo = os.path.join(os.path.dirname(sys.executable), "jobo")
    out = subprocess.run([jobo, "diagnostics"], capture_output=True, text=True, timeout=60,
                         env=_clean_env(), cwd="/")
    assert out.returncode == 0, out.stderr
    actual = dict(line.split(None, 1) for line in out.stdout.splitlines())

    def names(line):
        return [lib.split()[0] for lib in line.split(", ")]

    assert names(actual["bundled"]) == names(shown["bundled"])
    if not _has_certifi() and os.path.isfile(shown["ca_file"]):
        assert (actual["ca_file"], actual["ca_source"]) == (shown["ca_file"], shown["ca_source"])

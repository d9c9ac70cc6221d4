"""Build of the jobo_enterprise._core extension.

Nothing is looked up at import: the libraries are found when the extension is built
(``build_ext``), so ``python -m build --sdist`` needs neither a compiler nor headers.

libcurl, the first of these that answers:
  - ``JOBO_CURL_PREFIX``: a libcurl installed under that prefix (``./dev wheel`` builds
    a minimal one from Debian's source package, see scripts/bundle.sh);
  - pkg-config (``libcurl``), then ``curl-config``;
  - the compiler's default folders (``curl/curl.h`` and ``-lcurl``).
  When none has it, the build stops with one sentence naming the packages to install.

cJSON: pkg-config's ``libcjson`` when present, else the sources the sdist carries in
third_party/cjson (in a checkout ``scripts/bundle.sh cjson`` takes them from Debian's
source package), compiled in with a nesting limit equal to the C core's depth bound
(``JOBO_MAX_DEPTH``). ``JOBO_BUNDLE_CJSON=1`` always compiles them in (the wheels do).

``JOBO_STRICT=1`` compiles with -Wall -Wextra -Werror (CI does), ``JOBO_SANITIZE=1``
makes an ASan/UBSan build.
"""
import glob
import json
import os
import re
import runpy
import shutil
import subprocess

from setuptools import Extension, setup
from distutils import log  # setuptools' copy (imported above), on every Python
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
CJSON_DIR = os.path.join("third_party", "cjson")
CJSON_FILES = ("cJSON.c", "cJSON.h", "LICENSE", "SOURCE")
BUNDLED_DIR = os.path.join("jobo_enterprise", "_bundled")


class BuildError(SystemExit):
    def __init__(self, message):
        super().__init__("error: " + message)


def libraries_hint():
    """The one sentence naming the packages to install, shared with the ImportError
    of a broken install (read without importing the package)."""
    return runpy.run_path(os.path.join(HERE, "jobo_enterprise", "_install.py"))["LIBRARIES_HINT"]


def run(*cmd):
    """stdout of cmd split into words, or None when it is missing or fails."""
    if shutil.which(cmd[0]) is None:
        return None
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.stdout.split() if proc.returncode == 0 else None


def split_flags(cflags, libs):
    return {
        "include_dirs": [f[2:] for f in cflags if f.startswith("-I")],
        "library_dirs": [f[2:] for f in libs if f.startswith("-L")],
        "libraries": [f[2:] for f in libs if f.startswith("-l")],
    }


def find_libcurl(compiler):
    """(flags, where) for libcurl, or BuildError with the install hint."""
    prefix = os.environ.get("JOBO_CURL_PREFIX")
    if prefix:
        if not os.path.isfile(os.path.join(prefix, "include", "curl", "curl.h")):
            raise BuildError(f"JOBO_CURL_PREFIX={prefix} holds no include/curl/curl.h")
        lib = os.path.join(prefix, "lib")
        return {"include_dirs": [os.path.join(prefix, "include")], "library_dirs": [lib],
                "libraries": ["curl"], "runtime_library_dirs": [lib]}, prefix
    cflags, libs = run("pkg-config", "--cflags", "libcurl"), run("pkg-config", "--libs", "libcurl")
    if cflags is not None and libs is not None:
        return split_flags(cflags, libs), "pkg-config"
    cflags, libs = run("curl-config", "--cflags"), run("curl-config", "--libs")
    if cflags is not None and libs is not None:
        return split_flags(cflags, libs), "curl-config"
    if compiler.has_function("curl_version", includes=["curl/curl.h"], libraries=["curl"]):
        return {"include_dirs": [], "library_dirs": [], "libraries": ["curl"]}, "default folders"
    raise BuildError("libcurl's development files were not found. " + libraries_hint())


def max_depth():
    with open(os.path.join(HERE, "csrc", "jobo.h")) as f:
        match = re.search(r"#define JOBO_MAX_DEPTH (\d+)", f.read())
    if match is None:
        raise BuildError("csrc/jobo.h defines no JOBO_MAX_DEPTH")
    return match.group(1)


def find_cjson():
    """(flags, sources, where) for cJSON: the system's through pkg-config, else the
    carried sources compiled in."""
    if os.environ.get("JOBO_BUNDLE_CJSON") != "1":
        cflags, libs = run("pkg-config", "--cflags", "libcjson"), run("pkg-config", "--libs", "libcjson")
        if cflags is not None and libs is not None:
            return split_flags(cflags, libs), [], "pkg-config"
    source = os.path.join(CJSON_DIR, "cJSON.c")
    if not os.path.isfile(os.path.join(HERE, source)):
        raise BuildError("cJSON's development files were not found, nor its sources in "
                         f"{CJSON_DIR} (in a checkout 'scripts/bundle.sh cjson' fetches them). "
                         + libraries_hint())
    flags = {"include_dirs": [CJSON_DIR], "library_dirs": [], "libraries": [],
             "define_macros": [("CJSON_NESTING_LIMIT", max_depth())]}
    return flags, [source], "carried sources"


class BuildExt(build_ext):
    """Finds libcurl and cJSON when the extension is built, not when setup.py is read."""

    def build_extension(self, ext):
        curl, curl_from = find_libcurl(self.compiler)
        cjson, cjson_sources, cjson_from = find_cjson()
        for flags in (curl, cjson):
            for key, values in flags.items():
                setattr(ext, key, getattr(ext, key) + [v for v in values if v not in getattr(ext, key)])
        ext.sources = ext.sources + [s for s in cjson_sources if s not in ext.sources]
        # (distutils' log.info shows at every setuptools version; announce(level=2) no
        # longer shows on those whose distutils logs through the logging module)
        log.info(f"libcurl from {curl_from}, cJSON from {cjson_from}")
        super().build_extension(ext)
        if os.environ.get("JOBO_CURL_PREFIX"):
            self.write_bundled(os.environ["JOBO_CURL_PREFIX"], bool(cjson_sources))

    def write_bundled(self, prefix, with_cjson):
        """jobo_enterprise/_bundled/: the licence of every library the wheel carries
        and bundled.json (name, version, source, why), read by diagnostics()."""
        out = os.path.join(self.build_lib if not self.inplace else HERE, BUNDLED_DIR)
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        libs = bundled_libraries(prefix, with_cjson)
        for lib in libs:
            shutil.copyfile(lib.pop("licence_file"), os.path.join(out, lib["licence"]))
        with open(os.path.join(out, "bundled.json"), "w") as f:
            json.dump(libs, f, indent=1)
            f.write("\n")


WHY = {
    "libcurl": "the HTTP client of the C core (HTTP/1.1 and HTTP/2 over TLS, proxies, "
               "threaded resolver), built with nothing else",
    "cJSON": "the JSON parser of the C core, compiled in",
    "OpenSSL": "TLS for libcurl (libssl, libcrypto)",
    "nghttp2": "HTTP/2 for libcurl",
}
# the Debian binary packages of the libraries a bundled libcurl links to
DEBIAN_PACKAGES = {"libssl": ("OpenSSL", "libssl3"), "libcrypto": ("OpenSSL", "libssl3"),
                   "libnghttp2": ("nghttp2", "libnghttp2-14")}


def bundled_libraries(prefix, with_cjson):
    def text(path):
        with open(path) as f:
            return f.read().strip()

    libs = [{"name": "libcurl", "version": text(os.path.join(prefix, "SOURCE")).split()[-1],
             "source": text(os.path.join(prefix, "SOURCE")), "licence": "libcurl.COPYING.txt",
             "licence_file": os.path.join(prefix, "COPYING")}]
    if with_cjson:
        source = text(os.path.join(HERE, CJSON_DIR, "SOURCE"))
        libs.append({"name": "cJSON", "version": source.split()[-1], "source": source,
                     "licence": "cJSON.LICENSE.txt",
                     "licence_file": os.path.join(HERE, CJSON_DIR, "LICENSE")})
    # what libcurl links to beyond the C library, as the dynamic linker resolves it
    ldd = subprocess.run(["ldd", *glob.glob(os.path.join(prefix, "lib", "libcurl.so.*.*"))],
                         capture_output=True, text=True, check=True).stdout
    seen = set()
    for soname in re.findall(r"^\s*(lib[\w+-]+)\.so", ldd, re.M):
        if soname not in DEBIAN_PACKAGES or DEBIAN_PACKAGES[soname][0] in seen:
            continue
        name, package = DEBIAN_PACKAGES[soname]
        seen.add(name)
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                                 capture_output=True, text=True, check=True).stdout
        libs.append({"name": name, "version": version, "source": f"Debian package {package} {version}",
                     "licence": f"{name}.copyright.txt",
                     "licence_file": f"/usr/share/doc/{package}/copyright"})
    for lib in libs:
        lib["why"] = WHY[lib["name"]]
    return libs


class Sdist(sdist):
    """The sdist carries cJSON's sources and licence: refuse to make one without."""

    def run(self):
        missing = [f for f in CJSON_FILES if not os.path.isfile(os.path.join(HERE, CJSON_DIR, f))]
        if missing:
            raise BuildError("the sdist carries cJSON's sources, which are missing from "
                             f"{CJSON_DIR}: run 'scripts/bundle.sh cjson' first.")
        super().run()


extra_compile_args = ["-std=c99", "-D_GNU_SOURCE", "-O2", "-fvisibility=hidden"]
extra_link_args = []
if os.environ.get("JOBO_STRICT") == "1":
    extra_compile_args += ["-Wall", "-Wextra", "-Werror"]
if os.environ.get("JOBO_SANITIZE") == "1":
    san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"]
    extra_compile_args += san
    extra_link_args += ["-fsanitize=address,undefined"]

setup(
    ext_modules=[
        Extension(
            "jobo_enterprise._core",
            sources=sorted(glob.glob(os.path.join("csrc", "*.c"))),
            depends=sorted(glob.glob(os.path.join("csrc", "*.h"))),
            extra_compile_args=extra_compile_args,
            extra_link_args=extra_link_args,
        )
    ],
    cmdclass={"build_ext": BuildExt, "sdist": Sdist},
)

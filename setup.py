"""Build of the jobo_enterprise._core extension against the system libcurl and cJSON.

pkg-config finds both. Set JOBO_STRICT=1 to compile with -Wall -Wextra -Werror
(CI does), JOBO_SANITIZE=1 for an ASan/UBSan build.
"""
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup

DEBIAN_HINT = (
    "jobo-enterprise needs the libcurl (OpenSSL flavour) and cJSON development files "
    "and pkg-config: on Debian/Ubuntu run "
    "'sudo apt-get install pkg-config libcurl4-openssl-dev libcjson-dev'."
)


def pkg_config(*args):
    if shutil.which("pkg-config") is None:
        sys.exit("error: pkg-config was not found. " + DEBIAN_HINT)
    try:
        out = subprocess.run(
            ["pkg-config", *args, "libcurl", "libcjson"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except subprocess.CalledProcessError:
        sys.exit("error: libcurl or libcjson was not found by pkg-config. " + DEBIAN_HINT)
    return out.split()


def check_headers(include_dirs):
    dirs = include_dirs + ["/usr/include", "/usr/local/include"]
    for header in ("curl/curl.h", "cJSON.h"):
        if not any(os.path.exists(os.path.join(d, header)) for d in dirs):
            sys.exit(f"error: the header {header} is missing. " + DEBIAN_HINT)


cflags = pkg_config("--cflags")
libs = pkg_config("--libs")
include_dirs = [f[2:] for f in cflags if f.startswith("-I")]
check_headers(include_dirs)

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
            sources=sorted(
                os.path.join("csrc", f) for f in os.listdir("csrc") if f.endswith(".c")
            ),
            depends=[os.path.join("csrc", "jobo.h")],
            include_dirs=include_dirs,
            libraries=[f[2:] for f in libs if f.startswith("-l")],
            library_dirs=[f[2:] for f in libs if f.startswith("-L")],
            extra_compile_args=extra_compile_args,
            extra_link_args=extra_link_args,
        )
    ]
)

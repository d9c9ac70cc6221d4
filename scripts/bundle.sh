#!/usr/bin/env bash
# bundle.sh: the third-party code the self-contained wheels carry, taken from
# Debian's source packages at build time (never committed to this repository).
#
#   scripts/bundle.sh cjson   cJSON.c, cJSON.h and cJSON's licence into third_party/cjson/
#                             (the sdist carries them; wheels and header-less source
#                             builds compile them in)
#   scripts/bundle.sh curl    a minimal libcurl built from Debian's curl source package;
#                             prints its install prefix, a cache folder named by the hash
#                             of every input, so a machine builds it once
#
# Both need root (or sudo) once, to add a deb-src entry for Debian's archive (signed
# by the archive keyring) and install the build dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE=${JOBO_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jobo-build}
SRC="$CACHE/src"
# what the minimal libcurl is built with and against (Debian package names)
BUILD_DEPS=(dpkg-dev gcc make pkg-config libssl-dev libnghttp2-dev)

say() { printf '[bundle] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_build_deps() {
    local missing=() p
    for p in "${BUILD_DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        say "installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# A deb-src entry mirroring the system's own deb822 entries for Debian's archive,
# verified with the archive keyring like the binary packages.
ensure_deb_src() {
    local list=/etc/apt/sources.list.d/jobo-deb-src.sources
    if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qs '^deb-src ' /etc/apt/sources.list; then
        return
    fi
    . /etc/os-release
    say "adding the deb-src entries for Debian $VERSION_CODENAME ($list)"
    as_root tee "$list" >/dev/null <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $VERSION_CODENAME $VERSION_CODENAME-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $VERSION_CODENAME-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    as_root apt-get update -qq
}

# The unpacked source of a Debian source package (Debian's patches applied), newest
# version the archive offers; downloaded once into the cache.
source_dir() {
    local pkg=$1 version dir
    mkdir -p "$SRC"
    version=$( { apt-cache showsrc "$pkg" 2>/dev/null || true; } | sed -n 's/^Version: //p' | sort -V | tail -1)
    if [ -z "$version" ]; then
        ensure_deb_src
        version=$(apt-cache showsrc "$pkg" | sed -n 's/^Version: //p' | sort -V | tail -1)
    fi
    # the upstream version without epoch and Debian revision names the folder
    local upstream=${version#*:}
    upstream=${upstream%-*}
    dir="$SRC/$pkg-$version/$pkg-$upstream"
    if [ ! -f "$dir/.jobo-complete" ]; then
        say "fetching Debian's source package $pkg $version"
        rm -rf "$SRC/$pkg-$version"
        mkdir -p "$SRC/$pkg-$version"
        (cd "$SRC/$pkg-$version" &&
            apt-get source -qq -o APT::Sandbox::User=root --only-source "$pkg=$version" >/dev/null)
        touch "$dir/.jobo-complete"
    fi
    printf '%s\n' "$dir"
}

cmd_cjson() {
    ensure_build_deps
    local dir out=third_party/cjson
    dir=$(source_dir cjson)
    mkdir -p "$out"
    cp "$dir/cJSON.c" "$dir/cJSON.h" "$out/"
    cp "$dir/LICENSE" "$out/LICENSE"
    basename "$(dirname "$dir")" | sed 's/^cjson-/Debian source package cjson /' >"$out/SOURCE"
    say "cJSON sources in $out ($(cat "$out/SOURCE"))"
}

# Only what the SDK uses: HTTP/1.1 and HTTP/2 over TLS (OpenSSL, nghttp2), the
# HTTP/HTTPS/SOCKS proxies, the threaded resolver (DNS honours timeouts and Ctrl-C).
# No zlib (the SDK asks for no compressed bodies), no other protocol, no LDAP, RTMP,
# Kerberos, GnuTLS, libidn2, libpsl, SSH, brotli or zstd. No built-in CA path: the SDK names the CA file
# (jobo_enterprise._config.resolve_ca_bundle), and OpenSSL's default store is the
# fallback.
CURL_CONFIGURE=(
    --enable-shared --disable-static --with-pic
    --enable-symbol-hiding --enable-versioned-symbols
    --disable-manual --disable-curldebug --disable-debug
    --enable-http --enable-proxy --enable-ipv6
    --enable-threaded-resolver --disable-ares
    --with-openssl --with-nghttp2 --without-zlib
    --without-ca-bundle --without-ca-path --with-ca-fallback
    --disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp
    --disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap
    --disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-websockets
    --disable-ntlm --disable-ntlm-wb --disable-tls-srp
    --disable-doh --disable-alt-svc --disable-hsts --disable-cookies
    --disable-netrc --disable-mime --disable-unix-sockets
    --without-gnutls --without-wolfssl --without-mbedtls --without-bearssl
    --without-rustls --without-nss --without-libpsl --without-libidn2 --without-brotli
    --without-zstd --without-librtmp --without-libssh --without-libssh2 --without-libgsasl
    --without-gssapi --without-nghttp3 --without-ngtcp2 --without-quiche --without-msh3
    --without-hyper --without-zsh-functions-dir --without-fish-functions-dir
)

cmd_curl() {
    ensure_build_deps
    local dir key prefix
    dir=$(source_dir curl)
    # every input of the build: the source package (its .dsc names the checksums of
    # the tarball and of Debian's patches), the configure options and build steps, the
    # compiler and the development packages it links against
    key=$( {
        cat "$(dirname "$dir")"/*.dsc
        printf '%s\n' "${CURL_CONFIGURE[@]}"
        declare -f cmd_curl
        gcc --version | head -1
        dpkg-query -W libssl-dev libnghttp2-dev libc6-dev
    } | sha256sum | cut -c1-16)
    prefix="$CACHE/curl-$key"
    if [ ! -f "$prefix/.jobo-complete" ]; then
        say "building a minimal libcurl from $(basename "$(dirname "$dir")") into $prefix"
        local build="$CACHE/build-curl-$key"
        rm -rf "$build" "$prefix"
        cp -a "$dir" "$build"
        (
            cd "$build"
            ./configure -q --prefix="$prefix" "${CURL_CONFIGURE[@]}" CFLAGS="-O2 -g0" >"$build/configure.out"
            make -s -C lib -j"$(nproc)" >/dev/null
            make -s -C lib install >/dev/null
            make -s -C include install >/dev/null
            make -s install-pkgconfigDATA install-binSCRIPTS >/dev/null
        )
        cp "$dir/COPYING" "$prefix/COPYING"
        basename "$(dirname "$dir")" | sed 's/^curl-/Debian source package curl /' >"$prefix/SOURCE"
        rm -rf "$build"
        touch "$prefix/.jobo-complete"
    fi
    printf '%s\n' "$prefix"
}

case "${1:-}" in
    cjson) cmd_cjson ;;
    curl) cmd_curl ;;
    *)
        sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac

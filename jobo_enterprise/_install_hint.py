"""How to install libcurl, in one sentence: the only copy of it.

The source build (``setup.py``, which reads this file without importing the package)
says it when libcurl's development files are missing, and a broken install says it in
the ``ImportError`` raised at import when a library is missing. Keep it free of imports.
"""

LIBCURL_HINT = (
    "jobo-enterprise-native needs libcurl built with OpenSSL: install it with "
    "'sudo apt-get install libcurl4-openssl-dev pkg-config' (Debian, Ubuntu), "
    "'sudo dnf install libcurl-devel pkgconf' (Fedora, RHEL), "
    "'sudo apk add curl-dev pkgconf' (Alpine), "
    "'sudo pacman -S curl pkgconf' (Arch) or "
    "'brew install curl pkg-config' (macOS, Homebrew), then install jobo-enterprise-native again."
)

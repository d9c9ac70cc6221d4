"""The distribution's metadata and documents say what is true.

- every install command a user reads names ``jobo-enterprise-native`` (or the
  sandbox's own distribution), never the official ``jobo-enterprise``;
- the README, which is also the PyPI page, links only with absolute URLs, and
  those into this repository name files that exist;
- ``requires-python`` and the Python classifiers name exactly the versions CI
  builds and tests: scripts/pythons.sh's list plus 3.11 (``./dev test``);
- the LICENSE is the MIT licence the metadata declares.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # 3.11+: the whole suite runs there

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SANDBOX_PYPROJECT = tomllib.loads((ROOT / "sandbox" / "pyproject.toml").read_text())

# what a user reads: documents, the notebook, and every message of both packages
USER_FACING = sorted(
    [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "CHANGELOG.md", ROOT / "sandbox" / "README.md",
     ROOT / "setup.py", *ROOT.glob("examples/*"), *ROOT.glob("jobo_enterprise/**/*.py"),
     *ROOT.glob("sandbox/jobo_enterprise_sandbox/**/*.py")])
INSTALL = re.compile(r"pip install\s+(?:-\S+\s+)*['\"]?([A-Za-z0-9_.\-]+)")


def test_every_install_command_names_our_distributions():
    seen = set()
    for path in USER_FACING:
        if not path.is_file():
            continue
        for name in INSTALL.findall(path.read_text(encoding="utf-8", errors="replace")):
            seen.add(name)
            assert name != "jobo-enterprise" and not name.startswith("jobo_enterprise"), (
                f"{path.relative_to(ROOT)} tells users to install {name!r}")
    assert {"jobo-enterprise-native", "jobo-enterprise-sandbox"} <= seen


def test_the_readme_opens_its_install_section_with_our_name_and_the_relation():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Install\n"):]
    first_block = section[section.index("```sh\n") + 6:section.index("```", section.index("```sh\n") + 6)]
    assert first_block.splitlines()[0].startswith("pip install jobo-enterprise-native ")
    prose = section[section.index("```\n", section.index("```sh\n") + 6) + 4:]
    relation = prose.strip().split("\n\n")[0]  # the paragraph right after the commands
    assert "official `jobo-enterprise`" in relation and "same files" in relation
    assert "install one or the other" in relation


def test_readme_links_are_absolute_and_those_into_the_repository_exist():
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert targets, "the README has links"
    relative = [t for t in targets if not t.startswith(("https://", "http://"))]
    assert relative == [], f"relative links do not work on PyPI: {relative}"
    repo = PYPROJECT["project"]["urls"]["Repository"]
    for target in targets:
        if target.startswith(repo + "/blob/main/"):
            assert (ROOT / target[len(repo + "/blob/main/"):]).exists(), target


def test_project_urls_are_https():
    for meta in (PYPROJECT, SANDBOX_PYPROJECT):
        urls = meta["project"]["urls"]
        assert urls and all(u.startswith("https://") for u in urls.values()), urls
    assert {"Homepage", "Repository", "Issues", "Changelog"} <= set(PYPROJECT["project"]["urls"])


def _ci_versions() -> list[str]:
    script = (ROOT / "scripts" / "pythons.sh").read_text()
    listed = re.search(r"^DEFAULT_VERSIONS=\(([^)]*)\)", script, re.M).group(1).split()
    assert "3.11" not in listed  # ./dev test runs the whole suite on it
    calls = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^scripts/pythons\.sh\s*$", calls, re.M), ".ci/run runs the matrix"
    return sorted(listed + ["3.11"], key=lambda v: tuple(map(int, v.split("."))))


@pytest.mark.parametrize("meta", [PYPROJECT, SANDBOX_PYPROJECT], ids=["sdk", "sandbox"])
def test_requires_python_and_classifiers_say_what_ci_proves(meta):
    versions = _ci_versions()
    assert meta["project"]["requires-python"] == f">={versions[0]}"
    classified = [c.rsplit(" :: ", 1)[1] for c in meta["project"]["classifiers"]
                  if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert classified == versions


def test_the_license_is_the_declared_mit_licence():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n") and "WITHOUT WARRANTY OF ANY KIND" in text
    assert PYPROJECT["project"]["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in PYPROJECT["project"]["classifiers"]
    assert (ROOT / "sandbox" / "LICENSE").read_text() == text


def test_the_changelog_has_the_current_version_or_unreleased_changes():
    from jobo_enterprise import __version__

    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert headings[0] == "Unreleased" or headings[0].startswith(__version__)
    assert any(h.startswith(__version__) for h in headings)

"""Only the git layer starts git (issue 13): every git command line pw writes is in one place, with
a verb named for what it does. This searches pw's source for any other caller."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "partywork"
# The package that may write a git command line: gitio, and the launcher's head start (early).
GIT_LAYER = "storage/git/"

CALLERS = [
    re.compile(r"subprocess\.\w+\(\s*\[\s*[\"']git[\"']"),  # subprocess.run(["git", ...])
    re.compile(r"posix_spawnp?\([^)]*[\"']git[\"']"),  # os.posix_spawnp("git", ...)
    re.compile(r"\.(run|out)\(\s*[\"']"),  # git.run("rev-parse", ...) on a Git object
    re.compile(r"[\"']git[\"']\s*,\s*[\"'][a-z-]+[\"']"),  # ["git", "init", ...] built by hand
]


def _outside_the_git_layer() -> list[Path]:
    found = [
        p
        for p in PACKAGE.rglob("*.py")
        if not p.relative_to(PACKAGE).as_posix().startswith(GIT_LAYER)
    ]
    assert len(found) > 40  # the search looks where the code is
    return found


def test_no_module_outside_the_git_layer_starts_git():
    found = []
    for path in _outside_the_git_layer():
        text = path.read_text(encoding="utf-8")
        for pattern in CALLERS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {match.group(0)}")
    assert not found, "git started outside the git layer:\n" + "\n".join(found)


def test_the_search_would_see_a_caller():
    samples = [
        'subprocess.run(["git", "init", "-q", str(root)])',
        'git.run("merge-base", "--is-ancestor", a, b)',
        'self.git.out("rev-list", "HEAD")',
        'os.posix_spawnp("git", ["git", "-C", root], env)',
    ]
    for sample in samples:
        assert any(p.search(sample) for p in CALLERS), sample


def test_no_module_imports_the_git_layers_private_names():
    private = re.compile(r"from \S*gitio import [^\n]*\b_\w+|gitio\._\w+")
    found = [
        str(p.relative_to(PACKAGE))
        for p in _outside_the_git_layer()
        if private.search(p.read_text(encoding="utf-8"))
    ]
    assert not found, found

"""The README and the reference (docs/reference.md) as a user reads them: every command
line they show that needs no network runs as written (from the checkout, against the
bundled sample), and every command's synopsis names exactly the options the command
has. The OPA walkthrough is
tests/test_opa_served.py::test_the_readme_opa_fleet_walkthrough_runs_as_written."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
PAGES = {ROOT / "README.md": README, ROOT / "docs" / "reference.md": REFERENCE}
NOW = "2026-11-21T00:00:00Z"


def code_blocks() -> list[list[str]]:
    blocks = [b for text in PAGES.values()
              for b in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE)]
    return [block.replace("\\\n", " ").splitlines() for block in blocks]


def commands() -> list[str]:
    return [line.strip() for block in code_blocks() for line in block
            if line.startswith("gallerylint ")]


SYNOPSIS = [c for c in commands() if "PATH" in c or "RULE" in c or " | " in c
            or "[--" in c or "[-" in c]
# export reaches Azure; the OPA walkthrough has its own test
NETWORK = ("gallerylint export", "--opa-url")
RUNNABLE = [c for c in commands() if c not in SYNOPSIS and not any(n in c for n in NETWORK)]


def gallerylint(args, cwd):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def test_the_readme_shows_runnable_commands():
    assert len(RUNNABLE) >= 3, RUNNABLE
    assert any(c.startswith("gallerylint gate") for c in RUNNABLE)
    assert any(c.startswith("gallerylint waive") for c in RUNNABLE)


@pytest.mark.parametrize("command", RUNNABLE)
def test_each_readme_command_runs_as_written(command, tmp_path):
    # in a copy of the checkout's samples, so `waive` edits a copy of the config
    work = tmp_path / "work"
    shutil.copytree(ROOT / "samples", work / "samples")
    argv = shlex.split(command.split(" #")[0])[1:]
    if argv[0] == "waive":
        config = work / "samples" / "contoso" / ".gallerylint.yaml"
        result = gallerylint([*argv, "--config", str(config)], cwd=work)
        assert result.returncode == 0, result.stderr
        linted = gallerylint(["lint", "samples/contoso", "--config", str(config), "--now", NOW,
                              "--rules", argv[1]], cwd=work)
        waived = re.search(r"(\d+) waived", linted.stdout)
        assert waived and int(waived.group(1)) >= 1, linted.stdout  # it waives a real finding
        return
    if argv[0] in ("gate", "lint", "bundle"):
        argv += ["--now", NOW]
    result = gallerylint(argv, cwd=work)
    assert result.returncode in (0, 1), (command, result.stderr)
    assert "error:" not in result.stderr, result.stderr


def options_of(command: str) -> set[str]:
    result = gallerylint([command, "--help"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    options = result.stdout.split("Options:", 1)[1].split("Examples:", 1)[0]
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", options)) - {"--help"}


@pytest.mark.parametrize("command", ["lint", "export", "gate", "waive", "rules", "explain",
                                     "bundle", "config", "init"])
def test_each_synopsis_names_exactly_the_commands_options(command):
    lines = [c for c in SYNOPSIS if c.split()[1] == command]
    assert lines, f"no synopsis for {command}"
    # a synopsis continues on the indented lines below it
    block = next(b for b in code_blocks() if any(line.startswith(lines[0]) for line in b))
    text = []
    for line in block:
        if line.startswith(f"gallerylint {command} ") or (text and line.startswith(" ")):
            text.append(line)
        elif text and line.startswith("gallerylint "):
            if not line.startswith(f"gallerylint {command} "):
                break
    shown = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", " ".join(text)))
    shown |= {long for short, long in (("-c", "--config"), ("-f", "--format"),
                                       ("-o", "--output"), ("-q", "--quiet"),
                                       ("-v", "--verbose"))
              if re.search(rf"(?<![\w-]){short}(?![\w-])", " ".join(text))}
    has = options_of(command)
    assert shown - has == set(), f"the README shows options {command} lacks"
    assert has - shown == set(), f"the README's synopsis of {command} misses options"


def test_no_reference_to_a_section_or_file_that_does_not_exist():
    for page, text in PAGES.items():
        headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-")
                    for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
        for anchor in re.findall(r"\]\(#([^)]+)\)", text):
            assert anchor in headings, (page.name, anchor)
        for path in re.findall(r"\]\((?!https?:|#)([^)#]+)", text):
            assert (page.parent / path).exists(), (page.name, path)


def test_the_readme_is_the_adopter_s_page():
    """About 200 lines, the two commands first, the quickstart before the reference."""
    lines = README.splitlines()
    assert len(lines) <= 220
    assert [l.split()[:2] for l in lines[3:5]] == [["make", "demo"], ["make", "test"]]
    assert README.index("five minutes") < README.index("## Commands")


def test_the_readme_config_example_is_a_valid_config(tmp_path):
    from linter import config
    blocks = [b for text in PAGES.values()
              for b in re.findall(r"^```yaml\n(.*?)^```", text, re.DOTALL | re.MULTILINE)]
    examples = [b for b in blocks if not b.lstrip().startswith("- uses:")]
    assert examples
    for n, text in enumerate(examples):
        path = tmp_path / f"c{n}.yaml"
        path.write_text(text)
        (tmp_path / "policies" / "org").mkdir(parents=True, exist_ok=True)
        settings = config.load(path, explicit=True)  # raises InputError (exit 2) if not
        assert settings.path

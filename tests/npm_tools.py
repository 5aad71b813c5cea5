"""Node tools the suite installs itself from npm into .tools/ (once per machine)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools"


def npm_install(name: str, package: str, marker: str) -> Path:
    """Install `package` (one or several, space-separated) under .tools/<name>/ and
    return that folder; skip without npm
    (fail under CI, where npm is part of the machine)."""
    folder = TOOLS / name
    if not (folder / marker).exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail(f"npm is needed to install {package}")
            pytest.skip(f"npm is not on PATH: cannot install {package}")
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix",
                                 str(folder), *package.split()], capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
    return folder

"""Reading files of the linted tree, which a pull request controls.

A file is read only when it is a regular file, no larger than its cap, and,
when its path lies inside the workspace, its real path does too: a
`.gallerylint.yaml` that is a link to `~/.azure/...`, or a folder linked to
`/home/runner`, is refused, never read. The workspace is `GALLERYLINT_WORKSPACE`
(the Action sets it to `GITHUB_WORKSPACE`), else the current directory. A path
the user names outside the workspace (a snapshot in `$RUNNER_TEMP`) is read
as named.

Error messages name the file and what is wrong, never what the file holds.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

CONFIG_BYTES = 1 << 20  # a config, a policy or a rule file: 1 MiB is far more than any needs


def workspace() -> Path:
    given = os.environ.get("GALLERYLINT_WORKSPACE")
    return Path(given or os.getcwd()).resolve()


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_inside(path: str | os.PathLike[str], root: Path | None = None) -> None:
    """InputError when `path` is in the workspace but leads (through a link) out of it."""
    root = root or workspace()
    lexical = Path(os.path.abspath(path))
    if not _inside(lexical, root):
        return
    try:
        real = lexical.resolve()
    except (OSError, RuntimeError):  # a link loop
        raise InputError(str(path), "is a symbolic link that cannot be resolved",
                         hint="remove the link") from None
    if not _inside(real, root):
        raise InputError(str(path), "is a symbolic link (or lies under one) that leads outside "
                         f"the workspace {root}; gallerylint never follows links out of the tree",
                         hint="replace the link with the file, or set GALLERYLINT_WORKSPACE")


def read_bytes(path: str | os.PathLike[str], cap: int, what: str = "file",
               hint_cap: str | None = None) -> bytes:
    """The bytes of a regular file of the tree, at most `cap` of them."""
    check_inside(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(str(path), f"cannot read the {what}: {exc.strerror or exc}",
                         hint="check that it exists and is readable") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(str(path), f"the {what} is not a regular file",
                             hint="name a file, not a device, FIFO or folder")
        if st.st_size > cap:
            raise InputError(str(path), f"the {what} is {st.st_size:,} bytes, above the limit of "
                             f"{cap:,}", hint=hint_cap or "make it smaller")
        # One read of the size the file has (plus one byte: a file that grew, or a /proc
        # file that reports size 0), so the bytes are held once, never as chunks and a
        # joined copy (the whole estate's file: its size counts against peak memory).
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read((st.st_size or cap) + 1)
            if len(data) > st.st_size:  # grown while read, or a size-0 /proc file
                data += fh.read(cap + 1 - len(data)) if len(data) <= cap else b""
        if len(data) > cap:
            raise InputError(str(path), f"the {what} is above the limit of {cap:,} bytes",
                             hint=hint_cap or "make it smaller")
        return data
    except OSError as exc:
        raise InputError(str(path), f"cannot read the {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def decode_utf8(path: str | os.PathLike[str], data: bytes, what: str | None = None,
                error: type[InputError] = InputError) -> str:
    """UTF-8 text (a leading BOM dropped); else `error` naming the line and the offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        subject = f"the {what} is not" if what else "not"
        raise error(str(path), f"{subject} UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start})", line=line, hint="save the file as UTF-8") from None


def read_text(path: str | os.PathLike[str], cap: int = CONFIG_BYTES, what: str = "file") -> str:
    return decode_utf8(path, read_bytes(path, cap, what), what)

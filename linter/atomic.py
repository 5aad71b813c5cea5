"""Atomic writing of reports, snapshots and bundles: a temporary file beside the target,
then a rename, so an interrupted or failed run never leaves a half-written output.

The target must be absent or a regular file: a symlink, a device, a FIFO or a
directory is refused (exit 2), so `--output /dev/null` or a link planted in a
pull request is never replaced. The file gets the permissions a new file would
get under the user's umask (mkstemp alone gives 0600).
"""

from __future__ import annotations

import os
import stat

from .errors import InputError


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_target(path: str) -> None:
    """Refuse an output path that names anything but a regular file or nothing, or whose
    folder is a link out of the workspace (`-o reports/x.sarif` with `reports` a link
    planted by a pull request)."""
    from .safeio import check_inside
    check_inside(os.path.dirname(os.path.abspath(path)))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(path, f"cannot use the output path: {exc.strerror or exc}",
                         hint="check the --output path") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(path, "the output path is a symbolic link; gallerylint does not "
                         "write through links", hint="name a regular file, or '-' for stdout")
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "the output path is a directory",
                         hint="name a file inside it")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(path, "the output path is not a regular file (a device, FIFO or "
                         "socket)", hint="name a regular file, or '-' for stdout")


def write_atomically(path: str, text: str) -> None:
    """Write text (a lone surrogate from an input becomes "?", never a crash)."""
    write_all([(path, text)])


def write_atomically_bytes(path: str, data: bytes) -> None:
    write_all([(path, data)])


def write_all(outputs: list[tuple[str, str | bytes]]) -> None:
    """Several outputs as one set: every target is checked and every temporary file
    written first; only then are all renamed, with SIGINT and SIGTERM held back, so a
    failure or a signal leaves all the old files or all the new ones."""
    import signal
    for path, _ in outputs:
        check_target(path)
    staged: list[tuple[str, str]] = []
    try:
        for path, content in outputs:
            data = content.encode("utf-8", errors="replace") if isinstance(content, str) \
                else content
            staged.append((_stage(path, data), path))
        held = {signal.SIGINT, signal.SIGTERM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            while staged:
                tmp, path = staged[0]
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    raise InputError(path, f"cannot write the output: {exc.strerror or exc}",
                                     hint="check the free space and the --output path"
                                     ) from None
                staged.pop(0)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    finally:
        for tmp, _ in staged:
            _remove(tmp)


def _stage(path: str, data: bytes) -> str:
    """A temporary file beside `path` holding data, with the umask's permissions."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        import tempfile  # when writing: start-up stays fast
        fd, tmp = tempfile.mkstemp(prefix=".gallerylint-", dir=directory)
    except OSError as exc:
        raise InputError(path, f"cannot write the output: {exc.strerror or exc}",
                         hint="check the --output path") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), _umask_mode())
    except OSError as exc:
        _remove(tmp)
        raise InputError(path, f"cannot write the output: {exc.strerror or exc}",
                         hint="check the free space and the --output path") from None
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass

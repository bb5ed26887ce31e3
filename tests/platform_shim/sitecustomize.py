"""Runs before pw in a test's subprocess (PYTHONPATH=tests/platform_shim): takes away what Windows
lacks, so pw's other branch runs for real here. PW_TEST_PLATFORM names what goes, comma-separated:

- `nofcntl`: `import fcntl` fails, and `msvcrt` is given instead: its `locking` over POSIX record
  locks (lockf), which like Windows' byte-range locks belong to the process and die with it
- `nospawn`: no os.posix_spawn / os.posix_spawnp
- `nofork`: multiprocessing offers only the "spawn" start method, as on Windows
- `serial`: no start method at all (for measuring the serial check beside the others)
- `gbkstreams`: stdout and stderr encoded as GBK, as a Chinese Windows encodes a pipe

PW_TEST_PLATFORM_TRACE names a file that gets one line per seam used (`msvcrt.locking`,
`subprocess <command>`), so a test can tell the forced branch really ran.
"""

import io
import os
import sys

_wanted = set(filter(None, os.environ.get("PW_TEST_PLATFORM", "").split(",")))
_trace_path = os.environ.get("PW_TEST_PLATFORM_TRACE")


def _trace(line: str) -> None:
    if _trace_path:
        with open(_trace_path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


if "nofcntl" in _wanted:
    import fcntl as _fcntl
    import subprocess  # noqa: F401 (imported first: with an msvcrt it would take itself for Windows)
    import types

    sys.modules["fcntl"] = None  # type: ignore[assignment]  # `import fcntl` now raises ImportError
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_UNLCK, msvcrt.LK_LOCK, msvcrt.LK_NBLCK = 0, 1, 2

    def _locking(fd: int, mode: int, nbytes: int) -> None:
        """msvcrt.locking: nbytes from the current position; LK_NBLCK fails at once when held."""
        start = os.lseek(fd, 0, os.SEEK_CUR)
        if mode == msvcrt.LK_UNLCK:
            _fcntl.lockf(fd, _fcntl.LOCK_UN, nbytes, start, os.SEEK_SET)
            return
        _trace("msvcrt.locking")
        try:
            _fcntl.lockf(fd, _fcntl.LOCK_EX | _fcntl.LOCK_NB, nbytes, start, os.SEEK_SET)
        except OSError as error:
            raise PermissionError(13, "Permission denied") from error  # what msvcrt raises

    msvcrt.locking = _locking
    sys.modules["msvcrt"] = msvcrt

if "nospawn" in _wanted:
    for _name in ("posix_spawn", "posix_spawnp"):
        if hasattr(os, _name):
            delattr(os, _name)
    import subprocess

    _popen_init = subprocess.Popen.__init__

    def _traced_init(self, args, *rest, **options):  # type: ignore[no-untyped-def]
        if isinstance(args, list) and args[:2] == ["git", "-C"]:  # early.py's call, not gitio's
            _trace(f"subprocess {args[3]}")
        _popen_init(self, args, *rest, **options)

    subprocess.Popen.__init__ = _traced_init  # type: ignore[method-assign]

if "--multiprocessing-fork" in sys.argv:  # a worker multiprocessing spawned
    _trace("spawned worker")

if "nofork" in _wanted:
    import multiprocessing
    import multiprocessing.context

    multiprocessing.context._concrete_contexts.pop("fork", None)
    multiprocessing.context._concrete_contexts.pop("forkserver", None)
    multiprocessing.get_all_start_methods = lambda: ["spawn"]  # type: ignore[assignment]
    multiprocessing.set_start_method("spawn", force=True)

if "serial" in _wanted:
    import multiprocessing

    multiprocessing.get_all_start_methods = lambda: []  # type: ignore[assignment]

if "gbkstreams" in _wanted:
    for _stream, _errors in (("stdout", "strict"), ("stderr", "backslashreplace")):
        _old = getattr(sys, _stream)
        setattr(sys, _stream, io.TextIOWrapper(_old.detach(), encoding="gbk", errors=_errors))

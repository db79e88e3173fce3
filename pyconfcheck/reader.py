"""Reading a file safely: every way it can go wrong is one line, not a trace.

libvirt reads qemu.conf whole, up to 10 MiB.  We read at most one byte more
than that so a huge file costs no more memory than libvirt's own limit.
"""

import errno
import os
import stat

MAX_CONFIG_SIZE = 10 * 1024 * 1024


class ReadError(OSError):
    """A file that cannot be read; ``str()`` is the one-line reason.

    An OSError (with the errno of the cause, where there is one), so that
    callers reading host files can treat it like any failed open.
    """

    def __init__(self, message: str, code: int = 0):
        super().__init__(code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def read_limited(path: str, limit: int = MAX_CONFIG_SIZE) -> bytes:
    """The first ``limit + 1`` bytes of the regular file at ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as exc:
        raise ReadError(_describe(path, exc), exc.errno) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"{path}: is a directory", errno.EISDIR)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"{path}: not a regular file", errno.EINVAL)
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    except ReadError:
        raise
    except OSError as exc:
        raise ReadError(_describe(path, exc), exc.errno) from None
    finally:
        os.close(fd)


def _describe(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path}: too many levels of symbolic links"
    reason = exc.strerror or str(exc)
    return f"{path}: {reason[0].lower() + reason[1:] if reason else reason}"

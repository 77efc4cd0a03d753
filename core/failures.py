"""Why a render failed, in words its owner understands, without the server's paths."""

from __future__ import annotations

import errno
from collections.abc import Iterator

DISK_FULL = "the server ran out of disk space"
STORAGE_REFUSED = "storage refused the file"
FILE_FAILED = "the server could not read or write a file"
TOO_MANY_FILES = "the server has too many files open; try again later"
OUT_OF_MEMORY = "the server ran out of memory"
AUDIO_FILE_FAILED = "the server could not write the audio file"

BY_ERRNO = {
    errno.ENOSPC: DISK_FULL,
    errno.EFBIG: DISK_FULL,  # also a file-size limit (RLIMIT_FSIZE) reached
    errno.EDQUOT: DISK_FULL,
    errno.EACCES: STORAGE_REFUSED,
    errno.EPERM: STORAGE_REFUSED,  # an immutable folder (chattr +i)
    errno.EROFS: STORAGE_REFUSED,
    errno.EIO: FILE_FAILED,
    errno.EMFILE: TOO_MANY_FILES,
    errno.ENFILE: TOO_MANY_FILES,
    errno.ENOMEM: OUT_OF_MEMORY,
}
# libsndfile reports a failed system call as "System error.", after the file's path.
LIBSNDFILE_SYSTEM_ERROR = "System error."


def causes(error: BaseException) -> Iterator[BaseException]:
    """``error``, then what caused it, then what caused that (cycles cut)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def file_error_words(error: OSError) -> str | None:
    """Plain words for an error of the file system; None for other OS errors (sockets)."""
    if error.errno in BY_ERRNO:
        return BY_ERRNO[error.errno]
    if error.filename is not None:  # a file operation: its path is the server's business
        return FILE_FAILED
    return None


def describe_failure(error: BaseException) -> str:
    """What went wrong, for the person who asked for the render: disk and storage errors
    anywhere in the chain become a plain sentence; any other error keeps its own words."""
    for cause in causes(error):
        words = file_error_words(cause) if isinstance(cause, OSError) else None
        if words is not None:
            return words
        if LIBSNDFILE_SYSTEM_ERROR in str(cause):
            return AUDIO_FILE_FAILED
    return str(error).strip() or type(error).__name__

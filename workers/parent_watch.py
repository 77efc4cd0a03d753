"""A worker process stops when the ``podforge worker`` that started it dies, even by SIGKILL."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 1.0


def stop_with_parent(parent_pid: int, signal_number: int = signal.SIGTERM) -> None:
    """Have ``signal_number`` sent to this process once ``parent_pid`` is gone.

    SIGTERM by default: the worker finishes the task at hand, as when its parent stops it, so
    an orphan never keeps taking tasks beside the pool supervisord or Kubernetes starts anew.
    """
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal_number, 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"prctl(PR_SET_PDEATHSIG): {os.strerror(error)}")
    else:  # no death signal elsewhere: a thread notices the new parent
        threading.Thread(target=_watch, args=(parent_pid, signal_number), daemon=True,
                         name="parent-watch").start()
    if os.getppid() != parent_pid:  # it died before prctl: no signal will come for it
        os.kill(os.getpid(), signal_number)


def _watch(parent_pid: int, signal_number: int) -> None:
    while os.getppid() == parent_pid:
        threading.Event().wait(WATCH_SECONDS)
    os.kill(os.getpid(), signal_number)

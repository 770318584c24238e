"""A time budget per document that interrupts: the documents of a batch are cleaned in a forked child
process, which is killed when one document takes longer than the budget.

Prefect runs a batch task in a worker thread (Dask, in a thread of a worker process), where no signal can
be received and no thread can be stopped from outside; a process can be killed wherever it is, inside a
regular expression or a parser's C code too. The child is forked, not started afresh: it starts in a few
milliseconds with what the parent has loaded (see `crosswire.clean.document.preload`) and reads the
documents from its copy of the parent's memory; only the results travel back, pickled through a pipe. The
child writes nothing else: its logging and warnings are silenced, so that it never waits on a lock some
thread of the parent held when it was forked.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_LENGTH = struct.Struct("<Q")  # bytes of the pickled message that follows


class _OverBudget(Exception):
    pass


def each_within(items: Sequence[Item], work: Callable[[Item], Result], seconds: float,
                late: Callable[[Item], Result]) -> list[Result]:
    """[work(item) for item in items], each item's work given at most `seconds`: an item whose work takes
    longer gets late(item) instead, and the items after it go on in a new child. An error in `work` is
    raised here, as a RuntimeError carrying the child's traceback."""
    results: list[Result] = []
    while len(results) < len(items):
        results += _in_child(items[len(results):], work, seconds, late)
    return results


def _in_child(items: Sequence[Item], work: Callable[[Item], Result], seconds: float,
              late: Callable[[Item], Result]) -> list[Result]:
    """The results of `items` a forked child works through, up to the first one over budget (late's)."""
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        _serve(items, work, write, parent)
    os.close(write)
    results: list[Result] = []
    finished = False
    try:
        for item in items:
            try:
                done, value = pickle.loads(_receive(read, seconds))
            except _OverBudget:
                results.append(late(item))
                break
            if not done:
                raise RuntimeError(f"cleaning failed in its child process:\n{value}")
            results.append(value)
        else:
            finished = True
    finally:
        os.close(read)
        _end(pid, kill=not finished)
    return results


def _serve(items: Sequence, work: Callable, fd: int, parent: int) -> None:
    """In the child: each item's (True, result), or (False, traceback) when its work failed, written to
    `fd` as it is done; then the child ends, without running the parent's exit handlers."""
    try:
        gc.freeze()  # the collector leaves the inherited objects alone: fewer of the parent's pages copied
        _die_with_parent(parent)
        logging.disable(logging.CRITICAL)
        warnings.simplefilter("ignore")
        with os.fdopen(fd, "wb") as out:
            for item in items:
                try:
                    message = (True, work(item))
                except Exception:  # whatever the work raises is the parent's to raise, with its traceback
                    message = (False, traceback.format_exc())
                data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                out.write(_LENGTH.pack(len(data)) + data)
                out.flush()
    finally:
        os._exit(0)


def _receive(fd: int, seconds: float) -> bytes:
    """The next message; _OverBudget when none begins within `seconds` (a message begun is read whole: its
    work is done)."""
    header = _read(fd, _LENGTH.size, time.monotonic() + seconds)
    return _read(fd, _LENGTH.unpack(header)[0], None)


def _read(fd: int, size: int, deadline: float | None) -> bytes:
    data = bytearray()
    waiting = select.poll()  # not select.select: a busy process's descriptors may number over 1024
    waiting.register(fd, select.POLLIN)
    while len(data) < size:
        if deadline is not None and not waiting.poll(max(0.0, deadline - time.monotonic()) * 1000):
            raise _OverBudget
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise RuntimeError("the cleaning child process ended before its work was done")
        data += chunk
    return bytes(data)


def _end(pid: int, kill: bool) -> None:
    """Reap the child, killed first when it is still at work (over budget, or its parent stopped reading)."""
    if kill:
        os.kill(pid, signal.SIGKILL)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (SIGCHLD ignored)
        pass


def _die_with_parent(parent: int) -> None:
    """Linux kills the child when the thread that forked it ends, even by SIGKILL: no child outlives its
    run, holding the descriptors (the output's lock among them) it inherited."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent ended before the call
            os._exit(1)

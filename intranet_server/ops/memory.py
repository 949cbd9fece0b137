"""Giving large blocks back to the system after use.

glibc maps a block of at least `M_MMAP_THRESHOLD` bytes on its own and unmaps it on free, but by
default it raises that threshold to the size of the largest such block freed so far. A password check
allocates 16 MB for scrypt (n=2**14, r=8): after the first sign-in the next buffers came from the heap
and stayed there, 16 MB more in every server process (and per OS thread arena) for a buffer used a
few milliseconds per sign-in. Setting the threshold explicitly turns that adjustment off.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3    # glibc's <malloc.h>
LARGE_BLOCK = 1 << 20    # glibc's own ceiling for its default is 32 MB; 1 MB covers scrypt's buffer


def return_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Map blocks of `threshold` bytes or more on their own from now on, so freeing one returns it.

    True when the C library took the setting; False where it is not glibc (nothing changes there)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))

"""Compiled kernels (numba): pure functions over NumPy arrays, no Python objects, no I/O."""

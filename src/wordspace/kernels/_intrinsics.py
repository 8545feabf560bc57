"""Compiler intrinsics shared by the kernels."""

from __future__ import annotations

import llvmlite.binding as _llvm
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["prefetch_row"]

# LLVM 15 made pointers opaque, which renamed the intrinsic
_PREFETCH = "llvm.prefetch.p0" if _llvm.llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"


@intrinsic
def prefetch_row(typingctx, arr, row):
    """Hint the CPU to fetch row ``row`` of a C-contiguous 2-D array into cache (one
    ``prefetcht0`` per 64-byte line). Only a hint: no effect on results, no bounds needed."""
    if not (
        isinstance(arr, types.Array)
        and arr.ndim == 2
        and arr.layout == "C"
        and isinstance(row, types.Integer)
    ):
        return None

    def codegen(context, builder, sig, args):
        aryty = sig.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        shape = cgutils.unpack_tuple(builder, ary.shape, 2)
        strides = cgutils.unpack_tuple(builder, ary.strides, 2)
        idx = context.cast(builder, args[1], sig.args[1], types.intp)
        zero = context.get_constant(types.intp, 0)
        ptr = cgutils.get_item_pointer2(
            context, builder, ary.data, shape, strides, aryty.layout, [idx, zero], wraparound=False
        )
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), _PREFETCH
        )
        base = builder.bitcast(ptr, i8p)
        nbytes = builder.mul(shape[1], context.get_constant(types.intp, aryty.dtype.bitwidth // 8))
        with cgutils.for_range_slice(
            builder, zero, nbytes, context.get_constant(types.intp, 64)
        ) as (off, _):
            # read access, keep in all cache levels, data cache
            builder.call(fn, [builder.gep(base, [off]), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.void(arr, row), codegen

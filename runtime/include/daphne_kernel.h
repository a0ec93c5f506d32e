/*
 * daphne_kernel.h: the extension-kernel ABI of daphne-rs for kernels written in C.
 *
 * Maintained by hand next to the Rust crate `daphne-kernel` (runtime/kernel/src/lib.rs), which
 * defines the same layout; a runtime test checks that both agree. See docs/kernel-abi.md.
 *
 * A kernel is a function with C linkage and the parameters (results..., arguments..., ctx):
 *   - a scalar result is a `T *`; a matrix result a `DaphneDenseMatrix **`, set to a matrix the
 *     kernel allocated with ctx->alloc_dense;
 *   - a scalar argument is passed by value; a matrix argument is a `const DaphneDenseMatrix *`,
 *     valid and read-only for the duration of the call;
 *   - `ctx` comes last; ctx->set_error(ctx, "message") reports an error, after which the kernel
 *     returns and the program stops with exit code 3.
 */
#ifndef DAPHNE_KERNEL_H
#define DAPHNE_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version in DaphneContext.abi_version. */
#define DAPHNE_KERNEL_ABI_VERSION 1

/* Value-type codes (DaphneDenseMatrix.value_type). */
enum DaphneValueType {
    DAPHNE_F64 = 0,  /* double   */
    DAPHNE_F32 = 1,  /* float    */
    DAPHNE_SI64 = 2, /* int64_t  */
    DAPHNE_SI32 = 3, /* int32_t  */
    DAPHNE_SI8 = 4,  /* int8_t   */
    DAPHNE_UI64 = 5, /* uint64_t */
    DAPHNE_UI32 = 6, /* uint32_t */
    DAPHNE_UI8 = 7,  /* uint8_t  */
    DAPHNE_BOOL = 8  /* bool (one byte, 0 or 1) */
};

/* A dense row-major matrix: cell (r, c) is ((T *)values)[r * row_skip + c]. */
typedef struct DaphneDenseMatrix {
    int32_t value_type; /* a DaphneValueType */
    int64_t num_rows;
    int64_t num_cols;
    int64_t row_skip;   /* cells between the starts of consecutive rows (>= num_cols) */
    void *values;       /* read-only for arguments, writable for matrices from alloc_dense */
    void *handle;       /* owned by the runtime */
} DaphneDenseMatrix;

typedef struct DaphneContext DaphneContext;

/* The last argument of every kernel call. */
struct DaphneContext {
    uint32_t abi_version;
    /* A zero-filled rows x cols matrix of a DaphneValueType; NULL (error recorded) on failure. */
    DaphneDenseMatrix *(*alloc_dense)(DaphneContext *ctx, int32_t value_type, int64_t rows, int64_t cols);
    /* Records an error message (copied); the program stops once the kernel returns. */
    void (*set_error)(DaphneContext *ctx, const char *message);
};

#ifdef __cplusplus
}
#endif

#endif /* DAPHNE_KERNEL_H */

/*
 * An example kernel extension in C: `sumAll` over DenseMatrix<float> (like DAPHNE's own
 * extension example) and an element-wise `ewSqrt` over DenseMatrix<double>, whose per-cell
 * function c_sqrt_cell lets it join fused pipelines. Each matrix kernel prints a marker line. Build: `make` (or cc -shared -fPIC -I../../../runtime/include my_kernels.c
 * -o libmy_kernels.so -lm); catalog: kernels.json; use: demo.daphne (see ../README.md).
 */
#include <math.h>
#include <stdio.h>

#include "daphne_kernel.h"

void c_sum_all(float *res, const DaphneDenseMatrix *arg, DaphneContext *ctx) {
    printf("hello from the C kernel c_sum_all\n");
    if (arg->value_type != DAPHNE_F32) {
        ctx->set_error(ctx, "c_sum_all expects a DenseMatrix<float>");
        return;
    }
    const float *values = (const float *)arg->values;
    float sum = 0;
    for (int64_t r = 0; r < arg->num_rows; r++)
        for (int64_t c = 0; c < arg->num_cols; c++)
            sum += values[r * arg->row_skip + c];
    *res = sum;
}

/* One cell of c_sqrt: fused pipelines call this per cell (catalog field cellFuncName). */
double c_sqrt_cell(double x) {
    return sqrt(x);
}

void c_sqrt(DaphneDenseMatrix **res, const DaphneDenseMatrix *arg, DaphneContext *ctx) {
    printf("hello from the C kernel c_sqrt\n");
    if (arg->value_type != DAPHNE_F64) {
        ctx->set_error(ctx, "c_sqrt expects a DenseMatrix<double>");
        return;
    }
    DaphneDenseMatrix *out = ctx->alloc_dense(ctx, DAPHNE_F64, arg->num_rows, arg->num_cols);
    if (out == NULL)
        return;
    const double *in = (const double *)arg->values;
    double *cells = (double *)out->values;
    for (int64_t r = 0; r < arg->num_rows; r++)
        for (int64_t c = 0; c < arg->num_cols; c++)
            cells[r * out->row_skip + c] = c_sqrt_cell(in[r * arg->row_skip + c]);
    *res = out;
}

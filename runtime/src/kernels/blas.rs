//! The few OpenBLAS / LAPACK routines the linear-algebra kernels use (`libopenblas`, which
//! bundles LAPACK). Programs linked against `libdaphne_rt.a` need `-lopenblas`.

use std::ffi::c_int;

/// `CblasRowMajor`.
pub const ROW_MAJOR: c_int = 101;
/// `CblasNoTrans`.
pub const NO_TRANS: c_int = 111;
/// `CblasTrans`.
pub const TRANS: c_int = 112;
/// `CblasUpper`.
pub const UPPER: c_int = 121;

#[link(name = "openblas")]
unsafe extern "C" {
    /// `C = alpha * op(A) * op(B) + beta * C` in double precision.
    pub fn cblas_dgemm(
        layout: c_int,
        trans_a: c_int,
        trans_b: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        b: *const f64,
        ldb: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    /// `C = alpha * op(A) * op(B) + beta * C` in single precision.
    pub fn cblas_sgemm(
        layout: c_int,
        trans_a: c_int,
        trans_b: c_int,
        m: c_int,
        n: c_int,
        k: c_int,
        alpha: f32,
        a: *const f32,
        lda: c_int,
        b: *const f32,
        ldb: c_int,
        beta: f32,
        c: *mut f32,
        ldc: c_int,
    );
    /// `C = alpha * op(A) * op(A)^T + beta * C` on one triangle of C (double precision).
    pub fn cblas_dsyrk(
        layout: c_int,
        uplo: c_int,
        trans: c_int,
        n: c_int,
        k: c_int,
        alpha: f64,
        a: *const f64,
        lda: c_int,
        beta: f64,
        c: *mut f64,
        ldc: c_int,
    );
    /// LAPACK `dgesv`: solves `A X = B` by LU with partial pivoting (column-major, in place).
    pub fn dgesv_(
        n: *const c_int,
        nrhs: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        ipiv: *mut c_int,
        b: *mut f64,
        ldb: *const c_int,
        info: *mut c_int,
    );
    /// LAPACK `dsyev`: eigenvalues (ascending) and eigenvectors of a symmetric matrix.
    pub fn dsyev_(
        jobz: *const u8,
        uplo: *const u8,
        n: *const c_int,
        a: *mut f64,
        lda: *const c_int,
        w: *mut f64,
        work: *mut f64,
        lwork: *const c_int,
        info: *mut c_int,
    );
}

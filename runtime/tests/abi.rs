//! End-to-end checks of the C ABI, called the way compiled code calls it.
//!
//! Functions that end the process (run-time errors, `stop`) are checked in a child process:
//! the test binary re-runs itself with `DAPHNE_RT_ABI_SCENARIO` set, and the `scenario` test
//! plays the named scenario there. Runtime output bypasses the test harness's capture, so the
//! parent sees it on the child's standard output.

use std::ffi::{CStr, CString, c_char};
use std::process::{Command, Output};

use daphne_rt::abi::*;
use daphne_rt::{AggOp, BinaryOp, Object, UnaryOp, ValueType};

const SCENARIO_VAR: &str = "DAPHNE_RT_ABI_SCENARIO";

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

/// Copies a string returned by the runtime.
fn read(text: *const c_char) -> String {
    // SAFETY: the runtime returns NUL-terminated strings that it never frees.
    unsafe { CStr::from_ptr(text) }.to_str().unwrap().to_owned()
}

fn f64_matrix(rows: i64, cols: i64, values: &[f64]) -> *mut Object {
    // SAFETY: `values` holds `rows * cols` doubles.
    unsafe { daphne_matrix_from_buffer(ValueType::F64.code(), rows, cols, values.as_ptr().cast()) }
}

#[test]
fn matrix_kernels() {
    let m = f64_matrix(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    // SAFETY: every handle comes from the runtime and stays alive (handles are never freed).
    unsafe {
        assert_eq!((daphne_nrow(m), daphne_ncol(m)), (2, 3));
        assert_eq!(daphne_agg_all_f64(AggOp::SUM.code(), m), 21.0);
        assert_eq!(daphne_agg_all_i64(AggOp::MAX.code(), m), 6);
        assert_eq!(daphne_matrix_get_u64(m, 1, 2), 6);
        assert_eq!(read(daphne_matrix_get_str(m, 0, 1)), "2.000000");
        let t = daphne_transpose(m);
        assert_eq!((daphne_nrow(t), daphne_ncol(t)), (3, 2));
        let r = daphne_reshape(m, 3, 2);
        assert_eq!(daphne_matrix_get_f64(r, 2, 0), 5.0);
        let col_sums = daphne_agg_col(AggOp::SUM.code(), ValueType::F64.code(), m);
        assert_eq!(daphne_matrix_get_f64(col_sums, 0, 2), 9.0);
        let positions = daphne_agg_row(AggOp::IDXMAX.code(), ValueType::UI64.code(), m);
        assert_eq!(daphne_matrix_get_u64(positions, 1, 0), 2);
        let roots = daphne_ew_unary(UnaryOp::SQRT.code(), ValueType::F64.code(), m);
        assert_eq!(daphne_matrix_get_f64(roots, 1, 0), 2.0);
        let sums = daphne_ew_binary_mm(BinaryOp::ADD.code(), ValueType::F64.code(), m, col_sums);
        assert_eq!(daphne_matrix_get_f64(sums, 1, 2), 15.0);
        let halves = daphne_ew_binary_ms_f64(BinaryOp::DIV.code(), ValueType::F64.code(), m, 2.0);
        assert_eq!(daphne_matrix_get_f64(halves, 0, 0), 0.5);
        let flipped = daphne_ew_binary_sm_i64(BinaryOp::SUB.code(), ValueType::SI64.code(), 10, m);
        assert_eq!(daphne_matrix_get_i64(flipped, 1, 2), 4);
        let big = daphne_ew_binary_ms_u64(BinaryOp::GT.code(), ValueType::UI64.code(), m, 3);
        assert_eq!(daphne_agg_all_u64(AggOp::SUM.code(), big), 3);
        let capped = daphne_ew_binary_sm_f64(BinaryOp::MIN.code(), ValueType::F64.code(), 2.5, m);
        assert_eq!(daphne_agg_all_f64(AggOp::MAX.code(), capped), 2.5);
        let ints = daphne_cast_matrix(m, ValueType::SI32.code());
        assert_eq!(daphne_agg_all_f64(AggOp::MEAN.code(), ints), 3.5);
        let sevens = daphne_fill_u64(ValueType::UI8.code(), 7, 1, 1);
        assert_eq!(daphne_as_scalar_u64(sevens), 7);
        let one = daphne_seq_i64(ValueType::SI64.code(), 7, 7, 1);
        assert_eq!(daphne_as_scalar_i64(one), 7);
        assert_eq!(read(daphne_as_scalar_str(one)), "7");
        let steps = daphne_seq_f64(ValueType::F64.code(), 0.0, 1.0, 0.25);
        assert_eq!(daphne_nrow(steps), 5);
        assert_eq!(
            daphne_nrow(daphne_seq_u64(ValueType::UI32.code(), 1, 9, 4)),
            3
        );
        let r = daphne_rand_f64(ValueType::F64.code(), 4, 3, 0.0, 1.0, 1.0, 42);
        assert_eq!(daphne_matrix_get_f64(r, 0, 0), 0.796_542_984_287_846);
        let bytes = daphne_rand_i64(ValueType::UI8.code(), 2, 5, 0, 255, 1.0, 0);
        assert_eq!(daphne_matrix_get_u64(bytes, 0, 0), 140);
        let wide = daphne_rand_u64(ValueType::UI64.code(), 1, 1, 5, 5, 1.0, 0);
        assert_eq!(daphne_as_scalar_u64(wide), 5);
        let half = daphne_fill_f64(ValueType::F32.code(), 0.5, 2, 2);
        assert_eq!(
            daphne_as_scalar_f64(daphne_agg_col(
                AggOp::PROD.code(),
                ValueType::F32.code(),
                daphne_agg_row(AggOp::SUM.code(), ValueType::F32.code(), half)
            )),
            1.0
        );
        let flags = daphne_fill_i64(ValueType::BOOL.code(), 2, 1, 1);
        assert_eq!(daphne_as_scalar_i64(flags), 1);
    }
}

#[test]
fn string_kernels() {
    // SAFETY: all strings are NUL-terminated; handles come from the runtime.
    unsafe {
        let words = daphne_fill_str(c("ab").as_ptr(), 1, 2);
        let suffixed =
            daphne_ew_binary_ms_i64(BinaryOp::ADD.code(), ValueType::STR.code(), words, 3);
        assert_eq!(read(daphne_matrix_get_str(suffixed, 0, 1)), "ab3");
        let equal = daphne_ew_binary_ms_str(
            BinaryOp::EQ.code(),
            ValueType::STR.code(),
            words,
            c("ab").as_ptr(),
        );
        assert_eq!(daphne_matrix_get_i64(equal, 0, 0), 1);
        let prefixed = daphne_ew_binary_sm_str(
            BinaryOp::ADD.code(),
            ValueType::STR.code(),
            c("x").as_ptr(),
            words,
        );
        assert_eq!(read(daphne_matrix_get_str(prefixed, 0, 0)), "xab");
        assert_eq!(
            read(daphne_str_concat(c("foo").as_ptr(), c("bar").as_ptr())),
            "foobar"
        );
        assert_eq!(
            daphne_str_compare(BinaryOp::LT.code(), c("a").as_ptr(), c("b").as_ptr()),
            1
        );
        assert_eq!(
            daphne_str_compare(BinaryOp::NE.code(), c("a").as_ptr(), c("a").as_ptr()),
            0
        );
        assert_eq!(daphne_str_to_f64(c(" 2.5e1x").as_ptr()), 25.0);
        assert_eq!(daphne_str_to_i64(c("-12").as_ptr()), -12);
        let strings = [c("1.5"), c("2")];
        let pointers = [strings[0].as_ptr(), strings[1].as_ptr()];
        let m = daphne_matrix_from_buffer(ValueType::STR.code(), 1, 2, pointers.as_ptr().cast());
        let numbers = daphne_cast_matrix(m, ValueType::F64.code());
        assert_eq!(daphne_agg_all_f64(AggOp::SUM.code(), numbers), 3.5);
    }
    assert_eq!(read(daphne_i64_to_str(-3)), "-3");
    assert_eq!(read(daphne_u64_to_str(u64::MAX)), "18446744073709551615");
    assert_eq!(read(daphne_f64_to_str(2.5)), "2.500000");
    assert_eq!(read(daphne_bool_to_str(true)), "1");
}

fn values(m: *mut Object) -> Vec<f64> {
    // SAFETY: `m` is a live handle from the runtime.
    unsafe {
        let (rows, cols) = (daphne_nrow(m) as i64, daphne_ncol(m) as i64);
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| daphne_matrix_get_f64(m, r, c)))
            .collect()
    }
}

extern "C" fn square(x: f64) -> f64 {
    x * x
}

#[test]
fn indexing_linear_algebra_and_matrix_ops() {
    let m = f64_matrix(3, 2, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    // SAFETY: every handle comes from the runtime; arrays outlive the calls.
    unsafe {
        assert_eq!(
            values(daphne_slice_rows(m, 1, i64::MAX)),
            [3.0, 4.0, 5.0, 6.0]
        );
        assert_eq!(values(daphne_slice_cols(m, -1, i64::MIN)), [2.0, 4.0, 6.0]);
        let positions = f64_matrix(2, 1, &[2.0, -3.0]);
        assert_eq!(
            values(daphne_extract_rows(m, positions)),
            [5.0, 6.0, 1.0, 2.0]
        );
        let one = daphne_fill_i64(ValueType::SI64.code(), 1, 1, 1);
        assert_eq!(values(daphne_extract_cols(m, one)), [2.0, 4.0, 6.0]);
        let bits = f64_matrix(3, 1, &[0.0, 1.0, 1.0]);
        assert_eq!(values(daphne_filter_rows(m, bits)), [3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            values(daphne_filter_cols(m, f64_matrix(2, 1, &[1.0, 0.0]))),
            [1.0, 3.0, 5.0]
        );
        let patch = f64_matrix(1, 2, &[-1.0, -2.0]);
        let patched = daphne_insert(m, patch, 1, i64::MIN, 0, i64::MAX);
        assert_eq!(values(patched), [1.0, 2.0, -1.0, -2.0, 5.0, 6.0]);
        assert_eq!(values(m)[2], 3.0);
        let t = daphne_transpose(m);
        assert_eq!(
            values(daphne_matmul(t, m, false, false, ValueType::F64.code())),
            [35.0, 44.0, 44.0, 56.0]
        );
        assert_eq!(
            values(daphne_syrk(m, false, ValueType::SI64.code())),
            [35.0, 44.0, 44.0, 56.0]
        );
        assert_eq!(
            values(daphne_matmul(m, m, true, false, ValueType::F64.code())),
            [35.0, 44.0, 44.0, 56.0]
        );
        assert_eq!(
            values(daphne_syrk(t, true, ValueType::F64.code())),
            [35.0, 44.0, 44.0, 56.0]
        );
        // CSR operands honour the flags too: t(S) @ S and S @ t(S) for S = m as CSR.
        let s = daphne_to_csr(m);
        assert_eq!(
            values(daphne_matmul(s, s, true, false, ValueType::F64.code())),
            [35.0, 44.0, 44.0, 56.0]
        );
        assert_eq!(
            values(daphne_matmul(s, m, false, true, ValueType::F64.code())),
            [5.0, 11.0, 17.0, 11.0, 25.0, 39.0, 17.0, 39.0, 61.0]
        );
        assert_eq!(
            values(daphne_gemv(
                m,
                f64_matrix(3, 1, &[1.0; 3]),
                ValueType::F64.code()
            )),
            [9.0, 12.0]
        );
        let a = f64_matrix(2, 2, &[2.0, 0.0, 0.0, 4.0]);
        assert_eq!(
            values(daphne_solve(a, f64_matrix(2, 1, &[1.0, 1.0]))),
            [0.5, 0.25]
        );
        let (mut vals, mut vecs) = (std::ptr::null_mut(), std::ptr::null_mut());
        daphne_eigen(a, &mut vals, &mut vecs);
        assert_eq!(values(vals), [2.0, 4.0]);
        assert_eq!(daphne_nrow(vecs), 2);
        let both = daphne_cbind(
            m,
            daphne_fill_i64(ValueType::SI64.code(), 7, 3, 1),
            ValueType::F64.code(),
        );
        assert_eq!(values(both)[..3], [1.0, 2.0, 7.0]);
        assert_eq!(daphne_nrow(daphne_rbind(m, m, ValueType::F64.code())), 6);
        let cond = daphne_cond(
            bits,
            f64_matrix(1, 1, &[1.0]),
            f64_matrix(3, 1, &[7.0, 8.0, 9.0]),
            ValueType::F64.code(),
        );
        assert_eq!(values(cond), [7.0, 1.0, 1.0]);
        assert_eq!(values(daphne_reverse(bits)), [1.0, 1.0, 0.0]);
        let (cols, asc) = ([1i64], [false]);
        assert_eq!(
            values(daphne_order(m, cols.as_ptr(), asc.as_ptr(), 1, true)),
            [2.0, 1.0, 0.0]
        );
        assert_eq!(
            values(daphne_diag_vector(daphne_diag_matrix(bits))),
            [0.0, 1.0, 1.0]
        );
        assert_eq!(
            values(daphne_tri(a, true, true, false)),
            [1.0, 0.0, 0.0, 1.0]
        );
        assert_eq!(values(daphne_replace_f64(bits, 1.0, 5.0)), [0.0, 5.0, 5.0]);
        let outer = daphne_outer(
            BinaryOp::ADD.code(),
            ValueType::F64.code(),
            bits,
            daphne_transpose(bits),
        );
        assert_eq!(values(outer), [0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 1.0, 2.0, 2.0]);
        assert_eq!(
            values(daphne_agg_cum(AggOp::SUM.code(), ValueType::F64.code(), m))[4..],
            [9.0, 12.0]
        );
        let ct = daphne_ctable_f64(bits, bits, 0.5, ValueType::F64.code(), -1, -1);
        assert_eq!(values(ct), [0.5, 0.0, 0.0, 1.0]);
        let (mut codes, mut dict) = (std::ptr::null_mut(), std::ptr::null_mut());
        daphne_recode(bits, true, ValueType::SI64.code(), &mut codes, &mut dict);
        assert_eq!(
            (values(codes), values(dict)),
            (vec![0.0, 1.0, 1.0], vec![0.0, 1.0])
        );
        assert_eq!(
            values(daphne_bin(m, 2, 0.0, 0.0, false, ValueType::F64.code())),
            [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
        );
        assert_eq!(
            daphne_nrow(daphne_sample_i64(ValueType::SI64.code(), 10, 4, false, 3)),
            4
        );
        assert!(daphne_is_symmetric(a));
        assert_eq!(daphne_sparsity(bits), 2.0 / 3.0);
        assert_eq!(read(daphne_type_of(m)), "DenseMatrix(3x2, double)");
        assert_eq!(
            values(daphne_map_f64(m, square, ValueType::F64.code()))[5],
            36.0
        );
        let words = daphne_fill_str(c("aB").as_ptr(), 1, 1);
        assert_eq!(
            read(daphne_matrix_get_str(daphne_upper_matrix(words), 0, 0)),
            "AB"
        );
        assert_eq!(read(daphne_str_lower(c("aB").as_ptr())), "ab");
        let now = daphne_now();
        assert!(now > 1_600_000_000_000_000_000 && daphne_now() >= now);
        daphne_incref(m);
        daphne_decref(m);
        daphne_decref(patched);
        daphne_free_str(daphne_i64_to_str(5));
    }
}

/// Plays the scenario named by `DAPHNE_RT_ABI_SCENARIO`; does nothing in a normal test run.
#[test]
fn scenario() {
    let Ok(name) = std::env::var(SCENARIO_VAR) else {
        return;
    };
    daphne_runtime_init();
    // SAFETY: every pointer argument below is valid, or deliberately null to test the error.
    unsafe {
        match name.as_str() {
            "print" => {
                daphne_print_i64(-5, true, false);
                daphne_print_u64(7, false, false);
                daphne_print_str(c(" apples").as_ptr(), true, false);
                daphne_print_f64(0.1, true, false);
                daphne_print_f64(f64::from(1e6f32), true, false);
                daphne_print_str(c("to stderr").as_ptr(), true, true);
                let m = f64_matrix(2, 2, &[1.0, 2.5, -0.0, 1e-5]);
                daphne_print_matrix(m, false, false);
                daphne_print_matrix(
                    daphne_fill_i64(ValueType::SI8.code(), -1, 2, 0),
                    true,
                    false,
                );
            }
            "print_objects" => {
                let ints = daphne_fill_i64(ValueType::SI64.code(), 3, 2, 1);
                let words = daphne_fill_str(c("a b").as_ptr(), 2, 1);
                let columns = [ints, words];
                let names = [c("col 1"), c("w")];
                let labels = [names[0].as_ptr(), names[1].as_ptr()];
                let frame = daphne_create_frame(columns.as_ptr(), labels.as_ptr(), 2);
                daphne_print_matrix(frame, true, false);
                daphne_print_str(daphne_type_of(frame), true, false);
                let list = daphne_create_list([ints].as_ptr(), 1, ValueType::SI64.code());
                daphne_print_matrix(daphne_list_append(list, ints), true, false);
                let csr = daphne_rand_csr_f64(ValueType::F64.code(), 3, 4, 0.0, 1.0, 0.5, 42);
                daphne_print_str(daphne_type_of(csr), true, false);
                daphne_print_matrix(csr, true, false);
            }
            "shape_error" => {
                daphne_print_str(c("before").as_ptr(), true, false);
                let a = f64_matrix(2, 3, &[0.0; 6]);
                let b = f64_matrix(3, 2, &[0.0; 6]);
                daphne_ew_binary_mm(BinaryOp::ADD.code(), ValueType::F64.code(), a, b);
            }
            "stop" => daphne_stop(c("bad input").as_ptr()),
            "fail" => daphne_fail(c("index out of range").as_ptr()),
            "null_handle" => {
                daphne_nrow(std::ptr::null_mut());
            }
            "bad_code" => {
                daphne_ew_unary(99, ValueType::F64.code(), f64_matrix(1, 1, &[1.0]));
            }
            "division_by_zero" => {
                daphne_ew_binary_ms_i64(
                    BinaryOp::DIV.code(),
                    ValueType::SI64.code(),
                    daphne_fill_i64(ValueType::SI64.code(), 1, 1, 1),
                    0,
                );
            }
            "slice_bounds" => {
                daphne_slice_rows(f64_matrix(2, 2, &[0.0; 4]), 1, 3);
            }
            "insert_shape" => {
                let m = f64_matrix(2, 2, &[0.0; 4]);
                daphne_insert(m, f64_matrix(1, 1, &[1.0]), 0, 2, 0, 1);
            }
            "missing_file" => {
                daphne_read_matrix(c("/nonexistent/in.csv").as_ptr());
            }
            "as_scalar" => {
                daphne_as_scalar_f64(f64_matrix(1, 2, &[1.0, 2.0]));
            }
            other => panic!("unknown scenario {other}"),
        }
    }
    daphne_runtime_finish();
    std::process::exit(0);
}

/// Runs `scenario` in a child process.
fn run(name: &str) -> Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "scenario", "--test-threads=1"])
        .env(SCENARIO_VAR, name)
        .output()
        .unwrap()
}

/// The child's standard output after the test harness's own `test scenario ... ` announcement.
fn runtime_stdout(output: &Output) -> String {
    const ANNOUNCEMENT: &str = "test scenario ... ";
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    let start = text
        .find(ANNOUNCEMENT)
        .map_or(0, |i| i + ANNOUNCEMENT.len());
    text[start..].to_owned()
}

#[test]
fn printing_is_exact() {
    let output = run("print");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        runtime_stdout(&output),
        "-5\n7 apples\n0.1\n1e+06\nDenseMatrix(2x2, double)\n1 2.5\n-0 1e-05\nDenseMatrix(2x0, int8_t)\n\n\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "to stderr\n");
}

#[test]
fn printing_frames_lists_and_csr() {
    let output = run("print_objects");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        runtime_stdout(&output),
        "Frame(2x2, [col 1:int64_t, w:std::string])\n3 a b\n3 a b\n\
         Frame(2x2, [col 1:int64_t, w:std::string])\n\
         List(2, DenseMatrix, int64_t)\nDenseMatrix(2x1, int64_t)\n3\n3\nDenseMatrix(2x1, int64_t)\n3\n3\n\
         CSRMatrix(3x4, double)\n\
         CSRMatrix(3x4, double)\n0.524587 0.263306 0.196286 0.512318\n0 0.257102 0 0\n0 0.815488 0 0\n"
    );
}

#[test]
fn frames_lists_and_files() {
    let dir = std::env::temp_dir().join(format!("daphne_rt_abi_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = c(dir.join("m.csv").to_str().unwrap());
    // SAFETY: every handle comes from the runtime; arrays and strings outlive the calls.
    unsafe {
        let m = f64_matrix(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        daphne_write(m, path.as_ptr());
        let back = daphne_read_matrix(path.as_ptr());
        assert_eq!(values(back), [1.0, 2.0, 3.0, 4.0]);
        let frame = daphne_matrix_to_frame(back);
        assert_eq!((daphne_nrow(frame), daphne_ncol(frame)), (2, 2));
        let named = daphne_set_col_labels(frame, [c("a").as_ptr(), c("b").as_ptr()].as_ptr(), 2);
        let b = daphne_frame_column_by_label(named, c("b").as_ptr());
        assert_eq!(values(daphne_frame_to_matrix(b, -1)), [2.0, 4.0]);
        let prefixed = daphne_set_col_labels_prefix(b, c("t").as_ptr());
        assert_eq!(read(daphne_type_of(prefixed)), "Frame(2x1, [t.b:double])");
        let wide = daphne_frame_cbind(named, prefixed);
        assert_eq!(daphne_ncol(wide), 3);
        assert_eq!(daphne_nrow(daphne_frame_rbind(wide, wide)), 4);
        assert_eq!(daphne_nrow(daphne_frame_slice_rows(wide, 1, i64::MIN)), 1);
        assert_eq!(daphne_ncol(daphne_frame_slice_cols(wide, 0, 2)), 2);
        let fpath = c(dir.join("f.csv").to_str().unwrap());
        daphne_write(wide, fpath.as_ptr());
        assert_eq!(
            read(daphne_type_of(daphne_read_frame(fpath.as_ptr()))),
            "Frame(2x3, [a:double, b:double, t.b:double])"
        );
        let list = daphne_create_list([m, m].as_ptr(), 2, ValueType::F64.code());
        assert_eq!(daphne_list_length(list), 2);
        let (mut rest, mut element) = (std::ptr::null_mut(), std::ptr::null_mut());
        daphne_list_remove(list, 1, &mut rest, &mut element);
        assert_eq!((daphne_list_length(rest), daphne_nrow(element)), (1, 2));
        let csr = daphne_to_csr(m);
        assert_eq!(read(daphne_type_of(csr)), "CSRMatrix(2x2, double)");
        assert_eq!(values(csr), [1.0, 2.0, 3.0, 4.0]);
        assert_eq!(
            daphne_nrow(daphne_rand_csr_i64(
                ValueType::SI64.code(),
                3,
                3,
                -5,
                5,
                0.2,
                1
            )),
            3
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn errors_exit_with_status_3() {
    let cases = [
        (
            "shape_error",
            "before\n[error]: Execution error: elementwise ADD cannot combine a 2x3 matrix with a 3x2 matrix: \
             the right operand must have the same shape, be a 1x3 row, a 2x1 column, or 1x1\n",
        ),
        (
            "stop",
            "[error]: Execution error: system stopped: bad input\n",
        ),
        ("fail", "[error]: Execution error: index out of range\n"),
        (
            "null_handle",
            "[error]: Execution error: null data object handle\n",
        ),
        (
            "bad_code",
            "[error]: Execution error: invalid UnaryOp code 99\n",
        ),
        (
            "division_by_zero",
            "[error]: Execution error: division by zero\n",
        ),
        (
            "slice_bounds",
            "[error]: Execution error: sliceRow: row range [1, 3) is out of bounds for 2 rows\n",
        ),
        (
            "insert_shape",
            "[error]: Execution error: insert: the inserted matrix is 1x1, but the selected block is 2x1\n",
        ),
        (
            "missing_file",
            "[error]: Execution error: file '/nonexistent/in.csv.meta': could not open file: No such file or directory (os error 2)\n",
        ),
        (
            "as_scalar",
            "[error]: Execution error: cannot cast a 1x2 matrix to a scalar: it must have exactly one cell\n",
        ),
    ];
    for (name, expected) in cases {
        let output = run(name);
        assert_eq!(output.status.code(), Some(3), "{name}: {output:?}");
        assert_eq!(runtime_stdout(&output), expected, "{name}");
    }
}

//! Extension kernels end to end (docs/kernel-abi.md): catalogs given with `--kernel-ext`, kernel
//! hints and priorities, and the examples under `examples/extensions/` (C built here with `cc`,
//! Rust built by the workspace), each run through the JIT and as a native executable.

use daphne_tests::{daphne, daphne_bin};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// DAPHNE's own extension test kernel (test/api/cli/extensibility), written against our header.
const MY_SUM_ALL: &str = r#"
#include <stdio.h>
#include "daphne_kernel.h"
void mySumAll(float *res, const DaphneDenseMatrix *arg, DaphneContext *ctx) {
    printf("hello from mySumAll\n");
    const float *v = (const float *)arg->values;
    *res = 0;
    for (int64_t r = 0; r < arg->num_rows; r++)
        for (int64_t c = 0; c < arg->num_cols; c++)
            *res += v[r * arg->row_skip + c];
}
"#;

const MY_CATALOG: &str = r#"[{"opMnemonic": "sumAll", "kernelFuncName": "mySumAll", "resTypes": ["float"],
  "argTypes": ["DenseMatrix<float>"], "backend": "CPP", "libPath": "libMyKernels.so"}]"#;

const HINT: &str = "X = as.f32([1.0, 4.0, -5.0, 2.0]);\ns = sum::mySumAll(X);\nprint(s);\n";
const NO_HINT: &str = "X = as.f32([1.0, 4.0, -5.0, 2.0]);\ns = sum(X);\nprint(s);\n";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compiles C source files into the shared library `lib` with the kernel header.
fn build_c(sources: &[PathBuf], lib: &Path) {
    let status = Command::new("cc")
        .args(["-O2", "-shared", "-fPIC", "-I"])
        .arg(repo().join("runtime/include"))
        .args(sources)
        .arg("-o")
        .arg(lib)
        .arg("-lm")
        .status()
        .expect("cc runs");
    assert!(status.success(), "building {} failed", lib.display());
}

/// A directory with DAPHNE's `myKernels` extension (catalog and library) and both scripts.
fn my_kernels() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let src = dir.path().join("myKernels.c");
    std::fs::write(&src, MY_SUM_ALL).expect("write source");
    build_c(&[src], &dir.path().join("libMyKernels.so"));
    std::fs::write(dir.path().join("myKernels.json"), MY_CATALOG).expect("write catalog");
    std::fs::write(dir.path().join("hint.daphne"), HINT).expect("write script");
    std::fs::write(dir.path().join("nohint.daphne"), NO_HINT).expect("write script");
    dir
}

fn text(out: &Output) -> (i32, String, String) {
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs `script` with `args` through the JIT.
fn jit(script: &Path, args: &[String]) -> (i32, String, String) {
    text(&daphne().args(args).arg(script).output().expect("daphne runs"))
}

/// Builds `script` with `args` into an executable in its directory and runs it.
fn native(script: &Path, args: &[String]) -> (i32, String, String) {
    let exe = script.with_extension("bin");
    let build = daphne().arg("build").args(args).arg(script).arg("-o").arg(&exe).output().expect("daphne build runs");
    if !build.status.success() {
        return text(&build);
    }
    text(&Command::new(&exe).output().expect("the executable runs"))
}

/// Expects the same successful stdout from the JIT and the native executable.
fn both(script: &Path, args: &[String], want: &str) {
    for (mode, got) in [("jit", jit(script, args)), ("native", native(script, args))] {
        assert_eq!(got, (0, want.to_owned(), String::new()), "[{mode}] {} {args:?}", script.display());
    }
}

fn ext(dir: &Path, suffix: &str) -> Vec<String> {
    vec![format!("--kernel-ext={}{suffix}", dir.join("myKernels.json").display())]
}

#[test]
fn a_hint_always_selects_its_kernel() {
    let dir = my_kernels();
    for prio in ["", ":0", ":1", ":-1"] {
        both(&dir.path().join("hint.daphne"), &ext(dir.path(), prio), "hello from mySumAll\n2\n");
    }
    // DAPHNE's spelling with a separate argument works too.
    let args = vec!["--kernel-ext".to_owned(), dir.path().join("myKernels.json:1").display().to_string()];
    assert_eq!(jit(&dir.path().join("hint.daphne"), &args).1, "hello from mySumAll\n2\n");
}

#[test]
fn priority_one_beats_the_builtin_and_minus_one_loses() {
    let dir = my_kernels();
    let script = dir.path().join("nohint.daphne");
    both(&script, &ext(dir.path(), ":1"), "hello from mySumAll\n2\n");
    both(&script, &ext(dir.path(), ":-1"), "2\n");
    // Equal priority: the built-in kernel (documented tie rule).
    both(&script, &ext(dir.path(), ""), "2\n");
}

#[test]
fn bad_priorities_and_catalogs_exit_with_1() {
    let dir = my_kernels();
    let script = dir.path().join("nohint.daphne");
    for bad in [":", ":0.1", ":abc", ":123abc", ":99999999999999999999"] {
        let (code, out, _) = jit(&script, &ext(dir.path(), bad));
        assert_eq!(code, 1, "{bad}");
        assert!(out.contains("invalid priority"), "{bad}: {out}");
    }
    let catalogs = [
        ("not json", "invalid JSON"),
        ("{}", "expected a JSON array"),
        (r#"[{"opMnemonic": "sumAll"}]"#, "`kernelFuncName` must be a string"),
        (&MY_CATALOG.replace("libMyKernels.so", "libMissing.so"), "libMissing.so (libPath, relative to the catalog) does not exist"),
    ];
    for (json, message) in catalogs {
        let catalog = dir.path().join("bad.json");
        std::fs::write(&catalog, json).expect("write catalog");
        let (code, out, _) = jit(&script, &[format!("--kernel-ext={}", catalog.display())]);
        assert_eq!(code, 1, "{json}");
        assert!(out.contains(message), "{json}: {out}");
    }
    let (code, out, _) = jit(&script, &["--kernel-ext=/nonexistent/k.json".to_owned()]);
    assert!(code == 1 && out.contains("cannot read kernel catalog"), "{out}");
}

#[test]
fn an_unknown_hint_is_a_compile_error_naming_the_candidates() {
    let dir = my_kernels();
    let script = dir.path().join("unknown.daphne");
    std::fs::write(&script, "X = as.f32([1.0, 2.0]);\nprint(sum::myOtherSum(X));\n").expect("write script");
    let (code, out, _) = jit(&script, &ext(dir.path(), ""));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no kernel `myOtherSum` exists for `sumAll`") && out.contains("`mySumAll`"), "{out}");
    // A built-in name with the wrong types: the lowering names the exact built-in kernel.
    std::fs::write(&script, "X = as.f32([1.0, 2.0]);\nprint(sum::_sumAll__double__DenseMatrix_double(X));\n").expect("write script");
    let (code, out, _) = jit(&script, &ext(dir.path(), ""));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("`_sumAll__float__DenseMatrix_float` (built-in)") && out.contains("`mySumAll` (DenseMatrix<float>) -> (float)"), "{out}");
    // An extension kernel whose types do not fit the call.
    std::fs::write(&script, "print(sum::mySumAll([1.0, 2.0]));\n").expect("write script");
    let (code, out, _) = jit(&script, &ext(dir.path(), ""));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the kernel takes (DenseMatrix<float>) -> (float), but this `sumAll` has the types (DenseMatrix<double>) -> (double)"), "{out}");
}

/// Copies an example's catalog and script into `dir`, with the library (already built) next
/// to the catalog.
fn stage_example(name: &str, lib: &Path, dir: &Path) -> Vec<String> {
    let example = repo().join("examples/extensions").join(name);
    let lib_name = lib.file_name().expect("library file name").to_string_lossy().into_owned();
    let catalog = std::fs::read_to_string(example.join("kernels.json")).expect("read catalog");
    let json: serde_json::Value = serde_json::from_str(&catalog).expect("catalog is JSON");
    let mut entries = json.as_array().expect("catalog array").clone();
    for e in &mut entries {
        e["libPath"] = serde_json::Value::String(lib_name.clone());
    }
    std::fs::write(dir.join("kernels.json"), serde_json::to_string_pretty(&entries).expect("json")).expect("write catalog");
    if lib.parent() != Some(dir) {
        std::fs::copy(lib, dir.join(&lib_name)).expect("copy library");
    }
    std::fs::copy(example.join("demo.daphne"), dir.join("demo.daphne")).expect("copy script");
    vec![format!("--kernel-ext={}", dir.join("kernels.json").display())]
}

#[test]
fn the_c_example_runs_under_jit_and_native() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let lib = dir.path().join("libmy_kernels.so");
    build_c(&[repo().join("examples/extensions/c/my_kernels.c")], &lib);
    let args = stage_example("c", &lib, dir.path());
    let want = "hello from the C kernel c_sum_all\n2\nhello from the C kernel c_sqrt\nDenseMatrix(1x3, double)\n1 2 3\n";
    both(&dir.path().join("demo.daphne"), &args, want);
}

#[test]
fn a_kernel_error_stops_the_program_with_exit_code_3() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let src = dir.path().join("failing.c");
    std::fs::write(&src, "#include \"daphne_kernel.h\"\nvoid failingSum(double *res, const DaphneDenseMatrix *arg, DaphneContext *ctx) {\n    ctx->set_error(ctx, \"no sums today\");\n}\n").expect("write source");
    build_c(&[src], &dir.path().join("libfailing.so"));
    let catalog = dir.path().join("failing.json");
    std::fs::write(&catalog, r#"[{"opMnemonic": "sumAll", "kernelFuncName": "failingSum", "resTypes": ["double"], "argTypes": ["DenseMatrix<double>"], "backend": "CPP", "libPath": "libfailing.so"}]"#).expect("write catalog");
    let script = dir.path().join("fail.daphne");
    std::fs::write(&script, "print(\"before\");\nprint(sum::failingSum([1.0, 2.0]));\nprint(\"after\");\n").expect("write script");
    let args = [format!("--kernel-ext={}", catalog.display())];
    for (mode, (code, out, _)) in [("jit", jit(&script, &args)), ("native", native(&script, &args))] {
        assert_eq!((code, out.as_str()), (3, "before\n[error]: Execution error: kernel failingSum: no sums today\n"), "[{mode}]");
    }
}

#[test]
fn element_wise_extension_kernels_join_fused_pipelines() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let lib = dir.path().join("libmy_kernels.so");
    build_c(&[repo().join("examples/extensions/c/my_kernels.c")], &lib);
    let args = stage_example("c", &lib, dir.path());
    let body = |sqrt: &str| format!("X = rand(300, 300, 1.0, 9.0, 1, 42);\nY = {sqrt}(X * 4.0) + 1.0;\nprint(sum(Y));\nprint(as.scalar(Y[7, 9]));\n");
    let fused = dir.path().join("fused.daphne");
    std::fs::write(&fused, body("sqrt::c_sqrt")).expect("write script");
    let builtin = dir.path().join("builtin.daphne");
    std::fs::write(&builtin, body("sqrt")).expect("write script");
    let (code, want, _) = jit(&builtin, &[]);
    assert_eq!(code, 0);
    // No marker line: the matrix kernel is not called; the pipeline calls c_sqrt_cell per cell.
    both(&fused, &args, &want);
    let explained = daphne().args(&args).arg("--explain=vectorized").arg(&fused).output().expect("daphne runs");
    let ir = String::from_utf8_lossy(&explained.stderr);
    let sqrt = ir.lines().find(|l| l.contains("daphne.ew_sqrt")).expect("the sqrt op");
    assert!(sqrt.contains("daphne.pipeline") && sqrt.contains("kernel_cell = \"c_sqrt_cell\""), "{sqrt}");
}

#[test]
fn the_rust_example_runs_under_jit_and_native() {
    // The example is a workspace member: `make build` (cargo build --workspace) puts it next
    // to the daphne binary.
    let bin = daphne_bin();
    let lib = bin.parent().expect("binary directory").join("librust_kernels.so");
    assert!(lib.exists(), "{} is missing: cargo build --release -p daphne-example-kernels", lib.display());
    let dir = tempfile::tempdir().expect("temporary directory");
    let args = stage_example("rust", &lib, dir.path());
    let want = "hello from the Rust kernel rust_sum_all\n2.5\nhello from the Rust kernel rust_abs\nDenseMatrix(1x3, double)\n1.5 2 3\n";
    both(&dir.path().join("demo.daphne"), &args, want);
}

/// Kernels with scalar arguments (double, size_t) and a bool result, selected by priority.
const SCALARS: &str = r#"
#include <stdio.h>
#include "daphne_kernel.h"
void addScalar(DaphneDenseMatrix **res, const DaphneDenseMatrix *a, double b, DaphneContext *ctx) {
    printf("addScalar %g\n", b);
    DaphneDenseMatrix *out = ctx->alloc_dense(ctx, DAPHNE_F64, a->num_rows, a->num_cols);
    for (int64_t r = 0; r < a->num_rows; r++)
        for (int64_t c = 0; c < a->num_cols; c++)
            ((double *)out->values)[r * out->row_skip + c] = ((const double *)a->values)[r * a->row_skip + c] + b;
    *res = out;
}
void alwaysSymmetric(bool *res, const DaphneDenseMatrix *a, DaphneContext *ctx) {
    printf("alwaysSymmetric %lldx%lld\n", (long long)a->num_rows, (long long)a->num_cols);
    *res = true;
}
void myReshape(DaphneDenseMatrix **res, const DaphneDenseMatrix *a, int64_t rows, int64_t cols, DaphneContext *ctx) {
    printf("myReshape %lldx%lld\n", (long long)rows, (long long)cols);
    DaphneDenseMatrix *out = ctx->alloc_dense(ctx, DAPHNE_F64, rows, cols);
    for (int64_t i = 0; i < rows * cols; i++)
        ((double *)out->values)[i] = ((const double *)a->values)[i];
    *res = out;
}
"#;

#[test]
fn scalar_arguments_and_bool_results_cross_the_abi() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let src = dir.path().join("scalars.c");
    std::fs::write(&src, SCALARS).expect("write source");
    build_c(&[src], &dir.path().join("libscalars.so"));
    let entry = |op: &str, name: &str, res: &str, args: &str| {
        format!(r#"{{"opMnemonic": "{op}", "kernelFuncName": "{name}", "resTypes": [{res}], "argTypes": [{args}], "backend": "CPP", "libPath": "libscalars.so"}}"#)
    };
    let catalog = dir.path().join("scalars.json");
    let entries = [
        entry("ewAdd", "addScalar", r#""DenseMatrix<double>""#, r#""DenseMatrix<double>", "double""#),
        entry("isSymmetric", "alwaysSymmetric", r#""bool""#, r#""DenseMatrix<double>""#),
        entry("reshape", "myReshape", r#""DenseMatrix<double>""#, r#""DenseMatrix<double>", "size_t", "size_t""#),
    ];
    std::fs::write(&catalog, format!("[{}]", entries.join(","))).expect("write catalog");
    let script = dir.path().join("scalars.daphne");
    std::fs::write(&script, "X = [1.0, 2.0, 3.0, 4.0];\nY = reshape(X + 2.5, 2, 2);\nprint(Y);\nprint(isSymmetric(Y));\n").expect("write script");
    let want = "addScalar 2.5\nmyReshape 2x2\nDenseMatrix(2x2, double)\n3.5 4.5\n5.5 6.5\nalwaysSymmetric 2x2\n1\n";
    both(&script, &[format!("--kernel-ext={}:1", catalog.display())], want);
    both(&script, &[format!("--kernel-ext={}:-1", catalog.display())], "DenseMatrix(2x2, double)\n3.5 4.5\n5.5 6.5\n0\n");
}

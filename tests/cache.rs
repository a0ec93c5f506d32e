//! The compile cache as seen from the command line: hits, misses on every input that changes
//! the code, damaged entries rebuilt, `--no-cache` and `daphne cache clear`. Whether a run hit
//! is read from the `"cache"` field of `--timing`.

use daphne_tests::daphne;
use std::path::{Path, PathBuf};

/// A scratch directory with a script, an imported module, a CSV with its `.meta`, and a cache.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("temporary directory");
        let s = Scratch { dir };
        s.write("lib.daphne", "def twice(x) { return 2 * x; }\n");
        s.write("m.csv", "1,2\n3,4\n");
        s.write("m.csv.meta", r#"{"numRows": 2, "numCols": 2, "valueType": "f64"}"#);
        s.write(
            "main.daphne",
            "import \"lib.daphne\";\nX = readMatrix(\"m.csv\");\nprint(lib.twice(sum(X)));\nprint($n + 1);\n",
        );
        s
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path(name), text).expect("write a scratch file");
    }

    fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// Runs `main.daphne` with `args` (flags, then script arguments); returns stdout and the
    /// cache use reported by `--timing`.
    fn run(&self, args: &[&str]) -> (String, String) {
        let (flags, script_args): (Vec<&str>, Vec<&str>) = args.iter().partition(|a| a.starts_with("--"));
        let out = daphne()
            .current_dir(self.dir.path())
            .env("DAPHNE_CACHE_DIR", self.cache())
            .arg("run")
            .arg("--timing")
            .args(flags)
            .arg("main.daphne")
            .args(script_args)
            .output()
            .expect("daphne runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "daphne failed: {stderr}");
        let cache = stderr
            .split("\"cache\": \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no cache field in the timing output: {stderr}"))
            .to_string();
        (String::from_utf8_lossy(&out.stdout).into_owned(), cache)
    }

    fn entries(&self) -> Vec<PathBuf> {
        let dir = self.cache().join("jit");
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        entries
    }
}

const EXPECTED: &str = "20\n6\n";

#[test]
fn second_run_hits() {
    let s = Scratch::new();
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "miss".to_string()));
    assert_eq!(s.entries().len(), 1);
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "hit".to_string()));
}

#[test]
fn every_input_that_changes_the_code_misses() {
    let s = Scratch::new();
    assert_eq!(s.run(&["n=5"]).1, "miss");
    // Script arguments.
    assert_eq!(s.run(&["n=6"]), ("20\n7\n".to_string(), "miss".to_string()));
    // Flags that change the generated code.
    for flag in ["--select-matrix-repr", "--no-phy-op-selection", "--no-obj-ref-mgnt", "--statistics", "--vec"] {
        let (_, cache) = s.run(&[flag, "n=5"]);
        assert_eq!(cache, "miss", "{flag}");
    }
    assert_eq!(s.run(&["--partitioning=GSS", "--vec", "n=5"]).1, "miss");
    // The imported module.
    s.write("lib.daphne", "def twice(x) { return 3 * x; }\n");
    assert_eq!(s.run(&["n=5"]), ("30\n6\n".to_string(), "miss".to_string()));
    // A file read at compile time (the .meta of readMatrix).
    s.write("m.csv.meta", r#"{"numRows": 2, "numCols": 2, "valueType": "si64"}"#);
    assert_eq!(s.run(&["n=5"]).1, "miss");
    // The script itself.
    s.write("main.daphne", "import \"lib.daphne\";\nprint(lib.twice(1));\n");
    assert_eq!(s.run(&["n=5"]), ("3\n".to_string(), "miss".to_string()));
    // Unchanged inputs hit again.
    assert_eq!(s.run(&["n=5"]), ("3\n".to_string(), "hit".to_string()));
}

/// Damages the only entry with `damage`, then checks that the next run rebuilds it with the
/// right output and the run after that hits.
fn rebuilds_after(damage: impl Fn(&Path)) {
    let s = Scratch::new();
    assert_eq!(s.run(&["n=5"]).1, "miss");
    let entries = s.entries();
    assert_eq!(entries.len(), 1);
    damage(&entries[0]);
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "rebuilt".to_string()));
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "hit".to_string()));
}

#[test]
fn flipped_bytes_are_rebuilt() {
    rebuilds_after(|entry| {
        let mut bytes = std::fs::read(entry).expect("read the entry");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(entry, bytes).expect("damage the entry");
    });
}

#[test]
fn truncated_entries_are_rebuilt() {
    rebuilds_after(|entry| {
        let bytes = std::fs::read(entry).expect("read the entry");
        std::fs::write(entry, &bytes[..bytes.len() - 100]).expect("truncate the entry");
    });
}

#[test]
fn a_damaged_header_is_rebuilt() {
    rebuilds_after(|entry| {
        let mut bytes = std::fs::read(entry).expect("read the entry");
        bytes[0] = b'X';
        std::fs::write(entry, bytes).expect("damage the magic number");
    });
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let s = Scratch::new();
    assert_eq!(s.run(&["--no-cache", "n=5"]), (EXPECTED.to_string(), "off".to_string()));
    assert!(!s.cache().exists(), "--no-cache created {}", s.cache().display());
    assert_eq!(s.run(&["n=5"]).1, "miss");
    assert_eq!(s.run(&["--no-cache", "n=5"]).1, "off");
}

#[test]
fn an_unusable_cache_directory_does_not_fail_the_run() {
    let s = Scratch::new();
    // The cache directory would have to be created inside a regular file.
    s.write("cache", "not a directory");
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "miss".to_string()));
    assert_eq!(s.run(&["n=5"]), (EXPECTED.to_string(), "miss".to_string()));
}

#[test]
fn cache_clear_removes_the_entries() {
    let s = Scratch::new();
    assert_eq!(s.run(&["n=5"]).1, "miss");
    let out = daphne().env("DAPHNE_CACHE_DIR", s.cache()).args(["cache", "clear"]).output().expect("daphne runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed 1 cache entries"));
    assert!(s.entries().is_empty());
    assert_eq!(s.run(&["n=5"]).1, "miss");
}

//! The compile cache: the JIT's object code on disk, so that running an unchanged script again
//! skips MLIR and LLVM.
//!
//! **Key.** The frontend (parsing, imports, semantic analysis) always runs: it is cheap, and
//! its result, the typed program, already reflects every input the frontend reads (imported
//! modules, `.meta` files of `read`, script arguments). The key is a BLAKE3 hash of:
//! - the compiler: crate version, the running executable's identity (path, size, inode,
//!   modification time: any rebuild changes it) and the LLVM version;
//! - the host: target triple, CPU name and CPU features (the JIT generates code for them);
//! - every [`Options`] field except `explain` (script arguments, import paths, pass switches,
//!   scheduler flags compiled into the program, statistics, and whatever is added later);
//! - every `DAPHNE_*` environment variable except `DAPHNE_CACHE_DIR` and `DAPHNE_LOG`
//!   (e.g. `DAPHNE_DISABLE_PASSES`, read by the pass pipeline);
//! - the script and each imported file: name (locations in messages) and contents;
//! - the typed program;
//! - the contents of each file in [`Options::compile_inputs`] (extension catalogs and libraries).
//!
//! **Entries.** One file `<dir>/jit/<key>.entry` per key: a header (magic, format version, key,
//! payload length, BLAKE3 checksum of the payload) and the object file. An entry is written to
//! a temporary file and renamed into place, so readers never see half an entry. An entry whose
//! header or checksum does not match, or whose object does not load, is ignored and rebuilt.
//! Cache failures (unwritable directory, full disk) never fail a run; they are traced at debug
//! level (`DAPHNE_LOG=daphne_driver::cache=debug`).
//!
//! **Size.** At most [`MAX_ENTRIES`] entries and [`MAX_BYTES`] bytes: a store beyond either
//! removes the least recently used entries. `daphne cache clear` removes every entry.

use crate::Options;
use daphne_syntax::diag::SourceFile;
use inkwell::llvm_sys::blake3::{llvm_blake3_hasher, llvm_blake3_hasher_finalize, llvm_blake3_hasher_init, llvm_blake3_hasher_update};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The version of the entry format (bump it when the header or payload changes meaning).
pub const FORMAT_VERSION: u32 = 1;
/// The most entries the cache keeps.
pub const MAX_ENTRIES: usize = 512;
/// The most bytes the cache's entries take together.
pub const MAX_BYTES: u64 = 256 << 20;

const MAGIC: [u8; 8] = *b"DAPHNEJC";
const HEADER_LEN: usize = 8 + 4 + 4 + 32 + 8 + 32;
const ENTRY_SUFFIX: &str = ".entry";
const TEMP_PREFIX: &str = ".tmp-";

/// Whether and how the compile cache supplied a run's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheUse {
    /// No cache (`--no-cache`, `--explain`, or no cache directory).
    Off,
    /// The code came from the cache.
    Hit,
    /// The code was compiled and stored.
    Miss,
    /// An invalid entry (corrupt, truncated, not loadable) was ignored and replaced.
    Rebuilt,
}

impl CacheUse {
    /// The lowercase name used in `--timing` output.
    pub fn name(self) -> &'static str {
        match self {
            CacheUse::Off => "off",
            CacheUse::Hit => "hit",
            CacheUse::Miss => "miss",
            CacheUse::Rebuilt => "rebuilt",
        }
    }
}

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// The hash of everything a script's object code depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key([u8; 32]);

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// What a lookup found.
pub(crate) enum Lookup {
    /// A valid entry's object code.
    Hit(Vec<u8>),
    /// No entry (or the cache could not be read).
    Absent,
    /// An entry that must not be trusted, and why.
    Invalid(String),
}

impl Cache {
    /// The cache in `dir` (created when first written).
    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    /// The cache in its default place: `$DAPHNE_CACHE_DIR`, else `$XDG_CACHE_HOME/daphne`,
    /// else `$HOME/.cache/daphne`; `None` when none of these variables is set (non-empty).
    pub fn from_env() -> Option<Cache> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        var("DAPHNE_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("daphne")))
            .or_else(|| var("HOME").map(|d| d.join(".cache/daphne")))
            .map(Cache::at)
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entries(&self) -> PathBuf {
        self.dir.join("jit")
    }

    fn entry(&self, key: &Key) -> PathBuf {
        self.entries().join(format!("{key}{ENTRY_SUFFIX}"))
    }

    /// Reads and checks the entry for `key`; a hit also marks the entry as recently used.
    pub(crate) fn load(&self, key: &Key) -> Lookup {
        let path = self.entry(key);
        let mut file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::debug!(target: "daphne_driver::cache", "cannot open {}: {e}", path.display());
                }
                return Lookup::Absent;
            }
        };
        let mut bytes = Vec::new();
        if let Err(e) = file.read_to_end(&mut bytes) {
            return Lookup::Invalid(format!("cannot read {}: {e}", path.display()));
        }
        match decode(&bytes, key) {
            Ok(payload) => {
                // Best effort: the modification time orders entries for eviction.
                let _ = file.set_modified(SystemTime::now());
                Lookup::Hit(payload.to_vec())
            }
            Err(why) => Lookup::Invalid(format!("{}: {why}", path.display())),
        }
    }

    /// Stores `payload` under `key` (atomically), then trims the cache to its bounds. Failures
    /// are traced and otherwise ignored.
    pub(crate) fn store(&self, key: &Key, payload: &[u8]) {
        if let Err(e) = self.try_store(key, payload) {
            tracing::debug!(target: "daphne_driver::cache", "cannot write the cache entry {key} in {}: {e}", self.dir.display());
            return;
        }
        if let Err(e) = self.trim() {
            tracing::debug!(target: "daphne_driver::cache", "cannot trim the cache in {}: {e}", self.dir.display());
        }
    }

    fn try_store(&self, key: &Key, payload: &[u8]) -> std::io::Result<()> {
        let dir = self.entries();
        std::fs::create_dir_all(&dir)?;
        let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(&dir)?;
        temp.write_all(&encode(key, payload))?;
        temp.persist(self.entry(key)).map_err(|e| e.error)?;
        Ok(())
    }

    /// The entry files with their sizes and modification times.
    fn list(&self) -> std::io::Result<Vec<(PathBuf, u64, SystemTime)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(self.entries())? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().ends_with(ENTRY_SUFFIX)
                && let Ok(meta) = entry.metadata()
            {
                out.push((entry.path(), meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
        Ok(out)
    }

    /// Removes the least recently used entries while the cache is over its bounds (down to
    /// three quarters of them, so that trimming is rare).
    fn trim(&self) -> std::io::Result<()> {
        let mut entries = self.list()?;
        let mut bytes: u64 = entries.iter().map(|e| e.1).sum();
        if entries.len() <= MAX_ENTRIES && bytes <= MAX_BYTES {
            return Ok(());
        }
        entries.sort_by_key(|e| e.2);
        let mut count = entries.len();
        for (path, len, _) in entries {
            if count <= MAX_ENTRIES * 3 / 4 && bytes <= MAX_BYTES / 4 * 3 {
                break;
            }
            std::fs::remove_file(path)?;
            count -= 1;
            bytes -= len;
        }
        Ok(())
    }

    /// Removes every entry (and leftover temporary files); returns how many entries there were.
    pub fn clear(&self) -> std::io::Result<usize> {
        let dir = self.entries();
        let listing = match std::fs::read_dir(&dir) {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut removed = 0;
        for entry in listing {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(ENTRY_SUFFIX) || name.starts_with(TEMP_PREFIX) {
                std::fs::remove_file(entry.path())?;
                removed += usize::from(name.ends_with(ENTRY_SUFFIX));
            }
        }
        // Leaves the directory if something else is in it.
        let _ = std::fs::remove_dir(&dir);
        Ok(removed)
    }
}

/// An entry's bytes: header, then the payload.
fn encode(key: &Key, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&digest(payload));
    out.extend_from_slice(payload);
    out
}

/// The payload of an entry, if every header field matches and the checksum is right.
fn decode<'a>(bytes: &'a [u8], key: &Key) -> Result<&'a [u8], String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!("truncated header ({} bytes)", bytes.len()));
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if header[..8] != MAGIC {
        return Err("not a cache entry (bad magic)".into());
    }
    let version = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(format!("format version {version}, expected {FORMAT_VERSION}"));
    }
    if header[16..48] != key.0 {
        return Err("the entry's key does not match its name".into());
    }
    let len = u64::from_le_bytes(header[48..56].try_into().expect("8 bytes"));
    if len != payload.len() as u64 {
        return Err(format!("payload of {} bytes, the header says {len}", payload.len()));
    }
    if header[56..88] != digest(payload) {
        return Err("checksum mismatch".into());
    }
    Ok(payload)
}

/// BLAKE3 (LLVM's implementation, already in the process).
struct Hasher(Box<llvm_blake3_hasher>);

impl Hasher {
    fn new() -> Hasher {
        let mut state = Box::<llvm_blake3_hasher>::new_uninit();
        // SAFETY: `init` initializes the whole state.
        unsafe {
            llvm_blake3_hasher_init(state.as_mut_ptr());
            Hasher(state.assume_init())
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        // SAFETY: the state is initialized; `bytes` is valid for its length.
        unsafe { llvm_blake3_hasher_update(&mut *self.0, bytes.as_ptr().cast(), bytes.len()) }
    }

    /// Adds one length-prefixed field (so that adjacent fields cannot run into each other).
    fn field(&mut self, bytes: &[u8]) {
        self.update(&(bytes.len() as u64).to_le_bytes());
        self.update(bytes);
    }

    /// Adds the hash of `value`'s `Debug` text as one field (streamed, not buffered).
    fn debug_field(&mut self, value: &dyn fmt::Debug) {
        let mut inner = Hasher::new();
        // Writing into a hasher cannot fail.
        let _ = write!(inner, "{value:?}");
        self.field(&inner.finish());
    }

    fn finish(mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        // SAFETY: the state is initialized; `out` has room for 32 bytes.
        unsafe { llvm_blake3_hasher_finalize(&mut *self.0, out.as_mut_ptr(), out.len()) };
        out
    }
}

impl fmt::Write for Hasher {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.update(s.as_bytes());
        Ok(())
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    let mut h = Hasher::new();
    h.update(bytes);
    h.finish()
}

/// The key of a script's JIT code (see the module documentation for what goes into it);
/// `None` when the running compiler cannot be identified.
pub(crate) fn key(opts: &Options, files: &[SourceFile], program: &daphne_sema::hir::Program) -> Option<Key> {
    let mut h = Hasher::new();
    h.field(b"daphne jit cache");
    h.field(&FORMAT_VERSION.to_le_bytes());
    compiler_identity(&mut h)?;
    let (triple, cpu, features) = crate::codegen::host_target();
    for part in [triple, cpu, features] {
        h.field(part.as_bytes());
    }

    let mut normalized = opts.clone();
    normalized.explain.clear();
    // Hash maps print in a random order: key them sorted.
    let args: BTreeMap<String, String> = std::mem::take(&mut normalized.frontend.args).into_iter().collect();
    let libraries: BTreeMap<String, Vec<PathBuf>> = std::mem::take(&mut normalized.imports.libraries).into_iter().collect();
    h.debug_field(&normalized);
    h.debug_field(&args);
    h.debug_field(&libraries);

    let mut env: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .filter(|(k, _)| k.starts_with("DAPHNE_") && k != "DAPHNE_CACHE_DIR" && k != "DAPHNE_LOG")
        .collect();
    env.sort();
    h.debug_field(&env);

    h.field(&(files.len() as u64).to_le_bytes());
    for file in files {
        h.field(file.name.as_bytes());
        h.field(file.source.as_bytes());
    }
    h.debug_field(program);

    h.field(&(opts.compile_inputs.len() as u64).to_le_bytes());
    for path in &opts.compile_inputs {
        h.field(path.as_os_str().as_encoded_bytes());
        match std::fs::read(path) {
            Ok(bytes) => h.field(&digest(&bytes)),
            Err(_) => h.field(b"<unreadable>"),
        }
    }
    Some(Key(h.finish()))
}

/// Adds what identifies the running compiler: any rebuild of the executable changes its
/// modification time and inode.
fn compiler_identity(h: &mut Hasher) -> Option<()> {
    use std::os::unix::fs::MetadataExt;
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    h.field(exe.as_os_str().as_encoded_bytes());
    for n in [meta.len(), meta.dev(), meta.ino(), meta.mtime() as u64, meta.mtime_nsec() as u64] {
        h.field(&n.to_le_bytes());
    }
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: writes three integers.
    unsafe { inkwell::llvm_sys::core::LLVMGetVersion(&mut major, &mut minor, &mut patch) };
    h.field(format!("LLVM {major}.{minor}.{patch}").as_bytes());
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_reject_damage() {
        let key = Key(digest(b"k"));
        let payload = b"object code".to_vec();
        let bytes = encode(&key, &payload);
        assert_eq!(decode(&bytes, &key).unwrap(), payload.as_slice());
        assert!(decode(&bytes[..bytes.len() - 1], &key).unwrap_err().contains("payload"));
        assert!(decode(&bytes[..10], &key).unwrap_err().contains("truncated"));
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(decode(&flipped, &key).unwrap_err(), "checksum mismatch");
        assert!(decode(&bytes, &Key(digest(b"other"))).unwrap_err().contains("key"));
    }

    #[test]
    fn store_load_clear() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let key = Key(digest(b"k"));
        assert!(matches!(cache.load(&key), Lookup::Absent));
        cache.store(&key, b"code");
        assert!(matches!(cache.load(&key), Lookup::Hit(p) if p == b"code"));
        assert_eq!(cache.clear().unwrap(), 1);
        assert!(matches!(cache.load(&key), Lookup::Absent));
    }

    #[test]
    fn blake3_matches_the_reference() {
        // BLAKE3 of the empty input (from the BLAKE3 test vectors).
        let hex: String = digest(b"").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
    }
}

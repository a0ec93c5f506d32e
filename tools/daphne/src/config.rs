//! `--config=<file.json>`: DAPHNE's user configuration file.
//!
//! Every key of DAPHNE's `UserConfig.json` is accepted and type-checked; an unknown key, a
//! value of the wrong JSON type, an unknown partitioning scheme, or a file that is not valid
//! JSON is an error (exit code 1, as DAPHNE). Used keys: `daphnedsl_import_paths`, the
//! `explain_*` switches, `use_phy_op_selection` and `use_obj_ref_mgnt`; the others select
//! strategies this compiler does not have yet and do not change results.

use daphne_driver::{PassOptions, Stage};
use daphne_sema::imports::ImportConfig;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The parts of a configuration file the compiler uses.
#[derive(Debug, Default)]
pub struct Config {
    /// Import search paths.
    pub imports: ImportConfig,
    /// Stages to print (from `explain_<stage>: true`).
    pub explain: Vec<Stage>,
    /// Overrides of the default passes (`use_phy_op_selection`, `use_obj_ref_mgnt`).
    pub passes: Option<PassOptions>,
}

/// The JSON type a key requires.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Array,
    Object,
}

/// Every key DAPHNE's configuration parser knows, with its type.
const KEYS: &[(&str, Kind)] = &[
    ("use_cuda", Kind::Bool),
    ("use_vectorized_exec", Kind::Bool),
    ("use_vectorized_restricted", Kind::Bool),
    ("use_obj_ref_mgnt", Kind::Bool),
    ("use_optimistic_splitting", Kind::Bool),
    ("use_ipa_const_propa", Kind::Bool),
    ("use_phy_op_selection", Kind::Bool),
    ("use_mlir_codegen", Kind::Bool),
    ("use_columnar", Kind::Bool),
    ("matmul_vec_size_bits", Kind::Int),
    ("matmul_tile", Kind::Bool),
    ("matmul_fixed_tile_sizes", Kind::Array),
    ("matmul_use_fixed_tile_sizes", Kind::Bool),
    ("matmul_unroll_factor", Kind::Int),
    ("matmul_unroll_jam_factor", Kind::Int),
    ("matmul_num_vec_registers", Kind::Int),
    ("matmul_invert_loops", Kind::Bool),
    ("cuda_fuse_any", Kind::Bool),
    ("vectorized_single_queue", Kind::Bool),
    ("debug_llvm", Kind::Bool),
    ("explain_columnar", Kind::Bool),
    ("explain_kernels", Kind::Bool),
    ("explain_llvm", Kind::Bool),
    ("explain_parsing", Kind::Bool),
    ("explain_parsing_simplified", Kind::Bool),
    ("explain_property_inference", Kind::Bool),
    ("explain_select_matrix_repr", Kind::Bool),
    ("explain_transfer_data_props", Kind::Bool),
    ("explain_sql", Kind::Bool),
    ("explain_phy_op_selection", Kind::Bool),
    ("explain_type_adaptation", Kind::Bool),
    ("explain_vectorized", Kind::Bool),
    ("explain_obj_ref_mgnt", Kind::Bool),
    ("explain_mlir_codegen", Kind::Bool),
    ("explain_mlir_codegen_sparsity_exploiting_op_fusion", Kind::Bool),
    ("explain_mlir_codegen_daphneir_to_mlir", Kind::Bool),
    ("explain_mlir_codegen_mlir_specific", Kind::Bool),
    ("taskPartitioningScheme", Kind::Str),
    ("numberOfThreads", Kind::Int),
    ("minimumTaskSize", Kind::Int),
    ("phyBatchSize", Kind::Int),
    ("useHdfs", Kind::Bool),
    ("hdfsAddress", Kind::Str),
    ("hdfsUsername", Kind::Str),
    ("cuda_devices", Kind::Array),
    ("libdir", Kind::Str),
    ("daphnedsl_import_paths", Kind::Object),
    ("logging", Kind::Array),
    ("force_cuda", Kind::Bool),
    ("sparsity_threshold", Kind::Float),
    ("enable_property_recording", Kind::Bool),
    ("enable_property_insert", Kind::Bool),
    ("properties_file_path", Kind::Str),
];

/// DAPHNE's partitioning schemes (`taskPartitioningScheme`).
const SCHEMES: &[&str] = &["STATIC", "SS", "GSS", "TSS", "FAC2", "TFSS", "FISS", "VISS", "PLS", "MSTATIC", "MFSC", "PSS", "AUTO"];

fn has_kind(v: &Value, k: Kind) -> bool {
    match k {
        Kind::Bool => v.is_boolean(),
        Kind::Int => v.is_i64() || v.is_u64(),
        Kind::Float => v.is_number(),
        Kind::Str => v.is_string(),
        Kind::Array => v.is_array(),
        Kind::Object => v.is_object(),
    }
}

/// Loads and checks a configuration file.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("config file {} is not valid JSON: {e}", path.display()))?;
    let obj = json.as_object().ok_or_else(|| format!("config file {} must hold a JSON object", path.display()))?;
    let mut config = Config::default();
    let mut passes = PassOptions::default();
    let mut passes_changed = false;
    for (key, value) in obj {
        let Some((_, kind)) = KEYS.iter().find(|(k, _)| k == key) else {
            return Err(format!("config file {}: unknown key `{key}`", path.display()));
        };
        if !has_kind(value, *kind) {
            return Err(format!("config file {}: `{key}` has a value of the wrong type", path.display()));
        }
        match key.as_str() {
            "taskPartitioningScheme" if !SCHEMES.contains(&value.as_str().unwrap_or("")) => {
                return Err(format!("config file {}: unknown partitioning scheme `{value}`", path.display()));
            }
            "daphnedsl_import_paths" => config.imports = import_paths(value)?,
            "use_phy_op_selection" => {
                passes.phy_op_selection = value.as_bool() == Some(true);
                passes_changed = true;
            }
            "use_obj_ref_mgnt" => {
                passes.obj_ref_mgnt = value.as_bool() == Some(true);
                passes_changed = true;
            }
            k => {
                if let Some(stage) = k.strip_prefix("explain_").and_then(Stage::from_name)
                    && value.as_bool() == Some(true)
                {
                    config.explain.push(stage);
                }
            }
        }
    }
    if passes_changed {
        config.passes = Some(passes);
    }
    Ok(config)
}

fn import_paths(value: &Value) -> Result<ImportConfig, String> {
    let mut imports = ImportConfig::default();
    for (key, dirs) in value.as_object().expect("checked to be an object") {
        let dirs: Vec<PathBuf> = dirs
            .as_array()
            .and_then(|a| a.iter().map(|d| d.as_str().map(PathBuf::from)).collect())
            .ok_or_else(|| format!("`daphnedsl_import_paths.{key}` must be a list of directory names"))?;
        if key == "default_dirs" {
            imports.default_dirs = dirs;
        } else {
            imports.libraries.insert(key.clone(), dirs);
        }
    }
    Ok(imports)
}

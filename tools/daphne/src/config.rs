//! `--config=<file.json>`: DAPHNE's user configuration file.
//!
//! Read keys: `daphnedsl_import_paths` (`default_dirs` and named libraries for `import`). Other
//! keys of DAPHNE's `UserConfig.json` are accepted and ignored until their features exist. A
//! file that cannot be read or is not valid JSON is an error (exit code 1, as DAPHNE).

use daphne_sema::imports::ImportConfig;
use std::path::{Path, PathBuf};

/// The parts of a configuration file the compiler uses.
#[derive(Debug, Default)]
pub struct Config {
    /// Import search paths.
    pub imports: ImportConfig,
}

/// Loads and checks a configuration file.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("config file {} is not valid JSON: {e}", path.display()))?;
    let mut config = Config::default();
    if let Some(paths) = json.get("daphnedsl_import_paths") {
        let obj = paths.as_object().ok_or("`daphnedsl_import_paths` must be an object")?;
        for (key, dirs) in obj {
            let dirs: Vec<PathBuf> = dirs
                .as_array()
                .and_then(|a| a.iter().map(|d| d.as_str().map(PathBuf::from)).collect())
                .ok_or_else(|| format!("`daphnedsl_import_paths.{key}` must be a list of directory names"))?;
            if key == "default_dirs" {
                config.imports.default_dirs = dirs;
            } else {
                config.imports.libraries.insert(key.clone(), dirs);
            }
        }
    }
    Ok(config)
}

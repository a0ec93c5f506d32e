"""Versions of the NumPy side as JSON: Python, NumPy, SciPy and the BLAS that NumPy loaded."""
import ctypes
import json
import platform

import numpy
import scipy


def loaded_blas():
    """The BLAS library mapped into this process (after NumPy's import) and its build string."""
    path = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            name = line.split()[-1]
            if "libblas" in name or (path is None and "blas" in name and ".so" in name):
                path = name
    config = None
    if path is not None:
        try:
            get = ctypes.CDLL(path).openblas_get_config
            get.restype = ctypes.c_char_p
            config = get().decode()
        except (OSError, AttributeError):
            pass
    return path, config


path, config = loaded_blas()
print(json.dumps({
    "python": platform.python_version(),
    "numpy": numpy.__version__,
    "scipy": scipy.__version__,
    "blas_library": path,
    "blas_config": config,
}))

"""The package's contract: a light import, and the names its users read."""

from __future__ import annotations

import subprocess
import sys

import crosswire.extract


def test_import_is_light():
    """Importing the library loads neither Prefect, Great Expectations nor spaCy (the model loads it)."""
    code = ("import sys, crosswire.extract; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'great_expectations', 'spacy'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names():
    assert all(hasattr(crosswire.extract, name) for name in crosswire.extract.__all__)
    assert not [name for name in crosswire.extract.__all__ if name.startswith("_")]

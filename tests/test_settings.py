"""Settings: one typed model in sections, unknown keys refused, config files of the earlier flat names still read."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from crosswire.settings import LEGACY_NAMES, Settings


def test_sections_hold_every_knob_with_its_default():
    settings = Settings()
    assert settings.extract.model == "auto" and settings.dedupe.threshold == 0.5
    assert settings.clean.template_min_docs == 5 and settings.runner.kind == "local"
    assert Settings(dedupe={"max_bucket": 2}).dedupe.max_bucket == 2


@pytest.mark.parametrize("data", [{"batch_sise": 3}, {"dedupe": {"treshold": 0.4}}, {"runner": {"kind": "spark"}},
                                  {"clean": {"max_article_words": 30_000}}])  # over the page cap of 20,000 words
def test_unknown_or_invalid_keys_are_refused(data):
    with pytest.raises(ValidationError):
        Settings(**data)


def test_a_config_file_of_flat_names_is_read_into_the_sections(tmp_path):
    config = tmp_path / "old.json"
    config.write_text(json.dumps({"batch_size": 50, "model": "rules", "dedupe_threshold": 0.6, "runner": "dask",
                                  "dask_address": "tcp://scheduler:8786", "fetch_timeout": 3,
                                  "allowed_private_hosts": ["intranet"], "min_article_words": 30}))
    settings = Settings.from_file(config)
    assert settings.batch_size == 50 and settings.extract.model == "rules" and settings.dedupe.threshold == 0.6
    assert settings.runner.kind == "dask" and settings.runner.dask_address == "tcp://scheduler:8786"
    assert settings.fetch.timeout == 3 and settings.fetch.allowed_private_hosts == ["intranet"]
    assert settings.clean.min_article_words == 30
    assert all(getattr(getattr(Settings(), section), field) is not None or field in ("dask_address", "window_days")
               for section, field in LEGACY_NAMES.values())  # every flat name lands on a field


def test_overrides_win_over_the_file_and_name_their_section(tmp_path):
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"extract": {"model": "rules"}, "batch_size": 10}))
    settings = Settings.from_file(config, **{"extract.model": "en_core_web_sm", "batch_size": None})
    assert settings.extract.model == "en_core_web_sm" and settings.batch_size == 10

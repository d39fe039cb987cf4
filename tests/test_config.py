"""The preferences file (core/config.py): read once, changed one key at a time, never
written over when it does not read."""

from __future__ import annotations

import pytest

from reader.core.config import Config, ConfigError, config_path, load_config, save_setting


def test_defaults_without_a_file_and_one_key_saved_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path / "conf"))
    assert config_path() == tmp_path / "conf" / "config.toml"
    assert load_config() == Config()
    save_setting("theme", "nord")
    assert load_config() == Config(theme="nord")
    config_path().write_text('# mine\ntheme = "nord"\nother = "kept"\n')
    save_setting("theme", "dracula")
    assert config_path().read_text().count("other") == 1 and load_config().theme == "dracula"


def test_the_platform_config_dir_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("READER_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    import sys

    if sys.platform.startswith("linux"):
        assert config_path() == tmp_path / "xdg" / "reader" / "config.toml"


@pytest.mark.parametrize("content, said", [
    (b"theme = [\n", "not valid TOML"),
    (b"\xff\xfe", "not valid TOML"),
    (b"#" * (65 * 1024), "not a config file"),
])
def test_a_file_that_does_not_read_is_named_and_kept(tmp_path, content, said):
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and said in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(ConfigError):
        save_setting("theme", "nord", path)
    assert path.read_bytes() == content


def test_a_theme_that_is_not_a_string_is_no_theme(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("theme = 3\n")
    assert load_config(path) == Config()

"""Where things are kept: overrides, and the XDG fast path agreeing with platformdirs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from progress.locations import Locations, ensure_private_dir


def test_flag_beats_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWSTUTOR_DATA_DIR", str(tmp_path / "env"))
    assert Locations.resolve(tmp_path / "flag").data == tmp_path / "flag"
    assert Locations.resolve().data == tmp_path / "env"


def test_lessons_folder_is_under_config(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWSTUTOR_CONFIG_DIR", str(tmp_path / "cfg"))
    assert Locations.resolve().lessons == tmp_path / "cfg" / "lessons"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG fast path is Linux only")
@pytest.mark.parametrize("xdg", [False, True])
def test_linux_fast_path_matches_platformdirs(monkeypatch, tmp_path: Path, xdg: bool) -> None:
    import platformdirs

    for kind in ("DATA", "CONFIG", "CACHE"):
        monkeypatch.delenv(f"AWSTUTOR_{kind}_DIR", raising=False)
        if xdg:
            monkeypatch.setenv(f"XDG_{kind}_HOME", str(tmp_path / kind.lower()))
        else:
            monkeypatch.delenv(f"XDG_{kind}_HOME", raising=False)
    found = Locations.resolve()
    assert found.data == Path(platformdirs.user_data_dir("awstutor", appauthor=False))
    assert found.config == Path(platformdirs.user_config_dir("awstutor", appauthor=False))
    assert found.cache == Path(platformdirs.user_cache_dir("awstutor", appauthor=False))


def test_private_dir_is_created_0700_and_an_existing_one_keeps_its_mode(tmp_path: Path) -> None:
    folder = ensure_private_dir(tmp_path / "a" / "b")
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o755)
    ensure_private_dir(folder)
    assert folder.stat().st_mode & 0o777 == 0o755  # never chmod a folder that exists: it may be shared on purpose


def test_private_dir_refuses_a_link(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir(mode=0o755)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError, match="symbolic link"):
        ensure_private_dir(tmp_path / "link")
    assert (tmp_path / "elsewhere").stat().st_mode & 0o777 == 0o755

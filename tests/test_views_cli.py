"""``reader views``, ``reader completion`` and ``reader --version``, run in-process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import version

import pytest

from reader.cli import run

WEEK = textwrap.dedent(
    """\
    # 200712 Papers that stood out

    https://arxiv.org/abs/2007.03898 NVAE: A Deep Hierarchical Variational Autoencoder (Arash Vahdat, Jan Kautz)
    Deep hierarchies done carefully.
    https://arxiv.org/abs/2007.01758 Collaborative Learning for Faster StyleGAN Embedding (Shanyan Guan, Ying Tai)
    Encoder plus optimisation.
    https://arxiv.org/abs/2007.00003 Diffusion Models Beat GANs (Carol White)
    Generative models are getting better.
    """
)


def cli(capsys, *args: object) -> tuple[int, str, str]:
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(capsys, tmp_path):
    path = tmp_path / "200712 week.md"
    path.write_text(WEEK, encoding="utf-8")
    assert cli(capsys, "import", path)[0] == 0
    assert cli(capsys, "tag", "2007.01758", "2007.00003", "+gan")[0] == 0
    assert cli(capsys, "mark", "2007.00003", "--read")[0] == 0


def test_views_add_list_json_replace_remove(capsys, library):
    assert cli(capsys, "views") == (0, "", "no saved views: add one with 'reader views add NAME QUERY'\n")
    code, out, err = cli(capsys, "views", "add", "gans to read", "--", "tag:gan", "-is:read")
    assert (code, err) == (0, "") and out == "saved view 'gans to read': tag:gan -is:read\n"
    code, out, _ = cli(capsys, "views", "add", "[/x]", "title:nvae OR title:diffusion")
    assert code == 0 and out.startswith("saved view '[/x]'")
    code, out, err = cli(capsys, "views", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"name": "[/x]", "query": "title:nvae OR title:diffusion", "count": 2, "unread": 1},
        {"name": "gans to read", "query": "tag:gan -is:read", "count": 1, "unread": 1},
    ]
    code, out, _ = cli(capsys, "views")
    assert code == 0 and out.splitlines() == [
        "[/x]          title:nvae OR title:diffusion  (    2 papers, 1 unread)",
        "gans to read  tag:gan -is:read  (    1 papers, 1 unread)",
    ]
    code, out, _ = cli(capsys, "views", "add", "gans to read", "tag:gan")
    assert code == 0 and out == "replaced view 'gans to read': tag:gan\n"
    assert json.loads(cli(capsys, "views", "--json")[1])[1]["count"] == 2
    code, out, err = cli(capsys, "views", "remove", "gans to read")
    assert (code, err) == (0, "") and out == "removed view 'gans to read' (tag:gan)\n"
    assert [v["name"] for v in json.loads(cli(capsys, "views", "--json")[1])] == ["[/x]"]


def test_views_errors_are_one_line_and_exit_1(capsys, library):
    code, out, err = cli(capsys, "views", "remove", "nope")
    assert (code, out) == (1, "") and err == "reader: error: no saved view named 'nope' (see 'reader views')\n"
    code, out, err = cli(capsys, "views", "add", "bad", "tag:a AND (tag:b")
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert err.startswith("reader: error: bad query at column 11: this '(' is never closed")
    code, out, err = cli(capsys, "views", "add", "two\nlines", "tag:a")
    assert (code, out) == (1, "") and err.count("\n") == 1 and "one line" in err
    assert json.loads(cli(capsys, "views", "--json")[1]) == []


def test_a_stored_query_that_no_longer_parses_is_reported_not_raised(capsys, library, isolated_dirs):
    from reader.core.library import Library

    lib = Library(isolated_dirs["data"])
    with lib.transaction("views"):
        lib.put("views", {"views": {"hand-edited": {"format": 1, "query": "tag:a AND ("}}})
    code, out, err = cli(capsys, "views", "--json")
    assert code == 0 and err == ""
    (row,) = json.loads(out)
    assert row["count"] is None and row["error"].startswith("bad query at column")
    code, out, _ = cli(capsys, "views")
    assert code == 0 and "(bad query at column" in out


def test_version_comes_from_the_distribution(capsys, monkeypatch):
    with pytest.raises(SystemExit) as stopped:
        run(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"reader {version('arxiv-digest-reader')}\n"
    import importlib.metadata

    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.8.7" if name == "arxiv-digest-reader" else real(name))
    with pytest.raises(SystemExit):
        run(["--version"])
    assert capsys.readouterr().out == "reader 9.8.7\n"  # (read from the metadata, not written in the code)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_name_the_commands_and_options(capsys, shell):
    code, out, err = cli(capsys, "completion", shell)
    assert (code, err) == (0, "")
    options = ("-l data-dir", "-l json") if shell == "fish" else ("--data-dir", "--json")
    for word in ("views", "completion", "import", "search", *options):
        assert word in out, (shell, word)


def test_completion_of_an_unknown_shell_is_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        run(["completion", "tcsh"])
    assert stopped.value.code == 2
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_completes_subcommands(tmp_path):
    script = tmp_path / "reader.bash"
    script.write_text(subprocess.run(
        [sys.executable, "-m", "reader", "completion", "bash"], capture_output=True, text=True, check=True
    ).stdout)
    probe = textwrap.dedent(
        f"""\
        source {script}
        COMP_WORDS=(reader vi); COMP_CWORD=1; COMP_LINE="reader vi"; COMP_POINT=${{#COMP_LINE}}
        _shtab_reader
        printf '%s\\n' "${{COMPREPLY[@]}}"
        """
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "views" in done.stdout.split()

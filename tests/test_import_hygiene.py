"""The core must run without the UI: it never imports textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import reader.core

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_without_textual():
    modules = [f"reader.core.{m.name}" for m in pkgutil.iter_modules(reader.core.__path__)]
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'textual' or name.startswith('textual.'):\n"
        "            raise ImportError('the core imported textual')\n"
        "sys.meta_path.insert(0, Block())\n"
        + "".join(f"import {m}\n" for m in modules)
        + "assert not any(m.startswith('textual') for m in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_import_linter_contract():
    """The contract in pyproject.toml, checked by import-linter."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def import_cycles(package: str) -> list[list[str]]:
    """The import cycles among ``package``'s modules (strongly connected parts of its import
    graph, imports inside functions counted, imports for type checking only not)."""
    import grimp  # (comes with import-linter)

    graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, edges = work[-1]
            for target in edges:
                if target not in graph.modules:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.find_modules_directly_imported_by(target)))))
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == module:
                            break
                    if len(part) > 1:
                        cycles.append(sorted(part))
    return cycles


def test_no_import_cycles():
    assert import_cycles("reader") == []


def test_the_apps_start_leaves_what_the_first_screen_does_not_need():
    # Each of these costs milliseconds to import (patterns compiled, the parser, the network
    # stack) and is loaded when the reader first needs it, after the first paint.
    later = ["reader.core.ids", "reader.core.importer", "reader.core.digest", "reader.core.bibtex",
             "reader.core.search_index", "arxiv", "requests", "pypdf", "numpy",
             # the keys' and the palette's modules: loaded by the first key or menu that needs them
             "reader.tui.screens.library_actions", "reader.tui.screens.arxiv_actions",
             "reader.tui.screens.navigation", "reader.tui.screens.share_actions", "reader.tui.followed",
             "reader.tui.widgets.filter_input", "reader.tui.commands", "reader.core.sync",
             "reader.core.note_merge", "reader.tui.styles"]
    code = "import sys, reader.cli, reader.cli.app, reader.tui, reader.tui.app\n" f"print([m for m in {later!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_action_loaded_later_is_there():
    from reader.tui.screens.main import _Later

    assert _Later.every
    for later in _Later.every:
        assert callable(later.resolve()), f"{later.module}.{later.name}"

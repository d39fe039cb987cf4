"""The rule that keeps user text literal, checked on the app's source.

User text reaches the screen only as ``rich.text.Text`` (or with ``markup=False``):
Textual reads a ``str`` as markup in border titles, ``Static``/``Label``/``Option``
contents, ``update()`` and the palette's help. These checks fail on the usual ways to
break the rule (an f-string or a joined string where a ``Text`` belongs); notifications
are literal whatever their caller passes (``ReaderApp.notify``, tested in test_markup.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import reader.tui

TUI = Path(reader.tui.__file__).parent
TITLES = {"border_title", "border_subtitle", "sub_title", "title", "tooltip"}
CONTENT_CALLS = {"Static", "Label", "Option", "Button", "update"}
MARKUP_PARSERS = {"from_markup", "render_str"}


def sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TUI.rglob("*.py"))]


def built_string(node: ast.expr) -> bool:
    """An expression that builds a str from parts: where user text sneaks in."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return built_string(node.left) or built_string(node.right) or isinstance(node.left, ast.Constant)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return isinstance(node.func.value, ast.Constant)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str"


def literal_or_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in ("Text", "assemble", "Content")
    return False


def called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def text_names(function: ast.AST) -> set[str]:
    """Names a function assigns only ``Text(...)`` (or a literal) to."""
    assigned: dict[str, bool] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned[target.id] = assigned.get(target.id, True) and literal_or_text(node.value)
    return {name for name, ok in assigned.items() if ok}


def assignments_by_function(tree: ast.Module) -> list[tuple[ast.AST, list[ast.Assign]]]:
    """Each function (and the module) with the assignments made directly in it."""
    found: list[tuple[ast.AST, list[ast.Assign]]] = []

    def visit(scope: ast.AST) -> None:
        own: list[ast.Assign] = []
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(node)
                continue
            if isinstance(node, ast.Assign):
                own.append(node)
            stack.extend(ast.iter_child_nodes(node))
        found.append((scope, own))

    visit(tree)
    return found


def test_titles_are_literal_strings_or_text():
    bad = []
    for path, tree in sources():
        for _scope, assignments in assignments_by_function(tree):
            # Names this scope only ever binds to Text(...) or a literal.
            texts: dict[str, bool] = {}
            for node in assignments:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        texts[target.id] = texts.get(target.id, True) and literal_or_text(node.value)
            for node in assignments:
                for target in node.targets:
                    if not (isinstance(target, ast.Attribute) and target.attr in TITLES):
                        continue
                    value = node.value
                    if literal_or_text(value) or (isinstance(value, ast.Name) and texts.get(value.id, False)):
                        continue
                    bad.append(f"{path.name}:{node.lineno} {target.attr} = {ast.unparse(value)}")
    assert bad == [], "titles must be Text(...) (a str is read as markup):\n" + "\n".join(bad)


def test_widget_contents_are_never_strings_built_from_parts():
    bad = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and called(node) in CONTENT_CALLS and node.args and built_string(node.args[0]):
                bad.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}")
    assert bad == [], "wrap built text in Text(...):\n" + "\n".join(bad)


def test_nothing_in_the_app_parses_markup_or_turns_it_on():
    bad = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if called(node) in MARKUP_PARSERS:
                    bad.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}")
                for keyword in node.keywords:
                    value = keyword.value
                    markup_off = isinstance(value, ast.Constant) and value.value is False
                    in_app_notify = called(node) == "notify" and path.name == "app.py"  # forces it off
                    if keyword.arg == "markup" and not markup_off and not in_app_notify:
                        bad.append(f"{path.name}:{node.lineno} markup={ast.unparse(value)}")
                    escaped = isinstance(value, ast.Call) and called(value) == "escape"
                    if keyword.arg == "help" and called(node) in ("Hit", "DiscoveryHit") and not escaped:
                        bad.append(f"{path.name}:{node.lineno} help= not escaped")
    assert bad == [], "\n".join(bad)


def test_the_checks_catch_what_they_are_for():
    """(The checks above would pass on nothing: they must flag the usual mistakes.)"""
    samples = {
        'w.border_title = self.view_label()': test_titles_are_literal_strings_or_text,
        'Static(f"{title}")': test_widget_contents_are_never_strings_built_from_parts,
        'label.update("#" + tag)': test_widget_contents_are_never_strings_built_from_parts,
        'self.notify(text, markup=True)': test_nothing_in_the_app_parses_markup_or_turns_it_on,
        'Hit(1, c, f, help=f"paper {x}")': test_nothing_in_the_app_parses_markup_or_turns_it_on,
    }
    for code, check in samples.items():
        tree = ast.parse(code)
        original = globals()["sources"]
        globals()["sources"] = lambda tree=tree: [(Path("sample.py"), tree)]
        try:
            try:
                check()
            except AssertionError:
                continue
            raise AssertionError(f"{check.__name__} missed: {code}")
        finally:
            globals()["sources"] = original

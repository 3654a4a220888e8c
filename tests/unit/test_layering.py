"""The pure core stays importable without a browser: only the UI package imports streamlit."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "chat_core"
UI = CORE / "ui"
CORE_MODULES = sorted(path for path in CORE.rglob("*.py") if UI not in path.parents)


def imported_packages(path: Path) -> set[str]:
    """The top-level names of everything a module imports, wherever in the module the import sits."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_has_modules_to_check():
    assert {"turn.py", "saving.py", "identity.py", "catalog.py"} <= {path.name for path in CORE_MODULES}


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda path: str(path.relative_to(CORE)))
def test_no_module_outside_the_ui_package_imports_streamlit(path):
    assert "streamlit" not in imported_packages(path)


def test_the_check_sees_a_streamlit_import_inside_a_function(tmp_path):
    module = tmp_path / "sneaky.py"
    module.write_text("def draw():\n    from streamlit import markdown\n    markdown('x')\n")
    assert "streamlit" in imported_packages(module)

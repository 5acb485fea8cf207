"""Root conftest: README.md's Python blocks run as tests (pytest-markdown-docs); their hidden prelude lives
in tests/readme_prelude.py, loaded here so its fixtures reach README.md at the repository root."""

pytest_plugins = ["tests.readme_prelude"]

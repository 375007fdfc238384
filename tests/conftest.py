"""Test layout.

tests/unit          pure rules, no frappe: run anywhere.
tests/integration   a real Frappe v15 + ERPNext v15 site on MariaDB (see integration/conftest.py).
tests/system        scripts/setup and scripts/start as a new user runs them: as root, beside a bench
                    (scripts/test runs them first, with its own virtualenv).
"""

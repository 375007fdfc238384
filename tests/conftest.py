"""Test layout.

tests/unit          pure rules, no frappe: run anywhere.
tests/integration   a real Frappe v15 + ERPNext v15 site on MariaDB (see integration/conftest.py).
"""

"""Run a benchmark on a real site from the bench's sites folder; what it did is rolled back."""

import os
import sys

import frappe


def run_on_site(site, run, *args):
	sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.flags.in_test = True
	try:
		run(*args)
	finally:
		frappe.db.rollback()
		frappe.destroy()

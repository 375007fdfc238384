"""Every whitelisted function of the app annotates each parameter (hooks.py sets
`require_type_annotated_api_methods`), and frappe checks the arguments against the annotations."""

import importlib
import inspect
import pkgutil

import frappe


def app_whitelisted():
	import borgerbudget

	for module in pkgutil.walk_packages(borgerbudget.__path__, "borgerbudget."):
		if ".patches" not in module.name:
			importlib.import_module(module.name)
	return [function for function in frappe.whitelisted if function.__module__.startswith("borgerbudget.")]


def test_every_whitelisted_parameter_is_annotated():
	functions = app_whitelisted()
	assert len(functions) > 30
	bare = [
		f"{function.__module__}.{function.__qualname__}({name})"
		for function in functions
		for name, parameter in inspect.signature(function).parameters.items()
		if name != "self"
		and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
		and parameter.annotation is inspect.Parameter.empty
	]
	assert bare == []


def test_a_wrong_type_is_a_clear_refusal(api):
	"""frappe's FrappeTypeError is HTTP 417 with the reason, not a server error."""
	response = api("caseworker_a").post(
		"/api/method/frappe.desk.search.search_link",
		data={"doctype": "Participant", "txt": "x", "page_length": "many"},
	)
	assert response.status_code == 417, response.text
	assert response.json()["exc_type"] == "FrappeTypeError"


def test_form_encoded_numbers_and_flags_are_read_as_such(api):
	response = api("caseworker_a").post(
		"/api/method/frappe.desk.search.search_link",
		data={"doctype": "Participant", "txt": "", "page_length": "5", "ignore_user_permissions": "1"},
	)
	assert response.status_code == 200, response.text

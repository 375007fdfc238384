"""frappe's application with the record of who opened what switched off: the baseline server of
benchmarks/access_log.py. Never served otherwise."""

from frappe.app import application_with_statics

from borgerbudget import access_log

access_log.RECORDING = False
application = application_with_statics()

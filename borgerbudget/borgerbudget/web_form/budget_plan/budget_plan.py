from borgerbudget.portal import plan_form_context


def get_context(context):
	# The list and the form go through Budget Plan's permission hooks (apply_document_permissions).
	plan_form_context(context)

from borgerbudget.portal import amendment_form_context


def get_context(context):
	# The list and the form go through the amendment's permission hooks (apply_document_permissions).
	amendment_form_context(context)

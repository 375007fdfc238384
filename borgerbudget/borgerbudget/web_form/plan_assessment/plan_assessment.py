from borgerbudget.portal import approval_form_context


def get_context(context):
	# The list and the form go through the approval's permission hooks (apply_document_permissions).
	approval_form_context(context)

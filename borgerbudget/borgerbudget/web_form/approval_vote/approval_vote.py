from borgerbudget.portal import approval_form_context


def get_context(context):
	approval_form_context(context)

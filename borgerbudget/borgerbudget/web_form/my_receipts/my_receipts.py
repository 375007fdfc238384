from borgerbudget.portal import receipts_form_context


def get_context(context):
	receipts_form_context(context)

from borgerbudget.portal import translate_introduction


def get_context(context):
	translate_introduction(context)

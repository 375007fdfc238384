from borgerbudget.portal import translate_form_texts


def get_context(context):
	# The list and the form go through Participant's permission hooks (apply_document_permissions).
	translate_form_texts(context)

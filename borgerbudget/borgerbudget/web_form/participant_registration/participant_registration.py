def get_context(context):
	# The list and the form go through Participant's permission hooks (apply_document_permissions).
	context.no_cache = 1

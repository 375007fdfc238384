def get_context(context):
	# The list and the form go through Budget Plan's permission hooks (apply_document_permissions).
	context.no_cache = 1

// (Rendered with Jinja: amendment_messages comes from borgerbudget.portal.amendment_form_context.)
Object.assign(frappe._messages, {{ amendment_messages | json }});

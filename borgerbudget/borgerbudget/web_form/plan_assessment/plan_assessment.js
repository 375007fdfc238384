// The workflow actions: public/js/approval_web_form.js (webform_include_js in hooks.py).

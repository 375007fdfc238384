// Shared with the other plan form: public/js/budget_plan_web_form.js (webform_include_js in hooks.py).

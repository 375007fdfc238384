"""Representatives (fuldmagt): a person acting for a citizen within a scope, through the app's one
permission rule: read sees, act also changes; revoking and expiry end it at once; staff cannot be
registered; the legal basis is required."""

import frappe
import pytest
from frappe.utils import add_days, today

from borgerbudget import rules
from borgerbudget.permissions import may_reveal_cpr
from tests.integration.factories import complete, make_enrolled, make_programme, plan_of, user

R = rules.representation


def helper_user():
	email = f"hjaelper-{frappe.generate_hash(length=8)}@example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Hjælper",
			"user_type": "Website User",
			"send_welcome_email": 0,
		}
	).insert(ignore_permissions=True)
	return email


@pytest.fixture
def case():
	programme = make_programme()
	participant = make_enrolled(programme, assigned_caseworker=user("caseworker_a"))
	return frappe._dict(participant=participant, plan=plan_of(participant), helper=helper_user())


def represent(case, scope=R.READ, **values):
	frappe.set_user(user("caseworker_a"))
	try:
		return frappe.get_doc(
			{
				"doctype": "Representative",
				"participant": case.participant.name,
				"representative": case.helper,
				"scope": scope,
				"legal_basis": R.POWER_OF_ATTORNEY,
				"basis_reference": "FM-2026-0042",
				**values,
			}
		).insert()
	finally:
		frappe.set_user("Administrator")


def reach(case, ptype="read"):
	frappe.set_user(case.helper)
	try:
		return frappe.has_permission("Budget Plan", ptype, case.plan.name) and (
			ptype != "read" or case.plan.name in frappe.get_list("Budget Plan", pluck="name")
		)
	finally:
		frappe.set_user("Administrator")


def test_without_a_representation_the_helper_reaches_nothing(case):
	assert not reach(case)


def test_read_sees_the_plan_and_changes_nothing(case):
	doc = represent(case, R.READ)
	assert doc.status == R.ACTIVE and doc.registered_by == user("caseworker_a")
	assert reach(case)
	assert not reach(case, "write")
	assert "Borgerbudget Citizen" in frappe.get_roles(case.helper)
	assert not may_reveal_cpr(case.helper)


def test_act_may_also_change_the_plan(case):
	represent(case, R.ACT)
	assert reach(case) and reach(case, "write")


def test_revoking_ends_access_at_once(case):
	doc = represent(case, R.ACT)
	assert reach(case)
	frappe.set_user(user("caseworker_a"))
	doc.revoke()
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Representative", doc.name, "status") == R.REVOKED
	assert not reach(case) and not reach(case, "write")


def test_files_a_representative_uploaded_are_theirs_no_longer_once_revoked(case):
	"""frappe lets a file's owner read it for good; a citizen's file goes with the record."""
	doc = represent(case, R.ACT)
	frappe.set_user(case.helper)
	try:
		receipt = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "kvittering.txt",
				"content": "Buskort 320 kr.",
				"is_private": 1,
				"attached_to_doctype": "Budget Plan",
				"attached_to_name": case.plan.name,
			}
		).insert()
		copy = frappe.get_doc({"doctype": "File", "file_url": receipt.file_url, "is_private": 1}).insert()
		assert receipt.has_permission("read") and copy.has_permission("read")
	finally:
		frappe.set_user("Administrator")
	frappe.set_user(user("caseworker_a"))
	doc.revoke()
	assert receipt.has_permission("read")  # the caseworker still reads the case's file
	frappe.set_user(case.helper)
	try:
		for file in (receipt, copy):
			assert not frappe.has_permission("File", "read", doc=frappe.get_doc("File", file.name))
		assert not frappe.has_permission("File", "delete", doc=frappe.get_doc("File", receipt.name))
	finally:
		frappe.set_user("Administrator")


def test_the_citizen_revokes_it_themselves(case):
	doc = represent(case, R.READ)
	citizen = user("citizen")
	frappe.db.set_value("Participant", case.participant.name, "user", citizen)
	frappe.set_user(citizen)
	frappe.get_doc("Representative", doc.name).revoke()
	frappe.set_user("Administrator")
	assert not reach(case)


@pytest.mark.parametrize("starts, ends", [(-30, -1), (1, None)])  # days from today
def test_outside_its_period_a_representation_reaches_nothing(case, starts, ends):
	doc = represent(
		case,
		R.ACT,
		valid_from=add_days(today(), starts),
		valid_to=add_days(today(), ends) if ends is not None else None,
	)
	assert doc.status in (R.EXPIRED, R.NOT_YET)
	assert not reach(case)


def test_internal_notes_stay_hidden_from_a_representative(case):
	represent(case, R.ACT)
	note = frappe.get_doc(
		{
			"doctype": "Budget Plan Note",
			"budget_plan": case.plan.name,
			"note": "Intern note",
			"visible_to_citizen": 0,
		}
	).insert()
	frappe.set_user(case.helper)
	try:
		assert not frappe.has_permission("Budget Plan Note", "read", note.name)
		assert note.name not in frappe.get_list("Budget Plan Note", pluck="name")
	finally:
		frappe.set_user("Administrator")


def test_staff_cannot_represent_and_the_legal_basis_is_required(case):
	with pytest.raises(frappe.ValidationError, match="member of staff"):
		represent(case, representative=user("caseworker_b"))
	with pytest.raises(frappe.ValidationError, match="reference"):
		represent(case, basis_reference="")
	with pytest.raises(frappe.ValidationError, match="signed consent"):
		represent(case, legal_basis=R.WRITTEN_CONSENT, basis_reference="")


def test_a_representatives_cpr_number_is_kept_as_a_keyed_hash_only_for_their_mitid_login(case):
	from frappe.client import get as rest_get

	from borgerbudget import cpr_vault
	from tests.integration.factories import random_cpr

	number = random_cpr(1975)
	first = represent(case, representative=None, representative_name="Hanne Hjælper", cpr_number=number)
	digits = number.replace("-", "")
	stored = frappe.db.get_value("Representative", first.name, ["cpr_number", "cpr_hash", "cpr_masked"])
	assert stored == (None, cpr_vault.keyed_hash(digits), number[:6] + "-XXXX")
	assert first.status == R.ACTIVE and not first.representative
	# No role reads the hash: not the caseworker over the API, not in the document's versions.
	frappe.set_user(user("caseworker_a"))
	try:
		assert rest_get("Representative", first.name).get("cpr_hash") is None
		listed = frappe.get_list("Representative", filters={"name": first.name}, fields=["name", "cpr_hash"])
		assert listed and not listed[0].get("cpr_hash")
	finally:
		frappe.set_user("Administrator")
	versions = frappe.as_json(frappe.get_all("Version", filters={"docname": first.name}, fields=["data"]))
	assert digits not in versions and cpr_vault.keyed_hash(digits) not in versions
	# The same person for another citizen: once one representation names their login, so do the rest.
	other = frappe._dict(
		case, participant=make_enrolled(make_programme(), assigned_caseworker=user("caseworker_a"))
	)
	frappe.db.set_value("Representative", first.name, "representative", case.helper)
	second = represent(other, representative=None, representative_name="Hanne Hjælper", cpr_number=number)
	assert second.representative == case.helper
	# ... and no other login may be given for the same number.
	with pytest.raises(frappe.ValidationError, match="belongs to the representative"):
		represent(other, representative=helper_user(), cpr_number=number)
	# Neither the citizen's own number, nor a representation with no login and no number.
	own = frappe.db.get_value("Participant CPR", case.participant.name, "cpr_encrypted")
	with pytest.raises(frappe.ValidationError, match="own representative"):
		represent(case, representative=None, representative_name="X", cpr_number=cpr_vault.decrypt(own))
	with pytest.raises(frappe.ValidationError, match="CPR number for a MitID login"):
		represent(case, representative=None, representative_name="X")
	with pytest.raises(frappe.ValidationError, match="form DDMMYY-SSSS"):
		represent(case, representative=None, representative_name="X", cpr_number="12345")


def test_the_status_rule():
	day = frappe.utils.getdate("2026-06-15")
	assert R.status(day, None, None, day) == R.ACTIVE
	assert R.status(day, day, None, add_days(day, 1)) == R.EXPIRED
	assert R.status(add_days(day, 1), None, None, day) == R.NOT_YET
	assert R.status(day, None, frappe.utils.now_datetime(), day) == R.REVOKED


def test_a_representatives_change_is_recorded_as_made_on_the_citizens_behalf(case):
	represent(case, R.ACT)
	frappe.set_user(case.helper)
	plan = frappe.get_doc("Budget Plan", case.plan.name)
	plan.motivation = "Skrevet af hjælperen"
	plan.save()
	frappe.set_user("Administrator")
	actions = frappe.get_all(
		"Representative Action",
		filters={"reference_name": plan.name},
		fields=["representative", "participant", "action", "reference_doctype"],
	)
	assert actions == [
		{
			"representative": case.helper,
			"participant": case.participant.name,
			"action": "Saved",
			"reference_doctype": "Budget Plan",
		}
	]
	assert frappe.db.exists(
		"Comment", {"reference_name": plan.name, "content": ("like", f"%{case.helper}%on behalf of%")}
	)
	# A file or a comment they add to the plan, and a step such as submitting it, are recorded too.
	frappe.set_user(case.helper)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "tilbud.txt",
			"content": "Tilbud på kørekort",
			"is_private": 1,
			"attached_to_doctype": "Budget Plan",
			"attached_to_name": plan.name,
		}
	).insert()
	plan.reload()
	plan.add_comment("Comment", "Jens spørger, om bussen kan komme med.")
	complete(plan).save()
	plan.submit_for_assessment()
	frappe.set_user("Administrator")
	assert frappe.get_all(
		"Representative Action",
		filters={"reference_name": plan.name},
		pluck="action",
		order_by="creation",
	) == ["Saved", "Attached a file", "Commented", "Saved", f"Status changed to {rules.plan.SUBMITTED}"]
	# The caseworker reads the log; the representative does not.
	frappe.set_user(user("caseworker_a"))
	assert frappe.get_list("Representative Action", filters={"reference_name": plan.name}, pluck="name")
	frappe.set_user(case.helper)
	assert not frappe.has_permission("Representative Action", "read")
	frappe.set_user("Administrator")


def test_a_read_representative_cannot_save_the_plan(case):
	represent(case, R.READ)
	frappe.set_user(case.helper)
	plan = frappe.get_doc("Budget Plan", case.plan.name)
	plan.motivation = "Ændret"
	with pytest.raises(frappe.PermissionError):
		plan.save()
	frappe.set_user("Administrator")


def test_the_portal_says_on_whose_behalf_the_representative_acts(case):
	from borgerbudget import representation

	represent(case, R.ACT)
	other = make_enrolled(make_programme(), assigned_caseworker=user("caseworker_a"))
	frappe.set_user(case.helper)
	try:
		context = frappe._dict()
		representation.website_context(context)
		assert case.participant.full_name in context.banner_html
		assert representation.act_for(case.participant.name) == case.participant.name
		with pytest.raises(frappe.PermissionError):
			representation.act_for(other.name)
		assert "/act-for" not in context.banner_html  # one citizen: nothing to choose
	finally:
		frappe.set_user("Administrator")


def test_a_representative_of_several_chooses_whose_plan_to_work_on(case):
	from borgerbudget import portal, representation
	from borgerbudget.borgerbudget.web_form.my_budget_plan import my_budget_plan

	represent(case, R.ACT)
	second = frappe._dict(
		case, participant=make_enrolled(make_programme(), assigned_caseworker=user("caseworker_a"))
	)
	represent(second, R.READ)
	frappe.set_user(case.helper)
	try:
		names = {row.participant: row for row in representation.choices()}
		assert set(names) == {case.participant.name, second.participant.name}
		assert names[second.participant.name].scope == R.READ
		representation.act_for(second.participant.name)
		assert [row.participant for row in representation.choices() if row.chosen] == [
			second.participant.name
		]
		context = frappe._dict()
		representation.website_context(context)
		assert second.participant.full_name in context.banner_html and "/act-for" in context.banner_html
		# The portal's plan list goes to the plan page, which shows the chosen citizen's plan.
		frappe.local.form_dict = frappe._dict(is_list=1)
		frappe.local.flags.redirect_location = None
		with pytest.raises(frappe.Redirect):
			my_budget_plan.get_context(frappe._dict())
		assert frappe.local.flags.redirect_location == "/my-plan"
		assert portal.citizen_plan().name == plan_of(second.participant).name
	finally:
		frappe.set_user("Administrator")
		frappe.local.form_dict = frappe._dict()


def test_over_rest_a_representative_reads_and_acts_within_the_scope_only(case, server_url, site):
	"""The same rule on the REST routes, as the representative logged in with their own password."""
	from frappe.utils.password import update_password

	from tests.integration.factories import TEST_PASSWORD, Api, remove_programme

	doc = represent(case, R.READ)
	update_password(case.helper, TEST_PASSWORD)
	frappe.db.commit()
	try:
		helper = Api(server_url, site, case.helper)
		path = f"/api/resource/Budget Plan/{case.plan.name}"
		assert helper.get(path).status_code == 200
		assert helper.put(path, json={"motivation": "Ændret over REST"}).status_code == 403
		# The caseworkers' comments are theirs: the form's timeline for staff, not for the citizen's side.
		frappe.get_doc("Budget Plan", case.plan.name).add_comment("Comment", "INTERNT: ustabil i perioden")
		frappe.db.commit()
		load = "/api/method/frappe.desk.form.load."
		query = f"?doctype=Budget Plan&name={case.plan.name}"
		seen = helper.get(load + "getdoc" + query)
		assert seen.ok and case.plan.name in seen.text and "INTERNT" not in seen.text
		assert "INTERNT" not in helper.get(load + "get_docinfo" + query).text
		assert helper.get(load + "get_communications" + query).json()["message"] == []
		assert "INTERNT" in Api(server_url, site, user("caseworker_a")).get(load + "getdoc" + query).text
		frappe.db.set_value("Representative", doc.name, "scope", R.ACT)
		frappe.db.commit()
		assert helper.put(path, json={"motivation": "Ændret over REST"}).status_code == 200
		frappe.db.set_value("Representative", doc.name, "revoked_on", frappe.utils.now_datetime())
		frappe.db.commit()
		assert helper.get(path).status_code == 403  # the same session, at once
		# The citizen takes the right away from the portal; someone else cannot.
		frappe.db.set_value("Representative", doc.name, "revoked_on", None)
		frappe.db.set_value("Participant", case.participant.name, "user", user("citizen"))
		frappe.db.commit()
		assert helper.get(path).status_code == 200
		assert (
			helper.post(
				"/api/method/borgerbudget.representation.revoke_mine", data={"representative": doc.name}
			).status_code
			== 403
		)
		citizen = Api(server_url, site, user("citizen"))
		assert citizen.get("/my-representatives").text.count(doc.name) >= 1
		revoked = citizen.post(
			"/api/method/borgerbudget.representation.revoke_mine", data={"representative": doc.name}
		)
		assert revoked.ok, revoked.text
		assert helper.get(path).status_code == 403
	finally:
		frappe.db.rollback()
		frappe.db.delete("Representative Action", {"participant": case.participant.name})
		frappe.db.delete("Representative", {"participant": case.participant.name})
		remove_programme(case.participant.programme)
		frappe.delete_doc("User", case.helper, force=True, ignore_permissions=True)
		frappe.db.commit()


def test_a_representative_with_notices_is_copied_on_the_citizens_notifications(case):
	doc = represent(case, R.ACT, receives_notices=1)
	template = "{{ notice_emails(doc.participant) }}"
	rendered = frappe.render_template(template, {"doc": frappe._dict(participant=case.participant.name)})
	assert rendered == case.helper
	# Each notification the citizen gets copies them.
	for name in ("Approval Decision for Citizen", "Plan Change Decided", "Receipts Overdue"):
		recipients = frappe.as_json(frappe.get_doc("Notification", name).recipients)
		assert "notice_emails(doc.participant)" in recipients, name
	frappe.set_user(user("caseworker_a"))
	doc.revoke()
	frappe.set_user("Administrator")
	assert frappe.render_template(template, {"doc": frappe._dict(participant=case.participant.name)}) == ""


def test_a_representative_later_made_staff_reaches_nothing_through_it(case):
	"""The rule counts only an enabled website user as a representative: a desk role (which makes
	frappe turn them into a system user) or a disabled account ends what the representation gave."""
	represent(case, R.ACT)
	assert reach(case)
	frappe.get_doc("User", case.helper).add_roles("Caseworker")
	assert frappe.db.get_value("User", case.helper, "user_type") == "System User"
	assert not reach(case)
	with pytest.raises(frappe.ValidationError, match="member of staff"):
		represent(case, R.READ, valid_from=add_days(today(), 30))
	frappe.db.set_value("User", case.helper, {"user_type": "Website User", "enabled": 0})
	frappe.get_doc("User", case.helper).remove_roles("Caseworker")
	assert not reach(case)


def test_a_representation_keeps_its_record_and_only_revoke_revokes_it(case):
	doc = represent(case, R.ACT)
	frappe.set_user(user("caseworker_a"))
	try:
		for field, value in (("representative", helper_user()), ("registered_by", user("caseworker_b"))):
			again = frappe.get_doc("Representative", doc.name)
			again.set(field, value)
			with pytest.raises(frappe.ValidationError, match="cannot be changed"):
				again.save()
		again = frappe.get_doc("Representative", doc.name)
		again.revoked_on = frappe.utils.now_datetime()
		with pytest.raises(frappe.ValidationError, match="Use Revoke"):
			again.save()
		doc.reload()
		doc.revoke()
		# Revoked is for good: clearing it through the API is refused.
		with pytest.raises(frappe.ValidationError, match="cannot be changed"):
			frappe.client.set_value("Representative", doc.name, "revoked_on", None)
		assert frappe.db.get_value("Representative", doc.name, "status") == R.REVOKED
		# A second representation of the same person in the same period is refused while one is in force.
		represent(case, R.READ, valid_from=add_days(today(), 1))
	finally:
		frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError, match="already represents"):
		represent(case, R.ACT, valid_from=add_days(today(), 10))
	assert represent(case, R.ACT, valid_to=today()).status == R.ACTIVE  # before the other begins


def test_the_desk_list_status_follows_expiry_each_day(case):
	from borgerbudget.borgerbudget.doctype.representative.representative import refresh_statuses

	doc = represent(case, R.ACT)
	frappe.db.set_value(
		"Representative", doc.name, {"valid_from": add_days(today(), -9), "valid_to": add_days(today(), -1)}
	)
	assert frappe.db.get_value("Representative", doc.name, "status") == R.ACTIVE  # stale, but no access:
	assert not reach(case)
	refresh_statuses()
	assert frappe.db.get_value("Representative", doc.name, "status") == R.EXPIRED


def test_a_representatives_change_request_reaches_the_caseworker(case):
	from tests.integration.factories import approved_plan

	plan = approved_plan(make_programme())
	citizen = frappe._dict(case, participant=frappe.get_doc("Participant", plan.participant))
	represent(citizen, R.ACT)
	frappe.set_user(case.helper)
	try:
		request = frappe.get_doc(
			{"doctype": "Budget Plan Amendment", "budget_plan": plan.name, "reason": "Bussen er dyrere."}
		).insert()
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.exists(
		"ToDo", {"reference_name": request.name, "allocated_to": user("caseworker_a"), "status": "Open"}
	)


def test_the_banner_names_the_citizen_whose_record_the_page_shows(case):
	from borgerbudget import representation

	represent(case, R.ACT)
	second = frappe._dict(
		case, participant=make_enrolled(make_programme(), assigned_caseworker=user("caseworker_a"))
	)
	represent(second, R.READ)
	frappe.set_user(case.helper)
	try:
		representation.act_for(case.participant.name)  # chosen: the first; the page shows the second's plan
		frappe.local.form_dict = frappe._dict(name=plan_of(second.participant).name)
		context = frappe._dict(web_form_doc=frappe._dict(doc_type="Budget Plan"))
		representation.website_context(context)
		assert second.participant.full_name in context.banner_html
		assert case.participant.full_name not in context.banner_html
	finally:
		frappe.set_user("Administrator")
		frappe.local.form_dict = frappe._dict()


def test_a_guardian_gets_the_notices_of_a_citizen_without_an_email(case):
	"""Guardianship is where notices matter most: the citizen may have no e-mail at all."""
	from frappe.email.doctype.notification.notification import get_context
	from frappe.model.workflow import apply_workflow

	from tests.integration.factories import assessment, submitted_plan

	plan = submitted_plan(make_programme())
	frappe.set_user("Administrator")
	frappe.db.set_value("Participant", plan.participant, "email", None)
	citizen = frappe._dict(case, participant=frappe.get_doc("Participant", plan.participant))
	guardian = represent(
		citizen, R.READ, receives_notices=1, legal_basis=R.GUARDIANSHIP, basis_reference="VM-2026-0017"
	)
	approval = assessment(plan)
	apply_workflow(approval, "Approve Plan")
	frappe.set_user("Administrator")
	approval = frappe.get_doc("Budget Plan Approval", approval.name)
	assert not approval.citizen_email
	notification = frappe.get_doc("Notification", "Approval Decision for Citizen")
	assert frappe.safe_eval(notification.condition, None, get_context(approval))
	recipients, cc, bcc = notification.get_list_of_recipients(approval, get_context(approval))
	# Blind copies: the guardian's address is not shown to the other recipients.
	assert bcc == [case.helper] and not cc and case.helper not in recipients
	frappe.set_user(user("caseworker_a"))
	guardian.revoke()
	frappe.set_user("Administrator")
	assert not frappe.safe_eval(notification.condition, None, get_context(approval))

// The citizen's pages (www/my-plan, my-money, my-change): forms that post to borgerbudget.portal and
// reload. The server decides every rule, text and total; this script only moves between steps,
// sends what was typed and shows the server's answer.
(() => {
	const data = JSON.parse(document.getElementById("bb-plan-data").textContent);
	const t = (message) => data.messages[message] || message;
	const FLASH = "bb-saved-message";

	// A message saved before a reload is shown (and read out) on the new page.
	const saved = document.getElementById("bb-saved");
	if (saved && sessionStorage.getItem(FLASH)) {
		saved.textContent = sessionStorage.getItem(FLASH);
		sessionStorage.removeItem(FLASH);
	}

	function server_messages(response) {
		// frappe sends the reasons of a refusal in _server_messages (JSON of JSON).
		try {
			return JSON.parse(response._server_messages || "[]").map((m) => JSON.parse(m));
		} catch (e) {
			return [];
		}
	}

	function server_message(response) {
		const messages = server_messages(response);
		if (messages.length) return messages.map((m) => m.message).join(" ");
		return response._error_message || response.message || t("Something went wrong. Try again.");
	}

	function as_text(html) {
		const element = document.createElement("div");
		element.innerHTML = html.replace(/<br\s*\/?>/g, " ");
		return element.textContent;
	}

	async function call(method, args) {
		const response = await fetch(`/api/method/${method}`, {
			method: "POST",
			headers: {
				Accept: "application/json",
				"Content-Type": "application/json",
				"X-Frappe-CSRF-Token": frappe.csrf_token,
			},
			body: JSON.stringify(args),
		});
		const body = await response.json().catch(() => ({}));
		if (!response.ok) {
			const error = new Error(as_text(server_message(body)));
			// The fields the server says its refusal is about: [{doctype, name, fieldname}].
			error.fields = server_messages(body).flatMap((m) => m.fields || []);
			throw error;
		}
		return body.message;
	}

	const CONTROLS = "input:not([type=hidden]), textarea, select";

	function describe(field, id, on) {
		const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
		if (on) ids.add(id);
		else ids.delete(id);
		if (ids.size) field.setAttribute("aria-describedby", [...ids].join(" "));
		else field.removeAttribute("aria-describedby");
	}

	function clear_error(form) {
		const box = form.querySelector(".bb-error");
		box.textContent = "";
		form.querySelectorAll("[aria-invalid]").forEach((field) => {
			field.removeAttribute("aria-invalid");
			describe(field, box.id, false);
		});
	}

	// Show a refusal and tie it to the fields it is about (all the visible ones, when `fields` is not
	// given), for screen readers: the box is a live region, each field is described by it.
	function show_error(form, error, fields) {
		clear_error(form);
		const box = form.querySelector(".bb-error");
		box.textContent = error.message;
		const about =
			fields || [...form.querySelectorAll(CONTROLS)].filter((field) => !field.closest("[hidden]"));
		about.forEach((field) => {
			describe(field, box.id, true);
			field.setAttribute("aria-invalid", "true");
		});
	}

	// The controls of a form's field by its name (a radio group has several; a hidden value is set
	// by the visible control beside it, such as a file input).
	function controls(form, fieldname) {
		const found = [...form.querySelectorAll("[name]")].filter((field) => field.name === fieldname);
		return found.flatMap((field) =>
			field.type === "hidden"
				? [...field.closest("[data-step], .form-group").querySelectorAll(CONTROLS)]
				: [field]
		);
	}

	// The controls of `form` the server's refusal names (undefined when it names none of them).
	function named(form, error) {
		const found = (error.fields || []).flatMap((field) => controls(form, field.fieldname));
		return found.length ? found : undefined;
	}

	function done(message) {
		sessionStorage.setItem(FLASH, message || t("Saved."));
		window.location.reload();
	}

	function busy(form, on) {
		form.querySelectorAll("button").forEach((button) => (button.disabled = on));
	}

	// The plan's parts: each form sends its own fields (and the goals form, the goal list).
	document.querySelectorAll(".bb-parts-form").forEach((form) => {
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			const parts = {};
			if (form.hasAttribute("data-goals")) {
				parts.goals = [...form.querySelectorAll("input[name=goal]")].map((input) => ({
					goal: input.value,
					how_to_measure: input.dataset.measure || "",
				}));
			} else {
				form.querySelectorAll("textarea, input").forEach((field) => (parts[field.name] = field.value));
			}
			busy(form, true);
			call("borgerbudget.portal.save_plan_parts", { plan: data.plan, parts })
				.then(() => done())
				.catch((error) => {
					busy(form, false);
					show_error(form, error, named(form, error));
				});
		});
	});

	const add_goal = document.querySelector("[data-add-goal]");
	if (add_goal) {
		add_goal.addEventListener("click", () => {
			const list = document.querySelector("[data-goal-list]");
			const number = list.querySelectorAll(".bb-goal").length + 1;
			const row = document.createElement("div");
			row.className = "bb-goal form-group";
			row.innerHTML = `<label for="bb-goal-${number}"></label><input class="form-control" id="bb-goal-${number}" name="goal">`;
			row.querySelector("label").textContent = add_goal.dataset.label.replace("{0}", number);
			list.appendChild(row);
			row.querySelector("input").focus();
		});
	}

	// A form that asks one question a step (the line form of www/my-plan, the change form of
	// www/my-change). A step with data-for="a b" is asked only when path() is a or b. Enter, or the
	// button, goes to the next step; on the last step it saves. A refusal from the server that names
	// a field of the form (mine(fields) picks those about this form) goes back to that field's step,
	// shows the message there, tied to the field, and puts the focus on it.
	function stepper(form, { path, save, mine }) {
		const all = [...form.querySelectorAll("[data-step]")];
		const count = form.querySelector(".bb-step-count");
		const next = form.querySelector("[data-step-next]");
		const done_button = form.querySelector("[data-step-save]");
		const back = form.querySelector("[data-step-back]");
		let current = all[0];

		function active() {
			const now = path ? path() : null;
			return all.filter((step) => !step.dataset.for || step.dataset.for.split(" ").includes(now));
		}

		function show(step, focus = true) {
			const steps = active();
			current = step;
			const index = steps.indexOf(step);
			all.forEach((fieldset) => (fieldset.hidden = fieldset !== step));
			count.textContent = t("Step {0} of {1}").replace("{0}", index + 1).replace("{1}", steps.length);
			back.hidden = index === 0;
			next.hidden = index === steps.length - 1;
			done_button.hidden = index !== steps.length - 1;
			clear_error(form);
			const first = step.querySelector("input[type=radio]:checked") || step.querySelector(CONTROLS);
			if (focus && first) first.focus();
		}

		function refused(error) {
			busy(form, false);
			const about = (error.fields || []).filter(mine).map((field) => field.fieldname);
			const steps = active();
			for (const fieldname of about) {
				const found = controls(form, fieldname).filter((field) =>
					steps.includes(field.closest("[data-step]"))
				);
				if (!found.length) continue;
				show(found[0].closest("[data-step]"), false);
				show_error(form, error, found);
				(found.find((field) => field.checked) || found[0]).focus();
				return;
			}
			show_error(form, error);
		}

		back.addEventListener("click", () => {
			const steps = active();
			show(steps[Math.max(0, steps.indexOf(current) - 1)]);
		});
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			const steps = active();
			const index = steps.indexOf(current);
			if (index < steps.length - 1) {
				show(steps[index + 1]);
				return;
			}
			busy(form, true);
			save()
				.then((message) => done(message))
				.catch(refused);
		});
		return { start: (focus) => show(all[0], focus) };
	}

	// A budget line, one question at a time.
	const form = document.getElementById("bb-line-form");
	if (form) {
		const opener = { element: null };
		let line_name = null;

		function values() {
			const line = {};
			new FormData(form).forEach((value, field) => {
				if (field) line[field] = value;
			});
			line.parked = form.querySelector("[name=parked]").checked ? 1 : 0;
			return line;
		}

		const steps = stepper(form, {
			save: () =>
				call("borgerbudget.portal.save_plan_line", { plan: data.plan, line: values(), line_name }).then(
					() => null
				),
			// The line being saved: the one edited, or the new one (a row the page did not know).
			mine: (field) =>
				(!field.doctype || field.doctype === "Budget Line") &&
				(!field.name || field.name === line_name || (!line_name && !data.names.includes(field.name))),
		});

		function open(values, name, from) {
			line_name = name;
			opener.element = from;
			form.reset();
			Object.entries(values || {}).forEach(([field, value]) => {
				const inputs = form.querySelectorAll(`[name="${field}"]`);
				inputs.forEach((input) => {
					if (input.type === "radio") input.checked = input.value === value;
					else if (input.type === "checkbox") input.checked = !!value;
					else input.value = value == null ? "" : value;
				});
			});
			document.getElementById("bb-line-quote-status").textContent = "";
			form.hidden = false;
			steps.start();
		}

		function close() {
			form.hidden = true;
			if (opener.element) opener.element.focus();
		}

		document.querySelector("[data-add-line]").addEventListener("click", (event) =>
			open({}, null, event.currentTarget)
		);
		document.querySelectorAll("[data-edit-line]").forEach((button) => {
			button.addEventListener("click", () => {
				const index = data.names.indexOf(button.dataset.editLine);
				open(data.lines[index], button.dataset.editLine, button);
			});
		});
		form.querySelector("[data-step-cancel]").addEventListener("click", close);
		form.addEventListener("keydown", (event) => {
			if (event.key === "Escape") close();
		});

		// The quote is uploaded as a private file of the plan when it is chosen.
		const file_input = document.getElementById("bb-line-quote-file");
		file_input.addEventListener("change", () =>
			upload(
				file_input,
				"Budget Plan",
				data.plan,
				form.querySelector("[name=quote]"),
				document.getElementById("bb-line-quote-status"),
				form
			)
		);
	}

	// Deleting a line: a modal dialog asks first (focus moves into it, Escape or "No" cancels, and
	// the focus goes back to the button that opened it).
	const confirm_dialog = document.getElementById("bb-confirm-delete");
	if (confirm_dialog) {
		let trigger = null;
		const error_box = confirm_dialog.querySelector(".bb-error");
		document.querySelectorAll("[data-remove-line]").forEach((button) => {
			button.addEventListener("click", () => {
				trigger = button;
				const index = data.names.indexOf(button.dataset.removeLine);
				confirm_dialog.querySelector("[data-dialog-line]").textContent =
					(data.lines[index] || {}).description || "";
				error_box.textContent = "";
				confirm_dialog.showModal();
			});
		});
		confirm_dialog.querySelector("[data-dialog-cancel]").addEventListener("click", () =>
			confirm_dialog.close()
		);
		confirm_dialog.addEventListener("close", () => {
			if (trigger && document.contains(trigger)) trigger.focus();
		});
		confirm_dialog.querySelector("[data-dialog-confirm]").addEventListener("click", () => {
			busy(confirm_dialog, true);
			call("borgerbudget.portal.remove_plan_line", {
				plan: data.plan,
				line_name: trigger.dataset.removeLine,
			})
				.then(() => done())
				.catch((error) => {
					busy(confirm_dialog, false);
					error_box.textContent = error.message;
				});
		});
	}

	// Asking for a change to the approved plan (www/my-change).
	const change_form = document.getElementById("bb-change-form");
	if (change_form) {
		const choice = () => change_form.querySelector("[name=choice]:checked");
		const path = () => {
			const chosen = choice();
			if (!chosen) return null;
			if (chosen.dataset.path !== "line") return chosen.dataset.path;
			return change_form.querySelector("[name=action]:checked").value;
		};
		function values() {
			const change = { action: path(), line: choice().value };
			new FormData(change_form).forEach((value, field) => {
				if (!["choice", "action"].includes(field)) change[field] = value;
			});
			// Only what the chosen path asked for.
			const asked = new Set(
				[...change_form.querySelectorAll("[data-step]")]
					.filter((step) => !step.dataset.for || step.dataset.for.split(" ").includes(change.action))
					.flatMap((step) => [...step.querySelectorAll("[name]")].map((field) => field.name))
			);
			Object.keys(change).forEach((field) => {
				if (!["action", "line"].includes(field) && !asked.has(field)) delete change[field];
			});
			return change;
		}
		stepper(change_form, {
			path,
			save: () =>
				call("borgerbudget.portal.ask_for_change", { plan: data.plan, change: values() }).then(() =>
					t("Your request is sent to your caseworker.")
				),
			// One line changes: what the server names is about the line asked for, or the request.
			mine: () => true,
		}).start(false);
	}

	// Upload a chosen file as a private file of `doctype` `docname`; its address goes into `target`.
	function upload(input, doctype, docname, target, status, form) {
		const file = input.files[0];
		if (!file) return;
		const body = new FormData();
		body.append("file", file, file.name);
		body.append("is_private", "1");
		body.append("doctype", doctype);
		body.append("docname", docname);
		status.textContent = t("Uploading the file …");
		busy(form, true);
		fetch("/api/method/upload_file", {
			method: "POST",
			headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
			body,
		})
			.then(async (response) => {
				const answer = await response.json().catch(() => ({}));
				if (!response.ok) throw new Error(as_text(server_message(answer)));
				target.value = answer.message.file_url;
				status.textContent = t("The file is uploaded.");
			})
			.catch((error) => {
				status.textContent = "";
				show_error(form, error);
			})
			.finally(() => busy(form, false));
	}

	// A receipt for an advance (www/my-money).
	document.querySelectorAll(".bb-receipt-form").forEach((receipt_form) => {
		const file = receipt_form.querySelector("[data-upload]");
		file.addEventListener("change", () =>
			upload(
				file,
				"Budget Advance",
				receipt_form.dataset.advance,
				receipt_form.querySelector("[name=attachment]"),
				receipt_form.querySelector("[role=status]"),
				receipt_form
			)
		);
		receipt_form.addEventListener("submit", (event) => {
			event.preventDefault();
			const receipt = {};
			new FormData(receipt_form).forEach((value, field) => (receipt[field] = value));
			busy(receipt_form, true);
			call("borgerbudget.portal.add_receipt", { budget_advance: receipt_form.dataset.advance, receipt })
				.then(() => done())
				.catch((error) => {
					busy(receipt_form, false);
					show_error(receipt_form, error, named(receipt_form, error));
				});
		});
	});

	const submit = document.querySelector("[data-submit-plan]");
	if (submit) {
		submit.addEventListener("click", () => {
			submit.disabled = true;
			call("borgerbudget.portal.submit_plan", { plan: data.plan })
				.then(() => done(t("Your plan is sent to your caseworker.")))
				.catch((error) => {
					submit.disabled = false;
					document.getElementById("bb-submit-error").textContent = error.message;
				});
		});
	}
})();

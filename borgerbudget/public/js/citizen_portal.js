// The citizen's pages (www/my-plan, www/my-timeline): forms that post to borgerbudget.portal and
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

	function server_message(response) {
		// frappe sends the reason of a refusal in _server_messages (JSON of JSON) or _error_message.
		try {
			if (response._server_messages) {
				return JSON.parse(response._server_messages)
					.map((m) => JSON.parse(m).message)
					.join(" ");
			}
		} catch (e) {
			// fall through to the generic text
		}
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
		if (!response.ok) throw new Error(as_text(server_message(body)));
		return body.message;
	}

	function show_error(form, error) {
		const box = form.querySelector(".bb-error");
		box.textContent = error.message;
		// Tie the message to the fields it is about, for screen readers.
		form.querySelectorAll("input:not([type=hidden]), textarea, select").forEach((field) => {
			if (field.closest("[hidden]")) return;
			const ids = new Set((field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
			ids.add(box.id);
			field.setAttribute("aria-describedby", [...ids].join(" "));
			field.setAttribute("aria-invalid", "true");
		});
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
					show_error(form, error);
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

	// A budget line, one question at a time.
	const form = document.getElementById("bb-line-form");
	if (form) {
		const steps = [...form.querySelectorAll("[data-step]")];
		const count = document.getElementById("bb-step-count");
		const next = form.querySelector("[data-step-next]");
		const save = form.querySelector("[data-step-save]");
		const back = form.querySelector("[data-step-back]");
		const opener = { element: null };
		let step = 0;
		let line_name = null;

		function show(index) {
			step = index;
			steps.forEach((fieldset, i) => (fieldset.hidden = i !== index));
			count.textContent = t("Step {0} of {1}").replace("{0}", index + 1).replace("{1}", steps.length);
			back.hidden = index === 0;
			next.hidden = index === steps.length - 1;
			save.hidden = index !== steps.length - 1;
			form.querySelector(".bb-error").textContent = "";
			const first = steps[index].querySelector("input:not([type=hidden]), select, textarea");
			if (first) first.focus();
		}

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
			show(0);
		}

		function close() {
			form.hidden = true;
			if (opener.element) opener.element.focus();
		}

		function values() {
			const line = {};
			new FormData(form).forEach((value, field) => {
				if (field) line[field] = value;
			});
			line.parked = form.querySelector("[name=parked]").checked ? 1 : 0;
			return line;
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
		document.querySelectorAll("[data-remove-line]").forEach((button) => {
			button.addEventListener("click", () => {
				if (!window.confirm(t("Delete this line?"))) return;
				call("borgerbudget.portal.remove_plan_line", {
					plan: data.plan,
					line_name: button.dataset.removeLine,
				})
					.then(() => done())
					.catch((error) => window.alert(error.message));
			});
		});
		back.addEventListener("click", () => show(Math.max(0, step - 1)));
		form.querySelector("[data-step-cancel]").addEventListener("click", close);
		form.addEventListener("keydown", (event) => {
			if (event.key === "Escape") close();
		});

		// Enter, or the button: the next step, or on the last step, save.
		form.addEventListener("submit", (event) => {
			event.preventDefault();
			if (step < steps.length - 1) {
				show(step + 1);
				return;
			}
			busy(form, true);
			call("borgerbudget.portal.save_plan_line", {
				plan: data.plan,
				line: values(),
				line_name,
			})
				.then(() => done())
				.catch((error) => {
					busy(form, false);
					show_error(form, error);
					form.querySelector(".bb-error").focus?.();
				});
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
					show_error(receipt_form, error);
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

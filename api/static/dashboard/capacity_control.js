/* The supervisor's capacity control (ES module): change a counsellor's chat limits during a shift.
 *
 *   capacityCell(person, lang, save)   a <td> with a small form for one row of the load table;
 *                                      save(name, {capacity, urgent_capacity}) returns a Promise
 *                                      (PATCH /api/v1/counsellors/{name}); the overview push redraws the row.
 *
 * Form: form[data-lyt-capacity=NAME] with input[name=capacity], input[name=urgent_capacity] and a button.
 * Errors from the server go in with textContent only.
 */

const STR = {
  da: { capacity: "Samtaler", urgent: "Akutte", save: "Gem", saved: "Gemt", of: "Grænser for {n}" },
  en: { capacity: "Chats", urgent: "Urgent", save: "Save", saved: "Saved", of: "Limits for {n}" },
};

function say(lang, key) {
  const table = STR[lang] || STR.da;
  return table[key] || STR.da[key] || key;
}

function numberInput(name, value, label, min) {
  const input = document.createElement("input");
  Object.assign(input, { type: "number", name, min: String(min), max: "20", step: "1", required: true });
  input.value = String(value);
  input.setAttribute("aria-label", label);
  input.className = "capacity-input";
  return input;
}

export function capacityCell(person, lang, save) {
  const name = String(person.name || "");
  const cell = document.createElement("td");
  const form = document.createElement("form");
  form.setAttribute("data-lyt-capacity", name);
  form.setAttribute("aria-label", say(lang, "of").replace("{n}", name));
  const capacity = numberInput("capacity", Number(person.capacity) || 1, say(lang, "capacity"), 1);
  const urgent = numberInput("urgent_capacity", Number(person.urgent_capacity) || 0, say(lang, "urgent"), 0);
  const button = document.createElement("button");
  button.type = "submit";
  button.textContent = say(lang, "save");
  const status = document.createElement("span");
  status.className = "capacity-status";
  status.setAttribute("role", "status");
  form.append(capacity, " ", urgent, " ", button, " ", status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = "";
    save(name, { capacity: Number(capacity.value), urgent_capacity: Number(urgent.value) })
      .then(() => { status.textContent = say(lang, "saved"); })
      .catch((error) => { status.textContent = String((error && error.message) || error); })
      .finally(() => { button.disabled = false; });
  });
  cell.append(form);
  return cell;
}

export function capacityHeading(lang) {
  return lang === "en" ? "Limits (chats / urgent)" : "Grænser (samtaler / akutte)";
}

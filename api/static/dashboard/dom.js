// Small DOM and wording helpers shared by the dashboard's modules (risk, live chats, review counts and marks).
// Text always goes in as text (textContent or a text node), never as HTML.

/**
 * An element with attributes and children. `text` sets the text, `onclick` adds a click listener; a null,
 * undefined or false attribute is left out, `true` sets an empty one. Children may be nodes, strings or arrays.
 * @param {string} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} kids
 * @returns {any} an HTMLElement (typed loosely: callers set `value`, `checked` and `disabled` on inputs)
 */
export function el(tag, attrs, ...kids) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined || v === false) return;
    if (k === "text") node.textContent = String(v);
    else if (k === "onclick") node.addEventListener("click", v);
    else node.setAttribute(k, v === true ? "" : String(v));
  });
  kids.flat(Infinity).forEach((kid) => {
    if (kid === null || kid === undefined || kid === "") return;
    node.append(kid instanceof Node ? kid : String(kid));
  });
  return node;
}

/**
 * The wording of `key` in `lang` from a module's table of strings: Danish when the language or the key is
 * missing, the key itself as the last resort.
 * @param {Record<string, Record<string, string>>} strings
 * @param {string} lang
 * @param {string} key
 * @returns {string}
 */
export function wording(strings, lang, key) {
  const table = strings[lang] || strings.da;
  return table[key] || strings.da[key] || key;
}

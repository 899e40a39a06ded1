// ESLint flat config for the browser JavaScript under api/static (plain scripts and ES modules, no build step).
// Only our own code: virtualenvs, node_modules and vendored third-party code (tests/browser/vendor) are ignored.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: [".venv/**", ".venv-rasa/**", "node_modules/**", "var/**", "**/vendor/**"] },
  {
    files: ["api/static/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
  },
];

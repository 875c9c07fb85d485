import js from "@eslint/js";
import nx from "@nx/eslint-plugin";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "docs/**", "**/cdktf.out/**", "runs/**", ".nx/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: "use a seeded PRNG, not Math.random()",
        },
      ],
    },
  },
  {
    // The layering of the workspace: recordio <- simulator <- trainer <- lambda-scorer <- infra.
    // Packages depend only on packages below them; tools may use any package; no package uses a tool.
    files: ["**/*.ts", "**/*.mts", "**/*.js", "**/*.mjs"],
    // the per-project vitest configs extend the workspace's shared settings by relative path
    ignores: ["**/vitest.config.ts"],
    plugins: { "@nx": nx },
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        {
          enforceBuildableLibDependency: false,
          allow: [],
          // tests import their own package through its public entry point
          allowCircularSelfDependency: true,
          depConstraints: [
            { sourceTag: "type:package", onlyDependOnLibsWithTags: ["type:package"] },
            { sourceTag: "layer:1", notDependOnLibsWithTags: ["layer:2", "layer:3", "layer:4", "layer:5"] },
            { sourceTag: "layer:2", notDependOnLibsWithTags: ["layer:3", "layer:4", "layer:5"] },
            { sourceTag: "layer:3", notDependOnLibsWithTags: ["layer:4", "layer:5"] },
            { sourceTag: "layer:4", notDependOnLibsWithTags: ["layer:5"] },
            { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:package", "type:tool"] },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);

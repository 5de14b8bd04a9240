import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed operations from the committed server schema: one generated module, committed.
const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/api/operations/*.graphql"],
  generates: {
    "src/api/generated.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // Result fields always present (null when empty); nullable variables may be left out.
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        nonOptionalTypename: false,
        skipTypename: false,
        dedupeFragments: true,
        scalars: {
          DateTime: "string",
          Date: "string",
          JSON: "unknown",
        },
      },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;

import js from "@eslint/js";
import nextVitals from "eslint-config-next/core-web-vitals";
import tseslint from "typescript-eslint";

/**
 * The parts of lib/ the browser may import: what an entry, an id, a sale or a programme is, and the errors.
 * They talk to nothing; the rest of lib/ talks to Redis and must never reach a browser bundle.
 */
const BROWSER_SAFE = [
  "lib/entries.ts",
  "lib/errors.ts",
  "lib/events.ts",
  "lib/safe-redirect.ts",
  "lib/stream-id.ts",
  "lib/validations/**/*.ts",
];
const BROWSER_SAFE_MESSAGE =
  "Browser code may import values only from lib's browser-safe modules (lib/entries, errors, events, safe-redirect, stream-id, validations/*), and those import nothing else; use `import type` for a type.";

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", ".data/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...nextVitals,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "The app reads its environment in lib/config.ts only; harness code goes through harness/env.ts.",
        },
      ],
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["next", "next/*", "react", "react-dom", "socket.io", "socket.io-client", "@/server/*", "@/components/*", "@/app/*"] },
      ],
    },
  },
  // The two doors: the app's validated config, and the harness's child environments. `npm start` and its
  // build step set NODE_ENV for Next.js before anything else runs.
  { files: ["lib/config.ts", "harness/env.ts", "scripts/start.ts", "scripts/build.ts"], rules: { "no-restricted-properties": "off" } },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@/(server/|lib/(?!(entries|errors|events|safe-redirect|stream-id|validations/[\\w-]+)$))",
              allowTypeImports: true,
              message: BROWSER_SAFE_MESSAGE,
            },
            { regex: "^(ioredis|node:)", message: BROWSER_SAFE_MESSAGE },
          ],
        },
      ],
    },
  },
  {
    files: BROWSER_SAFE,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex:
                "^(?!(zod|\\./(entries|errors|events|safe-redirect|stream-id|ids|program|program-index|sale|search|group|staff|validations/[\\w-]+)|\\.\\./(errors|stream-id|entries))$)",
              allowTypeImports: true,
              message: BROWSER_SAFE_MESSAGE,
            },
          ],
        },
      ],
    },
  },
);

/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  worker: { format: "es" },
  build: { target: "es2022", sourcemap: true },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "fixtures/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    pool: "forks",
  },
});

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development Vite serves the dashboard and proxies API calls to a running API.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/v1": process.env.HERALD_API_URL ?? "http://localhost:3000",
      "/admin": process.env.HERALD_API_URL ?? "http://localhost:3000",
    },
  },
  build: { outDir: "dist", emptyOutDir: true },
});

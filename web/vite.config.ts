import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The UI is served by `plume serve --web web/dist` on the same origin as /api.
// In development, `npm run dev` proxies /api to a local `plume serve` (PLUME_API, default :8080).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": process.env.PLUME_API ?? "http://127.0.0.1:8080",
    },
  },
});

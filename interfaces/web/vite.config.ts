/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the API runs on `containr up` (127.0.0.1:8000); override with CONTAINR_API.
const api = process.env.CONTAINR_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": {
        target: api,
        ws: true,
        changeOrigin: true,
        // The API accepts WebSockets only from its own origin (as when it serves the
        // bundle itself), so present the proxied socket as coming from there.
        configure: (proxy) => {
          proxy.on("proxyReqWs", (proxyReq) => proxyReq.setHeader("origin", api));
        },
      },
      "/auth": {
        target: api,
        changeOrigin: true,
        // The API refuses /auth/* posts whose Origin is another host (CSRF): present the
        // proxied request as coming from the API's own origin.
        configure: (proxy) => {
          proxy.on("proxyReq", (proxyReq) => {
            if (proxyReq.getHeader("origin")) proxyReq.setHeader("origin", api);
            proxyReq.removeHeader("referer");
          });
        },
      },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2021",
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});

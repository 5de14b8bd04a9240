import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { httpAuthApi } from "./api/authApi";
import { tabLock } from "./api/refresh";
import { SessionStore } from "./api/session";
import { broadcastChannel } from "./api/tabs";
import { App } from "./App";
import { SessionProvider } from "./app/session";
import { ThemeProvider } from "./app/theme";
import "./index.css";

const store = new SessionStore(httpAuthApi(), { lock: tabLock(), channel: broadcastChannel() });
void store.start(); // a reload stays signed in: the refresh cookie survives it, the token does not

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ThemeProvider>
      <SessionProvider store={store}>
        <App />
      </SessionProvider>
    </ThemeProvider>
  </StrictMode>,
);

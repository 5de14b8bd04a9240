import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { GRAPHQL_PATH } from "./api/client";
import { httpRefresher } from "./api/refresh";
import { SessionStore } from "./api/session";
import { App } from "./App";
import { SessionProvider } from "./app/session";
import { ThemeProvider } from "./app/theme";
import "./index.css";

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled: the session lasts as long as the page
  }
}

const store = new SessionStore(storage(), httpRefresher(GRAPHQL_PATH));

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ThemeProvider>
      <SessionProvider store={store}>
        <App />
      </SessionProvider>
    </ThemeProvider>
  </StrictMode>,
);

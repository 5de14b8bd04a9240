import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionStore } from "./api/session";
import { AppRoutes, ROUTER_FUTURE } from "./App";
import { ApiProvider } from "./app/api";
import { SessionProvider } from "./app/session";

function renderAt(path: string, store = new SessionStore(null, vi.fn())) {
  return render(
    <SessionProvider store={store}>
      <MemoryRouter initialEntries={[path]} future={ROUTER_FUTURE}>
        <ApiProvider>
          <AppRoutes />
        </ApiProvider>
      </MemoryRouter>
    </SessionProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("signed out", () => {
  it("sends a visitor to the login page", () => {
    renderAt("/projects");
    expect(screen.getByTestId("login-form")).toBeTruthy();
    expect(screen.getByLabelText("Email")).toBeTruthy();
    expect(screen.getByLabelText("Password")).toBeTruthy();
  });

  it("shows a refused login in plain words", async () => {
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ data: null, errors: [{ message: "wrong email or password", extensions: { code: "UNAUTHENTICATED" } }] }), {
        headers: { "content-type": "application/json" },
      }),
    );
    vi.stubGlobal("fetch", fetch);
    renderAt("/login");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "not the password" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    const alert = await screen.findByTestId("error-message");
    expect(alert.dataset.code).toBe("UNAUTHENTICATED");
    expect(alert.textContent).toMatch(/wrong email or password/);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/graphql");
    expect(init.method).toBe("POST");
    expect(JSON.parse(String(init.body)).variables).toEqual({ email: "a@example.com", password: "not the password" });
  });

  it("links sign-up and login to each other", async () => {
    renderAt("/signup");
    expect(screen.getByTestId("signup-form")).toBeTruthy();
    fireEvent.click(screen.getByTestId("login-link"));
    await waitFor(() => expect(screen.getByTestId("login-form")).toBeTruthy());
  });
});

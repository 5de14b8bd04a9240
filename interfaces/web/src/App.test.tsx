import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpAuthApi } from "./api/authApi";
import { SessionStore } from "./api/session";
import { FakeAuthServer } from "./api/testing";
import { AppRoutes, ROUTER_FUTURE } from "./App";
import { ApiProvider } from "./app/api";
import { SessionProvider } from "./app/session";

async function signedOut(store = new SessionStore(new FakeAuthServer())) {
  await store.start();
  return store;
}

function renderAt(path: string, store: SessionStore) {
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

const refusal = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), { status, headers: { "content-type": "application/json" } });

afterEach(() => vi.unstubAllGlobals());

describe("signed out", () => {
  it("waits for start-up to ask the server before sending anyone to the login page", async () => {
    const server = new FakeAuthServer();
    let release = () => {};
    server.hold = new Promise((resolve) => (release = resolve));
    const store = new SessionStore(server);
    const starting = store.start();
    renderAt("/projects", store);
    expect(screen.getByTestId("loading")).toBeTruthy();
    expect(screen.queryByTestId("login-form")).toBeNull();
    release();
    await starting;
    expect(await screen.findByTestId("login-form")).toBeTruthy();
  });

  it("sends a visitor to the login page", async () => {
    renderAt("/projects", await signedOut());
    expect(screen.getByTestId("login-form")).toBeTruthy();
    expect(screen.getByLabelText("Email")).toBeTruthy();
    expect(screen.getByLabelText("Password")).toBeTruthy();
  });

  it("logs in through /auth/login and shows a refusal in plain words", async () => {
    const fetch = vi.fn(async () => refusal(401, "UNAUTHENTICATED", "wrong email or password"));
    renderAt("/login", await signedOut(new SessionStore(httpAuthApi(fetch))));
    fetch.mockClear();
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "a@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "not the password" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    const alert = await screen.findByTestId("error-message");
    expect(alert.dataset.code).toBe("UNAUTHENTICATED");
    expect(alert.textContent).toMatch(/don't match an account/);
    expect(alert.textContent).toMatch(/wrong email or password/);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/auth/login");
    expect(init.method).toBe("POST");
    expect(new Headers(init.headers).get("x-containr-csrf")).toBe("1");
    expect(JSON.parse(String(init.body))).toEqual({ email: "a@example.com", password: "not the password" });
  });

  it("shows a refused sign-up in plain words with the server's reason", async () => {
    const fetch = vi.fn(async () => refusal(403, "FORBIDDEN", "sign-up is by invitation: ask an organisation admin for one"));
    renderAt("/signup", await signedOut(new SessionStore(httpAuthApi(fetch))));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Bea" } });
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "b@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "correct horse battery" } });
    fireEvent.submit(screen.getByTestId("signup-form"));
    const alert = await screen.findByTestId("error-message");
    expect(alert.dataset.code).toBe("FORBIDDEN");
    expect(alert.textContent).toMatch(/need an invitation/);
    expect(alert.textContent).toMatch(/ask an organisation admin/);
  });

  it("offers a signed-out visitor of an invitation link an account with that invitation", async () => {
    const server = new FakeAuthServer();
    // The answer never comes: signed in, the app would open its WebSocket.
    const signUp = vi.spyOn(server, "signUp").mockReturnValue(new Promise(() => {}));
    renderAt("/join?token=inv_abc", await signedOut(new SessionStore(server)));
    expect(screen.getByTestId("join-signed-out")).toBeTruthy();
    expect((screen.getByTestId("signup-invitation") as HTMLInputElement).value).toBe("inv_abc");
    expect(screen.getByTestId("join-login-link")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Vera" } });
    fireEvent.change(screen.getByLabelText("Email", { exact: false }), { target: { value: "v@example.com" } });
    fireEvent.change(screen.getByLabelText("Password", { exact: false }), { target: { value: "correct horse battery" } });
    fireEvent.submit(screen.getByTestId("signup-form"));
    await waitFor(() => expect(signUp).toHaveBeenCalled());
    expect(signUp.mock.calls[0]?.[0]).toEqual({
      name: "Vera",
      email: "v@example.com",
      password: "correct horse battery",
      invitationToken: "inv_abc",
    });
  });

  it("links sign-up and login to each other", async () => {
    renderAt("/signup", await signedOut());
    expect(screen.getByTestId("signup-form")).toBeTruthy();
    fireEvent.click(screen.getByTestId("login-link"));
    await waitFor(() => expect(screen.getByTestId("login-form")).toBeTruthy());
  });
});

import { render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { Client, fetchExchange, Provider } from "urql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROUTER_FUTURE } from "../App";
import EnterEnvironment, { navigate } from "./EnterEnvironment";

const HOP = "http://web.pr-7.shop.example.com/_containr/enter?token=mhp.x&return=%2Forders";

function renderWith(answer: unknown, path: string) {
  const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) =>
    new Response(JSON.stringify(answer), { headers: { "content-type": "application/json" } }),
  );
  const client = new Client({ url: "/graphql", exchanges: [fetchExchange], fetch });
  render(
    <Provider value={client}>
      <MemoryRouter initialEntries={[path]} future={ROUTER_FUTURE}>
        <EnterEnvironment />
      </MemoryRouter>
    </Provider>,
  );
  return fetch;
}

afterEach(() => vi.restoreAllMocks());

describe("the member sign-in hop", () => {
  it("asks Containr for the hop once and sends the browser there", async () => {
    const to = vi.spyOn(navigate, "to").mockImplementation(() => {});
    const back = "http://web.pr-7.shop.example.com/orders";
    const fetch = renderWith({ data: { enterEnvironment: HOP } }, `/access/enter?environment=env-1&return=${encodeURIComponent(back)}`);
    await waitFor(() => expect(to).toHaveBeenCalledWith(HOP));
    expect(fetch).toHaveBeenCalledTimes(1);
    const body = JSON.parse(String(fetch.mock.calls[0]![1]!.body)) as { variables: unknown };
    expect(body.variables).toEqual({ environmentId: "env-1", returnUrl: back });
  });

  it("shows a refusal in plain words and goes nowhere", async () => {
    const to = vi.spyOn(navigate, "to").mockImplementation(() => {});
    const refusal = { errors: [{ message: "you are not a member of the organisation of this environment", extensions: { code: "FORBIDDEN" } }], data: null };
    renderWith(refusal, "/access/enter?environment=env-1&return=http%3A%2F%2Fweb.pr-7.shop.example.com%2F");
    expect(await screen.findByText(/not a member/)).toBeTruthy();
    expect(to).not.toHaveBeenCalled();
  });

  it("asks nothing when the link is missing its parts", () => {
    const fetch = renderWith({ data: null }, "/access/enter?environment=env-1");
    expect(screen.getByTestId("enter-environment").textContent).toMatch(/missing the environment/);
    expect(fetch).not.toHaveBeenCalled();
  });
});

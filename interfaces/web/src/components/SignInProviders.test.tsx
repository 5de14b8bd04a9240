import { render, screen, waitFor } from "@testing-library/react";
import { Client, fetchExchange, Provider } from "urql";
import { describe, expect, it } from "vitest";
import { SignInProviderButtons } from "./SignInProviders";
import { ErrorMessage } from "./ui";

const providers = [
  { name: "github", startUrl: "https://containr.example/auth/github/start", linkUrl: "https://containr.example/auth/github/link" },
  { name: "gitlab", startUrl: "https://containr.example/auth/gitlab/start", linkUrl: "https://containr.example/auth/gitlab/link" },
];

/** A client whose server answers signInProviders with `providers`. */
function client(): Client {
  const answer = async () =>
    new Response(JSON.stringify({ data: { signInProviders: providers.map((p) => ({ __typename: "SignInProvider", ...p })) } }), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  return new Client({ url: "http://testserver/graphql", exchanges: [fetchExchange], fetch: answer as typeof fetch });
}

describe("sign in with GitHub or GitLab", () => {
  it("shows a button per provider, linking to its start URL (and back to where the person was)", () => {
    render(<SignInProviderButtons providers={providers} next="/projects/p1" />);
    const github = screen.getByTestId("sign-in-with-github") as HTMLAnchorElement;
    expect(github.textContent).toBe("Sign in with GitHub");
    expect(github.getAttribute("href")).toBe("https://containr.example/auth/github/start?next=%2Fprojects%2Fp1");
    expect(screen.getByTestId("sign-in-with-gitlab").textContent).toBe("Sign in with GitLab");
  });

  it("shows nothing when the server offers no provider", () => {
    render(<SignInProviderButtons providers={[]} />);
    expect(screen.queryByTestId("sign-in-providers")).toBeNull();
  });

  it("explains an organisation's provider sign-in requirement and offers the buttons", async () => {
    const refusal = {
      graphQLErrors: [{ message: "the organisation requires signing in with a provider", extensions: { code: "FORBIDDEN", reason: "PROVIDER_SIGN_IN_REQUIRED" } }],
    };
    render(
      <Provider value={client()}>
        <ErrorMessage error={refusal} />
      </Provider>,
    );
    expect(screen.getByTestId("error-message").textContent).toMatch(/requires signing in with GitHub or GitLab/);
    await waitFor(() => expect(screen.getByTestId("sign-in-with-github")).toBeTruthy());
    expect(screen.getByTestId("sign-in-with-gitlab")).toBeTruthy();
  });

  it("leaves other refusals as they were, without the buttons", () => {
    render(<ErrorMessage error={{ graphQLErrors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] }} />);
    expect(screen.getByTestId("error-message").textContent).toMatch(/don't have permission/);
    expect(screen.queryByTestId("provider-sign-in-required")).toBeNull();
  });
});

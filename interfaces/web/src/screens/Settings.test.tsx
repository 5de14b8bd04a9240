import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { LinkedProvidersView, OrganizationPoliciesView } from "./Settings";

const providers = [
  { name: "github", startUrl: "/auth/github/start", linkUrl: "/auth/github/link" },
  { name: "gitlab", startUrl: "/auth/gitlab/start", linkUrl: "/auth/gitlab/link" },
];

const account = {
  id: "u1",
  email: "ada@example.com",
  signedInWith: "github",
  signInLinks: [{ provider: "github", login: "ada", linkedAt: "2026-01-05T09:00:00Z" }],
};

const org = { id: "o1", name: "Acme", canManage: true, requiresProviderSignIn: false, exposeSecretsToForks: false };

describe("the account's sign-in providers", () => {
  it("lists linked providers with their login, and offers to link the others", () => {
    const onLink = vi.fn();
    const onUnlink = vi.fn();
    render(<LinkedProvidersView account={account} providers={providers} busy={false} error={null} onLink={onLink} onUnlink={onUnlink} />);
    expect(screen.getByTestId("provider-github-linked").textContent).toMatch(/linked as ada/);
    expect(screen.getByTestId("linked-providers").textContent).toMatch(/began with GitHub/);
    expect(screen.queryByTestId("provider-github-link")).toBeNull();
    fireEvent.click(screen.getByTestId("provider-gitlab-link"));
    expect(onLink).toHaveBeenCalledWith(providers[1]);
    fireEvent.click(screen.getByTestId("provider-github-unlink"));
    expect(onUnlink).toHaveBeenCalledWith("github");
  });

  it("shows a refused unlink (the last way to sign in) in words", () => {
    const refusal = { graphQLErrors: [{ message: "unlinking the last way you can sign in is refused", extensions: { code: "VALIDATION_FAILED" } }] };
    render(<LinkedProvidersView account={account} providers={providers} busy={false} error={refusal} onLink={vi.fn()} onUnlink={vi.fn()} />);
    expect(screen.getByTestId("error-message").textContent).toMatch(/last way you can sign in/);
  });

  it("keeps a linked provider the server no longer offers, so it can be unlinked", () => {
    render(<LinkedProvidersView account={account} providers={[]} busy={false} error={null} onLink={vi.fn()} onUnlink={vi.fn()} />);
    expect(screen.getByTestId("provider-github-unlink")).toBeTruthy();
    expect(screen.queryByTestId("provider-gitlab")).toBeNull();
  });
});

describe("the organisation's policies", () => {
  it("lets an admin require provider sign-in and give forks the variables", () => {
    const onRequire = vi.fn();
    const onForks = vi.fn();
    render(<OrganizationPoliciesView org={org} busy={false} error={null} onRequireProviderSignIn={onRequire} onExposeSecretsToForks={onForks} />);
    fireEvent.click(screen.getByTestId("policy-require-provider-sign-in"));
    expect(onRequire).toHaveBeenCalledWith(true);
    fireEvent.click(screen.getByTestId("policy-expose-secrets-to-forks"));
    expect(onForks).toHaveBeenCalledWith(true);
  });

  it("shows the policies to members without letting them change them", () => {
    render(
      <OrganizationPoliciesView
        org={{ ...org, canManage: false, requiresProviderSignIn: true }}
        busy={false}
        error={null}
        onRequireProviderSignIn={vi.fn()}
        onExposeSecretsToForks={vi.fn()}
      />,
    );
    const required = screen.getByTestId("policy-require-provider-sign-in") as HTMLInputElement;
    expect(required.checked).toBe(true);
    expect(required.disabled).toBe(true);
    expect((screen.getByTestId("policy-expose-secrets-to-forks") as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId("organization-policies").textContent).toMatch(/owners and admins/);
  });
});

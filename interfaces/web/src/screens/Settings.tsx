// The account's settings: the GitHub and GitLab accounts it may sign in with (link, unlink);
// and, for the organisation's owners and admins, whether it requires provider sign-in and
// whether releases built from forks' pull requests get the variables; and the organisation's backup
// destinations; and where its built images are pushed for every node.

import { useState } from "react";
import { useMutation, useQuery } from "urql";
import {
  AccountSettingsDocument,
  type AccountSettingsQuery,
  OrganizationPoliciesDocument,
  type OrganizationPoliciesQuery,
  RequireProviderSignInDocument,
  SetForkSecretsPolicyDocument,
  SignInProvidersDocument,
  UnlinkSignInProviderDocument,
} from "../api/generated";
import { useOrg } from "../app/org";
import { useSessionStore } from "../app/session";
import { type SignInProvider } from "../components/SignInProviders";
import { ErrorMessage, Loading, PageHeader, Time } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { linkProviderUrl, providerLabel } from "../lib/providers";
import { OrganizationPrices } from "./Prices";
import { BackupDestinations } from "./settings/BackupDestinations";
import { OrganizationRegistry } from "./settings/ImageRegistry";
import { Notifiers } from "./settings/Notifiers";

type Account = AccountSettingsQuery["viewer"];
type Policies = OrganizationPoliciesQuery["organization"];

export function LinkedProvidersView({
  account,
  providers,
  busy,
  error,
  onLink,
  onUnlink,
}: {
  account: Account;
  providers: readonly SignInProvider[];
  busy: boolean;
  error: unknown;
  onLink: (provider: SignInProvider) => void;
  onUnlink: (provider: string) => void;
}) {
  const linked = new Map(account.signInLinks.map((l) => [l.provider, l]));
  const names = [...new Set([...providers.map((p) => p.name), ...linked.keys()])].sort();
  return (
    <section aria-labelledby="providers-title" className="card space-y-3 p-4" data-testid="linked-providers">
      <h2 id="providers-title" className="text-lg font-semibold">
        Sign-in providers
      </h2>
      <p className="text-sm muted">
        {account.signedInWith ? `This session began with ${account.signedInWith === "password" ? "your password" : providerLabel(account.signedInWith)}.` : "This is an API token's session."}{" "}
        Accounts are matched by their verified email; a linked one signs you in without a password.
      </p>
      {names.length === 0 ? <p className="text-sm muted">This server offers no sign-in providers.</p> : null}
      <ul className="divide-y divide-slate-200 dark:divide-slate-800">
        {names.map((name) => {
          const link = linked.get(name);
          const provider = providers.find((p) => p.name === name);
          return (
            <li key={name} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid={`provider-${name}`}>
              <span>
                <span className="font-medium">{providerLabel(name)}</span>{" "}
                {link ? (
                  <span className="text-sm muted" data-testid={`provider-${name}-linked`}>
                    linked as {link.login} <Time iso={link.linkedAt}>{formatDateTime(link.linkedAt)}</Time>
                  </span>
                ) : (
                  <span className="text-sm muted">not linked</span>
                )}
              </span>
              {link ? (
                <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => onUnlink(name)} data-testid={`provider-${name}-unlink`}>
                  Unlink
                </button>
              ) : provider ? (
                <button type="button" className="btn btn-primary" disabled={busy} onClick={() => onLink(provider)} data-testid={`provider-${name}-link`}>
                  Link {providerLabel(name)}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={error} />
    </section>
  );
}

export function OrganizationPoliciesView({
  org,
  busy,
  error,
  onRequireProviderSignIn,
  onExposeSecretsToForks,
}: {
  org: Policies;
  busy: boolean;
  error: unknown;
  onRequireProviderSignIn: (required: boolean) => void;
  onExposeSecretsToForks: (expose: boolean) => void;
}) {
  const disabled = busy || !org.canManage;
  return (
    <section aria-labelledby="policies-title" className="card space-y-3 p-4" data-testid="organization-policies">
      <h2 id="policies-title" className="text-lg font-semibold">
        {org.name}: policies
      </h2>
      {!org.canManage ? <p className="text-sm muted">Only the organisation's owners and admins change these.</p> : null}
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          checked={org.requiresProviderSignIn}
          disabled={disabled}
          onChange={(e) => onRequireProviderSignIn(e.target.checked)}
          data-testid="policy-require-provider-sign-in"
        />
        <span>
          <span className="font-medium">Require provider sign-in</span>
          <span className="block muted">
            Members must sign in with GitHub or GitLab; password sessions and API tokens are refused. Changing it needs a session that began at a provider.
          </span>
        </span>
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          checked={org.exposeSecretsToForks}
          disabled={disabled}
          onChange={(e) => onExposeSecretsToForks(e.target.checked)}
          data-testid="policy-expose-secrets-to-forks"
        />
        <span>
          <span className="font-medium">Give forks' pull requests the variables</span>
          <span className="block muted">Off by default: releases built from a fork's pull request get no secrets, as GitHub Actions does.</span>
        </span>
      </label>
      <ErrorMessage error={error} />
    </section>
  );
}

function LinkedProviders() {
  const store = useSessionStore();
  const [account, refetch] = useQuery({ query: AccountSettingsDocument });
  const [providers] = useQuery({ query: SignInProvidersDocument });
  const [unlinked, unlink] = useMutation(UnlinkSignInProviderDocument);
  const [linking, setLinking] = useState(false);
  const [linkError, setLinkError] = useState<unknown>(null);
  if (!account.data) return account.error ? <ErrorMessage error={account.error} /> : <Loading />;
  const onLink = async (provider: SignInProvider) => {
    setLinking(true);
    setLinkError(null);
    try {
      const url = await linkProviderUrl(provider.linkUrl, await store.validToken(), "/settings");
      window.location.assign(url);
    } catch (e) {
      setLinkError(e);
      setLinking(false);
    }
  };
  const onUnlink = async (provider: string) => {
    const r = await unlink({ provider });
    if (r.data) refetch({ requestPolicy: "network-only" });
  };
  return (
    <LinkedProvidersView
      account={account.data.viewer}
      providers={providers.data?.signInProviders ?? []}
      busy={linking || unlinked.fetching}
      error={linkError ?? unlinked.error}
      onLink={onLink}
      onUnlink={onUnlink}
    />
  );
}

function OrganizationPolicies({ organizationId }: { organizationId: string }) {
  const [result, refetch] = useQuery({ query: OrganizationPoliciesDocument, variables: { id: organizationId } });
  const [required, require] = useMutation(RequireProviderSignInDocument);
  const [forks, setForks] = useMutation(SetForkSecretsPolicyDocument);
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  const reload = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <OrganizationPoliciesView
        org={result.data.organization}
      busy={required.fetching || forks.fetching}
      error={required.error ?? forks.error}
      onRequireProviderSignIn={async (value) => {
        if ((await require({ id: organizationId, required: value })).data) reload();
      }}
      onExposeSecretsToForks={async (value) => {
        if ((await setForks({ id: organizationId, expose: value })).data) reload();
      }}
      />
      <BackupDestinations organizationId={organizationId} canManage={result.data.organization.canManage} />
      <Notifiers organizationId={organizationId} canManage={result.data.organization.canManage} />
    </>
  );
}

export default function Settings() {
  const { org } = useOrg();
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <PageHeader title="Settings" />
      <LinkedProviders />
      {org ? <OrganizationPolicies organizationId={org.id} /> : null}
      {org ? <OrganizationPrices organizationId={org.id} /> : null}
      {org ? <OrganizationRegistry organizationId={org.id} /> : null}
    </div>
  );
}

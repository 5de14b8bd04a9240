// "Sign in with GitHub / GitLab": the providers this server offers (the public
// signInProviders query), each a link to its start URL.

import { useQuery } from "urql";
import { SignInProvidersDocument, type SignInProvidersQuery } from "../api/generated";
import { providerLabel, startUrlWith } from "../lib/providers";

export type SignInProvider = SignInProvidersQuery["signInProviders"][number];

export function SignInProviderButtons({ providers, next }: { providers: readonly SignInProvider[]; next?: string | null }) {
  if (providers.length === 0) return null;
  return (
    <div className="space-y-2" data-testid="sign-in-providers">
      {providers.map((p) => (
        <a
          key={p.name}
          className="btn btn-secondary w-full justify-center"
          href={startUrlWith(p.startUrl, next)}
          data-testid={`sign-in-with-${p.name}`}
        >
          Sign in with {providerLabel(p.name)}
        </a>
      ))}
    </div>
  );
}

/** The buttons, for the providers the server has (none shown while asking, or if it has none). */
export function SignInProviderLinks({ next }: { next?: string | null }) {
  const [result] = useQuery({ query: SignInProvidersDocument });
  return <SignInProviderButtons providers={result.data?.signInProviders ?? []} next={next} />;
}

/** Shown where an organisation that requires provider sign-in refused a password session. */
export const PROVIDER_SIGN_IN_TITLE =
  "This organisation requires signing in with GitHub or GitLab. Sign in again with one of them to continue.";

export function ProviderSignInRequired({ next }: { next?: string | null }) {
  return (
    <div className="mt-2" data-testid="provider-sign-in-required">
      <SignInProviderLinks next={next} />
    </div>
  );
}

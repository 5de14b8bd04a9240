// The member sign-in hop (issue 14): a members-only environment sends a signed-in member's
// browser here (/access/enter?environment=…&return=…); Containr checks the membership and
// answers a one-use URL on the environment's host that sets the member cookie there.

import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { EnterEnvironmentDocument } from "../api/generated";
import { ErrorMessage, Loading, PageHeader } from "../components/ui";

/** Where the browser goes next: replaced, so Back does not land on a spent hop. */
export const navigate = { to: (url: string) => window.location.replace(url) };

export default function EnterEnvironment() {
  const [params] = useSearchParams();
  const environmentId = params.get("environment") ?? "";
  const returnUrl = params.get("return") ?? "";
  const [state, enter] = useMutation(EnterEnvironmentDocument);
  const asked = useRef(false);
  useEffect(() => {
    if (asked.current || !environmentId || !returnUrl) return;
    asked.current = true; // a hop token is single-use: ask once
    void enter({ environmentId, returnUrl }).then((result) => {
      if (result.data) navigate.to(result.data.enterEnvironment);
    });
  }, [enter, environmentId, returnUrl]);
  return (
    <div className="mx-auto max-w-lg" data-testid="enter-environment">
      <PageHeader title="Opening the environment" />
      {!environmentId || !returnUrl ? (
        <p className="text-sm">This link is missing the environment or the page to return to.</p>
      ) : state.error ? (
        <ErrorMessage error={state.error} />
      ) : (
        <Loading label="Signing you in to the environment…" />
      )}
    </div>
  );
}

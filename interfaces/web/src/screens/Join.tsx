// Joining an organisation with an invitation token.

import { type FormEvent, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useMutation } from "urql";
import { AcceptInvitationDocument } from "../api/generated";
import { useOrg } from "../app/org";
import { ErrorMessage, PageHeader, TextField } from "../components/ui";

export default function Join() {
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get("token") ?? "");
  const [state, accept] = useMutation(AcceptInvitationDocument);
  const { setOrgId, refetch } = useOrg();
  const navigate = useNavigate();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await accept({ token: token.trim() });
    if (result.data) {
      setOrgId(result.data.acceptInvitation.id);
      refetch();
      navigate("/projects");
    }
  };
  return (
    <div className="mx-auto max-w-lg">
      <PageHeader title="Join an organisation" />
      <form onSubmit={onSubmit} className="card space-y-3 p-4" data-testid="join-form" aria-label="Accept an invitation">
        <TextField label="Invitation token" value={token} onChange={(e) => setToken(e.target.value)} required hint="The token from the person who invited you." data-testid="join-token" />
        <ErrorMessage error={state.error} />
        <button className="btn btn-primary" disabled={state.fetching || !token.trim()} data-testid="join-submit">
          Join
        </button>
      </form>
    </div>
  );
}

// An organisation's image registry (issue 18): where built images are pushed so that every
// node pulls them by digest. Its own registry (address, login; the password is write-only),
// the one the installation runs, or none (images stay on the build node). Owners and admins
// change it.

import { type FormEvent, useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { ClearRegistryDocument, OrganizationRegistryDocument, SetRegistryDocument } from "../../api/generated";
import { ErrorMessage, Loading, Notice, TextField } from "../../components/ui";

export type RegistryChoice =
  | { kind: "own"; url: string; username?: string; password?: string }
  | { kind: "installation" }
  | { kind: "none" };

/** What the form would save, or why it cannot be saved yet. */
export function registryFrom(
  kind: "own" | "installation" | "none",
  url: string,
  username: string,
  password: string,
): { choice?: RegistryChoice; problem?: string } {
  if (kind !== "own") return { choice: { kind } };
  if (url.trim() === "") return { problem: "Give the registry's address, like registry.example.com:5000/team." };
  if ((username.trim() === "") !== (password === "")) {
    return { problem: "Give both a username and a password, or neither for an open registry." };
  }
  return {
    choice: {
      kind: "own",
      url: url.trim(),
      username: username.trim() || undefined,
      password: password || undefined,
    },
  };
}

export function RegistryView({
  kind,
  url,
  username,
  canManage,
  busy,
  onSave,
}: {
  kind: string | null | undefined;
  url: string | null | undefined;
  username: string | null | undefined;
  canManage: boolean;
  busy: boolean;
  onSave: (choice: RegistryChoice) => void | Promise<void>;
}) {
  const current = kind === "own" || kind === "installation" ? kind : "none";
  const [choice, setChoice] = useState<"own" | "installation" | "none">(current);
  const [address, setAddress] = useState(url ?? "");
  const [login, setLogin] = useState(username ?? "");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    setChoice(current);
    setAddress(url ?? "");
    setLogin(username ?? "");
    setPassword("");
  }, [current, url, username]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { choice: made, problem: found } = registryFrom(choice, address, login, password);
    setProblem(found);
    if (made) void onSave(made);
  };
  const options: [typeof choice, string][] = [
    ["none", "None: images stay on the node that built them"],
    ["own", "The organisation's own registry"],
    ["installation", "The registry this installation runs"],
  ];
  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Image registry" data-testid="registry-form">
      <fieldset className="space-y-1" disabled={!canManage}>
        <legend className="label">Push built images to</legend>
        {options.map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input type="radio" name="registry-kind" value={value} checked={choice === value} onChange={() => setChoice(value)} data-testid={`registry-kind-${value}`} />
            {label}
          </label>
        ))}
      </fieldset>
      {choice === "own" ? (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="Address" placeholder="registry.example.com:5000/team" value={address} onChange={(e) => setAddress(e.target.value)} disabled={!canManage} data-testid="registry-url" />
          <TextField label="Username" autoComplete="off" value={login} onChange={(e) => setLogin(e.target.value)} disabled={!canManage} data-testid="registry-username" />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            placeholder={kind === "own" && username ? "type it again to save (never shown)" : ""}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={!canManage}
            data-testid="registry-password"
          />
        </div>
      ) : null}
      {problem ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      {canManage ? (
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="registry-save">
          Save registry
        </button>
      ) : (
        <p className="text-sm muted">Only the organisation's owners and admins change the registry.</p>
      )}
    </form>
  );
}

export function OrganizationRegistry({ organizationId }: { organizationId: string }) {
  const [result] = useQuery({ query: OrganizationRegistryDocument, variables: { id: organizationId } });
  const [setState, setRegistry] = useMutation(SetRegistryDocument);
  const [clearState, clearRegistry] = useMutation(ClearRegistryDocument);
  const [saved, setSaved] = useState(false);
  if (!result.data) return result.error ? <ErrorMessage error={result.error} /> : <Loading />;
  const org = result.data.organization;
  const save = async (choice: RegistryChoice) => {
    setSaved(false);
    const done =
      choice.kind === "none"
        ? await clearRegistry({ id: organizationId })
        : choice.kind === "installation"
          ? await setRegistry({ id: organizationId, useInstallationRegistry: true })
          : await setRegistry({
              id: organizationId,
              url: choice.url,
              username: choice.username ?? null,
              password: choice.password ?? null,
              useInstallationRegistry: false,
            });
    if (done.data) setSaved(true);
  };
  return (
    <section aria-labelledby="registry-title" className="card space-y-3 p-4" data-testid="organization-registry">
      <h2 id="registry-title" className="text-lg font-semibold">
        Image registry
      </h2>
      <p className="text-sm muted">
        With several nodes, built images are pushed here and every node pulls them by digest. A push the registry refuses fails the release with its reason. The password is never shown again.
      </p>
      <RegistryView
        kind={org.registryKind}
        url={org.registryUrl}
        username={org.registryUsername}
        canManage={org.canManage}
        busy={setState.fetching || clearState.fetching}
        onSave={save}
      />
      <ErrorMessage error={setState.error ?? clearState.error} />
      {saved ? <Notice testId="registry-saved">Saved.</Notice> : null}
    </section>
  );
}

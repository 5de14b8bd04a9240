// Dialogs of the canvas: a new service (from git or an image) and a new environment.

import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { AddEnvironmentDocument, CreateServiceDocument, type ServiceCardFragment } from "../../api/generated";
import { Dialog } from "../../components/Dialog";
import { ErrorMessage, SelectField, TextField } from "../../components/ui";

const SERVICE_KINDS = ["web", "worker", "database", "cron"] as const;

export function NewServiceDialog({ open, projectId, onClose, onCreated }: { open: boolean; projectId: string; onClose: () => void; onCreated: (s: ServiceCardFragment) => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<string>("web");
  const [source, setSource] = useState<"git" | "image">("git");
  const [repositoryUrl, setRepositoryUrl] = useState("");
  const [branch, setBranch] = useState("main");
  const [image, setImage] = useState("");
  const [port, setPort] = useState("");
  const [state, create] = useMutation(CreateServiceDocument);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const settings = {
      ...(source === "git" ? { git: { repositoryUrl: repositoryUrl.trim(), branch: branch.trim() || "main" } } : { image: image.trim() }),
      ...(port ? { port: Number(port) } : {}),
    };
    const result = await create({ projectId, name: name.trim(), kind, settings });
    if (result.data) {
      onCreated(result.data.createService);
      setName("");
    }
  };
  return (
    <Dialog open={open} title="New service" onClose={onClose} testId="service-dialog">
      <form onSubmit={onSubmit} className="space-y-3">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="service-name-input" />
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value)} data-testid="service-kind-input">
          {SERVICE_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </SelectField>
        <fieldset>
          <legend className="label">Source</legend>
          <div className="flex gap-4 text-sm">
            <label className="flex items-center gap-1.5">
              <input type="radio" name="source" checked={source === "git"} onChange={() => setSource("git")} /> Git repository
            </label>
            <label className="flex items-center gap-1.5">
              <input type="radio" name="source" checked={source === "image"} onChange={() => setSource("image")} /> Container image
            </label>
          </div>
        </fieldset>
        {source === "git" ? (
          <div className="grid gap-3 sm:grid-cols-[1fr,8rem]">
            <TextField label="Repository URL" value={repositoryUrl} onChange={(e) => setRepositoryUrl(e.target.value)} required placeholder="https://git.example.com/team/app.git" data-testid="service-repo-input" />
            <TextField label="Branch" value={branch} onChange={(e) => setBranch(e.target.value)} data-testid="service-branch-input" />
          </div>
        ) : (
          <TextField label="Image" value={image} onChange={(e) => setImage(e.target.value)} required placeholder="nginx:1.27" data-testid="service-image-input" />
        )}
        {kind === "web" ? (
          <TextField label="Port" type="number" min={1} max={65535} required value={port} onChange={(e) => setPort(e.target.value)} hint="The port the app listens on." data-testid="service-port-input" />
        ) : null}
        <ErrorMessage error={state.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={state.fetching} data-testid="service-create-submit">
            Create service
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function NewEnvironmentDialog({ open, projectId, onClose, onCreated }: { open: boolean; projectId: string; onClose: () => void; onCreated: (id: string) => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState("preview");
  const [state, add] = useMutation(AddEnvironmentDocument);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await add({ projectId, name: name.trim(), kind });
    if (result.data) onCreated(result.data.addEnvironment.id);
  };
  return (
    <Dialog open={open} title="New environment" onClose={onClose} testId="environment-dialog">
      <form onSubmit={onSubmit} className="space-y-3">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="environment-name-input" />
        <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          <option value="preview">preview</option>
          <option value="development">development</option>
          <option value="production">production</option>
        </SelectField>
        <ErrorMessage error={state.error} />
        <div className="flex justify-end gap-2">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={state.fetching || !name.trim()}>
            Add environment
          </button>
        </div>
      </form>
    </Dialog>
  );
}

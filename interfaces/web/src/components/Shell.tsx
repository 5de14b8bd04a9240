// The frame around every signed-in screen: navigation, organisation switcher, theme
// toggle, the user's menu and the offline indicator.

import { type FormEvent, useState } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { useMutation } from "urql";
import { CreateOrganizationDocument } from "../api/generated";
import { useOrg } from "../app/org";
import { useSessionStore } from "../app/session";
import { EmptyState, ErrorMessage, Loading, TextField } from "./ui";
import { OfflineIndicator } from "./OfflineIndicator";
import { ThemeToggle } from "./ThemeToggle";

const NAV = [
  { to: "/projects", label: "Projects", testId: "nav-projects" },
  { to: "/activity", label: "Activity", testId: "nav-activity" },
  { to: "/incidents", label: "Incidents", testId: "nav-incidents" },
  { to: "/infrastructure", label: "Infrastructure", testId: "nav-infrastructure" },
  { to: "/members", label: "Members", testId: "nav-members" },
  { to: "/settings", label: "Settings", testId: "nav-settings" },
];

function OrgSwitcher() {
  const { orgs, org, setOrgId } = useOrg();
  const navigate = useNavigate();
  if (orgs.length === 0) return null;
  return (
    <div>
      <label htmlFor="org-switcher" className="sr-only">
        Organisation
      </label>
      <select
        id="org-switcher"
        data-testid="org-switcher"
        className="input w-auto py-1"
        value={org?.id ?? ""}
        onChange={(e) => {
          setOrgId(e.target.value);
          navigate("/projects");
        }}
      >
        {orgs.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function UserMenu() {
  const { viewer } = useOrg();
  const store = useSessionStore();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const onLogOut = async () => {
    setBusy(true);
    // The session ends on the server, which clears the cookie; it ends here and in the other
    // tabs whatever the answer (offline, or already expired).
    await store.logOut();
    navigate("/login", { replace: true });
  };
  return (
    <div className="flex items-center gap-2" data-testid="user-menu">
      {viewer ? (
        <span className="hidden text-sm muted md:inline" data-testid="viewer-name" title={viewer.email}>
          {viewer.name}
        </span>
      ) : null}
      <button type="button" className="btn btn-ghost" onClick={onLogOut} disabled={busy} data-testid="logout-button">
        Log out
      </button>
    </div>
  );
}

function NoOrganisation() {
  const { refetch, setOrgId } = useOrg();
  const [name, setName] = useState("");
  const [state, create] = useMutation(CreateOrganizationDocument);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await create({ name });
    if (result.data) {
      setOrgId(result.data.createOrganization.id);
      refetch();
    }
  };
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <h1 className="text-xl font-semibold">Welcome to Containr</h1>
      <EmptyState title="You are not in any organisation yet">
        Create one below, or ask an owner to invite you and{" "}
        <NavLink className="link" to="/join">
          join with the invitation
        </NavLink>
        .
      </EmptyState>
      <form onSubmit={onSubmit} className="card space-y-3 p-4" aria-label="Create an organisation">
        <TextField label="Organisation name" value={name} onChange={(e) => setName(e.target.value)} required data-testid="org-name-input" />
        <ErrorMessage error={state.error} />
        <button className="btn btn-primary" disabled={state.fetching || !name.trim()} data-testid="org-create-button">
          Create organisation
        </button>
      </form>
    </div>
  );
}

export function Shell() {
  const { org, fetching, error, viewer } = useOrg();
  const location = useLocation();
  const needsOrg = !location.pathname.startsWith("/join");
  let content = <Outlet />;
  if (needsOrg && !org) {
    if (fetching && !viewer) content = <Loading />;
    else if (error) content = <ErrorMessage error={error} />;
    else content = <NoOrganisation />;
  }
  return (
    <div className="min-h-screen" data-testid="app-shell">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2 dark:focus:bg-slate-900">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-3 px-4 py-2">
          <NavLink to="/projects" className="mr-2 flex items-center gap-2 font-semibold" aria-label="Containr home">
            <span aria-hidden="true" className="inline-block h-5 w-5 rounded bg-indigo-600" />
            Containr
          </NavLink>
          <nav aria-label="Main" className="flex flex-wrap gap-1">
            {NAV.map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                data-testid={item.testId}
                className={({ isActive }) =>
                  `rounded-md px-2.5 py-1.5 text-sm font-medium ${isActive ? "bg-slate-200 text-slate-900 dark:bg-slate-800 dark:text-white" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`
                }
              >
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <OrgSwitcher />
            <ThemeToggle />
            <UserMenu />
          </div>
        </div>
        <OfflineIndicator />
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-6" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}

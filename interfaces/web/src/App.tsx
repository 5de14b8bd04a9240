// Routes: the login and sign-up screens, and the signed-in screens inside the shell
// (each loaded on first visit).

import { lazy, type ReactNode, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { ApiProvider } from "./app/api";
import { OrgProvider } from "./app/org";
import { useSession, useSessionReady } from "./app/session";
import { Shell } from "./components/Shell";
import { Loading } from "./components/ui";
import { JoinBySigningUp, LogIn, SignUp } from "./screens/Auth";

const Projects = lazy(() => import("./screens/Projects"));
const ProjectCanvas = lazy(() => import("./screens/ProjectCanvas"));
const ServicePanel = lazy(() => import("./screens/service/ServicePanel"));
const Members = lazy(() => import("./screens/Members"));
const Infrastructure = lazy(() => import("./screens/Infrastructure"));
const Activity = lazy(() => import("./screens/Activity"));
const Settings = lazy(() => import("./screens/Settings"));
const Incidents = lazy(() => import("./screens/alerts/Incidents"));
const AlertRules = lazy(() => import("./screens/alerts/AlertRules"));
const Join = lazy(() => import("./screens/Join"));
const EnterEnvironment = lazy(() => import("./screens/EnterEnvironment"));
const NotFound = lazy(() => import("./screens/NotFound"));

function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const ready = useSessionReady();
  const location = useLocation();
  if (!ready) return <Loading />; // asking the server whether the cookie holds a session
  if (!session) {
    // An invitation link opened by someone without an account (or not signed in here).
    if (location.pathname === "/join") return <JoinBySigningUp />;
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <OrgProvider>{children}</OrgProvider>;
}

function SignedOutOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  const ready = useSessionReady();
  if (!ready) return <Loading />;
  return session ? <Navigate to="/projects" replace /> : <>{children}</>;
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<SignedOutOnly><LogIn /></SignedOutOnly>} />
      <Route path="/signup" element={<SignedOutOnly><SignUp /></SignedOutOnly>} />
      <Route element={<RequireSession><Shell /></RequireSession>}>
        <Route index element={<Navigate to="/projects" replace />} />
        <Route path="projects" element={<Lazy><Projects /></Lazy>} />
        <Route path="projects/:projectId" element={<Lazy><ProjectCanvas /></Lazy>}>
          <Route path="services/:serviceId" element={<Lazy><ServicePanel /></Lazy>} />
          <Route path="services/:serviceId/:tab" element={<Lazy><ServicePanel /></Lazy>} />
        </Route>
        <Route path="members" element={<Lazy><Members /></Lazy>} />
        <Route path="infrastructure" element={<Lazy><Infrastructure /></Lazy>} />
        <Route path="activity" element={<Lazy><Activity /></Lazy>} />
        <Route path="incidents" element={<Lazy><Incidents /></Lazy>} />
        <Route path="incidents/:incidentId" element={<Lazy><Incidents /></Lazy>} />
        <Route path="alerts/rules" element={<Lazy><AlertRules /></Lazy>} />
        <Route path="settings" element={<Lazy><Settings /></Lazy>} />
        <Route path="join" element={<Lazy><Join /></Lazy>} />
        <Route path="access/enter" element={<Lazy><EnterEnvironment /></Lazy>} />
        <Route path="*" element={<Lazy><NotFound /></Lazy>} />
      </Route>
    </Routes>
  );
}

/** React Router v7's behaviour, opted into now (and its warnings silenced). */
export const ROUTER_FUTURE = { v7_startTransition: true, v7_relativeSplatPath: true } as const;

export function App() {
  return (
    <BrowserRouter future={ROUTER_FUTURE}>
      <ApiProvider>
        <AppRoutes />
      </ApiProvider>
    </BrowserRouter>
  );
}

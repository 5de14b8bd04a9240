// Each custom domain's certificate (issue 18), as the ingress's HTTPS listener serves it now:
// pending, issued (with its expiry) or failed (with the reason). Asked only when the panel
// shows a service with custom domains, and again every minute while it is shown.

import { useEffect } from "react";
import { useQuery } from "urql";
import { ServiceCertificatesDocument } from "../../api/generated";
import { StateBadge, Time } from "../../components/ui";

interface Certificate {
  state: string;
  notAfter: string | null;
  issuer: string | null;
  reason: string | null;
}

export function CertificateList({ domains }: { domains: readonly { host: string; certificate: Certificate | null }[] }) {
  const shown = domains.filter((d) => d.certificate);
  if (!shown.length) return null;
  return (
    <ul className="mt-1 space-y-0.5 text-xs" aria-label="Certificates" data-testid="domain-certificates">
      {shown.map(({ host, certificate: c }) => (
        <li key={host} className="flex flex-wrap items-center gap-1.5" data-testid={`certificate-${host}`}>
          <span className="font-mono">{host}</span>
          <StateBadge state={c!.state} testId="certificate-state" />
          {c!.notAfter ? (
            <span className="muted">
              expires <Time iso={c!.notAfter}>{new Date(c!.notAfter).toLocaleDateString()}</Time>
            </span>
          ) : null}
          {c!.reason ? <span className="muted">{c!.reason}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function DomainCertificates({ serviceId, environmentId }: { serviceId: string; environmentId: string | undefined }) {
  const [result, refetch] = useQuery({ query: ServiceCertificatesDocument, variables: { id: serviceId }, requestPolicy: "network-only" });
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), 60_000);
    return () => clearInterval(timer);
  }, [refetch]);
  const state = result.data?.service.states.find((s) => s.environmentId === environmentId);
  return <CertificateList domains={(state?.urls ?? []).filter((u) => u.custom)} />;
}

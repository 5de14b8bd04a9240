import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CertificateList } from "./DomainCertificates";

describe("domain certificates", () => {
  it("shows each custom domain's certificate state, expiry and reason", () => {
    render(
      <CertificateList
        domains={[
          { host: "shop.example.com", certificate: { state: "issued", notAfter: "2027-03-01T00:00:00Z", issuer: "CN=Caddy", reason: null } },
          { host: "new.example.com", certificate: { state: "pending", notAfter: null, issuer: null, reason: "no certificate yet" } },
          { host: "plain.example.com", certificate: null },
        ]}
      />,
    );
    const issued = screen.getByTestId("certificate-shop.example.com");
    expect(issued.querySelector('[data-state="issued"]')).not.toBeNull();
    expect(issued.textContent).toContain("expires");
    expect(screen.getByTestId("certificate-new.example.com").textContent).toContain("no certificate yet");
    expect(screen.queryByTestId("certificate-plain.example.com")).toBeNull();
  });

  it("shows nothing without an HTTPS listener", () => {
    const { container } = render(<CertificateList domains={[{ host: "a.example.com", certificate: null }]} />);
    expect(container.textContent).toBe("");
  });
});

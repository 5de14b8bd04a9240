import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BackupDestinationsView } from "./BackupDestinations";

const s3 = {
  id: "d1",
  name: "Offsite",
  kind: "s3",
  path: null,
  endpointUrl: "http://minio.local:9000",
  region: "us-east-1",
  bucket: "team-backups",
  prefix: "containr/prod",
  accessKeyId: "AKIAEXAMPLE",
};
const disk = { ...s3, id: "d2", name: "Node disk", kind: "directory", path: "/srv/backups", endpointUrl: null, region: null, bucket: null, prefix: null, accessKeyId: null };

function view(overrides: Partial<Parameters<typeof BackupDestinationsView>[0]> = {}) {
  const props = {
    destinations: [s3, disk],
    canManage: true,
    busy: false,
    error: null,
    tests: {},
    onAdd: vi.fn(),
    onTest: vi.fn(),
    onRemove: vi.fn(),
    ...overrides,
  };
  render(<BackupDestinationsView {...props} />);
  return props;
}

describe("the organisation's backup destinations", () => {
  it("lists directories and S3 places with the access key id, never a secret", () => {
    view();
    expect(screen.getByTestId("destination-d1").textContent).toMatch(/s3:\/\/team-backups\/containr\/prod at http:\/\/minio.local:9000/);
    expect(screen.getByTestId("destination-d1").textContent).toMatch(/access key AKIAEXAMPLE/);
    expect(screen.getByTestId("destination-d2").textContent).toMatch(/\/srv\/backups/);
  });

  it("adds a directory destination with its path", () => {
    const props = view();
    fireEvent.change(screen.getByTestId("destination-name"), { target: { value: "Disk" } });
    fireEvent.change(screen.getByTestId("destination-path"), { target: { value: " /srv/b " } });
    fireEvent.click(screen.getByTestId("destination-add"));
    expect(props.onAdd).toHaveBeenCalledWith({ name: "Disk", kind: "directory", path: "/srv/b" });
  });

  it("adds an S3 destination with its credentials", () => {
    const props = view();
    fireEvent.change(screen.getByTestId("destination-kind"), { target: { value: "s3" } });
    fireEvent.change(screen.getByTestId("destination-name"), { target: { value: "Offsite" } });
    fireEvent.change(screen.getByTestId("destination-bucket"), { target: { value: "team-backups" } });
    fireEvent.change(screen.getByTestId("destination-access-key-id"), { target: { value: "AKIA1" } });
    fireEvent.change(screen.getByTestId("destination-secret"), { target: { value: "s3cret" } });
    expect((screen.getByTestId("destination-secret") as HTMLInputElement).type).toBe("password");
    fireEvent.click(screen.getByTestId("destination-add"));
    expect(props.onAdd).toHaveBeenCalledWith({
      name: "Offsite",
      kind: "s3",
      bucket: "team-backups",
      accessKeyId: "AKIA1",
      secretAccessKey: "s3cret",
      endpointUrl: undefined,
      region: undefined,
      prefix: undefined,
    });
  });

  it("tests and removes a destination, and shows a failed test's reason", () => {
    const props = view({ tests: { d1: { ok: false, reason: "the bucket 'team-backups' does not exist" } } });
    expect(screen.getByTestId("destination-d1-test").textContent).toMatch(/failed: the bucket 'team-backups' does not exist/);
    fireEvent.click(screen.getByTestId("destination-d2-run-test"));
    expect(props.onTest).toHaveBeenCalledWith("d2");
    fireEvent.click(screen.getByTestId("destination-d1-remove"));
    expect(props.onRemove).toHaveBeenCalledWith("d1");
  });

  it("shows a refused destination in words", () => {
    const refusal = { graphQLErrors: [{ message: "the backup destination refused a test write: the bucket 'x' does not exist", extensions: { code: "VALIDATION_FAILED", argument: "bucket" } }] };
    view({ error: refusal });
    expect(screen.getByTestId("error-message").textContent).toMatch(/does not exist/);
  });

  it("lets members see the destinations without changing them", () => {
    view({ canManage: false });
    expect(screen.queryByTestId("backup-destination-form")).toBeNull();
    expect(screen.queryByTestId("destination-d1-remove")).toBeNull();
    expect(screen.getByTestId("backup-destinations").textContent).toMatch(/owners and admins/);
  });
});

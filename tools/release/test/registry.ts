import { mkdir, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { runServer } from "verdaccio";

/** A private npm registry (Verdaccio) on 127.0.0.1 with one user who may publish `@fraud/*`. */
export interface LocalRegistry {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** A token for the registry's one user, as `npm login` would store it. */
  readonly token: string;
  /**
   * An npm user configuration that routes the `@fraud` scope to this registry (with the token)
   * and everything else to the public registry.
   */
  readonly npmrc: string;
  close(): Promise<void>;
}

/**
 * Starts Verdaccio in this process on a free port of 127.0.0.1, storing packages under `dir`.
 * Only the `@fraud` scope is served here; the registry has no uplink, so nothing is proxied.
 */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  const storage = join(dir, "storage");
  await mkdir(storage, { recursive: true });
  const configuration = {
    self_path: join(dir, "config.yaml"),
    storage,
    auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: 10 } },
    uplinks: {},
    packages: { "@fraud/*": { access: "$all", publish: "$authenticated", unpublish: "$authenticated" } },
    security: { api: { legacy: true } },
    log: { type: "stdout", format: "pretty", level: "fatal" },
    max_body_size: "200mb",
  };
  const server = (await runServer(configuration as never)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const token = await addUser(url, "release", "release-check-password");
  const host = `//127.0.0.1:${port}/`;
  const npmrc = join(dir, "npmrc");
  await writeFile(
    npmrc,
    [`@fraud:registry=${url}`, `${host}:_authToken=${token}`, "fund=false", "audit=false", "update-notifier=false", ""].join("\n"),
  );
  return {
    url,
    token,
    npmrc,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Creates a user through the registry's `npm adduser` endpoint and returns its token. */
async function addUser(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, password, type: "user", roles: [], date: new Date().toISOString() }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || typeof body.token !== "string") {
    throw new Error(`registry refused the user: ${response.status} ${body.error ?? ""}`);
  }
  return body.token;
}

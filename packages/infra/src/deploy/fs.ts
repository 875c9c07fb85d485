import { mkdir } from "node:fs/promises";
import { InfraError } from "../errors.js";

/**
 * Makes the folder a deploy file goes into, one level only: the folder's parent must exist. A path
 * the system refuses (`/proc/x`) fails at once, where Node's recursive `mkdir` retries it forever.
 * @throws {@link InfraError} `IO_ERROR` naming the folder and the system's reason.
 * @internal
 */
export async function ensureParentFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return;
    throw new InfraError("IO_ERROR", `${folder}: cannot create the folder (${code ?? (err as Error).message})`, { cause: err });
  }
}

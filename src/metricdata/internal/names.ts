/**
 * Validation of the names that come from the outside (line protocol tags, query parameters, file
 * names) before they become map keys or path components of checkpoint files.
 */

const MAX_NAME_LENGTH = 255;

/**
 * Why `name` cannot be a cluster or host name (and so a directory name below the checkpoint
 * directory), or undefined when it can: it must be 1–255 characters without `/`, `\`, `..`,
 * control characters, and must not be `.`.
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "is empty";
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name === ".") return 'is "."';
  if (name.includes("..")) return 'contains ".."';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2f) return 'contains "/"';
    if (c === 0x5c) return 'contains "\\"';
    if (c < 0x20 || c === 0x7f) return "contains a control character";
  }
  return undefined;
}

export function isValidName(name: string): boolean {
  return nameProblem(name) === undefined;
}

/** A `type-id` (hardware thread number, core index, accelerator PCI address, ...): 1–128 printable characters. */
export function typeIdProblem(id: string): string | undefined {
  if (id.length === 0) return "is empty";
  if (id.length > 128) return "is longer than 128 characters";
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return "contains a control character";
  }
  return undefined;
}

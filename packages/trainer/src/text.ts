/** At most ~80 characters of a value taken from input, for one-line messages. */
export function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** At most ~80 characters of a value taken from input, JSON-quoted, for one-line messages. */
export function quote(value: string): string {
  return JSON.stringify(clip(value));
}

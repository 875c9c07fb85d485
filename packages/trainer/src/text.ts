/** At most ~80 characters of a value taken from input, JSON-quoted, for one-line messages. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

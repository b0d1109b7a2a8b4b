/**
 * Constant SQL texts worth preparing. The `pg` driver then parses and plans each once per connection and sends
 * only Bind/Execute afterwards, instead of the full text to parse and plan on every call. Only texts built once
 * (at module load) belong here: each gets a statement on every pooled connection. PGlite ignores the names.
 */
const names = new Map<string, string>();

/** Registers `text` as a prepared statement and returns it unchanged. */
export function preparedSql(text: string): string {
  if (!names.has(text)) names.set(text, `mp_prepared_${names.size + 1}`);
  return text;
}

/** The statement name of a registered text, or undefined for ad hoc SQL. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

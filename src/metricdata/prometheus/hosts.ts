/**
 * Host names on their way into PromQL and back out of a query's answer. A host name comes from a
 * job's resources (i.e. from whoever started the job), so it is treated as untrusted text: it is
 * regex-escaped for the `=~` matcher and then escaped for the string literal it lands in.
 */

/** The quote a placeholder stands between in a template: PromQL's three string literal kinds. */
export type Quote = '"' | "'" | "`";

/** Why a host name cannot be put into a query, or undefined when it can. */
export function hostNameProblem(host: string): string | undefined {
  if (host.length === 0) return "it is empty";
  if (host.length > 255) return "it is longer than 255 characters";
  // Control characters cannot be written in a raw (backtick) string, and a backtick cannot be
  // escaped inside one; no real host name has either.
  if (/[\u0000-\u001f\u007f]/.test(host)) return "it contains a control character";
  if (host.includes("`")) return "it contains a backtick";
  return undefined;
}

/** RE2 (Prometheus' regex engine) metacharacters, as Go's regexp.QuoteMeta escapes them. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/**
 * A regex matching exactly the given hosts. Prometheus anchors `=~` matchers at both ends, and the
 * group keeps the alternation from swallowing template text around the placeholder.
 */
export function hostsRegex(hosts: readonly string[]): string {
  return `(?:${hosts.map(escapeRegex).join("|")})`;
}

/**
 * Text placed between the given quotes. In double- and single-quoted PromQL strings only the
 * backslash and that quote need escaping; raw strings have no escapes (hence the backtick ban in
 * `hostNameProblem`).
 */
export function escapeForQuote(text: string, quote: Quote): string {
  if (quote === "`") return text;
  return text.replace(quote === '"' ? /["\\]/g : /['\\]/g, "\\$&");
}

/** Labels that commonly name the host of a series, most specific first. */
const HOST_LABELS = ["hostname", "host", "exported_instance", "instance", "node", "nodename"] as const;

/** `n01:9100` → `n01`: exporters' `instance` labels carry the scrape port. */
function withoutPort(value: string): string {
  const match = /^(.+):\d+$/.exec(value);
  return match ? match[1]! : value;
}

/**
 * The host a series of an answer belongs to. With `wanted` (the hosts asked for) a label value
 * only counts if it names one of them, so any label of the template's choice works; without, the
 * first host label present names it.
 */
export function hostOfSeries(labels: Readonly<Record<string, string>>, wanted?: ReadonlySet<string>): string | undefined {
  for (const label of HOST_LABELS) {
    const value = labels[label];
    if (value === undefined || value === "") continue;
    const bare = withoutPort(value);
    if (!wanted) return bare;
    if (wanted.has(value)) return value;
    if (wanted.has(bare)) return bare;
  }
  return undefined;
}

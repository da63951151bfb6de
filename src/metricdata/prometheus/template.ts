/**
 * PromQL templates as cc-backend v1.0 configures them: one per metric, with `{{.Nodes}}` standing
 * for a regex of the hosts asked for, e.g. `node_load1{instance=~"({{.Nodes}}):9100"}`.
 *
 * Upstream ran them through Go's text/template, which pastes the host regex in unescaped. Here the
 * template is parsed once: the placeholder must stand inside a PromQL string literal, and the quote
 * of that literal decides how the host regex is escaped, so no host name can close the string and
 * add PromQL of its own.
 */
import { escapeForQuote, hostsRegex, type Quote } from "./hosts.js";

type Part = string | { quote: Quote };

export interface PromQLTemplate {
  readonly source: string;
  readonly parts: readonly Part[];
}

export class TemplateError extends Error {
  override name = "TemplateError";
}

const PLACEHOLDER = /^\{\{\s*\.Nodes\s*\}\}/;

/** Parses a template; throws TemplateError for one that cannot be rendered safely. */
export function parseTemplate(source: string): PromQLTemplate {
  const parts: Part[] = [];
  let literal = "";
  let quote: Quote | undefined;
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("{{", i)) {
      const placeholder = PLACEHOLDER.exec(source.slice(i));
      if (!placeholder) {
        const end = source.indexOf("}}", i);
        const action = end < 0 ? source.slice(i) : source.slice(i, end + 2);
        throw new TemplateError(`unsupported template action ${JSON.stringify(action)}: only {{.Nodes}} is substituted`);
      }
      if (!quote) throw new TemplateError(`{{.Nodes}} must stand inside a quoted label matcher, e.g. hostname=~"{{.Nodes}}"`);
      parts.push(literal, { quote });
      literal = "";
      i += placeholder[0].length;
      continue;
    }
    const ch = source[i]!;
    literal += ch;
    i++;
    if (!quote) {
      if (ch === '"' || ch === "'" || ch === "`") quote = ch;
      else if (ch === "#") {
        // A comment runs to the end of the line; quotes in it open no string.
        const end = source.indexOf("\n", i);
        const stop = end < 0 ? source.length : end;
        literal += source.slice(i, stop);
        i = stop;
      }
    } else if (ch === "\\" && quote !== "`" && i < source.length) {
      literal += source[i];
      i++;
    } else if (ch === quote) {
      quote = undefined;
    }
  }
  parts.push(literal);
  // A template without the placeholder is allowed: it queries every host, and the answer is still
  // filtered down to the hosts asked for.
  return { source, parts };
}

/** The query for the given hosts; undefined hosts (all of the cluster) match any non-empty value. */
export function renderTemplate(template: PromQLTemplate, hosts: readonly string[] | undefined): string {
  const regex = hosts ? hostsRegex(hosts) : ".+";
  return template.parts.map((p) => (typeof p === "string" ? p : escapeForQuote(regex, p.quote))).join("");
}

import { Client, InvalidCredentialsError, ResultCodeError, SASL_MECHANISMS, type Entry } from "ldapts";
import { parseDuration } from "../config/duration.js";
import type { ProgramConfig } from "../config/generated/config-file.js";
import type { PrismaClient } from "../db/client.js";
import type { Logger } from "../log.js";
import { InputError } from "../services/context.js";
import { addUser } from "../services/users.js";

export type LdapConfig = NonNullable<ProgramConfig["ldap"]>;

export interface LdapSyncOptions {
  /** Overrides config.json's sync_del_old_users. */
  deleteOldUsers?: boolean;
}

export interface LdapSyncResult {
  added: string[];
  removed: string[];
  /** LDAP users not added: the name belongs to a local account or is not a valid user name. */
  skipped: string[];
}

/**
 * Escapes a value for use inside a DN (RFC 4514), so that a user name such as "x,ou=admins" stays one
 * attribute value and cannot move the bind to another entry.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  return chars
    .map((c, i) => {
      if (c === "\0") return "\\00";
      if ('\\,+"<>;='.includes(c)) return `\\${c}`;
      if ((c === " " && (i === 0 || i === chars.length - 1)) || (c === "#" && i === 0)) return `\\${c}`;
      return c;
    })
    .join("");
}

/** ldapts's message for a result code is often just " Code: 0x31" (slapd sends no diagnostic text). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof ResultCodeError)) return error.message;
  const text = error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, "").trim();
  return `${error.name.replace(/Error$/, "")} (LDAP result ${error.code})${text ? `: ${text}` : ""}`;
}

function firstValue(entry: Entry, attribute: string): string | undefined {
  // Servers answer with the attribute name as stored ("UID", "uid"), so look it up without case.
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === "string" ? first : first.toString("utf8");
}

/** The LDAP server of config.json's `ldap` section: password checks by bind, and the user-table sync. */
export class LdapDirectory {
  /** sync_interval in seconds; 0 means no periodic sync. */
  readonly syncIntervalSeconds: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: LdapConfig,
    private readonly adminPassword: string | undefined,
    options: { timeoutMs?: number } = {},
  ) {
    this.syncIntervalSeconds = parseDuration(config.sync_interval ?? "");
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  private client(): Client {
    // Without both timeouts a server that accepts the connection but never answers hangs the login.
    return new Client({ url: this.config.url, timeout: this.timeoutMs, connectTimeout: this.timeoutMs });
  }

  /** True when LDAP accepts the password for the user's bind DN; false for every failure, never throws. */
  async authenticate(username: string, password: string): Promise<boolean> {
    // An empty password is an unauthenticated bind (RFC 4513 5.1.2), which many servers accept.
    if (username.length === 0 || password.length === 0) return false;
    const dn = this.config.user_bind.replaceAll("{username}", escapeDnValue(username));
    // ldapts treats a bind "DN" that equals a SASL mechanism name ("EXTERNAL") as a SASL bind.
    if ((SASL_MECHANISMS as readonly string[]).includes(dn)) return false;
    const client = this.client();
    try {
      await client.bind(dn, password);
      return true;
    } catch {
      return false;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /**
   * Brings the user table in line with LDAP as cc-backend does: LDAP users missing from the table are
   * added (ldap = 1, role user, no password); users with ldap = 1 that LDAP no longer has are deleted
   * only with sync_del_old_users. Local accounts are never changed.
   */
  async sync(prisma: PrismaClient, options: LdapSyncOptions = {}): Promise<LdapSyncResult> {
    if (!this.adminPassword) {
      // Binding without it would be an anonymous bind that may see no users and then delete them all.
      throw new Error(`LDAP sync needs the password of ${this.config.search_dn}: set LDAP_ADMIN_PASSWORD in .env`);
    }
    const usernameAttribute = this.config.username_attr ?? "uid";
    const inLdap = new Map<string, string | undefined>();
    const client = this.client();
    try {
      try {
        await client.bind(this.config.search_dn, this.adminPassword);
      } catch (error) {
        const hint = error instanceof InvalidCredentialsError ? "; check LDAP_ADMIN_PASSWORD" : "";
        throw new Error(`bind as ${this.config.search_dn} failed: ${describeError(error)}${hint}`);
      }
      // Paged, so that a server-side size limit (Active Directory: 1000) cannot hide users and get them deleted.
      const { searchEntries } = await client.search(this.config.user_base, {
        scope: "sub",
        filter: this.config.user_filter,
        attributes: [usernameAttribute, "gecos", "cn"],
        paged: { pageSize: 500 },
      });
      for (const entry of searchEntries) {
        const username = firstValue(entry, usernameAttribute);
        if (username) inLdap.set(username, firstValue(entry, "gecos") ?? firstValue(entry, "cn"));
      }
    } catch (error) {
      throw new Error(`LDAP server ${this.config.url}: ${describeError(error)}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }

    const stored = new Map((await prisma.user.findMany({ select: { username: true, ldap: true } })).map((u) => [u.username, u.ldap === 1]));
    const result: LdapSyncResult = { added: [], removed: [], skipped: [] };
    for (const [username, name] of inLdap) {
      const isLdapUser = stored.get(username);
      if (isLdapUser === true) continue;
      if (isLdapUser === false) {
        result.skipped.push(username);
        continue;
      }
      try {
        await addUser(prisma, { username, name, roles: ["user"], ldap: 1 });
        result.added.push(username);
      } catch (error) {
        // A name the user table refuses (spaces, colons) or one added meanwhile must not stop the others.
        if (!(error instanceof InputError)) throw error;
        result.skipped.push(username);
      }
    }
    if (options.deleteOldUsers ?? this.config.sync_del_old_users ?? false) {
      for (const [username, isLdapUser] of stored) {
        if (!isLdapUser || inLdap.has(username)) continue;
        const { count } = await prisma.user.deleteMany({ where: { username, ldap: 1 } });
        if (count > 0) result.removed.push(username);
      }
    }
    return result;
  }
}

/** setInterval's longest delay; a longer one (sync_interval "720h") would make Node fire every millisecond. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs the sync every `intervalSeconds` (none when 0). A failed sync is logged and retried at the next
 * interval; it never ends the process. Returns a function that stops the schedule.
 */
export function startPeriodicSync(directory: LdapDirectory, prisma: PrismaClient, intervalSeconds: number, logger: Logger): () => void {
  if (!(intervalSeconds > 0)) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    // A slow server must not pile up overlapping syncs.
    if (running) return;
    running = true;
    directory
      .sync(prisma)
      .then((result) => logger.info(result, "LDAP sync done"))
      .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, "LDAP sync failed"))
      .finally(() => {
        running = false;
      });
  }, Math.min(intervalSeconds * 1000, MAX_TIMER_MS));
  timer.unref();
  return () => clearInterval(timer);
}

import { graphql } from "../generated/graphql/index.js";
import { client } from "../graphql/client.js";

/**
 * The web UI settings of who is logged in (config ui-defaults overlaid with their own values), read
 * with the `userSettings` query and written with cc-backend's `updateConfiguration` — the one place
 * every view keeps its options (plots per row, selected metrics, jobs per page).
 */
export const UserSettingsQuery = graphql(`
  query AppUserSettings {
    userSettings
  }
`);

const SaveSettingDocument = graphql(`
  mutation AppSaveUserSetting($name: String!, $value: String!) {
    updateConfiguration(name: $name, value: $value)
  }
`);

export type Settings = Record<string, unknown>;

/** What the server sent at start (CurrentUserProvider), updated by every save in this page. */
let snapshot: Settings = {};

export function rememberSettings(settings: unknown): void {
  snapshot = asSettings(settings);
}

/** All settings as last seen. */
export function currentSettings(): Settings {
  return snapshot;
}

/** One setting as last seen (undefined when the user never set it and there is no default). */
export function setting(name: string): unknown {
  return snapshot[name];
}

export function asSettings(value: unknown): Settings {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Settings) : {};
}

/** The current settings from the server (urql's cache answers repeated reads). */
export async function loadSettings(): Promise<Settings> {
  const result = await client.query(UserSettingsQuery, {}, { requestPolicy: "network-only" }).toPromise();
  if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
  return asSettings(result.data?.userSettings);
}

/** Stores one setting of the current user (its value as JSON). */
export async function saveSetting(name: string, value: unknown): Promise<void> {
  const result = await client.mutation(SaveSettingDocument, { name, value: JSON.stringify(value) }).toPromise();
  if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
  snapshot = { ...snapshot, [name]: value };
}

/** A positive integer setting, else the fallback. */
export function intSetting(settings: Settings, key: string, fallback: number): number {
  const value = Number(settings[key]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export function stringSetting(settings: Settings, key: string, fallback: string): string {
  const value = settings[key];
  return typeof value === "string" ? value : fallback;
}

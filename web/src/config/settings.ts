import { graphql } from "../generated/graphql/index.js";

/** The UI settings of the logged-in user (ui-defaults overlaid with what they saved). */
export const UserSettingsDocument = graphql(`
  query ConfigUserSettings {
    currentUser {
      username
      roles
    }
    userSettings
  }
`);

export const SaveSettingDocument = graphql(`
  mutation ConfigSaveSetting($name: String!, $value: String!) {
    updateConfiguration(name: $name, value: $value)
  }
`);

export type Settings = Record<string, unknown>;

export function asSettings(config: unknown): Settings {
  return typeof config === "object" && config !== null && !Array.isArray(config) ? (config as Settings) : {};
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

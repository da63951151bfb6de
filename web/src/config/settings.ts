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

export { asSettings, intSetting, stringSetting, type Settings } from "../app/user-settings.js";

import { createSignal, For, Show, type JSX } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { client } from "../graphql/client.js";
import { createFreshQuery } from "../systems/common.js";
import { AdminSettings } from "./Admin.js";
import { saveSetting } from "../app/user-settings.js";
import { asSettings, intSetting, UserSettingsDocument, type Settings } from "./settings.js";

/** /config — plot options for everyone; user administration for admins. */
export default function Config() {
  const me = createFreshQuery(UserSettingsDocument, () => ({}));
  return (
    <>
      <h1 class="h4 mb-3">
        <i class="bi bi-gear me-2" aria-hidden="true" />
        Settings
      </h1>
      <QueryView resource={me} what="your settings">
        {(data) => (
          <>
            <Show when={data.currentUser.roles.includes("admin")}>
              <AdminSettings />
            </Show>
            <PlotSettings settings={asSettings(data.userSettings)} />
          </>
        )}
      </QueryView>
    </>
  );
}

/** Colour schemes for the time-series plots; the first is the server's default. */
const COLOR_SCHEMES: readonly (readonly [name: string, colors: readonly string[]])[] = [
  ["Default", ["#00bfff", "#0000ff", "#ff00ff", "#ff0000", "#ff8000", "#ffff00", "#80ff00"]],
  ["Categorical", ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]],
  ["Viridis", ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"]],
  ["Warm", ["#7f0000", "#b30000", "#d7301f", "#ef6548", "#fc8d59", "#fdbb84", "#fdd49e", "#fee8c8"]],
  ["Cool", ["#081d58", "#253494", "#225ea8", "#1d91c0", "#41b6c4", "#7fcdbb", "#c7e9b4", "#edf8b1"]],
  ["Greys", ["#000000", "#252525", "#525252", "#737373", "#969696", "#bdbdbd", "#d9d9d9"]],
];

const JOBS_PER_PAGE = [10, 25, 50, 100];

type SaveState = { kind: "idle" } | { kind: "saving" } | { kind: "saved" } | { kind: "error"; message: string };

/** One setting as a form of its own: its inputs, a Save button, and what became of the last save. */
function SettingForm(props: { id: string; title: string; help: string; settingKey: string; value: () => unknown; children: JSX.Element }) {
  const [state, setState] = createSignal<SaveState>({ kind: "idle" });
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setState({ kind: "saving" });
    try {
      await saveSetting(props.settingKey, props.value());
      setState({ kind: "saved" });
    } catch (error) {
      setState({ kind: "error", message: (error as Error).message });
    }
  };
  const s = state;
  const errorMessage = () => {
    const current = state();
    return current.kind === "error" ? current.message : undefined;
  };
  return (
    <form class="card h-100" onSubmit={submit} aria-labelledby={`${props.id}-title`} data-testid={`setting-${props.settingKey}`}>
      <div class="card-body d-flex flex-column">
        <h3 class="h6 card-title" id={`${props.id}-title`}>
          {props.title}
        </h3>
        <div class="mb-2">{props.children}</div>
        <p class="form-text mt-0" id={`${props.id}-help`}>
          {props.help}
        </p>
        <div class="mt-auto d-flex align-items-center gap-2">
          <button type="submit" class="btn btn-primary btn-sm" disabled={s().kind === "saving"}>
            Save
          </button>
          <Show when={s().kind === "saved"}>
            <span class="text-success small" role="status">
              <i class="bi bi-check-circle me-1" aria-hidden="true" />
              Saved
            </span>
          </Show>
          <Show when={errorMessage()}>
            {(message) => (
              <span class="text-danger small" role="alert">
                {message()}
              </span>
            )}
          </Show>
        </div>
      </div>
    </form>
  );
}

function PlotSettings(props: { settings: Settings }) {
  const [lineWidth, setLineWidth] = createSignal(intSetting(props.settings, "plot_general_lineWidth", 3));
  const [perRow, setPerRow] = createSignal(intSetting(props.settings, "plot_view_plotsPerRow", 3));
  const [jobsPerPage, setJobsPerPage] = createSignal(intSetting(props.settings, "plot_list_jobsPerPage", 50));
  const [background, setBackground] = createSignal(props.settings["plot_general_colorBackground"] !== false);
  const stored = props.settings["plot_general_colorscheme"];
  const initialScheme = COLOR_SCHEMES.find(([, colors]) => Array.isArray(stored) && colors.join() === stored.join())?.[0] ?? (Array.isArray(stored) ? "" : "Default");
  const [scheme, setScheme] = createSignal(initialScheme);
  const perPageOptions = () => (JOBS_PER_PAGE.includes(jobsPerPage()) ? JOBS_PER_PAGE : [...JOBS_PER_PAGE, jobsPerPage()].sort((a, b) => a - b));

  return (
    <section class="card mb-4" aria-labelledby="plot-options-title">
      <div class="card-header">
        <h2 class="h5 mb-0" id="plot-options-title">
          Plotting options
        </h2>
      </div>
      <div class="card-body">
        <div class="row row-cols-1 row-cols-md-2 row-cols-xl-4 g-3 mb-3">
          <div class="col">
            <SettingForm id="line-width" title="Line width" help="Width of the lines in time-series plots, in pixels." settingKey="plot_general_lineWidth" value={lineWidth}>
              <label class="visually-hidden" for="line-width-input">
                Line width
              </label>
              <input id="line-width-input" class="form-control" type="number" min="1" max="10" required value={lineWidth()} onInput={(e) => setLineWidth(e.currentTarget.valueAsNumber)} aria-describedby="line-width-help" />
            </SettingForm>
          </div>
          <div class="col">
            <SettingForm id="plots-per-row" title="Plots per row" help="How many plots the job, systems and node views put next to each other." settingKey="plot_view_plotsPerRow" value={perRow}>
              <label class="visually-hidden" for="plots-per-row-input">
                Plots per row
              </label>
              <input id="plots-per-row-input" class="form-control" type="number" min="1" max="6" required value={perRow()} onInput={(e) => setPerRow(e.currentTarget.valueAsNumber)} aria-describedby="plots-per-row-help" />
            </SettingForm>
          </div>
          <div class="col">
            <SettingForm id="jobs-per-page" title="Jobs per page" help="How many jobs a job list shows at once." settingKey="plot_list_jobsPerPage" value={jobsPerPage}>
              <label class="visually-hidden" for="jobs-per-page-input">
                Jobs per page
              </label>
              <select id="jobs-per-page-input" class="form-select" value={String(jobsPerPage())} onChange={(e) => setJobsPerPage(Number(e.currentTarget.value))} aria-describedby="jobs-per-page-help">
                <For each={perPageOptions()}>{(n) => <option value={String(n)}>{n}</option>}</For>
              </select>
            </SettingForm>
          </div>
          <div class="col">
            <SettingForm id="background" title="Coloured backgrounds" help="Colour the background of job plots by how the metric compares with its thresholds." settingKey="plot_general_colorBackground" value={background}>
              <fieldset>
                <legend class="visually-hidden">Coloured backgrounds</legend>
                <div class="form-check form-check-inline">
                  <input class="form-check-input" type="radio" name="background" id="background-yes" checked={background()} onChange={() => setBackground(true)} />
                  <label class="form-check-label" for="background-yes">
                    Yes
                  </label>
                </div>
                <div class="form-check form-check-inline">
                  <input class="form-check-input" type="radio" name="background" id="background-no" checked={!background()} onChange={() => setBackground(false)} />
                  <label class="form-check-label" for="background-no">
                    No
                  </label>
                </div>
              </fieldset>
            </SettingForm>
          </div>
        </div>
        <SettingForm
          id="color-scheme"
          title="Colour scheme"
          help="Colours of the lines in time-series plots with many series."
          settingKey="plot_general_colorscheme"
          value={() => COLOR_SCHEMES.find(([name]) => name === scheme())?.[1] ?? stored}
        >
          <fieldset>
            <legend class="visually-hidden">Colour scheme</legend>
            <Show when={scheme() === ""}>
              <p class="small text-body-secondary">You use a custom colour scheme; choose one below to replace it.</p>
            </Show>
            <div class="row row-cols-1 row-cols-md-2 row-cols-xl-3 g-2">
              <For each={COLOR_SCHEMES}>
                {([name, colors]) => (
                  <div class="col">
                    <div class="form-check">
                      <input class="form-check-input" type="radio" name="color-scheme" id={`scheme-${name}`} value={name} checked={scheme() === name} onChange={() => setScheme(name)} />
                      <label class="form-check-label d-flex align-items-center gap-2" for={`scheme-${name}`}>
                        <span style={{ "min-width": "6.5rem" }}>{name}</span>
                        <span aria-hidden="true" class="d-inline-flex gap-1">
                          <For each={colors}>
                            {(color) => <span class="d-inline-block rounded-circle border" style={{ width: "0.8rem", height: "0.8rem", "background-color": color }} />}
                          </For>
                        </span>
                      </label>
                    </div>
                  </div>
                )}
              </For>
            </div>
          </fieldset>
        </SettingForm>
      </div>
    </section>
  );
}

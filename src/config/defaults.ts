import type { ProgramConfig } from "./generated/config-file.js";

/** cc-backend v1.0's defaults for every key a config.json may leave out. */
export const DEFAULTS = {
  addr: "localhost:8080",
  "disable-authentication": false,
  "embed-static-files": true,
  "db-driver": "sqlite3",
  db: "./var/job.db",
  archive: { kind: "file", path: "./var/job-archive" },
  "disable-archive": false,
  validate: false,
  "session-max-age": "168h",
  "jwt-max-age": "0",
  "stop-jobs-exceeding-walltime": 0,
  "short-running-jobs-duration": 300,
  clusters: [],
  "ui-defaults": {
    analysis_view_histogramMetrics: ["flops_any", "mem_bw", "mem_used"],
    analysis_view_scatterPlotMetrics: [
      ["flops_any", "mem_bw"],
      ["flops_any", "cpu_load"],
      ["cpu_load", "mem_bw"],
    ],
    job_view_nodestats_selectedMetrics: ["flops_any", "mem_bw", "mem_used"],
    job_view_polarPlotMetrics: ["flops_any", "mem_bw", "mem_used"],
    job_view_selectedMetrics: ["flops_any", "mem_bw", "mem_used"],
    plot_general_colorBackground: true,
    plot_general_colorscheme: ["#00bfff", "#0000ff", "#ff00ff", "#ff0000", "#ff8000", "#ffff00", "#80ff00"],
    plot_general_lineWidth: 3,
    plot_list_jobsPerPage: 50,
    plot_list_selectedMetrics: ["cpu_load", "mem_used", "flops_any", "mem_bw"],
    plot_view_plotsPerRow: 3,
    plot_view_showPolarplot: true,
    plot_view_showRoofline: true,
    plot_view_showStatTable: true,
    system_view_selectedMetric: "cpu_load",
  },
} satisfies ProgramConfig;

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("logging", () => {
  it("never writes secrets: passwords, tokens and cookies are redacted", () => {
    // The real logger writes to stderr (fd 2), so it is exercised in a child process.
    const script = `
      import { createLogger } from ${JSON.stringify(path.resolve(import.meta.dirname, "../src/log.ts"))};
      const log = createLogger({ level: "debug" });
      log.info({ password: "hunter2", user: { password: "hunter3" }, token: "eyJhbGciOi.secret.sig", req: { headers: { authorization: "Bearer eyJ.secret", cookie: "session=abc" } } }, "login attempt");
    `;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    expect(result.stderr).toContain("login attempt");
    for (const secret of ["hunter2", "hunter3", "eyJhbGciOi.secret.sig", "Bearer eyJ.secret", "session=abc"]) expect(result.stderr).not.toContain(secret);
    expect(result.stderr).toContain("[redacted]");
  });
});

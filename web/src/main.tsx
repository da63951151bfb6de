import "bootstrap/dist/css/bootstrap.min.css";
import { Route, Router } from "@solidjs/router";
import { render } from "solid-js/web";
import { JobList } from "./jobs/JobList.js";
import { Layout, NotFound } from "./layout/Layout.js";
import { LoginPage } from "./login/LoginPage.js";

render(
  () => (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={Layout}>
        <Route path={["/", "/monitoring/jobs"]} component={JobList} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  ),
  document.getElementById("app")!,
);

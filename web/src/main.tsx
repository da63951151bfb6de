import "bootstrap/dist/css/bootstrap.min.css";
import "bootstrap-icons/font/bootstrap-icons.min.css";
import { Route, Router } from "@solidjs/router";
import { lazy, type ParentProps } from "solid-js";
import { render } from "solid-js/web";
import { CurrentUserProvider } from "./app/current-user.js";
import { Layout, NotFound } from "./layout/Layout.js";
import { LoginPage } from "./login/LoginPage.js";

// One chunk per view: the first page loads only what it shows.
const Home = lazy(() => import("./home/Home.js"));
const JobList = lazy(() => import("./jobs/JobList.js"));
const JobView = lazy(() => import("./job/JobView.js"));
const ListView = lazy(() => import("./lists/ListView.js"));
const UserView = lazy(() => import("./lists/UserView.js"));
const TagList = lazy(() => import("./tags/TagList.js"));
const Analysis = lazy(() => import("./analysis/Analysis.js"));
const Systems = lazy(() => import("./systems/Systems.js"));
const NodeView = lazy(() => import("./systems/NodeView.js"));
const Status = lazy(() => import("./status/Status.js"));
const Config = lazy(() => import("./config/Config.js"));

render(
  () => (
    <Router>
      <Route path="/login" component={LoginPage} />
      <Route
        path="/"
        component={(props: ParentProps) => (
          <CurrentUserProvider>
            <Layout>{props.children}</Layout>
          </CurrentUserProvider>
        )}
      >
        {/* The routes of cc-backend v1.0 (internal/routerConfig/routes.go). */}
        <Route path="/" component={Home} />
        <Route path="/monitoring/jobs" component={JobList} />
        <Route path="/monitoring/job/:id" component={JobView} />
        <Route path="/monitoring/users" component={() => <ListView type="USER" />} />
        <Route path="/monitoring/projects" component={() => <ListView type="PROJECT" />} />
        <Route path="/monitoring/user/:id" component={UserView} />
        <Route path="/monitoring/tags" component={TagList} />
        <Route path="/monitoring/analysis/:cluster" component={Analysis} />
        <Route path="/monitoring/systems/:cluster" component={Systems} />
        <Route path="/monitoring/node/:cluster/:hostname" component={NodeView} />
        <Route path="/monitoring/status/:cluster" component={Status} />
        <Route path="/config" component={Config} />
        <Route path="*" component={NotFound} />
      </Route>
    </Router>
  ),
  document.getElementById("app")!,
);
